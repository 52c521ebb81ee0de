"""Moves of the staffing search, read from the judgement of a plan.

``model_step``: the iterative step (Feldman, Mandelbaum, Massey & Whitt's idea for time-varying
queues: simulate the current staffing, then restaff each interval from what the simulation
showed). For a real-time target, the Erlang C curve of the interval's offered load is shifted to
pass through the simulated mean, and the interval gets the fewest agents meeting the target on
the shifted curve; for deferred work, the work still waiting past its deadline at the end of the
interval (beyond the share the target allows) is turned into agents for that interval. The step
aims at the expected value; the confidence comes from the confirmation on fresh seeds.

``removals`` and ``shortfalls``: the exact one-agent checks of a confirmation round.
"""

from __future__ import annotations

import math

import numpy as np

from cccsim.staffing.erlang import kpi_value, servers_for
from cccsim.staffing.measure import Judgement
from cccsim.staffing.problem import Problem

MAX_UP = 6  # agents one model step may add to an interval
MAX_DOWN = 3  # and take away


def model_step(
    problem: Problem,
    plan: np.ndarray,
    now: Judgement,
    before: tuple[np.ndarray, Judgement] | None = None,
) -> np.ndarray:
    """The next plan for groups sized by themselves (clusters of one group).

    ``before``: the previous plan and its judgement on the same seeds; where an interval fell
    short in both, the secant through the two simulated points may ask for a bigger step.
    """
    shape = problem.shape
    need = np.full(shape, -math.inf)
    short = np.zeros(shape, dtype=bool)
    gaps = now.gap(problem.checks, bound=False)
    old_gaps = before[1].gap(problem.checks, bound=False) if before is not None else None
    load = problem.load
    for k, check in enumerate(problem.checks):
        g = problem.owners[k][0]
        if len(problem.cluster_of(g)) > 1:
            continue  # a mix of groups: chosen by cost (staffing.mix)
        for i in np.flatnonzero(np.isfinite(gaps[k]) & ~problem.fixed[g]):
            n, gap = int(plan[g, i]), float(gaps[k, i])
            if check.deferred:
                # one more agent answers interval ÷ handle contacts of those due here
                due = max(float(now.count[k, i]), 1.0)
                slope = problem.model.interval / problem.deferred_handle(k) / due
                req = n - gap / slope
            elif load.load[g, i] <= 0:
                req = n + (1.0 if gap < 0 else 0.0)
            else:
                value = float(now.mean[k, i])
                slots = problem.slots[k]
                args = (float(load.load[g, i]), float(load.handle[g, i]))
                t = check.target
                model_now = kpi_value(
                    t.kpi,
                    n * slots,
                    args[0] * slots,
                    args[1],
                    t.threshold or 0.0,
                    problem.patience[k],
                )
                req = servers_for(
                    check,
                    *args,
                    problem.patience[k],
                    slots,
                    offset=value - model_now if math.isfinite(model_now) else 0.0,
                    lowest=int(problem.floor[g, i]),
                )
            if before is not None and old_gaps is not None and gap < 0:
                n0, gap0 = int(before[0][g, i]), float(old_gaps[k, i])
                if n0 != n and gap0 < 0 and math.isfinite(gap0):
                    slope = (gap - gap0) / (n - n0)
                    if slope > 1e-9:
                        req = max(req, n - gap / slope)
            need[g, i] = max(need[g, i], req)
            short[g, i] |= gap < 0
    new = plan.copy()
    moved = np.isfinite(need)
    wanted = np.ceil(np.where(moved, need, 0) - 1e-9).astype(np.int64)
    wanted = np.clip(wanted, plan - MAX_DOWN, plan + MAX_UP)
    wanted = np.maximum(np.maximum(wanted, plan + short), problem.floor)
    new[moved] = wanted[moved]
    return new


def shortfalls(problem: Problem, plan: np.ndarray, now: Judgement) -> np.ndarray:
    """(group, interval) where a check the group answers first does not hold (deferred work:
    in the interval its answers were due)."""
    out = np.zeros(problem.shape, dtype=bool)
    for k in range(len(problem.checks)):
        out[problem.owners[k][0]] |= ~now.held[k]
    return out & ~problem.fixed


def removable(problem: Problem, plan: np.ndarray) -> np.ndarray:
    """(group, interval) where one agent fewer may be tried: searched, not fixed, above the
    floor."""
    out = np.zeros(problem.shape, dtype=bool)
    rows = list(problem.searched)
    out[rows] = (plan[rows] > problem.floor[rows]) & (plan[rows] > 0)
    return out & ~problem.fixed


def deferred_removal_holds(
    problem: Problem, g: int, removed: np.ndarray, trial: Judgement
) -> np.ndarray:
    """Intervals where one agent fewer of group ``g`` (removed at ``removed`` in ``trial``) still
    lets every deferred check the group can move hold in every later interval (the backlog it
    leaves behind is worked off in time)."""
    affected = problem.affected(g)
    ok = np.ones(problem.shape[1], dtype=bool)
    for k, check in enumerate(problem.checks):
        if affected[k] and check.deferred:
            ok &= np.logical_and.accumulate(trial.held[k][::-1])[::-1]  # held from i on
    return ok & removed
