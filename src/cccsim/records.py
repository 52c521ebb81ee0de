"""Columnar records of one replication: the contact log and the agents' on-duty sessions.

The engine appends to Python lists and hands these numpy columns over a day at a time, as parts
(whole journeys each); statistics tally these arrays (no pandas below ``stats``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cccsim.model.build import Model
from cccsim.outcomes import (  # re-exported: the codes are defined once, in cccsim.outcomes
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK,
    CALLBACK_KIND,
    CLOSED,
    INBOUND,
    KINDS,
    OFFLINE_FORM,
    OFFLINE_KIND,
    OPEN,
    OUTCOMES,
    REPEAT_KIND,
    SCHEDULED,
    UNREACHED,
    VOICEMAIL,
)

__all__ = [
    "ABANDONED",
    "ANSWERED",
    "BALKED",
    "BLOCKED",
    "CALLBACK",
    "CALLBACK_KIND",
    "CLOSED",
    "CONTACT_FIELDS",
    "INBOUND",
    "KINDS",
    "NOT_REACHED",
    "OFFLINE_FORM",
    "OFFLINE_KIND",
    "OPEN",
    "OUTCOMES",
    "RECORD_ARRAYS",
    "REPEAT_KIND",
    "SCHEDULED",
    "UNREACHED",
    "VOICEMAIL",
    "IvrCalls",
    "Records",
    "busy_spans",
    "wait_times",
]

CONTACT_FIELDS = (
    "contact_id",
    "contact_type",
    "arrived_at",
    "answered_at",
    "ended_at",
    "handle_time",
    "outcome",
    "agent",
    "group",
    "customer",
    "attempt",
    "kind",
    "entered_at",
    "resolved",
    "offered_callback",
    "dial_attempts",
)
"""Per-contact columns of ``Records`` (``contact_id`` numbers contacts by creation)."""

RECORD_ARRAYS = (*CONTACT_FIELDS, "session_agent", "session_group", "session_start", "session_end")
"""Every column of ``Records`` (contacts, then the agents' on-duty sessions)."""


@dataclass(frozen=True)
class IvrCalls:
    """Every IVR call of a replication (routed or contained), one array per column.

    Columns, not a tuple per call: a storm day has tens of thousands of calls, drawn in blocks.
    """

    entry: np.ndarray  # int16: index into ``model.ivr``
    called_at: np.ndarray
    ivr_time: np.ndarray  # time spent in the menu
    contained: np.ndarray  # bool: the menu settled the need (the caller never queued)
    choice: np.ndarray  # int16: index into the entry's ``choices`` (the type it picked)

    @staticmethod
    def join(parts: list[IvrCalls]) -> IvrCalls:
        """The calls of ``parts``, one after the other (none: no calls)."""
        if not parts:
            return IvrCalls(
                np.empty(0, np.int16),
                np.empty(0),
                np.empty(0),
                np.empty(0, bool),
                np.empty(0, np.int16),
            )
        if len(parts) == 1:
            return parts[0]
        return IvrCalls(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in IvrCalls.__dataclass_fields__)
        )

    def __len__(self) -> int:
        return int(self.called_at.size)


@dataclass(frozen=True)
class Records:
    """What happened in one replication, one array per column.

    Contacts are ordered by creation (``contact_id``; a part streamed during the run holds
    whole journeys, in the order they finished). ``answered_at``/``ended_at`` are NaN where they did not
    happen; ``agent``/``group`` are -1 for contacts never served.
    """

    model: Model
    contact_type: np.ndarray  # int16, index into model.types
    arrived_at: np.ndarray
    answered_at: np.ndarray
    ended_at: np.ndarray
    handle_time: np.ndarray  # the handle time drawn at arrival (served or not)
    outcome: np.ndarray  # int8, OUTCOMES
    agent: np.ndarray  # int32
    group: np.ndarray  # int16
    session_agent: np.ndarray  # one row per on-duty session of an agent
    session_group: np.ndarray
    session_start: np.ndarray
    session_end: np.ndarray  # the horizon for sessions still open
    n_events: int
    contact_id: np.ndarray | None = None  # int64: number by creation (gaps where none arrived)
    customer: np.ndarray | None = None  # int64: contact_id of the journey's first contact
    attempt: np.ndarray | None = None  # int16: 1 for the first contact of a journey
    kind: np.ndarray | None = None  # int8: KINDS
    entered_at: np.ndarray | None = (
        None  # when the customer started (before IVR; acceptance for callbacks)
    )
    resolved: np.ndarray | None = None  # bool: answered and resolved (no repeat follows)
    offered_callback: np.ndarray | None = None  # bool: a callback was offered on arrival
    dial_attempts: np.ndarray | None = None  # int16: calls made for a callback
    extra_busy: np.ndarray | None = None  # (k, 4): group, start, end, weight of unanswered dials
    ivr: IvrCalls | None = None

    @property
    def n_contacts(self) -> int:
        """Number of contacts that arrived within the horizon."""
        return int(self.arrived_at.size)

    def busy_weight(self) -> np.ndarray:
        """Share of its agent each contact occupies: 1 for voice/email, 1/max_concurrent for chat
        (worked out once per records; read-only)."""
        return self._busy_weight

    @cached_property
    def _busy_weight(self) -> np.ndarray:
        exclusive = np.array([t.exclusive for t in self.model.types], dtype=bool)
        caps = np.array([g.max_concurrent for g in self.model.groups] or [1], dtype=float)
        served = self.group >= 0
        weight = np.zeros(self.n_contacts)
        conc = served & ~exclusive[self.contact_type]
        weight[served] = 1.0
        weight[conc] = 1.0 / caps[self.group[conc]]
        weight.flags.writeable = False
        return weight

    def nbytes(self) -> int:
        """Memory held by the record columns."""
        return sum(
            getattr(self, name).nbytes for name in RECORD_ARRAYS if getattr(self, name) is not None
        )


NOT_REACHED = (BLOCKED, CLOSED, CALLBACK, VOICEMAIL, OFFLINE_FORM)
"""Outcomes of contacts that never waited in the live queue (left out of service-level bases)."""


def wait_times(rec: Records) -> np.ndarray:
    """Wait of each contact in the queue: until answered, abandoned or (still open) the horizon;
    0 for contacts that never waited (blocked, closed, balked, turned into a callback or email)."""
    wait = np.where(rec.outcome == ANSWERED, rec.answered_at - rec.arrived_at, 0.0)
    wait = np.where(rec.outcome == ABANDONED, rec.ended_at - rec.arrived_at, wait)
    return np.where(rec.outcome == OPEN, rec.model.horizon - rec.arrived_at, wait)


def busy_spans(rec: Records, group: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(start, end, weight) of every span agents of ``group`` were busy: service, and callback
    calls that went unanswered."""
    b = (rec.group == group) & (rec.outcome == ANSWERED)
    start = rec.answered_at[b]
    end = np.minimum(rec.ended_at[b], rec.model.horizon)
    weight = rec.busy_weight()[b]
    if rec.extra_busy is not None and len(rec.extra_busy):
        dials = rec.extra_busy[rec.extra_busy[:, 0] == group]
        start = np.concatenate([start, dials[:, 1]])
        end = np.concatenate([end, np.minimum(dials[:, 2], rec.model.horizon)])
        weight = np.concatenate([weight, dials[:, 3]])
    return start, end, weight
