"""The contacts targets and wait curves count, selected once per (contact types, clock) for one
set of records and shared by every target and curve on them.

A tally counts several targets and curves on the same contacts (the bank's voice has a service
level per period and per interval, an abandon rate, a wait-over share and its wait curve): each
used to select and index the same columns again. Selecting once per group changes no number, as
every target and curve still sums the same values in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from cccsim.model.calendar import WeeklyCalendar
from cccsim.records import ABANDONED, ANSWERED, CALLBACK_KIND, NOT_REACHED, Records
from cccsim.stats.periods import ClockWaits


def one_of(values: np.ndarray, codes: tuple[int, ...] | list[int]) -> np.ndarray:
    """``np.isin(values, codes)`` for a few small codes (outcomes, contact types): a comparison
    per code is many times faster than ``isin`` on a day's contacts."""
    out = np.zeros(values.shape, bool)
    for code in codes:
        out |= values == code
    return out


@dataclass
class Selected:
    """The measured customer contacts of some types (arrived after the warm-up, not callbacks),
    with their columns and their waits on one clock."""

    rec: Records
    calendar: WeeklyCalendar | None
    sel: np.ndarray  # bool over the records' contacts
    wait: np.ndarray
    outcome: np.ndarray
    arrived: np.ndarray
    _periods: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _points: list[tuple[np.ndarray, tuple[np.ndarray, ...]]] = field(default_factory=list)

    @cached_property
    def handle(self) -> np.ndarray:
        return self.rec.handle_time[self.sel]

    @cached_property
    def blocked(self) -> np.ndarray:
        """Never in the live queue (blocked, closed, turned into a callback, voicemail or form)."""
        return one_of(self.outcome, NOT_REACHED)

    @cached_property
    def answered(self) -> np.ndarray:
        return self.outcome == ANSWERED

    @cached_property
    def abandoned(self) -> np.ndarray:
        return self.outcome == ABANDONED

    @cached_property
    def clock_arrived(self) -> np.ndarray:
        """Arrival instants on the clock (open seconds of the calendar before each arrival)."""
        assert self.calendar is not None
        return self.calendar.open_seconds_until(self.arrived)

    @cached_property
    def clock_horizon(self) -> np.ndarray:
        """The horizon on the clock."""
        assert self.calendar is not None
        return self.calendar.open_seconds_until(np.array(self.rec.model.horizon))

    def periods(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(period of each contact counted, which contacts fall in one) for arrivals in ``edges``."""
        for known, period, keep in self._periods:
            if known is edges:
                return period, keep
        n = edges.size - 1
        period = np.searchsorted(edges, self.arrived, side="right") - 1
        keep = (period >= 0) & (period < n)
        self._periods.append((edges, period[keep], keep))
        return period[keep], keep

    def grid_points(self, grid: np.ndarray) -> tuple[np.ndarray, ...]:
        """For the contacts that reached the live queue, on ``grid`` (``stats.waits``): their
        waits, outcomes, the first grid point past the time each was seen before the horizon,
        and the first grid point at or after each wait."""
        for known, points in self._points:
            if known is grid:
                return points
        reached = ~self.blocked
        wait, outcome = self.wait[reached], self.outcome[reached]
        if self.calendar is None:
            seen = self.rec.model.horizon - self.arrived[reached]
        else:
            seen = self.clock_horizon - self.clock_arrived[reached]
        points = (
            wait,
            outcome,
            np.searchsorted(grid, seen, side="right"),
            np.searchsorted(grid, wait, side="left"),
        )
        self._points.append((grid, points))
        return points


class Selections:
    """The records' measured customer contacts per (contact types, clock), each selected once."""

    def __init__(self, rec: Records) -> None:
        self.rec = rec
        self.waits = ClockWaits(rec)
        self._of: dict[tuple[tuple[int, ...], WeeklyCalendar | None], Selected] = {}

    @cached_property
    def measured(self) -> np.ndarray:
        """Customers' own contacts (not callbacks) that arrived after the warm-up."""
        rec = self.rec
        kind = rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, np.int8)
        return (rec.arrived_at >= rec.model.warmup) & (kind != CALLBACK_KIND)

    def __call__(self, types: tuple[int, ...], calendar: WeeklyCalendar | None) -> Selected:
        key = (tuple(types), calendar)
        if key not in self._of:
            rec = self.rec
            sel = one_of(rec.contact_type, types) & self.measured
            self._of[key] = Selected(
                rec=rec,
                calendar=calendar,
                sel=sel,
                wait=self.waits(calendar)[sel],
                outcome=rec.outcome[sel],
                arrived=rec.arrived_at[sel],
            )
        return self._of[key]
