"""The cheapest mix of groups that answer the same contacts (in-house and an outsourcer, say),
with the routing as written and each group's own prices.

The idea of Cezik & L'Ecuyer (2008) for multi-skill centres, per interval: simulate the plan and
the plan with one more agent of each group of the mix (the same seeds: common random numbers);
the differences give, per target and interval, what an agent of each group adds (a linear cut
through the simulated point), and the operating cost the project's pricing charges for it (a
group paid per hour costs its paid time, one paid for its work the work it takes over). Each
interval then gets the cheapest whole numbers of agents that satisfy every cut — a small integer
program — within a trust region around the plan, and the round repeats until it settles.

Limits: the cuts are local (a mix far from the start is reached over several rounds, and the
result is a local optimum of the cuts, not a proof of the global one); an agent's effect on the
next interval's queue is not priced into the choice (the confirmation rounds check it).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from cccsim.staffing.measure import Judgement, mean_costs
from cccsim.staffing.problem import Problem
from cccsim.staffing.rounds import Outcome

_TINY = 1e-6  # per agent: among mixes of the same cost, the fewest agents
_ENUMERATE = 20_000  # mixes per interval tried one by one; more go to the integer program


@dataclass
class MixInfo:
    """What one more agent of each group adds: ``gain`` (checks, groups, intervals) in each
    check's bound, ``cost`` (groups, intervals) in operating cost; NaN where not learnt."""

    gain: np.ndarray
    cost: np.ndarray

    @staticmethod
    def empty(problem: Problem) -> MixInfo:
        g, n = problem.shape
        return MixInfo(np.full((len(problem.checks), g, n), np.nan), np.full((g, n), np.nan))

    @staticmethod
    def learn(
        problem: Problem,
        plan: np.ndarray,
        base: Outcome,
        variants: list[tuple[list[int], np.ndarray]],
        outcomes: list[Outcome],
    ) -> MixInfo:
        """Finite differences of every check's bound and of the cost per interval."""
        info = MixInfo.empty(problem)
        gap0 = base.judgement.gap(problem.checks, bound=False)
        cost0 = mean_costs(base.replications).sum(axis=0)
        for (rows, _), out in zip(variants, outcomes, strict=True):
            gap1 = out.judgement.gap(problem.checks, bound=False)
            gain = np.where(np.isfinite(gap0) & np.isfinite(gap1), gap1 - gap0, 0.0)
            cost1 = mean_costs(out.replications).sum(axis=0)
            for g in rows:
                info.gain[:, g, :] = np.maximum(gain, 0.0)  # an agent more never hurts
                info.cost[g] = cost1 - cost0
        return info


def mixes(problem: Problem) -> list[tuple[int, ...]]:
    """Clusters with more than one group: their mix is chosen by cost."""
    return [c for c in problem.clusters if len(c) > 1]


def mix_variants(problem: Problem, plan: np.ndarray) -> list[tuple[list[int], np.ndarray]]:
    """Plans with one agent more of one group of every mix, in every searched interval."""
    groups = mixes(problem)
    out = []
    for layer in range(max((len(c) for c in groups), default=0)):
        rows = [c[layer] for c in groups if len(c) > layer]
        more = plan.copy()
        more[rows] += ~problem.fixed[rows]
        out.append((rows, more))
    return out


