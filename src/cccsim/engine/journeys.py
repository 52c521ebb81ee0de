"""Journeys: the contacts a customer's contact creates — retrials, repeats, callbacks, forms.

A journey is a chain: a contact creates at most one later contact. A contact that ends unserved
(abandoned, balked, blocked, closed, not reached) may be followed by a *retrial* of the
customer's inbound type (``access.retrial``: after which outcomes, with what probability, after
what delay, up to how many attempts, switching type with given probabilities). An answered
contact that is not resolved (``access.resolution``) is followed by a *repeat* after a delay. The
access levers create *callbacks* and *offline forms* through ``spawn`` too.

Contacts the customer started themselves carry no journey entry (they are their own customer,
attempt 1, inbound, step 0, of their own type); created contacts carry one in
``ContactColumns.spawned`` (fields ``columns.SPAWNED``). Every created contact's random numbers
come from its customer's keyed stream (``engine/followups.py``): common random numbers per
customer, whatever else happened in the run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any, NamedTuple

import numpy as np

from cccsim.engine.columns import (
    ATTEMPT,
    CUSTOMER,
    HOME,
    STEP,
    U_BALK,
    ContactColumns,
)
from cccsim.engine.events import NORMAL, Wake
from cccsim.engine.followups import FollowUps
from cccsim.model.build import Model
from cccsim.records import CALLBACK_KIND, INBOUND, REPEAT_KIND
from cccsim.rng import Streams


class Journeys(NamedTuple):
    """What the core and the other levers call to read and extend customers' journeys."""

    u: Callable[[int, int], float]
    next_of: Callable[[int], np.random.Generator]
    spawn: Callable[[np.random.Generator, int, float, int, int, float], None]
    fail: Callable[[int, int, float], None]
    repeat: Callable[[int, float], None]


def journeys(
    model: Model,
    cols: ContactColumns,
    streams: Streams,
    heap: list[Any],
    ids: count[int],
    waiting: int,
    on_spawned: Callable[[Wake], None],
) -> Journeys:
    """The journey functions of one run, bound to its contact columns and event heap."""
    types = model.types
    horizon = model.horizon
    ctype, arrived, handle, patience = cols.ctype, cols.arrived, cols.handle, cols.patience
    state, answered_at, ended_at, served_by = (
        cols.state,
        cols.answered_at,
        cols.ended_at,
        cols.served_by,
    )
    spawned, open_now, gid, uniforms = cols.spawned, cols.open_now, cols.gid, cols.decisions
    u_balk, u_accept, u_resolve = uniforms
    wrap, key = cols.wrap, cols.key
    journey_at = FollowUps(streams).at

    def attempt_of(c: int) -> int:
        return spawned[c][ATTEMPT] if c in spawned else 1

    def home_of(c: int) -> int:
        """The type a follow-up of ``c`` goes to: the customer's inbound type (a callback waits
        in its own queue, but its customer is not a callback queue's customer)."""
        return spawned[c][HOME] if c in spawned else ctype[c]

    def u(c: int, k: int) -> float:
        """Contact ``c``'s k-th decision uniform (0 balk, 1 accept a callback, 2 resolved)."""
        return spawned[c][U_BALK + k] if c in spawned else uniforms[k][c]

    def next_of(c: int) -> np.random.Generator:
        """The generator of the contact that would follow ``c`` in its customer's journey."""
        return journey_at(key[c], (spawned[c][STEP] if c in spawned else 0) + 1)

    def spawn(
        rng: np.random.Generator, t: int, at: float, of: int, kind_: int, since: float
    ) -> None:
        """Create contact of type ``t`` joining at ``at``, the next in ``of``'s journey (a retrial,
        repeat, callback or offline form), its attributes drawn from ``rng`` (``next_of(of)``).

        A callback is the same customer with the same need: it keeps the handle time, after-
        contact work and decision uniforms of the contact that asked for it (which was not
        served), and draws whether each of its calls is answered."""
        c = len(ctype)
        ctype.append(t)
        arrived.append(at)
        tm = types[t]
        reach = None
        if kind_ == CALLBACK_KIND:
            handle.append(handle[of])
            patience.append(math.inf)
            wrap.append(wrap[of])
            decisions = [u(of, 0), u(of, 1), u(of, 2)]
            cb = tm.callback
            reach = rng.random(cb.retries + 1).tolist() if cb is not None else None
            home = home_of(of)
        else:
            handle.append(tm.handle.one(rng) * tm.handle_factor)
            patience.append(
                tm.patience.one(rng) * tm.patience_factor if tm.patience is not None else math.inf
            )
            decisions = rng.random(3).tolist()
            wrap.append(
                tm.after_contact_work.one(rng) if tm.after_contact_work is not None else 0.0
            )
            home = t
        state.append(waiting)
        answered_at.append(math.nan)
        ended_at.append(math.nan)
        served_by.append(-1)
        gid.append(cols.next_gid)  # ``cols.new_gid()``, inline
        cols.next_gid += 1
        u_balk.append(0.0)  # a created contact's decision uniforms are in its journey entry
        u_accept.append(0.0)
        u_resolve.append(0.0)
        key.append(key[of])
        before = spawned.get(of)  # its journey so far (None: ``of`` started it)
        if before is None:
            customer, tries, step = gid[of], 1, 1
        else:
            customer, tries, step = before[CUSTOMER], before[ATTEMPT], before[STEP] + 1
        tries += kind_ != CALLBACK_KIND
        spawned[c] = [customer, tries, kind_, since, *decisions, step, home, reach]
        open_now.append(True)
        if at < horizon:
            heappush(heap, (at, NORMAL, next(ids), Wake(on_spawned, c)))

    def switch_to(t: int, table: tuple[tuple[int, float], ...], pick: float) -> int:
        """The type of a follow-up contact: ``t`` or, with the given probabilities, another
        (``pick`` is the follow-up's uniform for it)."""
        acc = 0.0
        for other, p in table:
            acc += p
            if pick < acc:
                return other
        return t

    def fail(c: int, outcome: int, now: float) -> None:
        """Contact ``c`` ends unserved; its customer may try again later."""
        state[c] = outcome
        ended_at[c] = now
        home = home_of(c)
        r = types[home].retrial
        if r is not None and outcome in r.after and attempt_of(c) < r.max_attempts:
            rng = next_of(c)
            go, pick = rng.random(2).tolist()
            if go < r.probability:
                later = r.delay.one(rng)
                spawn(rng, switch_to(home, r.switch, pick), now + later, c, INBOUND, math.nan)

    def repeat(c: int, end: float) -> None:
        """Answered contact ``c`` (ending at ``end``) was not resolved: the customer comes back."""
        cols.unresolved.add(c)
        home = types[home_of(c)]
        rng = next_of(c)
        pick = rng.random(2).tolist()[1]
        later = home.repeat_delay.one(rng)  # type: ignore[union-attr]
        spawn(
            rng,
            switch_to(home.index, home.repeat_switch, pick),
            end + later,
            c,
            REPEAT_KIND,
            math.nan,
        )

    return Journeys(u, next_of, spawn, fail, repeat)
