"""Moves of the staffing search, read from the judgement of a plan.

``model_step``: the iterative step (Feldman, Mandelbaum, Massey & Whitt's idea for time-varying
queues: simulate the current staffing, then restaff each interval from what the simulation
showed). For a real-time target, the Erlang C curve of the interval's offered load is shifted to
pass through the simulated mean and gives the fewest agents meeting the target; what earlier
rounds showed brackets it (``bracket``). Deferred work is staffed by its work spread over the
deadline windows, scaled per deadline by how its contacts fared. The step aims at the expected
value; the confidence comes from the confirmation on fresh seeds.

``additions``, ``removable`` and ``deferred_removal_holds``: the one-agent moves of a
confirmation round; ``shortfalls``: where a check does not hold.
"""

from __future__ import annotations

import math

import numpy as np

from cccsim.staffing.bracket import FAR, Bracket
from cccsim.staffing.estimate import MAX_SHIFT, Curve
from cccsim.staffing.measure import Check, Judgement
from cccsim.staffing.problem import Problem, deferred_need


def model_step(problem: Problem, plan: np.ndarray, now: Judgement, bracket: Bracket) -> np.ndarray:
    """The next plan for groups sized by themselves (clusters of one group): each interval gets
    the most that any of its real-time checks asks for (``Bracket.propose`` on the model's
    answer), and at least the real-time load plus its deferred work spread over the deadline
    windows (``Bracket.rescale``)."""
    shape = problem.shape
    need = np.full(shape, -math.inf)
    gaps = now.gap(problem.checks, bound=False)
    for k, check in enumerate(problem.checks):
        g = problem.owners[k][0]
        if len(problem.cluster_of(g)) > 1:
            continue  # a mix of groups: chosen by cost (staffing.mix)
        if check.deferred:
            bracket.rescale(k, check, now.mean[k], shape[1])
            continue
        blind = np.zeros(shape[1], dtype=bool)
        model = np.full(shape[1], np.nan)
        for i in np.flatnonzero(np.isfinite(gaps[k]) & ~problem.fixed[g]):
            n, curve = int(plan[g, i]), problem.curves[k][i]
            if curve is None:
                model[i] = n + (1.0 if gaps[k, i] < 0 else 0.0)
                continue
            shift = curve.shift(n, float(now.mean[k, i]))
            blind[i] = gaps[k, i] < 0 and shift <= -MAX_SHIFT + 0.01  # off the curve
            model[i] = _fewest(check, curve, shift, int(problem.floor[g, i]), 5 * n + 40)
        bound = check.target.at_least if check.target.at_least is not None else check.target.at_most
        far = FAR * (abs(bound) if bound else 1.0)
        bracket.record(k, plan[g], np.where(problem.fixed[g], np.nan, gaps[k]), blind, far)
        for i in np.flatnonzero(np.isfinite(model)):
            need[g, i] = max(need[g, i], bracket.propose(k, int(i), int(plan[g, i]), model[i]))
    judged = np.isfinite(need)
    wanted = np.ceil(np.where(judged, need, 0) - 1e-9).astype(np.int64)
    owner = [o[0] for o in problem.owners]
    deferred = deferred_need(problem.spreads, owner, problem.load.load, bracket.scale)
    moved = (judged | (deferred > 0)) & ~problem.fixed
    wanted = np.maximum(np.maximum(wanted, deferred), problem.floor)
    new = plan.copy()
    new[moved] = wanted[moved]
    return new


def _fewest(check: Check, curve: Curve, shift: float, lowest: int, highest: int) -> float:
    """Fewest agents from ``lowest`` up meeting the check on the curve moved by ``shift``."""
    for n in range(max(lowest, 0), highest + 1):
        value = curve.at(max(n + shift, 0.0))
        if check.gap(np.array([value]))[0] >= -1e-12:
            return float(n)
    return float(highest)


def shortfalls(problem: Problem, plan: np.ndarray, now: Judgement) -> np.ndarray:
    """(group, interval) where a check the group answers first does not hold (deferred work:
    in the interval its answers were due)."""
    out = np.zeros(problem.shape, dtype=bool)
    for k in range(len(problem.checks)):
        out[problem.owners[k][0]] |= ~now.held[k]
    return out & ~problem.fixed


def additions(problem: Problem, plan: np.ndarray, now: Judgement) -> np.ndarray:
    """(group, interval) that gets one more agent: where a real-time check does not hold, and,
    for deferred work whose contacts due in an interval missed their deadline, the first
    interval their work could be done in (capacity early clears the backlog for every later
    deadline; capacity in the due interval itself only helps the last of them)."""
    out = np.zeros(problem.shape, dtype=bool)
    for k, check in enumerate(problem.checks):
        g = problem.owners[k][0]
        missed = ~now.held[k]
        if not check.deferred:
            out[g] |= missed
            continue
        works = problem.spreads[k].load() > 1e-9
        since = problem.since(k)
        for d in np.flatnonzero(missed):
            window = np.flatnonzero(works[since[d] : d + 1])
            out[g, since[d] + (window[0] if window.size else d - since[d])] = True
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
