"""A journey's generator, re-keyed in place, against a Philox built afresh for the same position."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cccsim.engine.followups import KEY_LIMIT, FollowUps
from cccsim.rng import Streams


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, KEY_LIMIT - 1), st.integers(1, 50), st.integers(0, 9)),
        min_size=1,
        max_size=8,
    )
)
def test_at_is_a_fresh_philox_at_the_customers_key_and_step(
    positions: list[tuple[int, int, int]],
) -> None:
    """``at(key, j)`` draws exactly what ``Philox(key=(key, salt), counter=(0, j, 0, 0))`` draws,
    whatever was drawn (and left buffered, as by a 32-bit draw) at the previous position."""
    follow = FollowUps(Streams(3))
    salt = int(Streams(3).stream("journeys").integers(0, 2**63 - 1))
    for key, j, left in positions:
        fresh = np.random.Generator(np.random.Philox(key=[key, salt], counter=[0, j, 0, 0]))
        rng = follow.at(key, j)
        first = rng.integers(0, 2**31, dtype=np.int32)  # a 32-bit draw: nothing half-used
        assert first == fresh.integers(0, 2**31, dtype=np.int32)
        assert rng.random(3).tolist() == fresh.random(3).tolist()
        assert rng.exponential(5.0) == fresh.exponential(5.0)
        assert rng.integers(0, 2**31, dtype=np.int32) == fresh.integers(0, 2**31, dtype=np.int32)
        rng.integers(0, 2**31, size=left, dtype=np.int32)  # leaves half a word buffered
