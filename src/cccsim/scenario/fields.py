"""Field types shared by the scenario models: durations, names, weekly hours, CSV columns."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
)

from cccsim.errors import Problem
from cccsim.units import format_time_of_day, parse_duration, parse_time_of_day

Duration = Annotated[float, BeforeValidator(parse_duration)]
"""Seconds; written as ``"30s"``, ``"5min"``, ``"8h"``, ``"2d"`` or a bare number of seconds."""

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=64)]
TypeName = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*(/[A-Za-z_][A-Za-z0-9_\-]*)?$", max_length=129),
]
"""A contact type, or one of its segments written ``type/segment`` (e.g. ``voice/vip``)."""
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Channel = Literal["voice", "chat", "messaging", "email"]
CONCURRENT_CHANNELS = frozenset({"chat", "messaging"})


class ConsistencyError(ValueError):
    """Cross-field problems found after the fields themselves validated (all of them at once)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _read_csv_column(file: str, column: str | None, info: ValidationInfo) -> list[float]:
    """Read one numeric CSV column (the first one when ``column`` is None) next to the scenario.

    The file's SHA-256 is noted in the validation context's ``files`` (when there is one).
    """
    context = info.context or {}
    base = Path(context.get("base_dir", "."))
    path = (base / file) if not Path(file).is_absolute() else Path(file)
    try:
        raw = path.read_bytes()
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    except FileNotFoundError:
        raise ValueError(f"CSV file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"cannot read CSV file {str(path)!r}: {exc}") from None
    if isinstance(context.get("files"), dict):  # part of a result's identity (resume)
        context["files"][file] = hashlib.sha256(raw).hexdigest()
    if not rows:
        raise ValueError(f"CSV file {str(path)!r} has a header but no rows")
    name = column if column is not None else next(iter(rows[0]))
    if name not in rows[0]:
        raise ValueError(f"CSV file {str(path)!r} has no column {name!r} (has {list(rows[0])})")
    values: list[float] = []
    for number, row in enumerate(rows, start=2):
        try:
            values.append(parse_duration(row[name]))
        except ValueError as exc:
            raise ValueError(f"{path.name} line {number}, column {name!r}: {exc}") from None
    return values


# ----------------------------------------------------------------------------- calendars

_DAY_NAMES = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}


def parse_weekly_hours(value: object) -> tuple[tuple[int, float, float], ...]:
    """``{"mon-fri": "08:00-18:00", "sat": "09:00-13:00"}`` → ((weekday, start s, end s), ...).

    Keys are a day (``mon``), a range (``mon-fri``) or ``all``; values are ``"HH:MM-HH:MM"``, a
    list of such ranges, or ``closed``. Times of day must be quoted strings.
    """
    from cccsim.units import parse_time_of_day

    if isinstance(value, list | tuple) and all(
        isinstance(v, list | tuple) and len(v) == 3 for v in value
    ):  # already parsed (a dumped scenario being validated again)
        return tuple((int(d), float(a), float(b)) for d, a, b in value)
    if not isinstance(value, dict) or not value:
        raise ValueError('expected weekly hours such as {"mon-fri": "08:00-18:00"}')
    out: list[tuple[int, float, float]] = []
    for key, ranges in value.items():
        days = _days(str(key))
        items = ranges if isinstance(ranges, list) else [ranges]
        for item in items:
            if item == "closed":
                continue
            if not isinstance(item, str) or "-" not in item:
                raise ValueError(f'{key}: expected "HH:MM-HH:MM" (quoted) or closed, got {item!r}')
            start_text, _, end_text = item.partition("-")
            start, end = parse_time_of_day(start_text), parse_time_of_day(end_text)
            if end <= start:
                raise ValueError(f"{key}: {item!r} ends before it starts")
            out.extend((d, start, end) for d in days)
    return tuple(sorted(out))


def _days(key: str) -> list[int]:
    key = key.strip().lower()
    if key in ("all", "daily", "mon-sun"):
        return list(range(7))
    if "-" in key:
        first, _, last = key.partition("-")
        if first not in _DAY_NAMES or last not in _DAY_NAMES:
            raise ValueError(f"unknown day range {key!r} (use e.g. mon-fri)")
        a, b = _DAY_NAMES[first], _DAY_NAMES[last]
        return list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    if key not in _DAY_NAMES:
        raise ValueError(
            f"unknown day {key!r} (use mon, tue, …, sun, a range like mon-fri, or all)"
        )
    return [_DAY_NAMES[key]]


WeeklyHours = Annotated[tuple[tuple[int, float, float], ...], BeforeValidator(parse_weekly_hours)]
"""Weekly hours: ``{"mon-fri": "08:00-18:00", "sat": ["09:00-12:00", "13:00-15:00"]}``."""


TimeOfDay = Annotated[
    float, BeforeValidator(parse_time_of_day), PlainSerializer(format_time_of_day)
]  # dumped back as "HH:MM", so a dumped scenario validates again (overrides, plans)
"""Seconds after midnight, written as a quoted "HH:MM"."""
