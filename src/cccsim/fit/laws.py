"""Fit duration laws (handle times, delays, patience) and choose one by a stated criterion.

Candidates are the scenario's own laws — exponential, lognormal and gamma — fitted by maximum
likelihood with ``scipy.stats`` (right-censored observations through ``CensoredData``). The law
with the lowest BIC (k·ln n − 2·log-likelihood) is chosen: BIC rather than AIC so that the
exponential is not traded for a two-parameter law on a trivial gain. A law *fits* when its
distance to the data — Kolmogorov–Smirnov for complete samples, the largest gap to the
Kaplan–Meier curve for censored ones, where at least 1 % are still at risk — is at most ``MAX_DISTANCE`` (five points of probability
anywhere) or below the 1 % Kolmogorov–Smirnov critical value 1.63/√n (small samples). When no
candidate fits a complete sample, the empirical law (its quantiles) is used instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

LAWS = ("exponential", "lognormal", "gamma")
MAX_DISTANCE = 0.05
"""Largest distance (in probability) at which a law is said to fit, whatever the sample size."""
EMPIRICAL_POINTS = 200
"""Quantiles kept for an empirical law (evenly spaced in probability)."""
MIN_AT_RISK = 0.01
"""Share of a censored sample still at risk below which the Kaplan–Meier tail is not compared."""
MAX_CV = 20.0  # the scenario schema's bound


@dataclass(frozen=True)
class Law:
    """One parametric law fitted to durations, by its mean and CV, and how well it fits."""

    dist: str
    mean: float
    cv: float
    loglik: float
    n: int
    distance: float
    """Kolmogorov–Smirnov distance (complete samples) or largest gap to Kaplan–Meier (censored)."""

    @property
    def n_params(self) -> int:
        """Free parameters (1 for the exponential, 2 otherwise)."""
        return 1 if self.dist == "exponential" else 2

    @property
    def bic(self) -> float:
        """Bayesian information criterion: k·ln(n) − 2·log-likelihood (lower is better)."""
        return self.n_params * math.log(max(self.n, 1)) - 2 * self.loglik

    @property
    def fits(self) -> bool:
        """Distance at most ``MAX_DISTANCE``, or below the 1 % KS critical value 1.63/√n."""
        return self.distance <= max(MAX_DISTANCE, 1.63 / math.sqrt(max(self.n, 1)))

    def frozen(self) -> Any:
        """The law as a frozen ``scipy.stats`` distribution."""
        return frozen(self.dist, self.mean, self.cv)

    def spec(self) -> dict[str, Any]:
        """The law as a scenario distribution (``{dist: lognormal, mean: 245.3, cv: 0.92}``)."""
        if self.dist == "exponential":
            return {"dist": "exponential", "mean": _seconds(self.mean)}
        return {
            "dist": self.dist,
            "mean": _seconds(self.mean),
            "cv": round(min(max(self.cv, 1e-4), MAX_CV), 4),  # the schema needs cv > 0
        }


@dataclass(frozen=True)
class LawChoice:
    """The candidates fitted to one sample and the law chosen (``None``: empirical)."""

    candidates: tuple[Law, ...]
    chosen: Law | None
    sample: np.ndarray = field(repr=False)
    """The positive observations (event and censoring times for a censored sample)."""
    censored: np.ndarray | None = field(default=None, repr=False)
    n_zero: int = 0
    """Observations of zero (or less), left out of the parametric fits."""

    @property
    def dist(self) -> str:
        """Name of the law used: a candidate's, or ``empirical``."""
        return self.chosen.dist if self.chosen is not None else "empirical"

    @property
    def mean(self) -> float:
        """Mean of the law used."""
        return self.chosen.mean if self.chosen is not None else float(np.mean(self.quantiles()))

    @property
    def cv(self) -> float:
        """Coefficient of variation of the law used."""
        if self.chosen is not None:
            return self.chosen.cv
        q = self.quantiles()
        return float(np.std(q) / np.mean(q)) if np.mean(q) > 0 else 0.0

    @property
    def distance(self) -> float:
        """Goodness-of-fit distance of the law used (0 for the empirical law)."""
        return self.chosen.distance if self.chosen is not None else 0.0

    def quantiles(self, points: int = EMPIRICAL_POINTS) -> np.ndarray:
        """Evenly spaced quantiles of the complete sample, zeros included (the empirical law)."""
        values = np.concatenate([np.zeros(self.n_zero), self.sample])
        k = min(points, values.size)
        return np.quantile(values, (np.arange(k) + 0.5) / k)

    def spec(self) -> dict[str, Any]:
        """The chosen law as a scenario distribution."""
        if self.chosen is not None:
            return self.chosen.spec()
        return {"dist": "empirical", "values": [_seconds(v) for v in self.quantiles()]}


