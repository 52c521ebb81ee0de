"""The search's two phases on top of the simulation rounds.

``search``: rounds on the search's own seeds (common random numbers), each restaffing every
interval from what the simulation of the current plan showed (``steps.model_step``; a mix of
groups by ``mix.mix_step``), until a round changes nothing.

``confirm``: rounds on fresh seeds, each simulating the plan and, for every interval at once,
the plan with one agent fewer — in every second interval per run, so that an interval and the
next one (which inherits its queue) are judged with only that interval changed. What the
fresh seeds show is pooled over the rounds (``evidence``). An interval whose target does not
hold gets an agent; one whose agent could go without any target of it or of the next interval
missing loses it — unless it has been given an agent back twice after falling short (on the
edge of its target an interval would otherwise swing between two numbers). The plan is
final when a round changes nothing: on seeds the search never used, it holds everywhere and no
single agent can go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from cccsim.scenario import Scenario
from cccsim.staffing.bracket import Bracket
from cccsim.staffing.evidence import Evidence
from cccsim.staffing.measure import Judgement
from cccsim.staffing.mix import MixInfo, choose_down, choose_up, mix_step, mix_variants
from cccsim.staffing.problem import Problem
from cccsim.staffing.rounds import Outcome, Rounds
from cccsim.staffing.steps import (
    additions,
    deferred_removal_holds,
    model_step,
    removable,
)


@dataclass
class Confirmed:
    """The plan after the confirmation rounds, and what the fresh seeds showed of it."""

    plan: np.ndarray
    judgement: Judgement  # every fresh run of the final plan's intervals, pooled
    outcome: Outcome  # the plan on the last block of fresh seeds (with its KPI frames)
    block: int
    clean: bool  # the last round changed nothing (held everywhere, no agent could go)
    moved: np.ndarray  # intervals changed by the last round (rounds ran out)


def search(rounds: Rounds, plan: np.ndarray, cap: int) -> tuple[np.ndarray, MixInfo, bool]:
    """Restaff on the search's seeds until a round moves no interval by more than one agent
    (the confirmation checks one agent either way), or ``cap`` rounds.

    Returns the plan, what was learnt about the groups of each mix, and whether it settled.
    """
    problem = rounds.problem
    info = MixInfo.empty(problem)
    bracket = Bracket.empty(len(problem.checks), problem.shape[1])
    while rounds.rounds < cap:
        extra = mix_variants(problem, plan)
        outs = rounds.simulate([plan, *[v for _, v in extra]], 0, costs=bool(extra), phase="search")
        now = outs[0].judgement
        new = model_step(problem, plan, now, bracket)
        if extra:
            info = MixInfo.learn(problem, plan, outs[0], extra, outs[1:])
            new = mix_step(problem, plan, new, now, info)
        settled = bool(np.abs(new - plan).max(initial=0) <= 1) and not (bracket.streak >= 2).any()
        rounds.log[-1].update(
            moved=int(np.count_nonzero(new != plan)),
            moved_far=int(np.count_nonzero(np.abs(new - plan) > 1)),
        )
        plan = new
        if settled:
            return plan, info, True
    return plan, info, False


def confirm(
    rounds: Rounds,
    plan: np.ndarray,
    info: MixInfo,
    scenario_of: Callable[[np.ndarray], Scenario],
) -> Confirmed:
    """Confirmation rounds on fresh seeds until one changes nothing or the rounds run out."""
    problem = rounds.problem
    evidence = Evidence(problem, rounds.confidence)
    # an interval given an agent back on fresh seeds a second time is on the edge of its target:
    # it keeps that agent (it would otherwise swing between two numbers)
    kept = np.zeros_like(plan)
    raised = np.zeros_like(plan)
    while True:
        block = rounds.fresh_block()
        trials = _removal_trials(problem, plan)
        outs = rounds.simulate(
            [plan, *[v for _, _, v in trials]], block, scenario=scenario_of(plan), phase="confirm"
        )
        for (_, _, variant), out in zip([(None, None, plan), *trials], outs, strict=True):
            evidence.add(variant, out)
        now = evidence.judge(plan)
        up = choose_up(problem, plan, additions(problem, plan, now), now, info)
        deferred_ok = np.zeros(problem.shape, dtype=bool)
        for (rows, mask, _), out in zip(trials, outs[1:], strict=True):
            for g in rows:
                deferred_ok[g] |= deferred_removal_holds(problem, g, mask[g], out.judgement)
        holds = np.zeros(problem.shape, dtype=bool)
        can = removable(problem, plan)
        for g in problem.searched:
            holds[g] = evidence.removal_holds(plan, g) & deferred_ok[g] & can[g]
        down = choose_down(problem, holds, info) & ~_cluster_any(problem, up) & (plan > kept)
        rounds.log[-1].update(added=int(up.sum()), removed=int(down.sum()))
        if not up.any() and not down.any():
            return Confirmed(plan, now, outs[0], block, True, down)
        plan = plan + up - down
        raised = raised + up
        kept = np.where((up > 0) & (raised >= 2), plan, kept)
        if rounds.rounds >= rounds.max_rounds:
            break
    # rounds ran out while the plan still moved: run the last plan once more on fresh seeds
    block = rounds.fresh_block()
    final = rounds.simulate([plan], block, scenario=scenario_of(plan), phase="final check")[0]
    evidence.add(plan, final)
    return Confirmed(plan, evidence.judge(plan), final, block, False, up | down)


def _removal_trials(
    problem: Problem, plan: np.ndarray
) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """Plans with one agent fewer in every second interval, one group of each cluster at a
    time: (groups, where removed, plan)."""
    can = removable(problem, plan)
    layers = max((len(c) for c in problem.clusters), default=0)
    out = []
    for parity in (0, 1):
        every_second = np.zeros(problem.shape[1], dtype=bool)
        every_second[parity::2] = True
        for layer in range(layers):
            rows = [c[layer] for c in problem.clusters if len(c) > layer]
            mask = np.zeros(problem.shape, dtype=bool)
            mask[rows] = can[rows] & every_second
            if mask.any():
                out.append((rows, mask, plan - mask))
    return out


def _cluster_any(problem: Problem, cells: np.ndarray) -> np.ndarray:
    """Spread ``cells`` (group, interval) to every group of the same cluster."""
    out = np.zeros(cells.shape, dtype=bool)
    for cluster in problem.clusters:
        rows = list(cluster)
        out[rows] = cells[rows].any(axis=0)
    return out
