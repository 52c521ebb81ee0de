"""Numerators and denominators of targets, counted as each target defines its KPI (threshold,
clock, short abandons, base, contact types or agent group) per contract period or any edges.

Kept apart from ``stats.tally`` so the contract's definitions live in one file: the tally adds
these per target, and the staffing search counts them per interval it checks.
"""

from __future__ import annotations

import numpy as np

from cccsim.levels import add_integral
from cccsim.model.targets import TargetModel
from cccsim.records import (
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK_KIND,
    CLOSED,
    Records,
    busy_spans,
)
from cccsim.stats.periods import target_edges
from cccsim.stats.selection import Selections, one_of


def target_sums(rec: Records, t: TargetModel, edges: np.ndarray | None = None) -> np.ndarray:
    """(numerator, denominator) of target ``t``'s KPI in each of its periods, over ``rec``.

    ``edges`` replaces the periods by any ascending instants (contacts counted by arrival; the
    staffing search counts deferred work by the interval its answer is due in).
    """
    edges = target_edges(rec.model, t.per) if edges is None else edges
    sums = np.zeros((2, edges.size - 1))
    count_target(rec, t, sums, edges)
    return sums


def count_target(
    rec: Records,
    t: TargetModel,
    sums: np.ndarray,
    edges: np.ndarray | None = None,
    shared: Selections | None = None,
) -> None:
    """Add target ``t``'s numerators and denominators over ``rec`` into ``sums`` (``shared``:
    the records' selections, when the caller shares them between targets and curves)."""
    m = rec.model
    edges = target_edges(m, t.per) if edges is None else edges
    if t.kpi == "occupancy":
        g = t.group_index
        assert g is not None  # occupancy targets always name a group
        start, end, weight = busy_spans(rec, g)
        add_integral(sums[0], edges, start, end, weight)
        s = rec.session_group == g
        add_integral(sums[1], edges, rec.session_start[s], rec.session_end[s], None)
        return
    types = list(t.measured_types)
    if t.kpi == "callback_promise_kept":
        tm = m.types[t.type_index or 0]
        if tm.callback is None or rec.kind is None or rec.entered_at is None:
            return
        queues = types + [m.types[i].callback_type for i in types if m.types[i].callback_type >= 0]
        mine = (rec.kind == CALLBACK_KIND) & one_of(rec.contact_type, queues)
        if tm.segment and tm.callback_type >= 0:  # a shared callback queue: the segment's customers
            mine &= journey_types(rec) == tm.index
        accepted = rec.entered_at[mine]
        kept = (rec.outcome[mine] == ANSWERED) & (
            rec.answered_at[mine] - accepted <= tm.callback.promise
        )
        _add_by_period(sums, edges, accepted, kept, np.ones(accepted.size))
        return
    c = (shared or Selections(rec))(t.measured_types, t.calendar)
    wait, outcome, arrived = c.wait, c.outcome, c.arrived
    blocked, answered = c.blocked, c.answered  # blocked: never in the live queue
    short = c.abandoned & (wait < t.short_abandon) if t.short_abandon else np.zeros_like(blocked)
    reached = ~blocked & ~short
    threshold = t.threshold or 0.0
    # a threshold measure counts contacts whose threshold fell within the horizon (on the
    # target's clock): whether a later one will be answered in time is not known yet
    if t.calendar is None:
        due = arrived + threshold <= m.horizon
    else:
        due = c.clock_arrived + threshold <= c.clock_horizon
    num, den = {
        "service_level": lambda: (
            answered & (wait <= threshold) & due,
            (answered if t.over == "answered" else reached) & due,
        ),
        "abandon_rate": lambda: (c.abandoned & ~short, reached),
        "wait_over": lambda: (~blocked & (wait > threshold) & due, ~blocked & due),
        "closed_rate": lambda: (outcome == CLOSED, np.ones_like(blocked)),
        "balk_rate": lambda: (outcome == BALKED, ~blocked),
        "block_rate": lambda: (outcome == BLOCKED, np.ones_like(blocked)),
        "p_wait": lambda: (~blocked & (wait > 0), ~blocked),
        "asa": lambda: (np.where(answered, wait, 0.0), answered),
        "aht": lambda: (np.where(answered, c.handle, 0.0), answered),
    }[t.kpi]()
    period, keep = c.periods(edges)
    n = edges.size - 1
    sums[0] += np.bincount(period, weights=num[keep].astype(float), minlength=n)
    sums[1] += np.bincount(period, weights=den[keep].astype(float), minlength=n)


def fold_into_periods(
    fine: np.ndarray, fine_edges: np.ndarray, sums: np.ndarray, edges: np.ndarray
) -> bool:
    """Add sums counted over ``fine_edges`` into ``sums`` over the coarser ``edges`` when every
    coarse edge is a fine one (periods made of whole intervals); False, adding nothing, if not.

    Every KPI's numerator and denominator adds up over time (counts by arrival, integrals of
    busy and staffed time), so a period's sums are its intervals' sums: counting once per
    interval and folding halves the tally's work on targets.
    """
    at = np.searchsorted(fine_edges, edges)
    if at.size < 2 or at[-1] >= fine_edges.size or not np.array_equal(fine_edges[at], edges):
        return False
    sums += np.add.reduceat(fine[:, : at[-1]], at[:-1], axis=1)
    return True


def journey_types(rec: Records) -> np.ndarray:
    """The internal type of each contact's customer's first contact (a part holds whole journeys)."""
    if rec.customer is None:
        return rec.contact_type
    ids = rec.contact_id if rec.contact_id is not None else np.arange(rec.n_contacts)
    order = np.argsort(ids, kind="stable")
    at = np.clip(np.searchsorted(ids, rec.customer, sorter=order), 0, max(rec.n_contacts - 1, 0))
    return rec.contact_type[order[at]]


def _add_by_period(
    sums: np.ndarray, edges: np.ndarray, at: np.ndarray, num: np.ndarray, den: np.ndarray
) -> None:
    """Add numerators and denominators into the periods ``edges`` that ``at`` falls in."""
    n = edges.size - 1
    period = np.searchsorted(edges, at, side="right") - 1
    keep = (period >= 0) & (period < n)
    sums[0] += np.bincount(period[keep], weights=num[keep].astype(float), minlength=n)
    sums[1] += np.bincount(period[keep], weights=den[keep].astype(float), minlength=n)