def frozen(dist: str, mean: float, cv: float) -> Any:
    """A ``scipy.stats`` frozen law from the scenario's parameters (mean, CV)."""
    if dist == "exponential":
        return stats.expon(scale=mean)
    if dist == "lognormal":
        sigma2 = math.log1p(cv * cv)
        return stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(math.log(mean) - sigma2 / 2))
    if dist == "gamma":
        return stats.gamma(a=1 / (cv * cv), scale=mean * cv * cv)
    raise ValueError(f"unknown law {dist!r}")


_SCIPY = {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}


def fit_laws(
    values: np.ndarray,
    censored: np.ndarray | None = None,
    *,
    laws: tuple[str, ...] = LAWS,
    empirical: bool = True,
) -> LawChoice:
    """Fit each law to ``values`` (right-censored where ``censored``) and choose one.

    The lowest BIC wins; with ``empirical`` and a complete sample, the empirical law is used when
    the winner does not fit (see ``Law.fits``).

    Raises:
        ValueError: with no positive uncensored observation to fit.
    """
    x = np.asarray(values, dtype=float)
    cens = np.zeros(x.size, dtype=bool) if censored is None else np.asarray(censored, dtype=bool)
    positive = x > 0
    n_zero = int((~positive & ~cens).sum())
    x, cens = x[positive], cens[positive]
    if not (~cens).any():
        raise ValueError("no positive uncensored observation to fit")
    sample: Any = x if censored is None else stats.CensoredData.right_censored(x, cens)
    curve = None if censored is None else _kaplan_meier(sample, x)
    candidates = []
    if np.unique(x[~cens]).size < 2:  # no spread among the values seen: only a mean to fit
        laws = ("exponential",) if censored is not None else ()
    if x.size > 1:
        for name in laws:
            law = _fitted(name, sample, x, cens, curve)
            if law is not None:
                candidates.append(law)
    if not candidates:
        if censored is not None:
            raise ValueError("no law could be fitted to this censored sample")
        return LawChoice((), None, x, None, n_zero)
    best = min(candidates, key=lambda law: law.bic)
    chosen = None if (empirical and censored is None and not best.fits) else best
    return LawChoice(tuple(candidates), chosen, x, cens if censored is not None else None, n_zero)


def _fitted(
    name: str,
    sample: Any,
    x: np.ndarray,
    cens: np.ndarray,
    curve: tuple[np.ndarray, np.ndarray] | None,
) -> Law | None:
    """One candidate by maximum likelihood (``None`` when scipy cannot fit it)."""
    dist = _SCIPY[name]
    try:
        with np.errstate(all="ignore"):
            law = dist(*dist.fit(sample, floc=0))
            loglik = float(law.logpdf(x[~cens]).sum() + law.logsf(x[cens]).sum())
            mean, sd = float(law.mean()), float(law.std())
    except (ValueError, RuntimeError, FloatingPointError, OverflowError):
        return None
    if not (np.isfinite(loglik) and mean > 0 and np.isfinite(sd)):
        return None
    distance = (
        float(stats.kstest(x, law.cdf).statistic) if curve is None else _gap_to_curve(curve, law.sf)
    )
    return Law(name, mean, sd / mean, loglik, int(x.size), distance)


def _kaplan_meier(sample: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(times, survival just after each time) of the Kaplan–Meier estimate (``scipy.stats.ecdf``),
    where at least ``MIN_AT_RISK`` of the observations are still at risk: beyond that the curve
    rests on a handful of contacts and says little about any law."""
    sf = stats.ecdf(sample).sf
    times = np.asarray(sf.quantiles, dtype=float)
    at_risk = x.size - np.searchsorted(np.sort(x), times, side="left")
    kept = at_risk >= max(10, MIN_AT_RISK * x.size)
    return times[kept], np.asarray(sf.probabilities, dtype=float)[kept]


def _gap_to_curve(curve: tuple[np.ndarray, np.ndarray], sf: Any) -> float:
    """Largest gap between a step survival curve (before and after each step) and a law's."""
    times, after = curve
    before = np.concatenate([[1.0], after[:-1]])
    law = sf(times)
    return float(max(np.abs(after - law).max(), np.abs(before - law).max()))


def _seconds(value: float) -> float:
    return round(float(value), 1) if value >= 1 else round(float(value), 3)
