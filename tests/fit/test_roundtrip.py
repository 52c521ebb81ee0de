"""Round trips: logs drawn with known parameters (tests/fit/logs.py, numpy only) are fitted, and
the estimates fall within their statistical tolerance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cccsim.fit import fit_scenario
from cccsim.fit.arrivals import fit_arrivals
from cccsim.fit.laws import fit_laws
from tests.fit.logs import arrivals_log, journeys_log, lognormal, patience_log

# ----------------------------------------------------------------------------- handle time


def test_lognormal_handle_mean_and_cv_within_two_per_cent_on_50000_contacts() -> None:
    """σ² = ln(1 + 0.9²) = 0.593; on n = 50,000 the mean's relative standard error is
    √(σ²/n + σ⁴/2n) = 0.39 % and the CV's about dCV/dσ² · σ²√(2/n) = 1.0 · 0.0037 = 0.4 %,
    so 2 % is five standard errors."""
    rng = np.random.default_rng(11)
    n = 50_000
    handle = lognormal(rng, 240.0, 0.9, n)
    arrived = np.sort(rng.uniform(0, 14 * 86400, n))
    from tests.fit.logs import log_frame

    log = log_frame(arrived, np.full(n, 5.0), np.ones(n, dtype=bool), handle)
    fit = fit_scenario(log)
    law = fit.scenario.contact_types["voice"].handle_time
    assert law.dist == "lognormal"
    assert law.mean == pytest.approx(240.0, rel=0.02)
    assert law.cv == pytest.approx(0.9, rel=0.02)
    chosen = fit.handle["voice"].chosen
    assert chosen is not None and chosen.distance < 0.01  # KS distance of the true law


@pytest.mark.parametrize(
    ("name", "draw"),
    [
        ("exponential", lambda rng, n: rng.exponential(240.0, n)),
        ("gamma", lambda rng, n: rng.gamma(2.5, 96.0, n)),
        ("lognormal", lambda rng, n: lognormal(rng, 240.0, 1.3, n)),
    ],
)
def test_the_law_that_drew_the_sample_is_chosen(name: str, draw: object) -> None:
    rng = np.random.default_rng(5)
    choice = fit_laws(draw(rng, 20_000))  # type: ignore[operator]
    assert choice.dist == name
    others = [law.bic for law in choice.candidates if law.dist != name]
    assert choice.chosen is not None and choice.chosen.bic < min(others)


def test_a_bimodal_sample_gets_the_empirical_law() -> None:
    """60 % quick contacts around 1 min, 40 % long ones around 10 min: no single law is within
    the 0.05 KS distance, so the quantiles are kept (and reproduce the sample's mean)."""
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.normal(60, 8, 6000), rng.normal(600, 60, 4000)]).clip(1)
    choice = fit_laws(x)
    assert choice.dist == "empirical"
    assert min(law.distance for law in choice.candidates) > 0.05
    spec = choice.spec()
    assert len(spec["values"]) == 200
    assert np.mean(spec["values"]) == pytest.approx(x.mean(), rel=0.01)


# ----------------------------------------------------------------------------- patience


PATIENCE = [
    ("exponential", lambda rng, n: rng.exponential(300.0, n), 128.57),
    ("lognormal", lambda rng, n: lognormal(rng, 300.0, 0.8, n), 182.4),
]
"""True law, sampler, and the mean offered wait (exponential) that leaves 70 % answered:
P(abandon) = E[exp(−P/m)] = 0.3; for the exponential 1/(1 + 300/m) = 0.3 gives m = 128.57,
for the lognormal m = 182.4 was solved numerically once (brentq on 400,000 draws)."""


@pytest.mark.parametrize(("name", "draw", "offered"), PATIENCE, ids=[p[0] for p in PATIENCE])
def test_patience_under_heavy_censoring_within_ten_per_cent(
    name: str, draw: object, offered: float
) -> None:
    """20,000 contacts, 70 % answered (censored): about 6,000 abandonments, so the censored
    MLE of the mean has a relative standard error near 1/√6000 = 1.3 % (exponential) — 10 %
    is far outside chance. The naive mean of the abandoners' waits, E[P | P < V], is the mean
    of min(P, V) given abandonment — 90 s for the exponential — and fails the same test."""
    rng = np.random.default_rng(21)
    log = patience_log(rng, draw(rng, 20_000), offered)  # type: ignore[operator]
    answered = (log["outcome"] == "answered").mean()
    assert answered == pytest.approx(0.70, abs=0.015)
    fit = fit_scenario(log)
    law = fit.scenario.contact_types["voice"].patience
    assert law is not None and law.dist == name
    assert law.mean == pytest.approx(300.0, rel=0.10)
    naive = fit.patience["voice"].naive_mean
    abandoned = log[log["outcome"] == "abandoned"]
    by_hand = ((abandoned["ended_at"] - abandoned["arrived_at"]).dt.total_seconds()).mean()
    assert naive == pytest.approx(by_hand)
    assert abs(naive - 300.0) > 0.10 * 300.0  # the naive estimate fails the same tolerance


