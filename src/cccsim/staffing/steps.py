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
from dataclasses import dataclass

import numpy as np

from cccsim.staffing.estimate import Curve
from cccsim.staffing.measure import Check, Judgement
from cccsim.staffing.problem import Problem, deferred_need

MAX_UP = 6  # agents one model step may add to an interval (or a quarter of them, if more)
MAX_DOWN = 3  # and take away (or a tenth)


@dataclass
class Bracket:
    """What the search's own seeds showed of each (group, interval), round after round: the
    most agents found short and the fewest found enough (common random numbers make them
    consistent), and how many rounds in a row it fell short (each one lets the step grow)."""

    short: np.ndarray  # most agents found short (−1: none)
    enough: np.ndarray  # fewest agents found enough (a large number: none)
    streak: np.ndarray  # rounds in a row found short
    scale: dict[int, np.ndarray]  # per deferred check: the work of each deadline, scaled

    @staticmethod
    def empty(shape: tuple[int, int]) -> Bracket:
        return Bracket(
            np.full(shape, -1, dtype=np.int64),
            np.full(shape, 1 << 30, dtype=np.int64),
            np.zeros(shape, dtype=np.int64),
            {},
        )

    def update(self, plan: np.ndarray, short: np.ndarray, judged: np.ndarray) -> None:
        self.short = np.where(judged & short, np.maximum(self.short, plan), self.short)
        self.enough = np.where(judged & ~short, np.minimum(self.enough, plan), self.enough)
        crossed = self.short >= self.enough  # the neighbours moved the goalposts: start over
        self.short[crossed], self.enough[crossed] = -1, 1 << 30
        self.streak = np.where(judged & short, self.streak + 1, 0)


def model_step(problem: Problem, plan: np.ndarray, now: Judgement, bracket: Bracket) -> np.ndarray:
    """The next plan for groups sized by themselves (clusters of one group).

    Each interval moves to what the model says it needs, by at most ``MAX_UP`` agents up (or a
    quarter of its agents) and ``MAX_DOWN`` down (or a tenth). An interval short in two rounds
    in a row moves by the full step, doubled with every further round: the model is no guide
    there (a backlog that more agents clear only slowly). Moves stay inside what the earlier
    rounds showed: above the most agents found short, at or below the fewest found enough
    (halfway between them when the model points outside).
    """
    shape = problem.shape
    need = np.full(shape, -math.inf)
    short = np.zeros(shape, dtype=bool)
    judged = np.zeros(shape, dtype=bool)
    gaps = now.gap(problem.checks, bound=False)
    for k, check in enumerate(problem.checks):
        g = problem.owners[k][0]
        if len(problem.cluster_of(g)) > 1:
            continue  # a mix of groups: chosen by cost (staffing.mix)
        if check.deferred:
            _rescale(bracket, k, check, now.mean[k], problem.shape[1])
            continue
        for i in np.flatnonzero(np.isfinite(gaps[k]) & ~problem.fixed[g]):
            n, gap = int(plan[g, i]), float(gaps[k, i])
            curve = problem.curves[k][i]
            if curve is None:
                req = n + (1.0 if gap < 0 else 0.0)
            else:
                shift = curve.shift(n, float(now.mean[k, i]))
                req = _fewest(check, curve, shift, int(problem.floor[g, i]), n + 4 * n + 40)
            need[g, i] = max(need[g, i], req)
            short[g, i] |= gap < 0
            judged[g, i] = True
    bracket.update(plan, short, judged)
    up = np.maximum(MAX_UP, plan // 4) * 2 ** np.maximum(bracket.streak - 1, 0)
    wanted = np.ceil(np.where(judged, need, 0) - 1e-9).astype(np.int64)
    wanted = np.clip(wanted, plan - np.maximum(MAX_DOWN, plan // 10), plan + up)
    # short again after a step the model thought enough: the model is no guide here, so the
    # step doubles until the interval holds, then the bracket is halved
    wanted = np.where(bracket.streak >= 2, np.maximum(wanted, plan + up), wanted)
    low, high = bracket.short + 1, bracket.enough
    known = high < (1 << 30)
    outside = known & ((wanted < low) | (wanted > high))
    wanted = np.where(outside, (low + high) // 2, np.clip(wanted, low, None))
    wanted = np.where(known, np.minimum(wanted, high), wanted)
    # deferred work: the real-time load plus the (scaled) work spread over deadline windows
    owner = [o[0] for o in problem.owners]
    deferred = deferred_need(problem.spreads, owner, problem.load.load, bracket.scale)
    moved = (judged | (deferred > 0)) & ~problem.fixed
    wanted = np.maximum(np.where(judged, wanted, 0), deferred)
    wanted = np.maximum(wanted, problem.floor)
    new = plan.copy()
    new[moved] = wanted[moved]
    return new


def _rescale(bracket: Bracket, k: int, check: Check, share: np.ndarray, n: int) -> None:
    """Scale the work due in each interval until its contacts meet the target: up by half while
    too many missed their deadline, down by a fifth while they are in time, then halving the
    bracket between the largest scale found short and the smallest found enough (in log)."""
    scale = bracket.scale.setdefault(k, np.ones(n))
    low = bracket.scale.setdefault(-1 - k, np.zeros(n))  # largest scale found short
    high = bracket.scale.setdefault(-1001 - k, np.full(n, np.inf))  # smallest found enough
    seen = np.isfinite(share)
    short = seen & (check.meets(share) == 0)
    low[short] = np.maximum(low[short], scale[short])
    enough = seen & ~short
    high[enough] = np.minimum(high[enough], scale[enough])
    crossed = low >= high
    low[crossed], high[crossed] = 0.0, np.inf
    both = (low > 0) & np.isfinite(high)
    scale[:] = np.where(
        both,
        np.sqrt(np.maximum(low, 1e-9) * high),
        np.where(short, scale * 1.5, np.where(enough, scale * 0.8, scale)),
    )


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
