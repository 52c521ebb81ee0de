"""Additive tallies of a replication: counts, sums and time integrals from which every KPI frame
is computed, so that records handed over a day at a time need not be kept.

A ``Tally`` of the whole ``Records`` equals the sum of the tallies of its parts (each part holds
whole journeys, the sessions, unanswered dials and IVR calls recorded since the previous part).
Every KPI is a ratio of two sums, so the frames (``stats.kpis``, ``stats.targets``,
``stats.journeys``) are the same whether the records were kept in memory or streamed to disk.

Arrival-time sums are kept per contact type × *bin*: the reporting intervals, with the interval
that holds the end of the warm-up split there, so that both the intervals and the measurement
window are unions of bins. Time integrals (queue, busy, staffed) are kept over the same bins.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cccsim.levels import add_integral
from cccsim.model.build import Model
from cccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK,
    CALLBACK_KIND,
    CLOSED,
    NOT_REACHED,
    OFFLINE_FORM,
    OPEN,
    VOICEMAIL,
    Records,
    busy_spans,
    wait_times,
)
from cccsim.stats.costs import contact_minutes, customer_costs, telephony_costs
from cccsim.stats.periods import target_edges
from cccsim.stats.selection import Selections, one_of
from cccsim.stats.target_counts import count_target, fold_into_periods
from cccsim.stats.waits import count_waits, wait_curves, wait_grid

TYPE_SUMS: tuple[str, ...] = (
    # customers' own contacts (not outbound callbacks), counted in their arrival bin
    "offered",
    "answered",
    "abandoned",
    "blocked",
    "open",
    "closed",
    "balked",
    "callbacks",  # left the line for a callback or voicemail
    "voicemails",  # … of which a voicemail left out of hours
    "offline_forms",  # taken out of hours as a form (becomes a contact of another type)
    "reached",  # joined the live queue (offered − blocked, closed, callback, voicemail, form)
    "within",  # due by the horizon and answered within the type's threshold
    "due",  # reached, and its threshold fell within the horizon (the service level's base)
    "not_due",  # reached less than the threshold before the horizon (out of the service level)
    "waited",  # reached and waited more than zero
    "wait_answered",  # Σ wait of the answered
    "handle_answered",  # Σ handle time of the answered
    "wait_reached",  # Σ wait of the reached
    # every contact of the type
    "callback_offered",
    "cb_made",  # outbound callbacks
    "cb_done",  # … answered
    "cb_delay",  # Σ acceptance → answer of those answered
    "cb_kept",  # … answered within the promise
    "telephony_cost",
    "customer_cost",
    "resolved",
    "wait_minutes_reached",
)
"""Sums per contact type × arrival bin."""

JOURNEY_SUMS: tuple[str, ...] = (
    "customers",
    "attempts",
    "served",
    "resolved",
    "switches",
    "to_resolution",  # Σ over resolved customers
    "quick",  # answered within the threshold at the first attempt
    "cost",
    "cost_resolved",
)
"""Sums per first contact type (customers whose journey began in the measurement window)."""

_CHANNELS = ("voice", "chat", "messaging", "email")


@dataclass(frozen=True)
class Bins:
    """The reporting intervals with the warm-up's end added as an edge."""

    edges: np.ndarray  # n_bins + 1, the last is the horizon
    interval: np.ndarray  # reporting interval of each bin
    measured: np.ndarray  # bin lies in [warmup, horizon)
    interval_edges: np.ndarray  # n_intervals + 1
    interval_width: float
    split: int  # the interval cut by the warm-up's end (−1 if none)
    warmup: float

    @classmethod
    def of(cls, m: Model) -> Bins:
        edges = np.minimum(np.arange(m.n_intervals + 1) * m.interval, m.horizon)
        k = int(m.warmup // m.interval)
        split = k if 0 < m.warmup < m.horizon and m.warmup > edges[k] else -1
        bin_edges = np.insert(edges, k + 1, m.warmup) if split >= 0 else edges
        interval = np.arange(m.n_intervals)
        if split >= 0:
            interval = np.insert(interval, k, k)
        return cls(
            edges=bin_edges,
            interval=interval,
            measured=bin_edges[:-1] >= m.warmup,
            interval_edges=edges,
            interval_width=m.interval,
            split=split,
            warmup=m.warmup,
        )

    @property
    def size(self) -> int:
        return int(self.interval.size)

    def of_arrivals(self, arrived: np.ndarray) -> np.ndarray:
        """The bin of each arrival (the same interval as ``arrived // interval``)."""
        k = (arrived // self.interval_width).astype(np.int64)
        if self.split < 0:
            return k
        return k + ((k > self.split) | ((k == self.split) & (arrived >= self.warmup)))

    def per_interval(self, sums: np.ndarray) -> np.ndarray:
        """Sums over bins (last axis) gathered into reporting intervals."""
        if self.split < 0:
            return sums
        starts = np.flatnonzero(np.diff(self.interval, prepend=-1))
        return np.add.reduceat(sums, starts, axis=-1)


@dataclass
class Tally:
    """Sums over some records of a replication; ``+=`` another part's tally to accumulate."""

    model: Model
    types: dict[str, np.ndarray]  # TYPE_SUMS → (n_types, n_bins)
    queue_area: np.ndarray  # (n_types, n_bins): ∫ contacts waiting dt
    busy: np.ndarray  # (n_groups, n_bins): ∫ busy agents dt (service and unanswered dials)
    staffed: np.ndarray  # (n_groups, n_bins): ∫ agents on duty dt
    group_answered: np.ndarray  # (n_groups, n_types): answered in the window
    group_handled_minutes: np.ndarray  # (n_groups, n_types): their handle time
    group_busy: np.ndarray  # (n_groups, n_types): service time within the window
    journeys: np.ndarray  # (n_first_types, len(JOURNEY_SUMS))
    ivr: list[np.ndarray]  # per entry: calls, contained, Σ ivr time, routed, per-choice counts
    targets: list[np.ndarray]  # per target: (2, n_periods) numerator, denominator
    target_intervals: list[np.ndarray]  # per target: (2, n_intervals), the same per interval
    waits: np.ndarray  # (n_curves, 2, grid size): answered within x, base (stats.waits)
    n_contacts: int = 0
    n_events: int = 0

    def __iadd__(self, other: Tally) -> Tally:
        for name, values in self.types.items():
            values += other.types[name]
        for mine, theirs in (
            (self.queue_area, other.queue_area),
            (self.busy, other.busy),
            (self.staffed, other.staffed),
            (self.group_answered, other.group_answered),
            (self.group_handled_minutes, other.group_handled_minutes),
            (self.group_busy, other.group_busy),
            (self.journeys, other.journeys),
            *zip(self.ivr, other.ivr, strict=True),
            *zip(self.targets, other.targets, strict=True),
            *zip(self.target_intervals, other.target_intervals, strict=True),
            (self.waits, other.waits),
        ):
            mine += theirs
        self.n_contacts += other.n_contacts
        self.n_events += other.n_events
        return self

    @cached_property
    def bins(self) -> Bins:
        return Bins.of(self.model)

    @staticmethod
    def empty(m: Model) -> Tally:
        """A tally of no records."""
        bins = Bins.of(m)
        n_t, n_g = len(m.types), len(m.groups)
        return Tally(
            model=m,
            types={name: np.zeros((n_t, bins.size)) for name in TYPE_SUMS},
            queue_area=np.zeros((n_t, bins.size)),
            busy=np.zeros((n_g, bins.size)),
            staffed=np.zeros((n_g, bins.size)),
            group_answered=np.zeros((n_g, n_t)),
            group_handled_minutes=np.zeros((n_g, n_t)),
            group_busy=np.zeros((n_g, n_t)),
            journeys=np.zeros((len(first_types(m)), len(JOURNEY_SUMS))),
            ivr=[np.zeros(4 + len(entry.choices)) for entry in m.ivr],
            targets=[np.zeros((2, target_edges(m, t.per).size - 1)) for t in m.targets],
            target_intervals=[np.zeros((2, m.n_intervals)) for _ in m.targets],
            waits=np.zeros((len(wait_curves(m)), 2, wait_grid(m).size)),
        )


def first_types(m: Model) -> list[str]:
    """Names journeys are reported by: the base contact types (segments folded in), in order."""
    return list(dict.fromkeys(t.parent for t in m.types))


def tally(rec: Records, into: Tally | None = None) -> Tally:
    """The sums of ``rec`` (whole records or one part of them), added into ``into`` if given
    (a running tally of earlier parts: the same numbers as ``into += tally(rec)``, without a
    tally of the part's size to allocate and add)."""
    m = rec.model
    out = Tally.empty(m) if into is None else into
    bins = out.bins
    out.n_contacts += rec.n_contacts
    out.n_events += rec.n_events
    customer = _count_contacts(rec, bins, out)
    spans = _count_groups(rec, bins, out)
    _count_journeys(rec, out, customer)
    _count_ivr(rec, out)
    shared = Selections(rec)
    for t, sums, intervals in zip(m.targets, out.targets, out.target_intervals, strict=True):
        # counted per interval on their own (folded into periods below), then added
        per_interval = np.zeros_like(intervals)
        if t.kpi == "occupancy" and t.group_index is not None and bins.split < 0:
            # the bins are the intervals: the group's busy and staffed time, as just counted
            per_interval += spans[t.group_index]
        else:
            count_target(rec, t, per_interval, bins.interval_edges, shared)
        intervals += per_interval
        if not fold_into_periods(per_interval, bins.interval_edges, sums, target_edges(m, t.per)):
            part = np.zeros_like(sums)
            count_target(rec, t, part, shared=shared)
            sums += part
    count_waits(rec, wait_curves(m), wait_grid(m), out.waits, shared)
    return out


def as_tally(source: Records | Tally) -> Tally:
    """The tally of ``source`` (records are tallied whole)."""
    return source if isinstance(source, Tally) else tally(source)


def _count_contacts(rec: Records, bins: Bins, out: Tally) -> np.ndarray:
    """Add the sums per contact type × bin; return each contact's customer cost."""
    m = rec.model
    n_types = len(m.types)
    if rec.n_contacts == 0:
        return np.zeros(0)
    wait = wait_times(rec)
    outcome, ctype = rec.outcome, rec.contact_type.astype(np.int64)
    kind = rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, np.int8)
    callback = kind == CALLBACK_KIND
    live = ~callback
    answered = outcome == ANSWERED
    reached = ~one_of(outcome, NOT_REACHED)
    threshold = np.array([t.threshold for t in m.types])[ctype]
    # the service level counts contacts whose threshold fell within the horizon: whether one
    # arriving later is answered in time is not known yet (it is reported as not due)
    due = rec.arrived_at + threshold <= m.horizon
    promise = np.array([t.callback.promise if t.callback else np.inf for t in m.types])[ctype]
    entered = rec.entered_at if rec.entered_at is not None else rec.arrived_at
    delay = rec.answered_at - entered
    minutes = contact_minutes(rec, wait)
    customer = customer_costs(rec, minutes)
    waiting_minutes = minutes[1]
    resolved = rec.resolved if rec.resolved is not None else answered
    offered_cb = rec.offered_callback if rec.offered_callback is not None else np.zeros_like(live)
    done = callback & answered
    values: dict[str, np.ndarray] = {
        "offered": live,
        "answered": live & answered,
        "abandoned": live & (outcome == ABANDONED),
        "blocked": live & (outcome == BLOCKED),
        "open": live & (outcome == OPEN),
        "closed": live & (outcome == CLOSED),
        "balked": live & (outcome == BALKED),
        "callbacks": live & one_of(outcome, (CALLBACK, VOICEMAIL)),
        "voicemails": live & (outcome == VOICEMAIL),
        "offline_forms": live & (outcome == OFFLINE_FORM),
        "reached": live & reached,
        "within": live & answered & (wait <= threshold) & due,
        "due": live & reached & due,
        "not_due": live & reached & ~due,
        "waited": live & reached & (wait > 0),
        "wait_answered": np.where(live & answered, wait, 0.0),
        "handle_answered": np.where(live & answered, rec.handle_time, 0.0),
        "wait_reached": np.where(live & reached, wait, 0.0),
        "callback_offered": offered_cb,
        "cb_made": callback,
        "cb_done": done,
        "cb_delay": np.where(done, delay, 0.0),
        "cb_kept": done & (delay <= promise),
        "telephony_cost": telephony_costs(rec, minutes),
        "customer_cost": customer,
        "resolved": resolved,
        "wait_minutes_reached": np.where(reached, waiting_minutes, 0.0),
    }
    # Speed: only the bins this part's arrivals fall in are counted (a day's part of a year)
    b = bins.of_arrivals(rec.arrived_at)
    lo, hi = int(b.min()), int(b.max()) + 1
    key = ctype * (hi - lo) + (b - lo)
    size = n_types * (hi - lo)
    for name, v in values.items():
        counts = np.bincount(key, weights=v.astype(float), minlength=size)
        out.types[name][:, lo:hi] += counts.reshape(n_types, hi - lo)
    start = rec.arrived_at
    for t in range(n_types):
        mine = ctype == t
        add_integral(out.queue_area[t], bins.edges, start[mine], start[mine] + wait[mine], None)
    return customer


def _count_groups(rec: Records, bins: Bins, out: Tally) -> list[np.ndarray]:
    """Add the groups' sums; return each group's (busy, staffed) time per bin in ``rec``."""
    m = rec.model
    spans = []
    answered = rec.outcome == ANSWERED
    answered_in_window = answered & (rec.arrived_at >= m.warmup)
    weight = rec.busy_weight()
    end = np.minimum(rec.ended_at, m.horizon)
    n_types = len(m.types)
    for g in m.groups:
        s = rec.session_group == g.index
        level = np.zeros((2, bins.size))  # busy, staffed
        start, stop, w = busy_spans(rec, g.index)
        add_integral(level[0], bins.edges, start, stop, w)
        add_integral(level[1], bins.edges, rec.session_start[s], rec.session_end[s], None)
        out.busy[g.index] += level[0]
        out.staffed[g.index] += level[1]
        spans.append(level)
        mine = answered_in_window & (rec.group == g.index)
        out.group_answered[g.index] += np.bincount(rec.contact_type[mine], minlength=n_types)
        out.group_handled_minutes[g.index] += np.bincount(
            rec.contact_type[mine], weights=rec.handle_time[mine] / 60.0, minlength=n_types
        )
        # busy time per contact type within [warm-up, horizon) (``end`` is capped at the
        # horizon; fmax: an unknown end adds nothing)
        served = answered & (rec.group == g.index)
        busy = np.fmax(end[served] - np.maximum(rec.answered_at[served], m.warmup), 0.0)
        out.group_busy[g.index] += np.bincount(
            rec.contact_type[served], weights=weight[served] * busy, minlength=n_types
        )
    return spans


def _count_journeys(rec: Records, out: Tally, customer: np.ndarray) -> None:
    """Journey sums (``customer``: each contact's cost to its customer); each part holds whole
    journeys, so a customer is never split."""
    m = rec.model
    if rec.customer is None or rec.n_contacts == 0:
        return
    assert rec.kind is not None and rec.attempt is not None and rec.entered_at is not None
    assert rec.resolved is not None
    # Vectorised over customers: sort contacts by customer, then reduce each customer's run.
    order = np.lexsort((rec.arrived_at, rec.customer))
    cust = rec.customer[order]
    starts = np.flatnonzero(np.concatenate(([True], cust[1:] != cust[:-1])))
    first = order[starts]
    answered = rec.outcome[order] == ANSWERED
    inbound_contact = rec.kind[order] != CALLBACK_KIND
    channel = np.array([_CHANNELS.index(t.channel) for t in m.types])[rec.contact_type[order]]
    same = cust[1:] == cust[:-1]
    switch = np.concatenate(([0], ((channel[1:] != channel[:-1]) & same).astype(int)))
    resolved_end = np.minimum.reduceat(
        np.where(rec.resolved[order], rec.ended_at[order], np.inf), starts
    )
    threshold = np.array([t.threshold for t in m.types])[rec.contact_type[first]]
    wait_first = rec.answered_at[first] - rec.arrived_at[first]
    entered = rec.entered_at[first]
    resolved = np.isfinite(resolved_end)
    cost = np.add.reduceat(customer[order], starts)
    columns = {
        "customers": np.ones(first.size),
        "attempts": np.add.reduceat(inbound_contact.astype(float), starts),
        "served": np.maximum.reduceat(answered.astype(float), starts),
        "resolved": resolved.astype(float),
        "switches": np.add.reduceat(switch.astype(float), starts),
        "to_resolution": np.where(resolved, resolved_end - entered, 0.0),
        "quick": (
            (rec.outcome[first] == ANSWERED)
            & (wait_first <= threshold)
            & (rec.kind[first] != CALLBACK_KIND)
        ).astype(float),
        "cost": cost,
        "cost_resolved": np.where(resolved, cost, 0.0),
    }
    names = first_types(m)
    parent = np.array([names.index(t.parent) for t in m.types])[rec.contact_type[first]]
    keep = entered >= m.warmup
    for j, name in enumerate(JOURNEY_SUMS):
        out.journeys[:, j] += np.bincount(
            parent[keep], weights=columns[name][keep], minlength=len(names)
        )


def _count_ivr(rec: Records, out: Tally) -> None:
    calls = rec.ivr
    if calls is None or not len(calls):
        return
    counted = calls.called_at >= rec.model.warmup
    for e, (spec, sums) in enumerate(zip(rec.model.ivr, out.ivr, strict=True)):
        mine = counted & (calls.entry == e)
        routed = mine & ~calls.contained
        sums[:4] += (
            mine.sum(),
            (mine & calls.contained).sum(),
            calls.ivr_time[mine].sum(),
            routed.sum(),
        )
        for k in range(len(spec.choices)):
            sums[4 + k] += (routed & (calls.choice == k)).sum()


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num ÷ den, NaN where the denominator is zero."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