def test_exponential_patience_is_total_waiting_over_abandonments() -> None:
    """The censored exponential MLE has a closed form (Brown et al. 2005): Σ waits of all
    contacts that waited ÷ number of abandonments."""
    rng = np.random.default_rng(3)
    log = patience_log(rng, rng.exponential(200.0, 3000), 100.0)
    fit = fit_scenario(log)
    waits = (log["answered_at"].fillna(log["ended_at"]) - log["arrived_at"]).dt.total_seconds()
    by_hand = waits.sum() / (log["outcome"] == "abandoned").sum()
    exponential = next(
        law for law in fit.patience["voice"].choice.candidates if law.dist == "exponential"
    )
    assert exponential.mean == pytest.approx(by_hand, rel=1e-4)


# ----------------------------------------------------------------------------- arrivals

PROFILE = np.concatenate([np.zeros(16), 10 + 30 * np.sin(np.linspace(0, np.pi, 24)), np.zeros(8)])
FACTORS = np.array([1.2, 1.1, 1.0, 1.0, 1.1, 0.5, 0.3])


def test_arrival_rates_per_interval_and_weekday_within_their_standard_errors() -> None:
    """8 weeks of Poisson counts. The fitted expectation of weekday w, interval s is
    N_s·N_w/(n_w·N) (margins of the counts), whose relative standard error is about
    √(1/N_s + 1/N_w): every cell must be within 4.5 of them (336 cells: a false alarm has
    probability below 1 %)."""
    rng = np.random.default_rng(8)
    days = 56
    fit = fit_scenario(arrivals_log(rng, PROFILE, FACTORS, days))
    arrivals = fit.scenario.contact_types["voice"].arrivals
    assert arrivals is not None and arrivals.per_interval is not None
    fitted_factors = np.array(
        [arrivals.weekday_factors[d] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    )  # type: ignore[index]
    fitted = np.outer(fitted_factors, arrivals.per_interval)
    truth = np.outer(FACTORS, PROFILE)
    n_s = PROFILE * FACTORS.mean() * days
    n_w = FACTORS * PROFILE.sum() * days / 7
    open_ = PROFILE > 0
    rel_se = np.sqrt(1 / n_s[None, open_] + 1 / n_w[:, None])
    error = np.abs(fitted[:, open_] / truth[:, open_] - 1)
    assert (error <= 4.5 * rel_se).all()
    assert (fitted[:, ~open_] == 0).all()
    # the factors are relative to the mean day of the log
    assert fitted_factors == pytest.approx(FACTORS / FACTORS.mean(), rel=0.03)
    assert arrivals.overdispersion_cv < 0.03  # Poisson counts: no over-dispersion


@pytest.mark.parametrize("cv", [0.1, 0.2])
def test_overdispersion_cv_is_recovered(cv: float) -> None:
    """140 days of gamma-mixed Poisson counts: the estimate of CV² is a mean of 140 daily
    excesses whose standard deviation is about CV²·√2, so CV's relative standard error is near
    1/√(2·140) = 6 %; 20 % is over three of them."""
    rng = np.random.default_rng(int(cv * 100))
    days = 140
    log = arrivals_log(rng, PROFILE, FACTORS, days, overdispersion_cv=cv)
    seconds = (log["arrived_at"] - log["arrived_at"].min().normalize()).dt.total_seconds()
    fit = fit_arrivals(seconds.to_numpy(), days=days, interval=1800.0, start_weekday="mon")
    assert fit.overdispersion_cv == pytest.approx(cv, rel=0.20)


# ----------------------------------------------------------------------------- journeys


@pytest.mark.slow
def test_retrial_share_delay_and_first_contact_resolution() -> None:
    """50,000 first contacts, 30 % failing; 40 % of failures retried after 15 min on average
    (at most 4 attempts); 10 % of answered contacts repeated after 2 days, a quarter on chat.
    The retrial share is a proportion of about 18,000 failures (standard error 0.4 points): it
    must be within 2 points. Repeats later than the 7-day window (e^−3.5 = 3 % of them) are
    not seen, so first-contact resolution is within 2 points of 0.90 too."""
    rng = np.random.default_rng(13)
    log = journeys_log(
        rng,
        50_000,
        fail=0.3,
        retry=0.4,
        retry_mean=900.0,
        unresolved=0.1,
        repeat_mean=2 * 86400.0,
        repeat_switch=0.25,
        max_attempts=4,
    )
    fit = fit_scenario(log)
    access = fit.scenario.contact_types["voice"].access
    assert access.retrial is not None
    assert access.retrial.probability == pytest.approx(0.40, abs=0.02)
    assert access.retrial.delay.mean == pytest.approx(900.0, rel=0.05)  # type: ignore[union-attr]
    assert access.retrial.max_attempts == 4
    assert access.resolution.first_contact == pytest.approx(0.90, abs=0.02)
    assert access.resolution.switch["chat"] == pytest.approx(0.25, abs=0.03)
    # retrials and repeats are created by the scenario, not drawn as arrivals
    first = (fit.journeys.link == "first").sum()
    assert first == pytest.approx(50_000, rel=0.01)
    per_day = fit.summary().set_index("contact_type").loc["voice", "first_contacts_per_day"]
    assert per_day * 28 == pytest.approx(50_000, rel=0.01)
    assert math.isclose(
        fit.summary().set_index("contact_type").loc["voice", "retrial_share"],
        access.retrial.probability,
        abs_tol=1e-4,
    )
