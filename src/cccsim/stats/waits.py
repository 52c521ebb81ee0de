"""Waiting-time curves: the share of contacts answered within x, for every x on a fixed grid,
counted as additive sums so that replications and streamed parts add up.

One curve per internal contact type (waits on the calendar clock over the contacts that joined
the live queue) and one per service-level target: that target's contact types, clock (calendar or business
hours), short-abandon rule and base (``over``). At each grid point x the curve counts only contacts *due* at x —
arrived at least x before the horizon on the curve's clock — so that a contact still waiting at
the end of the run is never counted as answered late (the same rule as the service level's
``not_due``). At a threshold the curve equals that service level; the grid holds every threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cccsim.model.build import Model
from cccsim.model.calendar import WeeklyCalendar
from cccsim.records import ABANDONED, ANSWERED, Records
from cccsim.stats.selection import Selections

POINTS_PER_DECADE = 40
"""Grid density between 1 s and the horizon (about 6 % apart)."""

CURVE_KPI = "service_level"
"""Targets of this KPI get their own curve (one per distinct definition)."""


@dataclass(frozen=True)
class WaitCurve:
    """Whose waits a curve counts, on which clock, and over which base."""

    subject: str  # the contact type, or the target's subject ("voice (all segments)")
    target: str  # the target's label ("" for a contact type's own curve)
    types: tuple[int, ...]
    threshold: float  # the type's or the target's
    calendar: WeeklyCalendar | None = None  # business hours (None: the calendar clock)
    short_abandon: float = 0.0
    over: str = "offered"  # "answered": the base is the answered contacts


def wait_curves(m: Model) -> tuple[WaitCurve, ...]:
    """Each internal type's curve, then one per service-level target definition (targets that
    differ only in their period share a curve, named after the first)."""
    own = [WaitCurve(t.name, "", (t.index,), t.threshold) for t in m.types]
    seen = set()
    for t in m.targets:
        key = (t.measured_types, t.threshold, t.calendar, t.short_abandon, t.over)
        if t.kpi == CURVE_KPI and t.measured_types and key not in seen:
            seen.add(key)
            own.append(
                WaitCurve(
                    subject=m.types[t.type_index or t.measured_types[0]].name,
                    target=t.label,
                    types=t.measured_types,
                    threshold=float(t.threshold or 0.0),
                    calendar=t.calendar,
                    short_abandon=t.short_abandon,
                    over=t.over,
                )
            )
    return tuple(own)


def wait_grid(m: Model) -> np.ndarray:
    """0, then about ``POINTS_PER_DECADE`` points a decade from 1 s to the horizon, and every
    curve's threshold (so a curve is exact at its promise)."""
    top = max(m.horizon - m.warmup, 1.0)
    n = max(int(np.ceil(np.log10(top) * POINTS_PER_DECADE)), 1)
    grid = np.concatenate(([0.0], np.logspace(0.0, np.log10(top), n + 1)))
    grid[-1] = top  # exactly: a contact arriving at the warm-up's end is due at it
    thresholds = [c.threshold for c in wait_curves(m) if 0 < c.threshold <= top]
    return np.unique(np.concatenate((grid, thresholds)))


def count_waits(
    rec: Records,
    curves: tuple[WaitCurve, ...],
    grid: np.ndarray,
    into: np.ndarray,
    shared: Selections | None = None,
) -> None:
    """Add each curve's (answered within x, base) at every grid point x into ``into``
    (n_curves × 2 × grid size); ``shared`` as in ``count_target``."""
    if rec.n_contacts == 0:
        return
    size = grid.size
    shared = shared or Selections(rec)
    for c, sums in zip(curves, into, strict=True):
        # the contacts of the curve's types that reached the live queue, on its clock
        wait, outcome, due_until, from_ = shared(c.types, c.calendar).grid_points(grid)
        if not wait.size:
            continue
        answered = outcome == ANSWERED
        short = (outcome == ABANDONED) & (wait < c.short_abandon)
        counted = answered if c.over == "answered" else ~short
        # a contact counts at x while x ≤ seen (due at x); answered ones from x ≥ their wait
        hit = counted & answered & (from_ < due_until)
        step = np.bincount(from_[hit], minlength=size + 1) - np.bincount(
            due_until[hit], minlength=size + 1
        )
        sums[0] += np.cumsum(step[:size])
        base = np.bincount(due_until[counted], minlength=size + 1)
        sums[1] += base[::-1].cumsum()[::-1][1:]  # contacts with due_until > k
