"""Per-contact state of a running replication, flushed day by day into columnar batches.

The engine reads and writes these Python lists directly (the fastest thing to index in its loop).
Each simulated day it moves the contacts that are finished — their customer's whole journey
included — into a compact columnar batch and renumbers the ones still active, so the lists hold
about a day of contacts however long the horizon. Each batch goes to a ``Sink`` as one part of
the records: ``MemorySink`` joins the parts into ``Records``; a streaming sink (``cccsim.stream``)
writes them to Parquet and keeps only their statistics.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from cccsim.engine.events import Wake, ignore, queued_wakes
from cccsim.engine.source import Initial
from cccsim.model.build import Model
from cccsim.records import (
    ANSWERED,
    CONTACT_FIELDS,
    INBOUND,
    OPEN,
    RECORD_ARRAYS,
    SCHEDULED,
    IvrCalls,
    Records,
)

SPAWNED = (
    "customer",
    "attempt",
    "kind",
    "entered",
    "u_balk",
    "u_accept",
    "u_resolve",
    "step",
    "home",
    "reach",
)
"""Fields of a created contact's ``spawned`` entry: its customer (gid of the journey's first
contact), attempt, kind, when the customer started (NaN: at arrival), its three decision uniforms,
its place in the journey (the first contact is step 0), the type its own follow-ups go to (the
customer's inbound type; a callback's queue is not), and for a callback the uniforms that decide
whether each call is answered."""
CUSTOMER, ATTEMPT, KIND, ENTERED, U_BALK, U_ACCEPT, U_RESOLVE, STEP, HOME, REACH = range(10)


@dataclass
class ContactColumns:
    """One list per attribute, indexed by the contact's current (local) number."""

    ctype: list[int] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)
    handle: list[float] = field(default_factory=list)
    patience: list[float] = field(default_factory=list)
    state: list[int] = field(default_factory=list)
    answered_at: list[float] = field(default_factory=list)
    ended_at: list[float] = field(default_factory=list)
    served_by: list[int] = field(default_factory=list)
    open_now: list[bool] = field(default_factory=list)  # its channel was open when it came
    gid: list[int] = field(default_factory=list)  # number by creation, kept for good
    # decision uniforms of the contacts the customer started (0 balk, 1 accept a callback,
    # 2 resolved), one list each: three lists of floats, not a list per contact (which the
    # garbage collector would have to track); created contacts keep theirs in ``spawned``
    u_balk: list[float] = field(default_factory=list)
    u_accept: list[float] = field(default_factory=list)
    u_resolve: list[float] = field(default_factory=list)
    wrap: list[float] = field(default_factory=list)  # after-contact work once answered
    key: list[int] = field(default_factory=list)  # the customer's key (0 if nothing follows)
    # Memory and speed: contacts the customer started themselves are their own customer,
    # attempt 1, inbound, step 0 of their journey, of their own type, so only contacts created
    # during the run carry these (c → the fields named by SPAWNED).
    spawned: dict[int, list[Any]] = field(default_factory=dict)
    entered: dict[int, float] = field(default_factory=dict)  # IVR callers: when they called
    unresolved: set[int] = field(default_factory=set)  # answered but not resolved
    offered_cb: set[int] = field(default_factory=set)  # offered a callback
    dials: dict[int, int] = field(default_factory=dict)  # callback calls made
    # redialled callbacks: when they first joined the queue (the engine's ``arrived`` is when
    # they joined it last, the clock their overflow delays count from)
    first_arrived: dict[int, float] = field(default_factory=dict)
    # callbacks taken out of queue order (by an overflow group) leave an entry behind in their
    # queue (lazy deletion); a redial makes them wait again, so those entries are counted here
    # and skipped, rather than searched for (c → entries left behind)
    ghosts: dict[int, int] = field(default_factory=dict)
    next_gid: int = 0

    def add_day(
        self, day: Initial, is_open: np.ndarray, keep_decisions: bool, keep_keys: bool
    ) -> int:
        """Append a day's contacts (all still to arrive); return the number of the first."""
        n, base = int(day.arrived.size), len(self.ctype)
        self.ctype.extend(day.kind.tolist())
        self.arrived.extend(day.arrived.tolist())
        self.handle.extend(day.handle.tolist())
        self.patience.extend(day.patience.tolist())
        self.state.extend([OPEN] * n)
        self.answered_at.extend([math.nan] * n)
        self.ended_at.extend([math.nan] * n)
        self.served_by.extend([-1] * n)
        self.gid.extend(range(self.next_gid, self.next_gid + n))
        self.next_gid += n
        for k, values in enumerate(self.decisions):
            values.extend(day.decide[:, k].tolist() if keep_decisions else [0.0] * n)
        self.wrap.extend(day.wrap.tolist())
        self.key.extend(day.key.tolist() if keep_keys else [0] * n)
        self.open_now.extend(is_open.tolist())
        for k in np.flatnonzero(day.entered != day.arrived).tolist():
            self.entered[base + k] = float(day.entered[k])
        return base

    def finish_day(
        self,
        heap: list[Any],
        queues: list[deque[int]],
        live_events: set[Callable[[Wake], None]],
        contact_events: set[Callable[[Wake], None]],
        group_of: np.ndarray,
        horizon: float,
    ) -> dict[str, np.ndarray]:
        """Take out the finished contacts as a batch and renumber the rest, in the queues and in
        the queued events too (events of contacts that left become no-ops).

        A contact is finished when it neither waits, nor is scheduled for a call, nor has a
        queued event that needs it (``live_events``: arrivals, service ends, dials); a journey
        leaves only once all of its contacts are finished.
        """
        wakes = queued_wakes(heap)
        pending = [ev._value for ev, callbacks in wakes if callbacks[0] in live_events]
        status = np.array(self.state, dtype=np.int8)
        active = (status == OPEN) | (status == SCHEDULED)
        active[pending] = True
        if self.spawned:
            owner = np.array(self.gid, dtype=np.int64)
            for c, journey in self.spawned.items():
                owner[c] = journey[CUSTOMER]
            active |= np.isin(owner, owner[active])
        batch = self.batch(np.flatnonzero(~active).tolist(), group_of, horizon)
        new_of = self.keep_only(np.flatnonzero(active).tolist())
        for q in queues:
            moved = [new_of[c] for c in q if c in new_of]
            q.clear()
            q.extend(moved)
        for ev, callbacks in wakes:
            if callbacks[0] in contact_events:
                if ev._value in new_of:
                    ev._value = new_of[ev._value]
                else:  # a patience or eligibility check of a finished contact: nothing to do
                    callbacks[0] = ignore
        return batch

    def lists(self) -> tuple[list[Any], ...]:
        """Every per-contact list (renumbered together)."""
        return (
            self.ctype,
            self.arrived,
            self.handle,
            self.patience,
            self.state,
            self.answered_at,
            self.ended_at,
            self.served_by,
            self.open_now,
            self.gid,
            self.u_balk,
            self.u_accept,
            self.u_resolve,
            self.wrap,
            self.key,
        )

    @property
    def decisions(self) -> tuple[list[float], list[float], list[float]]:
        """The three decision-uniform lists, indexed by k then contact."""
        return self.u_balk, self.u_accept, self.u_resolve

    def batch(self, ids: list[int], group_of: np.ndarray, horizon: float) -> dict[str, np.ndarray]:
        """Columns of contacts ``ids`` (ascending; those that arrived before the horizon)."""
        arrived_all = np.array(self.arrived, dtype=float)
        take = np.array(ids, dtype=np.int64)
        take = take[arrived_all[take] < horizon] if take.size else take

        def col(values: list[Any], dtype: Any) -> np.ndarray:
            return np.array(values, dtype=dtype)[take] if take.size else np.empty(0, dtype)

        outcome = col(self.state, np.int8)
        agent = np.where(outcome == ANSWERED, col(self.served_by, np.int32), -1).astype(np.int32)
        arrived = arrived_all[take]
        if self.first_arrived:
            for i, c in enumerate(take.tolist()):
                first = self.first_arrived.get(c)
                if first is not None:
                    arrived[i] = first
        customer = col(self.gid, np.int64)
        attempt = np.ones(take.size, dtype=np.int16)
        kind = np.full(take.size, INBOUND, dtype=np.int8)
        entered = arrived.copy()
        position = (
            {c: i for i, c in enumerate(take.tolist()) if c in self.spawned or c in self.entered}
            if self.spawned or self.entered
            else {}
        )
        for c, i in position.items():  # only contacts with a journey or an IVR call before
            spawned = self.spawned.get(c)
            if spawned is not None:
                customer[i], attempt[i], kind[i] = (
                    spawned[CUSTOMER],
                    spawned[ATTEMPT],
                    spawned[KIND],
                )
                if not math.isnan(spawned[ENTERED]):
                    entered[i] = spawned[ENTERED]
            else:
                entered[i] = self.entered[c]

        def flag(members: set[int] | dict[int, int]) -> np.ndarray:
            out = np.zeros(len(self.arrived), dtype=bool)
            out[list(members)] = True
            return out[take]

        dials = np.zeros(len(self.arrived), dtype=np.int16)
        for c, k in self.dials.items():
            dials[c] = k
        return {
            "contact_id": col(self.gid, np.int64),
            "contact_type": col(self.ctype, np.int16),
            "arrived_at": arrived,
            "answered_at": col(self.answered_at, float),
            "ended_at": col(self.ended_at, float),
            "handle_time": col(self.handle, float),
            "outcome": outcome,
            "agent": agent,
            "group": np.where(agent >= 0, group_of[np.maximum(agent, 0)], -1).astype(np.int16),
            "customer": customer,
            "attempt": attempt,
            "kind": kind,
            "entered_at": entered,
            "resolved": (outcome == ANSWERED) & ~flag(self.unresolved),
            "offered_callback": flag(self.offered_cb),
            "dial_attempts": dials[take],
        }

    def keep_only(self, keep: list[int]) -> dict[int, int]:
        """Renumber: contacts ``keep`` (ascending) become 0, 1, …; return old → new."""
        new_of = {old: new for new, old in enumerate(keep)}
        for values in self.lists():
            values[:] = [values[c] for c in keep]
        for table in (self.spawned, self.entered, self.dials, self.first_arrived, self.ghosts):
            moved = {new_of[c]: v for c, v in table.items() if c in new_of}
            table.clear()
            table.update(moved)  # type: ignore[arg-type]
        for members in (self.unresolved, self.offered_cb):
            moved_set = {new_of[c] for c in members if c in new_of}
            members.clear()
            members.update(moved_set)
        return new_of

    def clear(self) -> None:
        """Release everything (the engine's callbacks form a reference cycle)."""
        for values in self.lists():
            values.clear()
        for table in (
            self.spawned,
            self.entered,
            self.dials,
            self.first_arrived,
            self.ghosts,
            self.unresolved,
            self.offered_cb,
        ):
            table.clear()


