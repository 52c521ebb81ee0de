"""Contract periods and the clock targets are measured on."""

from __future__ import annotations

import numpy as np

from cccsim.model.build import Model
from cccsim.model.calendar import WeeklyCalendar
from cccsim.records import ANSWERED, BLOCKED, OPEN, Records
from cccsim.units import DAY, WEEK


def target_edges(m: Model, per: str) -> np.ndarray:
    """Edges of the periods a target is judged over: [warmup, horizon] for ``per: period``,
    else the intervals, days, weeks or 30-day months that start after the warm-up."""
    step = {"interval": m.interval, "day": DAY, "week": WEEK, "month": 30 * DAY}.get(per)
    if step is None:
        return np.array([m.warmup, m.horizon])
    edges = np.arange(0.0, m.horizon + step, step)
    edges = np.minimum(edges, m.horizon)
    edges = np.unique(edges[edges >= 0])
    return edges[edges >= m.warmup - 1e-9] if m.warmup else edges


class ClockWaits:
    """Each contact's wait on a clock, worked out once per clock for one set of records: every
    target and wait curve on the same clock shares it (the tally's largest repeated pass)."""

    def __init__(self, rec: Records) -> None:
        self.rec = rec
        self._waits: dict[WeeklyCalendar | None, np.ndarray] = {}

    def __call__(self, calendar: WeeklyCalendar | None) -> np.ndarray:
        if calendar not in self._waits:
            self._waits[calendar] = clock_waits(self.rec, calendar)
        return self._waits[calendar]


def clock_waits(rec: Records, calendar: WeeklyCalendar | None) -> np.ndarray:
    """Each contact's wait on a clock: calendar seconds (None) or the open seconds of
    ``calendar``; a contact still waiting at the horizon has waited until the horizon."""
    end = np.where(rec.outcome == ANSWERED, rec.answered_at, rec.ended_at)
    end = np.where(rec.outcome == OPEN, rec.model.horizon, end)
    end = np.where(rec.outcome == BLOCKED, rec.arrived_at, end)
    if calendar is None:
        return end - rec.arrived_at
    b = calendar.open_seconds_until
    return b(end) - b(rec.arrived_at)
