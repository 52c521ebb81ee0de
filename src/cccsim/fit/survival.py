"""Patience by survival analysis: answered contacts censor it, so only censored methods are fair.

A contact that abandons after waiting w shows a patience of w; one answered after waiting w only
shows that its patience was longer than w (right-censored). The Kaplan–Meier estimate and the
censored maximum-likelihood fits (``scipy.stats``) use both. The mean wait of the abandoners —
the naive estimate — looks only at the impatient ones and is far too short whenever most
contacts are answered; it is kept here for contrast and never used.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

from cccsim.fit.laws import LawChoice, fit_laws

MIN_EVENTS_TWO_PARAMETERS = 10
"""Fewer abandonments than this: only the exponential is fitted (one parameter)."""


@dataclass(frozen=True)
class PatienceFit:
    """Patience of one contact type: the Kaplan–Meier curve and the censored parametric fits."""

    choice: LawChoice
    km_times: np.ndarray = field(repr=False)
    km_survival: np.ndarray = field(repr=False)
    km_low: np.ndarray = field(repr=False)
    km_high: np.ndarray = field(repr=False)
    n: int
    """Contacts that waited (answered, abandoned or still waiting at the end of the log)."""
    n_abandoned: int
    naive_mean: float
    """Mean wait of the abandoners: biased low under censoring, shown only for contrast."""

    @property
    def censored_share(self) -> float:
        """Share of the contacts whose patience was not seen (answered or still waiting)."""
        return 1 - self.n_abandoned / self.n if self.n else 0.0


def fit_patience(wait: np.ndarray, abandoned: np.ndarray) -> PatienceFit | None:
    """Fit patience from waits and whether each contact abandoned (``None``: none abandoned).

    ``wait`` holds every contact that waited in the queue: answered ones (censored at their
    wait), abandoned ones (the event) and ones still waiting when the log ends (censored).
    """
    w = np.asarray(wait, dtype=float)
    gone = np.asarray(abandoned, dtype=bool)
    events = gone & (w > 0)
    if not events.any():
        return None
    laws = ("exponential",) if events.sum() < MIN_EVENTS_TWO_PARAMETERS else None
    choice = (
        fit_laws(w, ~gone, laws=laws, empirical=False)
        if laws
        else fit_laws(w, ~gone, empirical=False)
    )
    sample = stats.CensoredData.right_censored(w[w > 0], ~gone[w > 0])
    sf = stats.ecdf(sample).sf
    with warnings.catch_warnings():  # undefined where the curve reaches 0: NaN is the answer
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(0.95)
    return PatienceFit(
        choice=choice,
        km_times=np.asarray(sf.quantiles, dtype=float),
        km_survival=np.asarray(sf.probabilities, dtype=float),
        km_low=np.asarray(ci.low.probabilities, dtype=float),
        km_high=np.asarray(ci.high.probabilities, dtype=float),
        n=int(w.size),
        n_abandoned=int(gone.sum()),
        naive_mean=float(w[gone].mean()),
    )
