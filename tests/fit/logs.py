"""Contact logs with known parameters, made with numpy alone (nothing from cccsim.fit).

Each generator draws what the fitter must recover — arrival counts, handle times, patience,
retrials — by the textbook construction, and writes the contacts as a log (timestamps from
2024-01-01 00:00, a Monday).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2024-01-01")
DAY = 86400.0


def stamps(seconds: np.ndarray) -> pd.Series:
    """Seconds since START as timestamps (NaN → NaT)."""
    return pd.Series(START + pd.to_timedelta(np.asarray(seconds, dtype=float), unit="s"))


def lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    """Lognormal variates with the given mean and CV: σ² = ln(1 + CV²), μ = ln(mean) − σ²/2."""
    sigma2 = np.log1p(cv * cv)
    return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), n)


def log_frame(
    arrived: np.ndarray,
    wait: np.ndarray,
    answered: np.ndarray,
    handle: np.ndarray,
    *,
    contact_type: str | np.ndarray = "voice",
    customer: np.ndarray | None = None,
) -> pd.DataFrame:
    """A log: answered contacts end ``handle`` after their wait; the others abandon then."""
    answered_at = np.where(answered, arrived + wait, np.nan)
    ended_at = np.where(answered, arrived + wait + handle, arrived + wait)
    frame = pd.DataFrame(
        {
            "contact_type": contact_type,
            "arrived_at": stamps(arrived),
            "answered_at": stamps(answered_at),
            "ended_at": stamps(ended_at),
            "outcome": np.where(answered, "answered", "abandoned"),
        }
    )
    if customer is not None:
        frame["customer_id"] = [f"k{c}" for c in customer]
    return frame.sort_values("arrived_at", kind="stable").reset_index(drop=True)


def patience_log(
    rng: np.random.Generator, patience: np.ndarray, offered_wait_mean: float
) -> pd.DataFrame:
    """Each contact would be answered after an exponential wait V unless its patience P runs
    out first: it waits min(P, V) and abandons when P < V (independent censoring)."""
    n = patience.size
    arrived = np.sort(rng.uniform(0, 28 * DAY, n))
    offered = rng.exponential(offered_wait_mean, n)
    answered = patience >= offered
    wait = np.minimum(patience, offered)
    return log_frame(arrived, wait, answered, rng.exponential(200.0, n))


def arrivals_log(
    rng: np.random.Generator,
    per_interval: np.ndarray,
    weekday_factors: np.ndarray,
    days: int,
    overdispersion_cv: float = 0.0,
) -> pd.DataFrame:
    """Poisson counts per day × half hour with mean per_interval[s] × factor[weekday] × B_d,
    B_d gamma with mean 1 and the given CV; instants uniform in their half hour; every contact
    answered at once, 60 s of handling."""
    weekday = np.arange(days) % 7  # day 1 is a Monday
    busy = (
        rng.gamma(1 / overdispersion_cv**2, overdispersion_cv**2, days)
        if overdispersion_cv > 0
        else np.ones(days)
    )
    mean = per_interval[None, :] * weekday_factors[weekday][:, None] * busy[:, None]
    counts = rng.poisson(mean).ravel()
    slot_start = np.arange(counts.size) * 1800.0
    arrived = np.repeat(slot_start, counts) + rng.uniform(0, 1800.0, counts.sum())
    n = arrived.size
    return log_frame(arrived, np.zeros(n), np.ones(n, dtype=bool), np.full(n, 60.0))


def journeys_log(
    rng: np.random.Generator,
    n_first: int,
    *,
    fail: float,
    retry: float,
    retry_mean: float,
    unresolved: float,
    repeat_mean: float,
    repeat_switch: float,
    max_attempts: int,
    days: int = 28,
) -> pd.DataFrame:
    """Customers' journeys: each contact fails (abandons after 2 min) with probability ``fail``;
    after a failure the customer tries again with probability ``retry`` (while attempts <
    ``max_attempts``) after an exponential delay; an answered contact (90 s wait, 180 s of
    handling) is unresolved with probability ``unresolved`` and repeated after an exponential
    delay, on chat with probability ``repeat_switch``. Contacts after the log's end are lost."""
    horizon = days * DAY
    rows: list[tuple[float, float, bool, str, int]] = []
    for k, t0 in enumerate(rng.uniform(0, horizon, n_first)):
        t, attempt, ctype = float(t0), 1, "voice"
        while t < horizon:
            ok = rng.random() >= fail
            wait = 90.0 if ok else 120.0
            rows.append((t, wait, ok, ctype, k))
            end = t + wait + (180.0 if ok else 0.0)
            if not ok:
                if attempt >= max_attempts or rng.random() >= retry:
                    break
                t = end + rng.exponential(retry_mean)
            else:
                if rng.random() >= unresolved:
                    break
                t = end + rng.exponential(repeat_mean)
                ctype = "chat" if rng.random() < repeat_switch else "voice"
            attempt += 1
    arrived, wait, ok, ctype, customer = (np.array(c) for c in zip(*rows, strict=True))
    return log_frame(
        arrived, wait, ok, np.full(arrived.size, 180.0), contact_type=ctype, customer=customer
    )