def mix_step(
    problem: Problem, plan: np.ndarray, new: np.ndarray, now: Judgement, info: MixInfo
) -> np.ndarray:
    """``new`` with each mix's intervals restaffed by the cheapest mix satisfying the cuts."""
    gaps = now.gap(problem.checks, bound=False)
    for cluster in mixes(problem):
        rows = list(cluster)
        mine = [k for k, o in enumerate(problem.owners) if set(o) & set(cluster)]
        floor = problem.floor[rows].max(axis=0)
        for i in np.flatnonzero(~problem.fixed[rows[0]]):
            current = plan[rows, i]
            cuts = []
            for k in mine:
                gap = gaps[k, i]
                gain = info.gain[k, rows, i]
                if not np.isfinite(gap) or not np.isfinite(gain).all():
                    continue
                if gain.sum() <= 1e-12:
                    if gap < 0:  # nothing measured helps: one more of the first group
                        cuts.append((np.eye(len(rows))[0], 1.0))
                    continue
                # gap + gain · (y − current) ≥ 0
                cuts.append((gain, float(gain @ current - gap)))
            # an agent that costs nothing (or seems to save money) still counts a little: among
            # mixes of equal cost the fewest agents, and no free agents without end
            price = np.maximum(np.nan_to_num(info.cost[rows, i], nan=0.0), 0.0) + _TINY
            new[rows, i] = _cheapest(current, cuts, price, int(floor[i]))
    return new


def _cheapest(
    current: np.ndarray, cuts: list[tuple[np.ndarray, float]], price: np.ndarray, floor: int
) -> np.ndarray:
    """The cheapest whole agents per group with every cut a·y ≥ b and Σ y ≥ ``floor``, within
    a trust region around ``current`` (if none, one more agent where it helps most)."""
    total = int(current.sum())
    reach = max(6, total // 2)
    low = np.maximum(current - max(3, total // 2), 0)
    high = current + reach
    a = np.array([c for c, _ in cuts] + [np.ones(current.size)])
    b = np.array([v for _, v in cuts] + [float(floor)])
    sizes = high - low + 1
    if int(np.prod(sizes)) <= _ENUMERATE:
        grid = np.array(
            list(itertools.product(*(range(lo, hi + 1) for lo, hi in zip(low, high, strict=True))))
        )
        ok = (grid @ a.T >= b - 1e-9).all(axis=1)
        if ok.any():
            costs = grid[ok] @ price
            return grid[ok][int(np.argmin(costs))]
    else:
        res = milp(
            c=price,
            constraints=LinearConstraint(a, lb=b - 1e-9, ub=np.inf),
            integrality=np.ones(current.size),
            bounds=Bounds(low, high),
        )
        if res.status == 0 and res.x is not None:
            return np.round(res.x).astype(np.int64)
    # no mix in reach satisfies the cuts: one more agent of the group that helps most per cost
    help_ = a[:-1].sum(axis=0) if len(cuts) else np.ones(current.size)
    best = int(np.argmax(help_ / np.maximum(price, _TINY)))
    out = current.copy()
    out[best] += 1
    return out


def choose_up(
    problem: Problem, plan: np.ndarray, short: np.ndarray, now: Judgement, info: MixInfo
) -> np.ndarray:
    """One more agent where a check falls short: in a mix, of the group that adds the most to
    the failing checks per unit of cost (the first group when nothing was learnt)."""
    up = short.copy()
    for cluster in mixes(problem):
        rows = list(cluster)
        failing = ~now.held
        for i in np.flatnonzero(short[rows].any(axis=0)):
            up[rows, i] = False
            gain = np.nansum(info.gain[failing[:, i]][:, rows, i], axis=0)
            cost = np.nan_to_num(info.cost[rows, i], nan=0.0)
            if gain.sum() > 0:
                score = gain / np.maximum(cost, 0.0) if (cost > 0).all() else gain * (cost <= 0)
                up[rows[int(np.argmax(score))], i] = True
            else:
                up[rows[0], i] = True
    return up


def choose_down(problem: Problem, holds: np.ndarray, info: MixInfo) -> np.ndarray:
    """Where one agent fewer still holds: in a mix, only the group whose agent costs most."""
    down = holds.copy()
    for cluster in mixes(problem):
        rows = list(cluster)
        for i in np.flatnonzero(holds[rows].any(axis=0)):
            cost = np.nan_to_num(info.cost[rows, i], nan=0.0)
            cost = np.where(holds[rows, i], cost, -np.inf)
            pick = len(rows) - 1 - int(np.argmax(cost[::-1]))  # ties: the later group
            down[rows, i] = False
            down[rows[pick], i] = True
    return down
