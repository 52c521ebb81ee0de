"""Durations and times of day: the one parser."""

from __future__ import annotations

import math

import pytest

from cccsim.units import format_duration, parse_duration, parse_time_of_day


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("30s", 30),
        ("5min", 300),
        ("8h", 28800),
        ("2d", 172800),
        ("1.5h", 5400),
        (90, 90),
        (2.5, 2.5),
        ("45", 45),
        ("1w", 604800),
        (" 10 min ", 600),
        ("250ms", 0.25),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "bad", ["-5s", "5 parsecs", "", "abc", None, True, [1], float("nan"), math.inf]
)
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_time_of_day() -> None:
    assert parse_time_of_day("08:30") == 8.5 * 3600
    assert parse_time_of_day("24:00") == 86400
    for bad in ("25:00", "8h", "12:60", 750):
        with pytest.raises(ValueError):
            parse_time_of_day(bad)


def test_formatting() -> None:
    assert format_duration(30) == "30s"
    assert format_duration(5400) == "1.5h"
