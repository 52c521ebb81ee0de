"""Staffing search: the fewest agents per interval that meet the scenario's targets, confirmed on
seeds the search never used (see docs/guides/staffing-and-routing.md, "The staffing search").

1. Start: the Erlang C staffing of each interval's offered load with its lag, never below the
   floor that keeps the queue stable; intervals of the warm-up keep it (they are not measured).
2. Search (``confirm.search``): restaff every interval from the simulation of the current plan
   on the search's seeds, until a round changes nothing.
3. Confirm (``confirm.confirm``): on fresh seeds, the plan must hold in every interval and no
   single agent may go; otherwise adjust and confirm again on new seeds.
4. Shifts (``roster``): the cheapest roster covering the plan as the engine puts it on duty,
   simulated and repaired until every interval holds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.combine import combine
from cccsim.experiment.executors import open_executor
from cccsim.experiment.replicate import as_scenario
from cccsim.experiment.runner import Point
from cccsim.model import build_model
from cccsim.results import ExperimentResult, Shown
from cccsim.scenario import Scenario, apply_overrides
from cccsim.staffing.confirm import confirm, search
from cccsim.staffing.frames import kpi_frame, staff_frame, status_of
from cccsim.staffing.problem import Problem, build_problem, scheduled_for
from cccsim.staffing.roster import roster
from cccsim.staffing.rounds import Rounds


@dataclass(repr=False)
class StaffingPlan(Shown):
    """What the search found: the staffing per interval, how each target fares, the scenario.

    ``staff``: one row per searched group and interval — ``required`` agents on duty (what the
    search found), ``agents`` scheduled (the plan: per-interval staff, or the roster's heads on
    shift), ``on_duty`` the agents the engine puts on duty from them (after shrinkage,
    adherence, rounding and breaks; a time average), ``erlang`` the Erlang start, ``floor`` the
    stability floor, ``status`` how the interval's search ended. ``kpis``: per target and
    interval on the final fresh seeds — mean, one-sided bounds, ``held`` (the bound meets the
    target), ``p_meet`` (share of those replications meeting it). ``result``: every frame of the
    plan's simulation on those seeds (no run is repeated for it). With shifts, ``shifts`` lists
    the agents per shift and ``scenario`` staffs the groups with them.
    """

    staff: pd.DataFrame
    kpis: pd.DataFrame
    scenario: Scenario
    result: ExperimentResult
    rounds: int
    converged: bool
    confidence: float
    changes: dict[str, Any]  # dotted-path overrides that turn the input scenario into ``scenario``
    shifts: pd.DataFrame | None = None
    replications: int = 0
    rounds_log: list[dict[str, Any]] | None = None

    @property
    def agent_hours(self) -> float:
        """Scheduled agent-hours over the horizon."""
        s = self.staff
        return float((s.agents * self.scenario.interval).sum() / 3600)


def search_staffing(
    scenario: Scenario | str | Path | Mapping[str, Any],
    *,
    groups: Sequence[str] | None = None,
    replications: int = 30,
    seed: int = 0,
    confidence: float = 0.9,
    max_rounds: int = 8,
    shifts: bool = False,
    shift_length: float = 8 * 3600,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StaffingPlan:
    """Find the fewest agents per interval of the searched ``groups`` (default and ``["all"]``:
    every group that answers a targeted contact type) meeting every target in every interval,
    with the cheapest mix where several groups answer the same contacts.

    Each confirmation round simulates ``replications`` replications per plan tried on fresh
    seeds (the search rounds half as many, at least 10); ``max_rounds`` caps the rounds (a last
    check on fresh seeds follows if the plan still moved). With ``shifts``, also
    choose how many agents start each allowed shift (the group's own shifts, else shifts of
    ``shift_length`` starting at any interval on any day) at the least paid time, and check the
    roster by simulation. The plan is the same on any ``backend``.
    """
    if replications < 2:
        raise ExperimentError("the staffing search needs at least 2 replications per round")
    if not 0.5 <= confidence < 1:
        raise ExperimentError("confidence must be in [0.5, 1)")
    if max_rounds < 1:
        raise ExperimentError("max_rounds must be at least 1")
    sc = as_scenario(scenario)
    problem = build_problem(sc, build_model(sc), groups)
    with open_executor(backend, workers, cluster) as pool:
        rounds = Rounds(problem, pool, replications, seed, confidence, max_rounds, progress)
        start = problem.start.copy()
        found, info, _settled = search(rounds, start, cap=max(1, max_rounds - 2))
        done = confirm(
            rounds, found, info, lambda p: apply_overrides(sc, _staff_changes(problem, p))
        )
        plan_scenario = apply_overrides(sc, _staff_changes(problem, done.plan))
        shift_table = None
        covered = None
        outcome, block, final = done.outcome, done.block, done.judgement
        if shifts:
            rostered = roster(rounds, done.plan, shift_length)
            plan_scenario, shift_table = rostered.scenario, rostered.shifts
            outcome, block, covered = rostered.outcome, rostered.block, rostered.on_duty
            final = outcome.judgement
    changes = _changes_from(problem, plan_scenario)
    first = block * replications
    result = combine(
        [Point(plan_scenario.name, plan_scenario)],
        {plan_scenario.name: outcome.results(first)},
        seed,
        confidence,
        0.0,
        {"staffing_search": {"rounds": rounds.rounds, "fresh_block": block}},
    )
    status = status_of(problem, done, final)
    staff = staff_frame(problem, done.plan, plan_scenario, status, covered)
    kpis = kpi_frame(problem, final)
    converged = bool(done.clean and final.held.all())
    return StaffingPlan(
        staff,
        kpis,
        plan_scenario,
        result,
        rounds.rounds,
        converged,
        confidence,
        changes,
        shift_table,
        replications,
        rounds.log,
    )


def _staff_changes(problem: Problem, plan: np.ndarray) -> dict[str, Any]:
    """Overrides that staff each searched group per interval with the plan's scheduled agents."""
    out: dict[str, Any] = {}
    for g in problem.searched:
        name = problem.model.groups[g].name
        out[f"agent_groups.{name}.staff"] = scheduled_for(
            plan[g], float(problem.available[g])
        ).tolist()
        out[f"agent_groups.{name}.shifts"] = {}
    return out


def _changes_from(problem: Problem, plan_scenario: Scenario) -> dict[str, Any]:
    """The overrides that turn the input scenario into the plan's (staff or shifts per group)."""
    out: dict[str, Any] = {}
    for g in problem.searched:
        name = problem.model.groups[g].name
        group = plan_scenario.agent_groups[name]
        if group.shifts:
            from cccsim.staffing.shifts import shift_as_data

            out[f"agent_groups.{name}.staff"] = None
            out[f"agent_groups.{name}.shifts"] = {
                n: shift_as_data(s) for n, s in group.shifts.items()
            }
        else:
            out[f"agent_groups.{name}.staff"] = group.staff
            out[f"agent_groups.{name}.shifts"] = {}
    return out
