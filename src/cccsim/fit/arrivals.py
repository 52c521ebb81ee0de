"""Arrivals per interval of the day, weekday factors and day-to-day over-dispersion.

The scenario's model of arrivals: on day d (weekday w), interval s of the day receives a
Poisson number of contacts with mean ``per_interval[s] × weekday_factors[w] × B_d``, where B_d is
a gamma "busyness" factor with mean 1 and CV ``overdispersion_cv`` (Brown et al. 2005). Given
the counts C[d, s], the Poisson maximum-likelihood estimates of the product model are the
margins: ``per_interval[s]`` is the mean count of interval s over the log's days and
``weekday_factors[w]`` the mean daily total on weekday w over the mean daily total (so the
factors average 1 over the log's days and the fitted total equals the observed one).

Over-dispersion is the excess of the daily totals' variance over Poisson: with T_d the total
and Λ_d its fitted mean, Var(T_d) = Λ_d + CV²·Λ_d², so

    CV² = Σ_d [(T_d − Λ_d)² − (1 − h_d)·T_d] / Σ_d (1 − h_d)·Λ_d²,

where h_d = 1 / (days sharing d's weekday) corrects for Λ_d being estimated from those same
days (a weekday seen once says nothing about the spread). Negative estimates mean no
over-dispersion (0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cccsim.scenario.schema import WEEKDAYS
from cccsim.units import DAY


@dataclass(frozen=True)
class ArrivalFit:
    """Arrivals of one contact type as the scenario models them, with the counts behind them."""

    per_interval: np.ndarray
    """Expected contacts in each interval of the day on an average day of the log."""
    weekday_factors: dict[str, float]
    """Factor per weekday seen in the log (days not seen count 1 in the scenario)."""
    overdispersion_cv: float
    counts: np.ndarray = field(repr=False)
    """Observed contacts per day × interval of the day."""
    weekdays: np.ndarray = field(repr=False)
    """Weekday (0 = Monday) of each day of the log."""
    estimable_overdispersion: bool = True
    """False when no weekday occurs twice in the log (then ``overdispersion_cv`` is 0 by default)."""

    @property
    def expected(self) -> np.ndarray:
        """Fitted expected contacts per day × interval of the day (before over-dispersion)."""
        factors = np.array([self.weekday_factors.get(d, 1.0) for d in WEEKDAYS])
        return factors[self.weekdays][:, None] * self.per_interval[None, :]

    def spec(self) -> dict[str, Any]:
        """The scenario's ``arrivals`` block."""
        spec: dict[str, Any] = {"per_interval": [round(float(v), 3) for v in self.per_interval]}
        if self.weekday_factors:
            spec["weekday_factors"] = {d: round(f, 4) for d, f in self.weekday_factors.items()}
        if self.overdispersion_cv > 0:
            spec["overdispersion_cv"] = round(min(self.overdispersion_cv, 5.0), 4)
        return spec


def fit_arrivals(
    arrived_at: np.ndarray, *, days: int, interval: float, start_weekday: str
) -> ArrivalFit:
    """Fit the arrivals of one contact type from its arrival instants (seconds since day 1, 00:00).

    Args:
        arrived_at: arrival instants of the contacts that came of their own accord (first
            contacts; retrials and repeats are the journeys' doing).
        days: whole days in the log's period (days without contacts count as zero).
        interval: the scenario's interval (must divide a day).
        start_weekday: weekday of day 1.
    """
    slots = round(DAY / interval)
    t = np.asarray(arrived_at, dtype=float)
    index = np.clip((t // interval).astype(np.int64), 0, days * slots - 1)
    counts = np.bincount(index, minlength=days * slots).reshape(days, slots).astype(float)
    weekdays = (WEEKDAYS.index(start_weekday) + np.arange(days)) % 7
    per_interval = counts.mean(axis=0)
    totals = counts.sum(axis=1)
    mean_total = totals.mean()
    seen = np.unique(weekdays)
    factors: dict[str, float] = {}
    for w in seen:
        on_w = totals[weekdays == w].mean()
        factors[WEEKDAYS[w]] = float(on_w / mean_total) if mean_total > 0 else 1.0
    fitted = np.array([factors[WEEKDAYS[w]] for w in weekdays]) * per_interval.sum()
    n_same = np.array([(weekdays == w).sum() for w in weekdays])
    keep = (fitted > 0) & (n_same > 1)
    cv = 0.0
    if keep.any():
        h = 1.0 / n_same[keep]
        excess = ((totals[keep] - fitted[keep]) ** 2 - (1 - h) * totals[keep]).sum()
        scale = ((1 - h) * fitted[keep] ** 2).sum()
        cv = float(np.sqrt(max(excess / scale, 0.0)))
    return ArrivalFit(
        per_interval=per_interval,
        weekday_factors=factors if len(seen) > 1 else {},
        overdispersion_cv=cv,
        counts=counts,
        weekdays=weekdays,
        estimable_overdispersion=bool(keep.any()),
    )
