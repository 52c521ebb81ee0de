"""Opening-hours calendars: the scalar fast paths agree with the vectorised definitions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cccsim.model.build import build_model
from cccsim.model.calendar import WeeklyCalendar
from cccsim.scenario import load_scenario
from cccsim.units import DAY, WEEK

spans = st.lists(
    st.tuples(
        st.integers(0, 6),
        st.integers(0, 47).map(lambda k: k * 1800.0),
        st.integers(1, 12).map(lambda k: k * 1800.0),
    ).map(lambda d: (d[0], d[1], min(d[1] + d[2], DAY))),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 6), st.floats(0, 3 * WEEK))
def test_open_at_and_next_open_match_the_definition(
    week: list[tuple[int, float, float]], first: int, t: float
) -> None:
    cal = WeeklyCalendar(tuple(week), first)
    assert cal.open_at(t) == bool(cal.is_open(np.array([t]))[0])
    nxt = cal.next_open(t)
    if not week:
        assert math.isinf(nxt)
        return
    assert nxt >= t and cal.open_at(nxt)
    # nothing open in between: probe every 15 minutes (spans start on half hours)
    probe = np.arange(t, nxt, 900.0)[1:]
    probe = probe[probe < nxt]
    assert not cal.is_open(probe).any()


def test_next_opening_skips_closed_days() -> None:
    """Open 08–20 on weekdays, day 2 (a Tuesday) a holiday: a call on Monday at 21:00 is called
    back on Wednesday at 08:00."""
    sc = load_scenario(
        {
            "name": "holiday",
            "horizon": "7d",
            "contact_types": {
                "voice": {
                    "channel": "voice",
                    "arrivals": {"per_hour": 1},
                    "handle_time": {"dist": "exponential", "mean": 60},
                    "access": {"hours": {"mon-fri": "08:00-20:00"}, "closed_days": [2]},
                }
            },
            "agent_groups": {"team": {"skills": ["voice"], "staff": 1}},
        }
    )
    voice = build_model(sc).types[0]
    assert voice.next_opening(21 * 3600) == 2 * DAY + 8 * 3600
    assert voice.open_at(9 * 3600) and not voice.open_at(DAY + 9 * 3600)
    assert voice.next_opening(3 * DAY + 10 * 3600) == 3 * DAY + 10 * 3600


@settings(max_examples=200, deadline=None)
@given(spans, st.integers(0, 6), st.lists(st.floats(0, 3 * WEEK), min_size=1, max_size=8))
def test_open_seconds_until_counts_the_open_seconds(
    week: list[tuple[int, float, float]], first: int, instants: list[float]
) -> None:
    """B(t) against a count of the open seconds before t, span by span of every week (spans of
    overlapping hours merged first, as the calendar does); B(t) − B(s) of two instants in the
    same open span is their distance."""
    cal = WeeklyCalendar(tuple(week), first)
    s, e = cal._week_spans()
    got = cal.open_seconds_until(np.array(instants))
    for t, b in zip(instants, got, strict=True):
        want = sum(
            max(0.0, min(t, w * WEEK + hi) - (w * WEEK + lo))
            for w in range(4)
            for lo, hi in zip(s.tolist(), e.tolist(), strict=True)
        )
        assert b == pytest.approx(want, rel=1e-12, abs=1e-6)
    assert cal.open_seconds_until(np.array(WEEK)) == pytest.approx(float((e - s).sum()))
    for lo, hi in zip(s.tolist(), e.tolist(), strict=True):
        inside = np.array([lo + 0.25 * (hi - lo), lo + 0.75 * (hi - lo)]) + WEEK
        assert np.diff(cal.open_seconds_until(inside))[0] == pytest.approx(0.5 * (hi - lo))
