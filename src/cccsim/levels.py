"""Time-weighted levels from spans: ∫ (number of spans active) dt over each reporting interval.

Busy agents, agents on duty and contacts waiting are all sums of spans [start, end) with a weight.
Each span adds its overlap with every interval it touches: its own length when it lies inside one
interval; otherwise the pieces in its first and last intervals plus the whole width of those in
between (counted as a running sum of spans open across each edge). Every term is a short
local difference, so the result stays accurate over a year of seconds (an earlier closed form,
Σ w·(x − s)⁺ − Σ w·(x − e)⁺, lost digits to cancellation as x grew). O(spans · log intervals)
and no sort (a sort of every start, end and edge was a quarter of the contacts stream's tally).
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
    edges = np.asarray(edges, dtype=float)
    n = max(edges.size - 1, 0)
    if start.size == 0 or n == 0:
        return np.zeros(n)
    # spans with a NaN or infinite start or end are ignored; the rest are clipped to the edges
    keep = np.isfinite(start) & np.isfinite(end)
    start = np.maximum(start, edges[0])
    end = np.minimum(end, edges[-1])
    keep &= end > start
    if not keep.all():
        start, end, w = start[keep], end[keep], w[keep]
    first = np.searchsorted(edges, start, side="right") - 1  # edges[first] <= start
    last = np.searchsorted(edges, end, side="left") - 1  # edges[last] < end <= edges[last + 1]
    inside = first == last
    out = np.zeros(n)
    out += np.bincount(first[inside], weights=w[inside] * (end - start)[inside], minlength=n)
    across = ~inside
    if across.any():
        f, la, wa = first[across], last[across], w[across]
        out += np.bincount(f, weights=wa * (edges[f + 1] - start[across]), minlength=n)
        out += np.bincount(la, weights=wa * (end[across] - edges[la]), minlength=n)
        # spans open across the whole of an interval: +w after their first, −w from their last
        opened = np.bincount(f + 1, weights=wa, minlength=n + 1)
        opened -= np.bincount(la, weights=wa, minlength=n + 1)
        out += np.cumsum(opened[:n]) * np.diff(edges)
    return out


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
