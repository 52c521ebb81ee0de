"""Arrival times: a Poisson process with a piecewise-constant rate, drawn in one block.

Given the expected count in each interval, the number of arrivals in the interval is Poisson and
their instants are uniform within it — the exact construction of a piecewise-constant
inhomogeneous Poisson process. Over-dispersion multiplies each day's expectations by a gamma
"busyness" factor with mean 1 (Brown et al. 2005).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cccsim.scenario.schema import WEEKDAYS, Arrivals
from cccsim.units import DAY, HOUR


@dataclass(frozen=True)
class ArrivalPlan:
    """Expected arrivals per reporting interval over the horizon, before over-dispersion."""

    expected: np.ndarray  # one float per interval of the horizon
    interval: float
    horizon: float
    overdispersion_cv: float
    trace: np.ndarray | None = None  # replayed instants: drawn as they are

    @property
    def total(self) -> float:
        """Expected number of arrivals over the horizon."""
        return float(self.expected.sum())

    def draw(
        self, rng: np.random.Generator, start: float = 0.0, end: float = math.inf
    ) -> np.ndarray:
        """Sorted arrival instants (seconds) in [start, end) of one replication.

        Windows are whole days (the engine draws a day at a time, so memory does not grow with
        the horizon): each day draws its busyness factor, then its intervals' Poisson counts,
        then the instants, so a stream gives the same contacts however the days are grouped.
        """
        end = min(end, self.horizon)
        if self.trace is not None:
            t = self.trace
            return t[(t >= start) & (t < end)].copy()
        first = round(start / self.interval)
        last = int(np.ceil(end / self.interval - 1e-9))
        index = np.arange(first, last)
        expected = self.expected[first:last]
        if self.overdispersion_cv > 0:
            shape = 1.0 / self.overdispersion_cv**2
            days = (index * self.interval // DAY).astype(int)
            n_days = int(days[-1] - days[0] + 1) if days.size else 0
            busyness = rng.gamma(shape, 1.0 / shape, n_days)
            expected = expected * busyness[days - days[0]] if days.size else expected
        counts = rng.poisson(expected)
        starts = np.repeat(index * self.interval, counts)
        lengths = np.repeat(np.minimum(self.interval, self.horizon - index * self.interval), counts)
        times = starts + rng.random(starts.size) * lengths
        times.sort()
        return times


def plan_arrivals(
    spec: Arrivals, *, interval: float, horizon: float, start_weekday: str
) -> ArrivalPlan:
    """Expected arrivals per interval of the horizon from the scenario's arrival spec."""
    per_day = round(DAY / interval)
    n = int(np.ceil(horizon / interval - 1e-9))
    if spec.trace is not None:
        trace = np.asarray(spec.trace, dtype=float)
        counts = np.bincount((trace[trace < horizon] // interval).astype(int), minlength=n)[:n]
        return ArrivalPlan(counts.astype(float), interval, horizon, 0.0, trace)
    index = np.arange(n)
    slot = index % per_day
    if spec.per_hour is not None:
        day_shape = np.full(per_day, spec.per_hour * interval / HOUR)
    elif spec.per_interval is not None:
        day_shape = np.asarray(spec.per_interval, dtype=float)
    else:
        shares = np.asarray(spec.profile, dtype=float)
        assert spec.daily_volume is not None
        day_shape = spec.daily_volume * shares / shares.sum()
    expected = day_shape[slot].astype(float)
    if spec.weekday_factors:
        first = WEEKDAYS.index(start_weekday)
        factors = np.array([spec.weekday_factors.get(d, 1.0) for d in WEEKDAYS])  # type: ignore[call-overload]
        weekday = (first + (index * interval // DAY).astype(int)) % 7
        expected = expected * factors[weekday]
    # the last interval may be cut by the horizon
    covered = np.minimum(interval, horizon - index * interval) / interval
    return ArrivalPlan(expected * covered, interval, horizon, spec.overdispersion_cv)
