"""The balking curve without numpy per contact: the same numbers as ``numpy.interp``."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cccsim.engine.announce import Balking

waits = st.floats(min_value=0, max_value=7200, allow_nan=False)


@st.composite
def curves(draw: st.DrawFn) -> tuple[tuple[float, float], ...]:
    """Balking points as the schema allows them: waits ascending, probabilities in [0, 1]."""
    xs = sorted(set(draw(st.lists(waits, min_size=1, max_size=6))))
    ys = draw(st.lists(st.floats(0, 1), min_size=len(xs), max_size=len(xs)))
    return tuple(zip(xs, ys, strict=True))


@settings(max_examples=300, deadline=None)
@given(curves(), st.lists(waits, min_size=1, max_size=20))
def test_balking_equals_numpy_interp(
    points: tuple[tuple[float, float], ...], at: list[float]
) -> None:
    """Between, at and beyond the points (exactly: the engine compares it with a uniform)."""
    curve = Balking(points)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    for wait in [*at, *xs, *(x * (1 + 1e-12) for x in xs), *(x * (1 - 1e-12) for x in xs)]:
        assert curve(wait) == float(np.interp(wait, xs, ys)), wait


def test_balking_by_hand() -> None:
    """The retail bank's curve: 0 at 0 s, 5 % at 2 min, 30 % at 10 min, flat after."""
    curve = Balking(((0.0, 0.0), (120.0, 0.05), (600.0, 0.3)))
    assert curve(60.0) == 0.025
    assert abs(curve(360.0) - 0.175) < 1e-15
    assert curve(3600.0) == 0.3
