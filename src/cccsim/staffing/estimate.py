"""Estimating each interval's expected KPI precisely enough to staff it one agent at a time.

One interval's service level varies a lot from replication to replication (a 30-minute
interval of 500 calls at 80/20: a standard deviation of about 0.17), so thirty replications
cannot tell 37 agents from 38 on their own. The search therefore estimates each interval's KPI
as its Erlang C value at the interval's staffing plus the simulation's deviation from Erlang C,
averaged over the intervals within an hour either side that have contacts (the deviation —
retrials, overflow, non-exponential times, a queue carried over — changes slowly from interval
to interval; in a stationary M/M/n queue it is zero and the estimate is exact). A plan that
differs from the base plan in a few intervals (one agent fewer, or one more of another group)
is estimated as the base estimate plus the difference the two plans made on the same seeds
(common random numbers), which is precise and needs no averaging.
"""

from __future__ import annotations

import math

import numpy as np

from cccsim.staffing.erlang import kpi_value
from cccsim.staffing.measure import Check

WINDOW = 3600.0  # the deviation is averaged over the intervals this close (each side)


def model_values(
    checks: list[Check],
    on_duty: np.ndarray,
    owners: list[tuple[int, ...]],
    load: np.ndarray,
    handle: np.ndarray,
    patience: list[float],
    slots: list[int],
) -> np.ndarray:
    """Erlang C value of each real-time check per interval at the plan's agents of its first
    owner (NaN for deferred work, where there is no load, or where it has no finite value)."""
    k_n, n = len(checks), on_duty.shape[1]
    out = np.full((k_n, n), np.nan)
    for k, check in enumerate(checks):
        if check.deferred:
            continue
        g, t = owners[k][0], check.target
        for i in np.flatnonzero(load[g] > 0):
            value = kpi_value(
                t.kpi,
                round(float(on_duty[g, i])) * slots[k],
                float(load[g, i]) * slots[k],
                float(handle[g, i]),
                t.threshold or 0.0,
                patience[k],
            )
            if math.isfinite(value):
                out[k, i] = value
    return out


def smoothed(values: np.ndarray, model: np.ndarray, interval: float) -> np.ndarray:
    """(replications, checks, intervals): each value replaced by the model value plus the
    deviation averaged over the neighbouring intervals of the same stretch of intervals with
    contacts; values without a model value are kept."""
    reach = max(int(WINDOW // interval), 0)
    out = values.copy()
    n = values.shape[2]
    for k in range(values.shape[1]):
        m = model[k]
        if not np.isfinite(m).any():
            continue
        dev = values[:, k, :] - m  # NaN where either is missing
        seen = np.isfinite(values[:, k, :]).any(axis=0)
        stretch = np.cumsum(~seen)  # intervals without contacts cut the stretches
        for i in np.flatnonzero(seen & np.isfinite(m)):
            near = np.arange(max(0, int(i) - reach), min(n, int(i) + reach + 1))
            near = near[(stretch[near] == stretch[i]) & seen[near]]
            part = dev[:, near]
            counted = np.isfinite(part).sum(axis=1)
            total = np.where(np.isfinite(part), part, 0.0).sum(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                estimate = m[i] + total / counted  # NaN where no neighbour had contacts
            out[:, k, i] = np.where(np.isfinite(values[:, k, i]), estimate, np.nan)
    return out


def paired(base_estimate: np.ndarray, base: np.ndarray, variant: np.ndarray) -> np.ndarray:
    """A variant's estimate: the base estimate plus what the variant changed, seed by seed."""
    diff = variant - base
    return np.where(np.isfinite(diff), base_estimate + diff, variant)
