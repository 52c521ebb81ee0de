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

from cccsim.levels import integrate_spans
from cccsim.model.build import Model
from cccsim.model.targets import TargetModel
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
from cccsim.stats.periods import target_edges, target_waits
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


def tally(rec: Records) -> Tally:
    """The sums of ``rec`` (whole records or one part of them)."""
    m = rec.model
    out = Tally.empty(m)
    bins = out.bins
    out.n_contacts, out.n_events = rec.n_contacts, rec.n_events
    _count_contacts(rec, bins, out)
    _count_groups(rec, bins, out)
    _count_journeys(rec, out)
    _count_ivr(rec, out)
    for t, sums, per_interval in zip(m.targets, out.targets, out.target_intervals, strict=True):
        _count_target(rec, t, sums)
        _count_target(rec, t, per_interval, bins.interval_edges)
    count_waits(rec, wait_curves(m), wait_grid(m), out.waits)
    return out


def as_tally(source: Records | Tally) -> Tally:
    """The tally of ``source`` (records are tallied whole)."""
    return source if isinstance(source, Tally) else tally(source)


def _add_integral(
    into: np.ndarray,
    edges: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    weight: np.ndarray | None,
) -> None:
    """Add ∫ weighted active spans dt over each bin, touching only the bins the spans cover."""
    if start.size == 0:
        return
    n = edges.size - 1
    lo = max(int(np.searchsorted(edges, np.nanmin(start), side="right")) - 1, 0)
    hi = min(int(np.searchsorted(edges, np.nanmax(end), side="left")), n)
    if hi <= lo:
        return
    into[lo:hi] += integrate_spans(start, end, edges[lo : hi + 1], weight)


def _count_contacts(rec: Records, bins: Bins, out: Tally) -> None:
    m = rec.model
    n_types = len(m.types)
    if rec.n_contacts == 0:
        return
    wait = wait_times(rec)
    outcome, ctype = rec.outcome, rec.contact_type.astype(np.int64)
    kind = rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, np.int8)
    callback = kind == CALLBACK_KIND
    live = ~callback
    answered = outcome == ANSWERED
    reached = ~np.isin(outcome, NOT_REACHED)
    threshold = np.array([t.threshold for t in m.types])[ctype]
    # the service level counts contacts whose threshold fell within the horizon: whether one
    # arriving later is answered in time is not known yet (it is reported as not due)
    due = rec.arrived_at + threshold <= m.horizon
    promise = np.array([t.callback.promise if t.callback else np.inf for t in m.types])[ctype]
    entered = rec.entered_at if rec.entered_at is not None else rec.arrived_at
    delay = rec.answered_at - entered
    customer = customer_costs(rec)
    _, waiting_minutes, _ = contact_minutes(rec)
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
        "callbacks": live & np.isin(outcome, (CALLBACK, VOICEMAIL)),
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
        "telephony_cost": telephony_costs(rec),
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
        _add_integral(out.queue_area[t], bins.edges, start[mine], start[mine] + wait[mine], None)


def _count_groups(rec: Records, bins: Bins, out: Tally) -> None:
    m = rec.model
    window = np.array([m.warmup, m.horizon])
    answered = rec.outcome == ANSWERED
    answered_in_window = answered & (rec.arrived_at >= m.warmup)
    weight = rec.busy_weight()
    end = np.minimum(rec.ended_at, m.horizon)
    n_types = len(m.types)
    for g in m.groups:
        s = rec.session_group == g.index
        _add_integral(
            out.staffed[g.index], bins.edges, rec.session_start[s], rec.session_end[s], None
        )
        start, stop, w = busy_spans(rec, g.index)
        _add_integral(out.busy[g.index], bins.edges, start, stop, w)
        mine = answered_in_window & (rec.group == g.index)
        out.group_answered[g.index] += np.bincount(rec.contact_type[mine], minlength=n_types)
        out.group_handled_minutes[g.index] += np.bincount(
            rec.contact_type[mine], weights=rec.handle_time[mine] / 60.0, minlength=n_types
        )
        served = answered & (rec.group == g.index)
        for t in np.unique(rec.contact_type[served]).tolist():
            b = served & (rec.contact_type == t)
            out.group_busy[g.index, t] += integrate_spans(
                rec.answered_at[b], end[b], window, weight[b]
            )[0]


