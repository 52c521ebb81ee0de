"""Callbacks (virtual hold, voicemail callbacks) and their pacing: the whole lever in one file.

- **Offer.** A live contact that would queue is offered a callback when the announced wait is over
  ``offer_when_wait_over``; it accepts with probability ``acceptance`` (its decision uniform). It
  then leaves (outcome ``callback``) and a callback contact joins the type's callback queue, at
  once or after ``later`` (``schedule: later``). Voicemails left out of hours (``engine/hours.py``)
  become callbacks the same way.
- **Dials.** An agent who takes a callback first calls the customer: with probability
  ``reach_probability`` the customer answers and the conversation starts; otherwise the agent is
  busy for ``attempt_time`` (an unanswered dial, recorded in the busy time), and the callback is
  dialled again ``retry_delay`` later, up to ``retries`` times, then ends ``unreached`` (which a
  retrial may follow).
- **Pacing.** With ``pacing``, due callbacks wait their turn in a backlog (``engine/pacing.py``).
- **Out of queue order.** A callback that an overflow group takes out of queue order leaves an
  entry behind in its queue; if it must wait again (a redial) the entries left behind are counted
  in ``ghosts`` and skipped when they reach the head — nothing searches a queue.

A callback holds no queue line and has no patience; it keeps its customer's handle time and
decision uniforms (``engine/journeys.py``). The core calls these functions only for scenarios
with callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any, NamedTuple

import simpy

from cccsim.engine.columns import KIND, REACH, ContactColumns
from cccsim.engine.events import NORMAL, Wake
from cccsim.engine.journeys import Journeys
from cccsim.engine.pacing import Pacer
from cccsim.model.build import Model
from cccsim.records import CALLBACK, CALLBACK_KIND, SCHEDULED, UNREACHED


class Callbacks(NamedTuple):
    """The callback lever's entry points, for the core and the other levers."""

    offer: Callable[[int, int, float, float], bool]
    due: Callable[[int, float], None]
    dial: Callable[[int, int, int, float, float], bool]
    done: Callable[[int, float], None]
    taken_out_of_order: Callable[[int], None]
    events: tuple[Callable[[Wake], None], ...]
    pacer: Pacer


def callbacks(
    model: Model,
    env: simpy.Environment,
    cols: ContactColumns,
    heap: list[Any],
    ids: count[int],
    staff_now: list[int],
    journeys: Journeys,
    callback_queue: list[int],
    extra_busy: list[float],
    arrive: Callable[[int, float, bool], None],
    release: Callable[[int, int, float], None],
    waiting: int,
) -> Callbacks:
    """The callback functions of one run."""
    types = model.types
    horizon = model.horizon
    ctype, arrived, state, served_by = cols.ctype, cols.arrived, cols.state, cols.served_by
    ended_at, spawned, dials, ghosts = cols.ended_at, cols.spawned, cols.dials, cols.ghosts
    offered_cb, first_arrived = cols.offered_cb, cols.first_arrived
    u, next_of, spawn, fail = journeys.u, journeys.next_of, journeys.spawn, journeys.fail

    def release_paced(c: int, now: float) -> None:
        """A paced callback's turn: it joins its queue now (the record keeps when it was due)."""
        if arrived[c] != now:
            first_arrived.setdefault(c, arrived[c])
            arrived[c] = now
        arrive(c, now, False)  # a callback: no announcement, no queue line

    pacer = Pacer(model, staff_now, release_paced)
    pace_pool = pacer.pool

    def offer(c: int, t: int, wait: float, now: float) -> bool:
        """Live contact ``c`` of type ``t`` would wait ``wait``: offer a callback if the wait is
        long enough; True if the customer took it (and left the queue)."""
        cb = types[t].callback
        if cb is None or wait <= cb.offer_over:
            return False
        offered_cb.add(c)
        if u(c, 1) >= cb.acceptance:
            return False
        state[c], ended_at[c] = CALLBACK, now
        rng = next_of(c)
        rng.random(2)  # every follow-up starts with the same two uniforms
        later = 0.0 if cb.later is None else cb.later.one(rng)
        spawn(rng, callback_queue[t], now + later, c, CALLBACK_KIND, now)
        return True

    def due(c: int, now: float) -> None:
        """Callback ``c`` is due: it joins its queue, or waits its turn if paced."""
        t = ctype[c]
        if pace_pool[t] >= 0:
            pacer.due(c, t, now)
        else:
            arrive(c, now, False)

    def dial(c: int, a: int, g: int, weight: float, now: float) -> bool:
        """Agent ``a`` (of group ``g``) takes callback ``c``: call the customer; True if nobody
        picks up (the agent is busy for the attempt time, ``weight`` of the agent)."""
        dials[c] = n = dials.get(c, 0) + 1
        cb = types[ctype[c]].callback
        if cb is None or spawned[c][REACH][n - 1] < cb.reach:
            return False
        state[c] = SCHEDULED
        end = now + cb.attempt_time
        extra_busy.extend((g, now, end, weight))  # flat: four numbers a row
        if end < horizon:
            heappush(heap, (end, NORMAL, next(ids), Wake(on_dial_end, c)))
        return True

    def done(c: int, now: float) -> None:
        """Callback ``c`` released to its queue is finished: a paced one frees its turn."""
        t = ctype[c]
        if pace_pool[t] >= 0:
            pacer.done(t, now)

    def taken_out_of_order(c: int) -> None:
        """An overflow group took ``c`` out of queue order: a callback may wait again."""
        if c in spawned and spawned[c][KIND] == CALLBACK_KIND:
            ghosts[c] = ghosts.get(c, 0) + 1

    def on_dial_end(ev: Wake) -> None:
        """An unanswered callback call ends: retry later, or give up after the last retry."""
        c = ev._value
        now = env._now
        done(c, now)
        release(served_by[c], c, now)
        served_by[c] = -1
        cb = types[ctype[c]].callback
        assert cb is not None
        if dials[c] <= cb.retries:
            again = now + cb.retry_delay
            if again < horizon:
                heappush(heap, (again, NORMAL, next(ids), Wake(on_redial, c)))
        else:
            fail(c, UNREACHED, now)

    def on_redial(ev: Wake) -> None:
        """An unanswered callback joins its queue again (an entry it left behind, if any, is
        counted in ``ghosts`` and skipped: nothing searches the queue)."""
        c = ev._value
        now = env._now
        state[c] = waiting
        if c not in first_arrived:  # the record keeps when it first joined the queue
            first_arrived[c] = arrived[c]
        if pace_pool[ctype[c]] >= 0:  # waits its turn again
            pacer.due(c, ctype[c], now)
            return
        arrived[c] = now  # the queue clock (overflow delays) runs from now
        arrive(c, now, False)

    return Callbacks(offer, due, dial, done, taken_out_of_order, (on_dial_end, on_redial), pacer)
