"""Estimating each interval's expected KPI precisely enough to staff it one agent at a time.

One interval's service level varies a lot from replication to replication (a 30-minute
interval of 500 calls at 80/20: a standard deviation of about 0.17), so thirty replications
cannot tell 37 agents from 38 on their own. The search therefore borrows from the intervals
within an hour either side (those with contacts, in the same stretch), through a model:

1. Interval i's simulated mean is read off the Erlang C curve of its offered load as a shift in
   agents (the simulation behaves like Erlang C with ``s`` agents more: abandonment, overflow
   and retrials move the curve, they rarely change its shape much).
2. Every neighbour's replications are carried to interval i along Erlang C with that shift
   (each keeps its deviation from the model). A neighbour whose carried mean disagrees with
   interval i's own by more than ``AGREE`` standard errors is left out (a backlog at opening
   time is not smoothed into the hours after it); each replication's estimate for i is the
   average of the rest and of i's own value.

In a stationary queue the neighbours are copies of the interval and the estimate is a plain
average; in a time-varying one, the model carries the differences of load and staffing. A plan
that differs from the base plan in a few intervals (one agent fewer, one more of another group)
is estimated as the base estimate plus the difference the two plans made on the same seeds
(common random numbers), which is precise on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cccsim.staffing.erlang import kpi_value
from cccsim.staffing.measure import Check

WINDOW = 3600.0  # neighbours this close (each side) help estimate an interval
MAX_SHIFT = 10.0  # agents: beyond this the curve is flat (or the interval hopeless)
AGREE = 2.0  # a neighbour joins when its carried mean is this many standard errors close


@dataclass(frozen=True)
class Curve:
    """The Erlang C curve of one check in one interval, against agents (fractional allowed)."""

    kpi: str
    load: float  # in agents
    handle: float
    threshold: float
    patience: float
    slots: int

    def at(self, agents: float) -> float:
        servers = agents * self.slots
        lo = math.floor(servers)
        v0 = self._servers(lo)
        if servers == lo:
            return v0
        v1 = self._servers(lo + 1)
        return v0 + (servers - lo) * (v1 - v0) if math.isfinite(v0) else v1

    def _servers(self, servers: int) -> float:
        return kpi_value(
            self.kpi, servers, self.load * self.slots, self.handle, self.threshold, self.patience
        )

    def shift(self, agents: float, value: float) -> float:
        """Extra agents ``s`` for which the curve at agents + s equals ``value`` (clipped)."""
        if not math.isfinite(value):
            return 0.0
        rising = self.kpi == "service_level"
        lo, hi = -MAX_SHIFT, MAX_SHIFT
        for _ in range(24):
            mid = (lo + hi) / 2
            v = self.at(max(agents + mid, 0.0))
            below = (v < value) if rising else (v > value or not math.isfinite(v))
            lo, hi = (mid, hi) if below else (lo, mid)
        return (lo + hi) / 2


def curves(
    checks: list[Check],
    owners: list[tuple[int, ...]],
    load: np.ndarray,
    handle: np.ndarray,
    patience: list[float],
    slots: list[int],
) -> list[list[Curve | None]]:
    """Per check and interval: its Erlang C curve (None for deferred work or without load)."""
    out: list[list[Curve | None]] = []
    for k, check in enumerate(checks):
        g, t = owners[k][0], check.target
        row: list[Curve | None] = [None] * load.shape[1]
        if not check.deferred:
            for i in np.flatnonzero(load[g] > 0):
                row[i] = Curve(
                    t.kpi,
                    float(load[g, i]),
                    float(handle[g, i]),
                    t.threshold or 0.0,
                    patience[k],
                    slots[k],
                )
        out.append(row)
    return out


def smoothed(
    values: np.ndarray,
    shapes: list[list[Curve | None]],
    agents: np.ndarray,
    interval: float,
) -> np.ndarray:
    """(replications, checks, intervals): each interval's value estimated with its neighbours
    (see the module); ``agents`` (checks, intervals): the staffing each curve is read at.
    Values without a curve are kept as simulated."""
    reach = max(int(WINDOW // interval), 0)
    out = values.copy()
    n = values.shape[2]
    finite = np.isfinite(values)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(finite, values, 0.0).sum(axis=0) / finite.sum(axis=0)
    for k, row in enumerate(shapes):
        seen = np.isfinite(values[:, k, :]).any(axis=0)
        usable = seen & np.array([c is not None for c in row])
        if not usable.any():
            continue
        present = {j: c for j, c in enumerate(row) if c is not None and usable[j]}
        count = finite[:, k, :].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = np.where(finite[:, k, :], values[:, k, :] - means[k], 0.0)
            err2 = (spread**2).sum(axis=0) / np.maximum(count - 1, 1) / np.maximum(count, 1)
        stretch = np.cumsum(~usable)  # intervals without contacts cut the stretches
        for i, curve in present.items():
            s = curve.shift(float(agents[k, i]), float(means[k, i]))
            here = curve.at(max(float(agents[k, i]) + s, 0.0))
            if not math.isfinite(here):
                continue  # the model has no value here: the interval stands alone
            near = np.arange(max(0, i - reach), min(n, i + reach + 1))
            near = near[(stretch[near] == stretch[i]) & usable[near]]
            carried = []
            for j in near.tolist():
                moved = values[:, k, j] - present[j].at(max(float(agents[k, j]) + s, 0.0)) + here
                ok = np.isfinite(moved)
                centre = float(moved[ok].mean()) if ok.any() else math.nan
                if j == i or (
                    math.isfinite(centre)
                    and abs(centre - float(means[k, i])) <= AGREE * math.sqrt(err2[i] + err2[j])
                ):
                    carried.append(moved)
            stacked = np.stack(carried, axis=1)
            counted = np.isfinite(stacked).sum(axis=1)
            total = np.where(np.isfinite(stacked), stacked, 0.0).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                estimate = total / counted
            out[:, k, i] = np.where(np.isfinite(values[:, k, i]), estimate, np.nan)
    return out


def paired(base_estimate: np.ndarray, base: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """A variant's estimate: the base estimate plus what the variant changed, seed by seed."""
    diff = variant - base
    return np.where(np.isfinite(diff), base_estimate + diff, variant)
