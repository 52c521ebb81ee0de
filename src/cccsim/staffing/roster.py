"""From the required agents on duty to a roster that gives them, checked as rostered.

The integer program (``shifts.solve_shifts``) chooses agents per shift. The roster is then put on
duty exactly as the engine does (``model.shifts.shift_changes``: shrinkage and adherence rounded
per shift, breaks staggered among the agents on duty), and every interval whose time-averaged
agents on duty fall short of the requirement gets the cheapest shift that raises them (one more
agent on the allowed shift with the fewest paid hours that adds an agent there). The roster is
then simulated on fresh seeds; an interval whose target does not hold needs one more agent on
duty (two, four, … while it keeps falling short), and is repaired the same way, until every
interval holds (or ``ROSTER_ROUNDS`` simulations have run).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cccsim.model.shifts import shift_changes
from cccsim.scenario import Scenario, apply_overrides
from cccsim.scenario.schema import Shift
from cccsim.staffing.problem import step_mean
from cccsim.staffing.rounds import Outcome, Rounds
from cccsim.staffing.shifts import (
    ShiftSolution,
    candidate_shifts,
    paid_hours,
    shift_as_data,
    shifts_frame,
    solve_shifts,
)
from cccsim.staffing.steps import shortfalls

ROSTER_ROUNDS = 6  # simulations of the roster after the search's rounds


@dataclass
class Rostered:
    """The roster, its scenario, and its simulation on the last fresh seeds."""

    scenario: Scenario
    shifts: pd.DataFrame
    outcome: Outcome
    block: int
    on_duty: np.ndarray  # (groups, intervals): agents on duty as the engine puts them
    held: bool  # every interval held on the last fresh seeds


class Roster:
    """Agents per allowed shift of one group, with its agents on duty kept exact per shift
    (on duty adds up over shifts: each shift's agents are rounded on their own)."""

    def __init__(self, sc: Scenario, name: str, candidates: dict[str, Shift], available: float):
        self.sc, self.name, self.candidates, self.available = sc, name, candidates, available
        self.edges = np.minimum(np.arange(sc.n_intervals + 1) * sc.interval, sc.horizon)
        self.agents = dict.fromkeys(candidates, 0)
        self._cache: dict[tuple[str, int], np.ndarray] = {}
        self.paid = {n: paid_hours(sc, s) for n, s in candidates.items()}

    def contribution(self, shift: str, agents: int) -> np.ndarray:
        """Agents on duty per interval that ``agents`` on ``shift`` give, as the engine does."""
        key = (shift, agents)
        if key not in self._cache:
            one = self.candidates[shift].model_copy(update={"agents": agents})
            changes = shift_changes({shift: one}, self.sc, self.available)
            self._cache[key] = step_mean(changes, self.edges)
        return self._cache[key]

    def on_duty(self) -> np.ndarray:
        total = np.zeros(self.sc.n_intervals)
        for shift, agents in self.agents.items():
            if agents:
                total += self.contribution(shift, agents)
        return total

    def add_cheapest(self, interval: int) -> bool:
        """One more agent on duty in ``interval`` from the shift with the fewest paid hours per
        agent added there; False if no allowed shift can add one."""
        best: tuple[float, str, int] | None = None
        for shift, agents in self.agents.items():
            now = self.contribution(shift, agents)[interval]
            for more in range(1, 1 + int(np.ceil(1 / self.available)) + 1):
                gain = self.contribution(shift, agents + more)[interval] - now
                if gain > 0.5:
                    cost = self.paid[shift] * more
                    if best is None or cost < best[0]:
                        best = (cost, shift, more)
                    break
        if best is None:
            return False
        self.agents[best[1]] += best[2]
        return True

    def repair(self, required: np.ndarray) -> None:
        """Add the cheapest shifts until every interval's agents on duty reach ``required``."""
        while True:
            short = np.flatnonzero(self.on_duty() < required - 1e-9)
            if not short.size or not self.add_cheapest(int(short[0])):
                return

    def shifts(self) -> dict[str, Shift]:
        return {
            n: self.candidates[n].model_copy(update={"agents": a})
            for n, a in self.agents.items()
            if a > 0
        }


def roster(rounds: Rounds, required: np.ndarray, shift_length: float) -> Rostered:
    """The cheapest roster giving ``required`` agents on duty, repaired until it holds."""
    problem = rounds.problem
    sc = problem.scenario
    need = required.copy()
    rosters: dict[int, Roster] = {}
    solutions = []
    for g in problem.searched:
        name = problem.model.groups[g].name
        own = sc.agent_groups[name].shifts
        candidates = (
            {n: s.model_copy(update={"agents": 0}) for n, s in own.items()}
            if own
            else candidate_shifts(sc, shift_length)
        )
        avail = float(problem.available[g])
        solution = solve_shifts(sc, name, need[g], candidates, available=avail)
        solutions.append(solution)
        rosters[g] = Roster(sc, name, candidates, avail)
        for shift, s in solution.shifts.items():
            rosters[g].agents[shift] = s.agents
    extra = 0
    streak = np.zeros(need.shape, dtype=np.int64)
    while True:
        for g, r in rosters.items():
            r.repair(need[g])
        rostered = apply_overrides(sc, _overrides(rosters))
        block = rounds.fresh_block()
        out = rounds.simulate([need], block, scenario=rostered, phase="roster")[0]
        short = shortfalls(problem, need, out.judgement)
        extra += 1
        if not short.any() or extra >= ROSTER_ROUNDS:
            break
        # one more agent on duty where it fell short, doubling while it keeps falling short
        # (all of a shift on a fixed break at once leaves a gap that averages hide)
        streak = np.where(short, streak + 1, 0)
        need = need + np.where(short, 2 ** np.maximum(streak - 1, 0), 0)
    on_duty = np.zeros(problem.shape)
    for g, r in rosters.items():
        on_duty[g] = r.on_duty()
    final = [
        ShiftSolution(
            r.name,
            r.shifts(),
            r.on_duty(),
            sum(r.paid[n] * a for n, a in r.agents.items()),
            optimal=s.optimal,
            message=s.message,
        )
        for r, s in zip(rosters.values(), solutions, strict=True)
    ]
    return Rostered(rostered, shifts_frame(final, sc), out, block, on_duty, not short.any())


def _overrides(rosters: dict[int, Roster]) -> dict[str, object]:
    out: dict[str, object] = {}
    for r in rosters.values():
        out[f"agent_groups.{r.name}.staff"] = None
        out[f"agent_groups.{r.name}.shifts"] = {n: shift_as_data(s) for n, s in r.shifts().items()}
    return out
