"""Weekly calendars: open spans of a week, and the open seconds elapsed up to any instant.

A business-hours clock measures a wait as B(end) − B(start), where B(t) counts the open seconds
in [0, t); B is piecewise linear, so it is evaluated for all contacts at once.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cccsim.units import DAY, WEEK


@dataclass(frozen=True)
class WeeklyCalendar:
    """Open spans (weekday, start, end) of a week whose day 1 is ``first_weekday`` (0 = Monday)."""

    spans: tuple[tuple[int, float, float], ...]
    first_weekday: int = 0

    @cached_property
    def _spans(self) -> tuple[np.ndarray, np.ndarray]:
        return self._week_spans()

    @cached_property
    def _span_lists(self) -> tuple[list[float], list[float]]:
        s, e = self._spans
        return s.tolist(), e.tolist()

    def _week_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Merged open spans as seconds from the start of simulated day 1's week position."""
        starts = sorted(
            ((d - self.first_weekday) % 7 * DAY + s, (d - self.first_weekday) % 7 * DAY + e)
            for d, s, e in self.spans
        )
        merged: list[list[float]] = []
        for s, e in starts:
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        arr = np.array(merged, dtype=float).reshape(-1, 2)
        return arr[:, 0], arr[:, 1]

    def open_seconds_until(self, t: np.ndarray) -> np.ndarray:
        """B(t): open seconds in [0, t) for every instant in ``t``."""
        t = np.asarray(t, dtype=float)
        s, e = self._spans
        weeks, within = np.divmod(t, WEEK)
        if s.size == 0:
            return weeks * 0.0
        before, total = self._open_before
        # the span each instant falls in or follows: the open seconds of the spans before it,
        # plus the part of its own span up to the instant (a bisection, not a pass per span)
        k = np.searchsorted(s, within, side="right") - 1
        at = np.maximum(k, 0)
        partial = np.where(k >= 0, before[at] + np.minimum(within - s[at], e[at] - s[at]), 0.0)
        return weeks * total + partial

    @cached_property
    def _open_before(self) -> tuple[np.ndarray, float]:
        """Open seconds of the week before each span starts, and the week's total (a calendar
        with at least one open span)."""
        s, e = self._spans
        cumulative = np.cumsum(e - s)
        return np.concatenate(([0.0], cumulative[:-1])), float(cumulative[-1])

    def is_open(self, t: np.ndarray) -> np.ndarray:
        """Whether each instant lies in an open span."""
        s, e = self._spans
        within = np.mod(np.asarray(t, dtype=float), WEEK)
        return ((within[..., None] >= s) & (within[..., None] < e)).any(axis=-1)

    def open_at(self, t: float) -> bool:
        """``is_open`` for one instant, without numpy (the engine asks once per created contact)."""
        starts, ends = self._span_lists
        within = t % WEEK
        k = bisect_right(starts, within) - 1
        return k >= 0 and within < ends[k]

    def next_open(self, t: float) -> float:
        """The first instant at or after ``t`` inside an open span (inf if never open)."""
        starts, ends = self._span_lists
        if not starts:
            return math.inf
        week_start = t - t % WEEK
        within = t - week_start
        k = bisect_right(starts, within) - 1
        if k >= 0 and within < ends[k]:
            return t
        if k + 1 < len(starts):
            return week_start + starts[k + 1]
        return week_start + WEEK + starts[0]
