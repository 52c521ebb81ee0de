"""Opening hours and closed days: what happens to a contact that comes while its channel is shut.

Whether a contact finds its channel open is decided when it comes: for the day's contacts when
the day is drawn (``mark``, vectorised), for a created contact (retrial, repeat, form) when it
joins (``open_at``). Callbacks are never turned away (the centre calls them). A contact that
finds the channel shut follows ``out_of_hours``:

- ``voicemail``: it leaves a message and becomes a callback at the next opening;
- ``offline_form``: it leaves a form, an ``offline`` contact of the form's type, at once;
- ``refuse``: it ends ``closed`` (and a retrial may follow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from cccsim.engine.columns import ContactColumns
from cccsim.engine.journeys import Journeys
from cccsim.model.build import Model
from cccsim.records import CALLBACK_KIND, CLOSED, OFFLINE_FORM, OFFLINE_KIND, VOICEMAIL


class Hours(NamedTuple):
    """The opening-hours lever's entry points."""

    has_hours: list[bool]  # per type: opening hours or closed days
    mark: Callable[[np.ndarray, np.ndarray], np.ndarray]
    open_at: Callable[[int, float], bool]
    closed: Callable[[int, int, float], None]


def hours(
    model: Model,
    cols: ContactColumns,
    journeys: Journeys,
    callback_queue: list[int],
    every: bool = False,
) -> Hours:
    """The opening-hours functions of one run (with ``every``, checked for every type, as a
    test's check that a type without hours is always open)."""
    types = model.types
    state, ended_at = cols.state, cols.ended_at
    next_of, spawn, fail = journeys.next_of, journeys.spawn, journeys.fail
    has_hours = [every or t.calendar is not None or bool(t.closed_days) for t in types]

    def mark(kind: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Whether each of a day's contacts (type ``kind``, arriving ``at``) finds it open."""
        is_open = np.ones(at.size, dtype=bool)
        for t in types:
            if has_hours[t.index]:
                mine = kind == t.index
                is_open[mine] = t.is_open(at[mine])
        return is_open

    def open_at(t: int, now: float) -> bool:
        """Whether type ``t`` takes a contact created now."""
        return types[t].open_at(now)

    def closed(c: int, t: int, now: float) -> None:
        """Contact ``c`` of type ``t`` came while its channel is shut."""
        tm = types[t]
        if tm.out_of_hours == "voicemail":
            state[c], ended_at[c] = VOICEMAIL, now
            rng = next_of(c)
            rng.random(2)  # every follow-up starts with the same two uniforms
            spawn(rng, callback_queue[t], tm.next_opening(now), c, CALLBACK_KIND, now)
        elif tm.out_of_hours == "offline_form":
            state[c], ended_at[c] = OFFLINE_FORM, now
            rng = next_of(c)
            rng.random(2)
            spawn(rng, tm.offline_type, now, c, OFFLINE_KIND, now)
        else:
            fail(c, CLOSED, now)

    return Hours(has_hours, mark, open_at, closed)
