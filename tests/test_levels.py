"""Time-weighted integrals of spans, checked against a brute-force sum."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cccsim.levels import integrate_spans


def test_hand_worked() -> None:
    """Spans [0, 10) weight 1 and [5, 25) weight 0.5 over edges 0, 10, 20, 30:
    interval 0: 10 + 2.5 = 12.5; interval 1: 5; interval 2: 2.5."""
    got = integrate_spans(
        np.array([0.0, 5.0]),
        np.array([10.0, 25.0]),
        np.array([0, 10, 20, 30.0]),
        np.array([1.0, 0.5]),
    )
    np.testing.assert_allclose(got, [12.5, 5.0, 2.5])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 160), st.floats(0, 90), st.floats(0, 3)), max_size=30),
    st.sampled_from([np.linspace(0, 160, 9), np.array([30.0, 50, 55, 100, 130])]),
)
def test_matches_brute_force(spans: list[tuple[float, float, float]], edges: np.ndarray) -> None:
    """Spans inside one interval, across several, and beyond the first and last edges."""
    start = np.array([s for s, _, _ in spans])
    end = start + np.array([d for _, d, _ in spans])
    weight = np.array([w for _, _, w in spans])
    got = integrate_spans(start, end, edges, weight)
    want = [
        sum(w * max(0.0, min(e, b) - max(s, a)) for s, e, w in zip(start, end, weight, strict=True))
        for a, b in itertools.pairwise(edges)
    ]
    np.testing.assert_allclose(got, want, atol=1e-7)


def test_ends_on_edges_and_unknown_ends() -> None:
    """A span ending exactly on an edge adds nothing to the next interval; one starting on an edge
    nothing to the one before; spans with a NaN or infinite end, or ending before they start, are
    ignored; a span covering every interval adds each width (edges 0, 10, 30, 60)."""
    start = np.array([0.0, 10.0, 5.0, 2.0, 3.0, 4.0, -5.0])
    end = np.array([10.0, 30.0, np.nan, np.inf, 1.0, 4.0, 70.0])
    weight = np.array([1.0, 2.0, 7.0, 7.0, 7.0, 7.0, 0.5])
    got = integrate_spans(start, end, np.array([0.0, 10.0, 30.0, 60.0]), weight)
    np.testing.assert_allclose(got, [10 + 5, 40 + 10, 15], rtol=0, atol=1e-12)


def test_accurate_over_a_year() -> None:
    """A one-second span every five minutes for a year: each hour holds exactly 12 seconds.
    (A closed form over the whole horizon lost digits to cancellation late in the year.)"""
    start = np.arange(0.0, 365 * 86400.0, 300.0) + 0.25
    edges = np.arange(0.0, 365 * 86400.0 + 1, 3600.0)
    got = integrate_spans(start, start + 1.0, edges, np.full(start.size, 1 / 3))
    np.testing.assert_allclose(got, 4.0, rtol=0, atol=1e-9)