def _count_journeys(rec: Records, out: Tally) -> None:
    """Journey sums; each part holds whole journeys, so a customer is never split."""
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
    cost = np.add.reduceat(customer_costs(rec)[order], starts)
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
    calls = [row for row in rec.ivr or [] if row[1] >= rec.model.warmup]
    if not calls:
        return
    entry = np.array([row[0] for row in calls])
    ivr_time = np.array([row[2] for row in calls], dtype=float)
    contained = np.array([row[3] for row in calls], dtype=bool)
    choice = np.array([row[4] for row in calls])
    for spec, sums in zip(rec.model.ivr, out.ivr, strict=True):
        mine = entry == spec.name
        routed = mine & ~contained
        sums[:4] += (mine.sum(), (mine & contained).sum(), ivr_time[mine].sum(), routed.sum())
        for k, (name, _) in enumerate(spec.choices):
            sums[4 + k] += (routed & (choice == name)).sum()


def target_sums(rec: Records, t: TargetModel, edges: np.ndarray | None = None) -> np.ndarray:
    """(numerator, denominator) of target ``t``'s KPI in each of its periods, over ``rec``.

    ``edges`` replaces the periods by any ascending instants (contacts counted by arrival).
    """
    edges = target_edges(rec.model, t.per) if edges is None else edges
    sums = np.zeros((2, edges.size - 1))
    _count_target(rec, t, sums, edges)
    return sums


def _count_target(
    rec: Records, t: TargetModel, sums: np.ndarray, edges: np.ndarray | None = None
) -> None:
    """Add target ``t``'s numerators and denominators over ``rec`` into ``sums``."""
    m = rec.model
    edges = target_edges(m, t.per) if edges is None else edges
    if t.kpi == "occupancy":
        g = t.group_index
        assert g is not None  # occupancy targets always name a group
        start, end, weight = busy_spans(rec, g)
        _add_integral(sums[0], edges, start, end, weight)
        s = rec.session_group == g
        _add_integral(sums[1], edges, rec.session_start[s], rec.session_end[s], None)
        return
    types = list(t.measured_types)
    if t.kpi == "callback_promise_kept":
        tm = m.types[t.type_index or 0]
        if tm.callback is None or rec.kind is None or rec.entered_at is None:
            return
        queues = types + [m.types[i].callback_type for i in types if m.types[i].callback_type >= 0]
        mine = (rec.kind == CALLBACK_KIND) & np.isin(rec.contact_type, queues)
        if tm.segment and tm.callback_type >= 0:  # a shared callback queue: the segment's customers
            mine &= journey_types(rec) == tm.index
        accepted = rec.entered_at[mine]
        kept = (rec.outcome[mine] == ANSWERED) & (
            rec.answered_at[mine] - accepted <= tm.callback.promise
        )
        _add_by_period(sums, edges, accepted, kept, np.ones(accepted.size))
        return
    kind = rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, np.int8)
    sel = np.isin(rec.contact_type, types) & (rec.arrived_at >= m.warmup) & (kind != CALLBACK_KIND)
    wait = target_waits(rec, t)[sel]
    outcome, handle, arrived = rec.outcome[sel], rec.handle_time[sel], rec.arrived_at[sel]
    blocked = np.isin(outcome, NOT_REACHED)  # never in the live queue
    answered = outcome == ANSWERED
    short = (
        (outcome == ABANDONED) & (wait < t.short_abandon)
        if t.short_abandon
        else np.zeros_like(blocked)
    )
    reached = ~blocked & ~short
    threshold = t.threshold or 0.0
    # a threshold measure counts contacts whose threshold fell within the horizon (on the
    # target's clock): whether a later one will be answered in time is not known yet
    if t.calendar is None:
        due = arrived + threshold <= m.horizon
    else:
        b = t.calendar.open_seconds_until
        due = b(arrived) + threshold <= b(np.array(m.horizon))
    num, den = {
        "service_level": lambda: (
            answered & (wait <= threshold) & due,
            (answered if t.over == "answered" else reached) & due,
        ),
        "abandon_rate": lambda: ((outcome == ABANDONED) & ~short, reached),
        "wait_over": lambda: (~blocked & (wait > threshold) & due, ~blocked & due),
        "closed_rate": lambda: (outcome == CLOSED, np.ones_like(blocked)),
        "balk_rate": lambda: (outcome == BALKED, ~blocked),
        "block_rate": lambda: (outcome == BLOCKED, np.ones_like(blocked)),
        "p_wait": lambda: (~blocked & (wait > 0), ~blocked),
        "asa": lambda: (np.where(answered, wait, 0.0), answered),
        "aht": lambda: (np.where(answered, handle, 0.0), answered),
    }[t.kpi]()
    _add_by_period(sums, edges, arrived, num, den)


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


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num ÷ den, NaN where the denominator is zero."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
