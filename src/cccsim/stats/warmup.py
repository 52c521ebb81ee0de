"""Choosing the warm-up of a steady-state study: Welch's moving averages and MSER-5.

Both read a per-interval output series (e.g. ``mean_queue`` or ``asa`` of ``intervals``) of a run
started with ``warmup: 0s``; the chosen truncation then goes into the scenario's ``warmup``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def welch(series_by_replication: np.ndarray, window: int = 5) -> np.ndarray:
    """Welch's procedure: average across replications, then a centred moving average.

    ``series_by_replication`` has one row per replication and one column per interval. Plot the
    result and take the warm-up where the curve flattens.
    """
    x = np.asarray(series_by_replication, dtype=float)
    mean = np.nanmean(x, axis=0) if x.ndim == 2 else x
    out = np.empty_like(mean)
    for i in range(mean.size):
        w = min(window, i, mean.size - 1 - i)
        out[i] = np.nanmean(mean[i - w : i + w + 1])
    return out


def mser(series: np.ndarray, batch: int = 5) -> int:
    """MSER-b truncation point (White 1997): the number of leading observations to delete.

    Batch the series in means of ``batch`` observations and choose the deletion d (in batches,
    within the first half) that minimises the squared standard error of the remaining mean,
    Σ (Zᵢ − Z̄_d)² / (n − d)². Returns the deletion in observations (a multiple of ``batch``).
    """
    x = np.asarray(series, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size // batch
    if n < 4:
        return 0
    z = x[: n * batch].reshape(n, batch).mean(axis=1)
    best, best_d = np.inf, 0
    for d in range(n // 2 + 1):
        rest = z[d:]
        stat = float(((rest - rest.mean()) ** 2).sum()) / (rest.size**2)
        if stat < best:
            best, best_d = stat, d
    return best_d * batch


def suggest_warmup(intervals: pd.DataFrame, contact_type: str, kpi: str = "mean_queue") -> float:
    """MSER-5 warm-up (seconds) from an experiment's ``intervals`` frame (all replications).

    The per-interval KPI is averaged across replications first (Welch), which damps the noise
    MSER would otherwise react to.
    """
    part = intervals[intervals.contact_type == contact_type]
    wide = (
        part.pivot_table(index="replication", columns="interval_start", values=kpi)
        if "replication" in part
        else (part.set_index("interval_start")[kpi].to_frame().T)
    )
    starts = wide.columns.to_numpy(dtype=float)
    mean = np.nanmean(wide.to_numpy(dtype=float), axis=0)
    cut = mser(mean, 5)
    return float(starts[cut]) if cut < starts.size else float(starts[-1])
