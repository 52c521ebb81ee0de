"""Per-contact state of a running replication, and the columnar records made from it at the end.

The engine reads and writes these Python lists directly (the fastest thing to index in its loop);
contacts are numbered in the order they were created: the initial contacts first, then the ones
the run creates (retrials, repeats, callbacks, offline forms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cccsim.engine.agents import AgentPool
from cccsim.engine.source import Initial
from cccsim.model.build import Model
from cccsim.records import ANSWERED, INBOUND, OPEN, Records


@dataclass
class ContactColumns:
    """One list per attribute, indexed by contact id."""

    ctype: list[int]
    arrived: list[float]
    handle: list[float]
    patience: list[float]
    state: list[int]
    answered_at: list[float]
    ended_at: list[float]
    served_by: list[int]
    # Memory and speed: initial contacts are their own customer, attempt 1, inbound, so only
    # contacts created during the run carry these (c → [customer, attempt, kind, entered,
    # u_balk, u_accept, u_resolve]).
    spawned: dict[int, list[Any]] = field(default_factory=dict)
    unresolved: set[int] = field(default_factory=set)  # answered but not resolved
    offered_cb: set[int] = field(default_factory=set)  # offered a callback
    dials: dict[int, int] = field(default_factory=dict)  # callback calls made

    @classmethod
    def of(cls, first: Initial) -> ContactColumns:
        """Columns holding the initial contacts, all waiting to arrive."""
        n = int(first.arrived.size)
        return cls(
            ctype=first.kind.tolist(),
            arrived=first.arrived.tolist(),
            handle=first.handle.tolist(),
            patience=first.patience.tolist(),
            state=[OPEN] * n,
            answered_at=[math.nan] * n,
            ended_at=[math.nan] * n,
            served_by=[-1] * n,
        )

    def clear(self) -> None:
        """Release the lists (the engine's callbacks form a reference cycle that would keep them
        alive until the next garbage collection)."""
        for column in (
            self.ctype,
            self.arrived,
            self.handle,
            self.patience,
            self.state,
            self.answered_at,
            self.ended_at,
            self.served_by,
        ):
            column.clear()
        self.spawned.clear()


def assemble_records(
    model: Model,
    cols: ContactColumns,
    first: Initial,
    pool: AgentPool,
    extra_busy: list[tuple[int, float, float, float]],
    n_events: int,
) -> Records:
    """Columnar records of the contacts that arrived within the horizon."""
    n_initial = int(first.arrived.size)
    arrived = np.array(cols.arrived)
    # contacts created during the run but due after the horizon never arrived: drop them
    keep = arrived < model.horizon
    n_all = len(cols.ctype)
    customer = np.arange(n_all, dtype=np.int64)
    attempt = np.ones(n_all, dtype=np.int16)
    kind = np.full(n_all, INBOUND, dtype=np.int8)
    entered = np.concatenate([first.entered, np.full(n_all - n_initial, np.nan)])
    for c, (owner, tries, kind_, since, *_) in cols.spawned.items():
        customer[c], attempt[c], kind[c], entered[c] = owner, tries, kind_, since
    entered = np.where(np.isnan(entered), arrived, entered)
    unresolved = np.zeros(n_all, dtype=bool)
    unresolved[list(cols.unresolved)] = True
    offered_cb = np.zeros(n_all, dtype=bool)
    offered_cb[list(cols.offered_cb)] = True
    dials = np.zeros(n_all, dtype=np.int16)
    for c, k in cols.dials.items():
        dials[c] = k
    sessions = np.array(pool.sessions, dtype=float).reshape(-1, 4)
    group_of = np.array(pool.group or [0], dtype=np.int16)
    outcome = np.array(cols.state, dtype=np.int8)[keep]
    agent = np.array(cols.served_by, dtype=np.int32)[keep]
    agent = np.where(outcome == ANSWERED, agent, -1).astype(np.int32)
    return Records(
        model=model,
        contact_type=np.array(cols.ctype, dtype=np.int16)[keep],
        arrived_at=arrived[keep],
        answered_at=np.array(cols.answered_at)[keep],
        ended_at=np.array(cols.ended_at)[keep],
        handle_time=np.array(cols.handle)[keep],
        outcome=outcome,
        agent=agent,
        group=np.where(agent >= 0, group_of[np.maximum(agent, 0)], -1).astype(np.int16),
        session_agent=sessions[:, 0].astype(np.int32),
        session_group=sessions[:, 1].astype(np.int16),
        session_start=sessions[:, 2],
        session_end=sessions[:, 3],
        n_events=n_events,
        customer=customer[keep],
        attempt=attempt[keep],
        kind=kind[keep],
        entered_at=entered[keep],
        resolved=(outcome == ANSWERED) & ~unresolved[keep],
        offered_callback=offered_cb[keep],
        dial_attempts=dials[keep],
        extra_busy=np.array(extra_busy, dtype=float).reshape(-1, 4),
        ivr=first.ivr,
    )
