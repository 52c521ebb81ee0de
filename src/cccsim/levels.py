"""Time-weighted levels from spans: ∫ (number of spans active) dt over each reporting interval.

Busy agents, agents on duty and contacts waiting are all sums of spans [start, end) with a weight.
The level is a step function: sort the span starts (+w), ends (−w) and the interval edges, take
the running level, and add level × length of each step into the interval it lies in. Every step
is short and local, so the result stays accurate over a year of seconds (an earlier closed form,
Σ w·(x − s)⁺ − Σ w·(x − e)⁺, lost digits to cancellation as x grew). O((spans + intervals) log).
"""

from __future__ import annotations

import numpy as np


def integrate_spans(
    start: np.ndarray, end: np.ndarray, edges: np.ndarray, weight: np.ndarray | None = None
) -> np.ndarray:
    """Integral of the weighted count of active spans over each [edges[k], edges[k+1]).

    Spans with ``end < start`` or NaN ends are ignored (callers clip them first).
    """
    start = np.asarray(start, dtype=float)
    end = np.asarray(end, dtype=float)
    w = np.ones_like(start) if weight is None else np.asarray(weight, dtype=float)
    keep = np.isfinite(start) & np.isfinite(end) & (end > start)
    start, end, w = start[keep], end[keep], w[keep]
    edges = np.asarray(edges, dtype=float)
    n = max(edges.size - 1, 0)
    if start.size == 0 or n == 0:
        return np.zeros(n)
    times = np.concatenate([start, end, edges])
    steps = np.concatenate([w, -w, np.zeros(edges.size)])
    order = np.argsort(times, kind="stable")
    times = times[order]
    level = np.cumsum(steps[order])[:-1]  # the level from times[i] to times[i + 1]
    bucket = np.searchsorted(edges, times[:-1], side="right") - 1
    inside = (bucket >= 0) & (bucket < n)
    return np.bincount(bucket[inside], weights=level[inside] * np.diff(times)[inside], minlength=n)


def add_integral(
    into: np.ndarray,
    edges: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    weight: np.ndarray | None,
) -> None:
    """Add ∫ weighted active spans dt over each bin, touching only the bins the spans cover."""
    if start.size == 0:
        return
    n = edges.size - 1
    lo = max(int(np.searchsorted(edges, np.nanmin(start), side="right")) - 1, 0)
    hi = min(int(np.searchsorted(edges, np.nanmax(end), side="left")), n)
    if hi <= lo:
        return
    into[lo:hi] += integrate_spans(start, end, edges[lo : hi + 1], weight)
