"""Across replications: means with Student-t confidence intervals, in tidy long form."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

STUDY_CONFIDENCE = 0.9
"""The study's default confidence: intervals are drawn at this level, and a target is ``met``
when the probability of meeting it over the replications is at least this (``stats.targets``)."""


def t_quantile(confidence: float, df: float | np.ndarray) -> float | np.ndarray:
    """The two-sided Student-t factor at ``confidence`` with ``df`` degrees of freedom (NaN
    where ``df`` is). ``scipy.special`` gives the same numbers as ``scipy.stats.t.ppf`` without
    importing ``scipy.stats``, which alone took most of a second of every command's start."""
    return special.stdtrit(df, 0.5 + confidence / 2)


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float, float]:
    """(mean, std, ci_low, ci_high) of independent replication values; NaNs are ignored.

    With fewer than two values the interval is NaN (a single replication says nothing of its
    own precision).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return (np.nan, np.nan, np.nan, np.nan)
    mean = float(x.mean())
    if x.size < 2:
        return (mean, np.nan, np.nan, np.nan)
    std = float(x.std(ddof=1))
    half = float(t_quantile(confidence, x.size - 1)) * std / np.sqrt(x.size)
    return (mean, std, mean - half, mean + half)


def summarise(
    frame: pd.DataFrame, keys: list[str], kpis: list[str], confidence: float = 0.95
) -> pd.DataFrame:
    """Per ``keys`` group and KPI: n, mean, std, ci_low, ci_high over the rows (replications)."""
    rows = []
    for key, part in frame.groupby(keys, sort=False, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        for kpi in kpis:
            mean, std, low, high = t_interval(part[kpi].to_numpy(dtype=float), confidence)
            n = int(np.isfinite(part[kpi].to_numpy(dtype=float)).sum())
            rows.append(
                {
                    **dict(zip(keys, key, strict=True)),
                    "kpi": kpi,
                    "n": n,
                    "mean": mean,
                    "std": std,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows, columns=[*keys, "kpi", "n", "mean", "std", "ci_low", "ci_high"])
