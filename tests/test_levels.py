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


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 50), st.floats(0, 3)), max_size=30))
def test_matches_brute_force(spans: list[tuple[float, float, float]]) -> None:
    start = np.array([s for s, _, _ in spans])
    end = start + np.array([d for _, d, _ in spans])
    weight = np.array([w for _, _, w in spans])
    edges = np.linspace(0, 160, 9)
    got = integrate_spans(start, end, edges, weight)
    want = [
        sum(w * max(0.0, min(e, b) - max(s, a)) for s, e, w in zip(start, end, weight, strict=True))
        for a, b in itertools.pairwise(edges)
    ]
    np.testing.assert_allclose(got, want, atol=1e-7)


def test_accurate_over_a_year() -> None:
    """A one-second span every five minutes for a year: each hour holds exactly 12 seconds.
    (A closed form over the whole horizon lost digits to cancellation late in the year.)"""
    start = np.arange(0.0, 365 * 86400.0, 300.0) + 0.25
    edges = np.arange(0.0, 365 * 86400.0 + 1, 3600.0)
    got = integrate_spans(start, start + 1.0, edges, np.full(start.size, 1 / 3))
    np.testing.assert_allclose(got, 4.0, rtol=0, atol=1e-9)
