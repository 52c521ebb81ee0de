"""Time-weighted levels from spans: ∫ (number of spans active) dt over each reporting interval.

Busy agents, agents on duty and contacts waiting are all sums of spans [start, end) with a weight.
Their integral up to x is F(x) = Σ wᵢ·(x − sᵢ)⁺ − Σ wᵢ·(x − eᵢ)⁺, evaluated for every interval
edge at once with sorted cumulative sums: O((spans + intervals) log spans), no event-loop cost.
"""

from __future__ import annotations

import numpy as np


def _ramp(points: np.ndarray, weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Σ wᵢ·max(x − pᵢ, 0) for every x."""
    order = np.argsort(points, kind="stable")
    p, w = points[order], weights[order]
    cw = np.concatenate(([0.0], np.cumsum(w)))
    cwp = np.concatenate(([0.0], np.cumsum(w * p)))
    k = np.searchsorted(p, x, side="right")
    return cw[k] * x - cwp[k]


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
    if start.size == 0:
        return np.zeros(max(edges.size - 1, 0))
    area = _ramp(start, w, edges) - _ramp(end, w, edges)
    return np.diff(area)