class Sink(Protocol):
    """Where the engine hands each day's finished part of the records (whole journeys)."""

    def add(self, part: Records) -> None: ...


def part_records(
    model: Model,
    batch: dict[str, np.ndarray],
    sessions: list[float],
    extra_busy: list[float],
    ivr: list[IvrCalls],
) -> Records:
    """One part of a replication's records: finished contacts with the sessions, unanswered
    dials and IVR calls recorded since the previous part. Parts add up to the whole.

    ``sessions`` (agent, group, from, to) and ``extra_busy`` (group, from, to, share of the
    agent) are flat, four numbers a row: one list of numbers converts to an array much faster
    than a list of tuples."""
    spans = np.array(sessions, dtype=float).reshape(-1, 4)
    return Records(
        model=model,
        **batch,
        session_agent=spans[:, 0].astype(np.int32),
        session_group=spans[:, 1].astype(np.int16),
        session_start=spans[:, 2],
        session_end=spans[:, 3],
        n_events=0,
        extra_busy=np.array(extra_busy, dtype=float).reshape(-1, 4),
        ivr=IvrCalls.join(ivr),
    )


def empty_part(model: Model) -> Records:
    """Records of nothing (with every column, typed)."""
    return part_records(
        model, ContactColumns().batch([], np.zeros(1, np.int16), math.inf), [], [], []
    )


_PART_ARRAYS = (*RECORD_ARRAYS, "extra_busy")


class MemorySink:
    """Keeps the parts, to join them into one ``Records`` (contacts in creation order) at the end."""

    def __init__(self) -> None:
        self.parts: list[Records] = []

    def add(self, part: Records) -> None:
        self.parts.append(part)

    def records(self, model: Model, n_events: int) -> Records:
        """All parts joined; contacts ordered by ``contact_id``."""
        parts = self.parts
        self.parts = []
        if not parts:
            parts = [empty_part(model)]
        columns: dict[str, Any] = {}
        for name in _PART_ARRAYS:  # memory: one field at a time
            columns[name] = np.concatenate([getattr(p, name) for p in parts])
        order = np.argsort(columns["contact_id"], kind="stable")
        for name in CONTACT_FIELDS:
            columns[name] = columns[name][order]
        return Records(
            model=model,
            **columns,
            n_events=n_events,
            ivr=IvrCalls.join([p.ivr for p in parts if p.ivr is not None]),
        )
