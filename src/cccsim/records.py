"""Columnar records of one replication: the contact log and the agents' on-duty sessions.

The engine appends to Python lists and builds these numpy columns once at the end; statistics
read only these arrays (no pandas below ``stats``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cccsim.model.build import Model

OPEN, ANSWERED, ABANDONED, BLOCKED = 0, 1, 2, 3
OUTCOMES: tuple[str, ...] = ("open", "answered", "abandoned", "blocked")
"""Outcome names by code: ``open`` = still waiting at the horizon."""


@dataclass(frozen=True)
class Records:
    """What happened in one replication, one array per column.

    Contacts are ordered by arrival. ``answered_at``/``ended_at`` are NaN where they did not
    happen; ``agent``/``group`` are -1 for contacts never served.
    """

    model: Model
    seed_entropy: int
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

    @property
    def n_contacts(self) -> int:
        """Number of contacts that arrived within the horizon."""
        return int(self.arrived_at.size)

    def busy_weight(self) -> np.ndarray:
        """Share of its agent each contact occupies: 1 for voice/email, 1/max_concurrent for chat."""
        exclusive = np.array([t.exclusive for t in self.model.types], dtype=bool)
        caps = np.array([g.max_concurrent for g in self.model.groups] or [1], dtype=float)
        served = self.group >= 0
        weight = np.zeros(self.n_contacts)
        conc = served & ~exclusive[self.contact_type]
        weight[served] = 1.0
        weight[conc] = 1.0 / caps[self.group[conc]]
        return weight

    def nbytes(self) -> int:
        """Memory held by the record columns."""
        return sum(
            getattr(self, name).nbytes
            for name in (
                "contact_type",
                "arrived_at",
                "answered_at",
                "ended_at",
                "handle_time",
                "outcome",
                "agent",
                "group",
                "session_agent",
                "session_group",
                "session_start",
                "session_end",
            )
        )


def wait_times(rec: Records) -> np.ndarray:
    """Wait of each contact: until answered, abandoned or (still open) the horizon; 0 if blocked."""
    wait = np.where(rec.outcome == ANSWERED, rec.answered_at - rec.arrived_at, 0.0)
    wait = np.where(rec.outcome == ABANDONED, rec.ended_at - rec.arrived_at, wait)
    return np.where(rec.outcome == OPEN, rec.model.horizon - rec.arrived_at, wait)
