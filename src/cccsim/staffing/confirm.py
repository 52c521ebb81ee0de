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

SETTLE_SHARE = 0.02  # of the staffed intervals, at most, may still move by two or more


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
    """Restaff on the search's seeds until a round leaves no more than ``SETTLE_SHARE`` of the
    staffed intervals (none on fewer than 50) unsettled — moved by more than one agent, or
    still far short after a doubled step (the confirmation checks one agent either way) — or
    ``cap`` rounds.

    Returns the plan, what was learnt about the groups of each mix, and whether it settled.
    """
    problem = rounds.problem
    info = MixInfo.empty(problem)
    bracket = Bracket.empty(len(problem.checks), problem.shape[1])
    allowed = int(SETTLE_SHARE * np.count_nonzero(plan > 0))
    while rounds.rounds < cap:
        extra = mix_variants(problem, plan)
        outs = rounds.simulate([plan, *[v for _, v in extra]], 0, costs=bool(extra), phase="search")
        now = outs[0].judgement
        new = model_step(problem, plan, now, bracket)
        if extra:
            info = MixInfo.learn(problem, plan, outs[0], extra, outs[1:])
            new = mix_step(problem, plan, new, now, info)
        # still far: moved by two or more, or far short after a doubled step
        far = np.abs(new - plan) > 1
        for k, owners in enumerate(problem.owners):
            far[owners[0]] |= bracket.streak[k] >= 2
        unsettled = int(np.count_nonzero(far))
        rounds.log[-1].update(moved=int(np.count_nonzero(new != plan)), unsettled=unsettled)
        settled = unsettled <= allowed
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
    # deferred work is judged on a trial's own run: its verdict on one agent fewer is kept
    # (``known``) until the interval changes; groups without deferred work need none
    deferred = np.zeros(problem.shape[0], dtype=bool)
    for g in problem.searched:
        deferred[g] = any(
            a and c.deferred for a, c in zip(problem.affected(g), problem.checks, strict=True)
        )
    deferred_ok = np.repeat(~deferred[:, None], problem.shape[1], axis=1)
    known = deferred_ok.copy()
    while True:
        block = rounds.fresh_block()
        # what earlier rounds decided is not simulated again: one agent fewer is tried only
        # where no run has tried it with the neighbours as planned, and the plan's run counts
        # only where no run has judged the interval as staffed now
        retry = removable(problem, plan) & (plan > kept)
        for g in problem.searched:
            retry[g] &= ~(evidence.tried(plan, g) & known[g])
        trials = _removal_trials(problem, plan, retry)
        fresh = ~evidence.covered(plan)
        outs = rounds.simulate(
            [plan, *[v for _, _, v in trials]], block, scenario=scenario_of(plan), phase="confirm"
        )
        evidence.add(plan, outs[0], fresh)
        for (_, _, variant), out in zip(trials, outs[1:], strict=True):
            evidence.add(variant, out, ~evidence.alike(variant, plan))
        now = evidence.judge(plan)
        up = choose_up(problem, plan, additions(problem, plan, now), now, info)
        for (rows, mask, _), out in zip(trials, outs[1:], strict=True):
            for g in rows:
                if deferred[g]:
                    ok = deferred_removal_holds(problem, g, mask[g], out.judgement)
                    deferred_ok[g, mask[g]] = ok[mask[g]]
                    known[g] |= mask[g]
        holds = np.zeros(problem.shape, dtype=bool)
        can = removable(problem, plan)
        for g in problem.searched:
            holds[g] = evidence.removal_holds(plan, g) & deferred_ok[g] & can[g]
        down = choose_down(problem, holds, info) & ~_cluster_any(problem, up) & (plan > kept)
        rounds.log[-1].update(tried=int(retry.sum()), added=int(up.sum()), removed=int(down.sum()))
        if not up.any() and not down.any():
            return Confirmed(plan, now, outs[0], block, True, down)
        plan = plan + up - down
        known &= ~((up != 0) | down) | ~deferred[:, None]
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
    problem: Problem, plan: np.ndarray, retry: np.ndarray
) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
    """Plans with one agent fewer where ``retry`` says, never in two adjacent intervals of a
    run (an interval and the next one, which inherits its queue, are judged with only that
    interval changed), one group of each cluster at a time: (groups, where removed, plan).
    Isolated intervals share one plan; a stretch of adjacent ones alternates between two."""
    layers = max((len(c) for c in problem.clusters), default=0)
    out = []
    for layer in range(layers):
        rows = [c[layer] for c in problem.clusters if len(c) > layer]
        masks = np.zeros((2, *problem.shape), dtype=bool)
        for g in rows:
            for i in np.flatnonzero(retry[g]):
                side = 1 if i > 0 and masks[0, g, i - 1] else 0
                masks[side, g, i] = True
        out += [(rows, m, plan - m) for m in masks if m.any()]
    return out


def _cluster_any(problem: Problem, cells: np.ndarray) -> np.ndarray:
    """Spread ``cells`` (group, interval) to every group of the same cluster."""
    out = np.zeros(cells.shape, dtype=bool)
    for cluster in problem.clusters:
        rows = list(cluster)
        out[rows] = cells[rows].any(axis=0)
    return out
