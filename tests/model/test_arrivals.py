"""Arrival plans: expected counts per interval, and the Poisson draws around them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from cccsim.model.arrivals import plan_arrivals
from cccsim.scenario.schema import Arrivals
from cccsim.units import DAY, HOUR


def plan(horizon: float = 2 * DAY, interval: float = HOUR, weekday: str = "mon", **spec: object):
    return plan_arrivals(
        Arrivals(**spec), interval=interval, horizon=horizon, start_weekday=weekday
    )


def test_per_hour_is_spread_evenly_and_cut_at_the_horizon() -> None:
    p = plan(per_hour=60, horizon=2.5 * HOUR)
    np.testing.assert_allclose(p.expected, [60, 60, 30])


def test_per_interval_repeats_daily() -> None:
    day = list(range(24))
    p = plan(per_interval=day)
    np.testing.assert_allclose(p.expected, day + day)


def test_daily_volume_with_profile_normalises_shares() -> None:
    shares = [0.0] * 8 + [2.0] * 8 + [0.0] * 8  # 2s for 08:00–16:00, normalised to 1/8 each
    p = plan(daily_volume=800, profile=shares)
    assert p.expected[:24].sum() == pytest.approx(800)
    assert p.expected[8] == pytest.approx(100)
    assert p.expected[0] == 0


def test_weekday_factors_follow_the_start_weekday() -> None:
    p = plan(per_hour=10, weekday="sun", weekday_factors={"mon": 2.0}, horizon=2 * DAY)
    assert p.expected[:24].sum() == pytest.approx(240)  # day 1 is Sunday
    assert p.expected[24:].sum() == pytest.approx(480)  # day 2 is Monday


def test_counts_are_poisson_and_instants_fall_in_their_interval() -> None:
    p = plan(per_hour=50, horizon=200 * HOUR)
    times = p.draw(np.random.default_rng(3))
    assert (np.diff(times) >= 0).all() and times.min() >= 0 and times.max() < 200 * HOUR
    counts = np.bincount((times // HOUR).astype(int), minlength=200)
    # mean 50 and variance 50 (Poisson): a chi-square dispersion test at the 0.1 % level
    dispersion = ((counts - 50) ** 2).sum() / 50
    assert stats.chi2.ppf(0.0005, 199) < dispersion < stats.chi2.ppf(0.9995, 199)


def test_overdispersion_inflates_day_to_day_variance() -> None:
    """With a gamma busyness factor of CV c per day, Var(N_day) = m + c²m² instead of m."""
    days = 400
    plain = plan(per_hour=100, horizon=days * DAY, interval=DAY)
    noisy = plan(per_hour=100, horizon=days * DAY, interval=DAY, overdispersion_cv=0.2)
    rng = np.random.default_rng(1)
    m = 2400

    def daily(p):  # type: ignore[no-untyped-def]
        return np.bincount((p.draw(rng) // DAY).astype(int), minlength=days)

    assert np.var(daily(plain)) == pytest.approx(m, rel=0.25)
    assert np.var(daily(noisy)) == pytest.approx(m + 0.04 * m * m, rel=0.25)


def test_trace_is_replayed_exactly() -> None:
    p = plan(trace=[5.0, 10.0, 7300.0], horizon=2 * HOUR)
    np.testing.assert_array_equal(p.draw(np.random.default_rng(0)), [5.0, 10.0])
    np.testing.assert_array_equal(p.expected, [2, 0])
