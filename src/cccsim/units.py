"""The one parser for durations and times of day: scenario text → float seconds.

Simulation time is float seconds everywhere inside the engine; scenario files may say
``"30s"``, ``"5min"``, ``"1.5h"``, ``"2d"`` (bare numbers are seconds) and give times of day as
quoted ``"HH:MM"`` strings.
"""

from __future__ import annotations

import math
import re

SECOND = 1.0
MINUTE = 60.0
HOUR = 3600.0
DAY = 86400.0
WEEK = 7 * DAY

_UNITS = {
    "ms": 0.001,
    "s": SECOND,
    "sec": SECOND,
    "secs": SECOND,
    "second": SECOND,
    "seconds": SECOND,
    "m": MINUTE,
    "min": MINUTE,
    "mins": MINUTE,
    "minute": MINUTE,
    "minutes": MINUTE,
    "h": HOUR,
    "hr": HOUR,
    "hrs": HOUR,
    "hour": HOUR,
    "hours": HOUR,
    "d": DAY,
    "day": DAY,
    "days": DAY,
    "w": WEEK,
    "week": WEEK,
    "weeks": WEEK,
}
_DURATION = re.compile(r"^\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")
_TIME_OF_DAY = re.compile(r"^\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s*$")


def parse_duration(value: object) -> float:
    """Convert a duration (``"30s"``, ``"5min"``, ``"8h"``, ``"2d"`` or a number of seconds) to seconds.

    Raises:
        ValueError: with a message saying what was expected (pydantic shows it with the field path).
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as '30s', '5min', '8h' or '2d', got {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError(
                f"expected a duration such as '30s', '5min', '8h' or '2d', got {value!r}"
            )
        number, unit = match.groups()
        if unit and unit.lower() not in _UNITS:
            known = ", ".join(["s", "min", "h", "d", "w"])
            raise ValueError(f"unknown time unit {unit!r} in {value!r} (use one of {known})")
        seconds = float(number) * (_UNITS[unit.lower()] if unit else SECOND)
    else:
        raise ValueError(
            f"expected a duration such as '30s', '5min', '8h' or '2d', got {type(value).__name__}"
        )
    if not math.isfinite(seconds):
        raise ValueError(f"a duration must be finite, got {value!r}")
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    return seconds


def parse_time_of_day(value: object) -> float:
    """Convert a quoted ``"HH:MM"`` (or ``"HH:MM:SS"``) time of day to seconds after midnight.

    ``"24:00"`` is accepted as the end of a day. An integer is refused with a hint, because PyYAML
    reads an unquoted ``12:30`` as the sexagesimal number 750.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f'times of day must be quoted strings like "08:30"; got the number {value!r} '
            "(YAML reads an unquoted 12:30 as 750 — put the time in quotes)"
        )
    if not isinstance(value, str):
        raise ValueError(f'expected a time of day like "08:30", got {type(value).__name__}')
    match = _TIME_OF_DAY.match(value)
    if not match:
        raise ValueError(f'expected a time of day like "08:30", got {value!r}')
    hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if minutes > 59 or seconds > 59 or hours > 24 or (hours == 24 and (minutes or seconds)):
        raise ValueError(f"{value!r} is not a valid time of day (00:00 to 24:00)")
    return hours * HOUR + minutes * MINUTE + seconds


def format_duration(seconds: float) -> str:
    """Render seconds compactly for tables and messages (``"1h 30min"``, ``"45s"``)."""
    if not math.isfinite(seconds):
        return "∞"
    if seconds < MINUTE:
        return f"{seconds:.3g}s"
    if seconds < HOUR:
        return f"{seconds / MINUTE:.3g}min"
    if seconds < DAY:
        return f"{seconds / HOUR:.3g}h"
    return f"{seconds / DAY:.3g}d"


def format_time_of_day(seconds: float) -> str:
    """Seconds after midnight as ``"HH:MM"`` (``"HH:MM:SS"`` when seconds are not whole minutes)."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
