"""One replication: contacts driven by callbacks on simpy's event queue (DESIGN.md §6).

Contacts are not simpy processes. The arrival chain, service ends, patience expiries, overflow
eligibility, callback dials and staffing changes are events whose callbacks update flat lists.
Initial contacts are drawn a day at a time (``engine/source.py``, IVR callers in
``engine/ivr.py``); retrials, repeats and callbacks are created during it, their random
attributes drawn from a stream keyed to the customer (``engine/followups.py``).

This module is the core: a contact arrives, is taken by a free agent or queues, begins service,
ends, and its agent seeks work (built-in routing: skills in priority order, overflow delays,
longest-idle agents). Each lever lives in its own module and is plugged in only where the
scenario uses it, so a plain scenario runs none of its code:

- ``engine/journeys.py``: retrials and repeats (and creating any follow-up contact);
- ``engine/callbacks.py``: callback offers, dials, redials, pacing (``engine/pacing.py``);
- ``engine/announce.py``: the announced wait and balking;
- ``engine/hours.py``: opening hours, closed days, voicemail and offline forms;
- ``engine/shifts.py``: staffing changes;
- ``engine/by_policy.py``: routing through a ``RoutingPolicy`` (conditions, priorities,
  reservation, blending, custom policies).

Tie rule: events at the same instant run in the order they were scheduled.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any

import numpy as np
import simpy

from cccsim.engine.agents import AgentPool, agent_takers
from cccsim.engine.announce import WaitEstimate, before_queue
from cccsim.engine.by_policy import by_policy
from cccsim.engine.callbacks import callbacks
from cccsim.engine.columns import (
    KIND,
    U_RESOLVE,
    ContactColumns,
    MemorySink,
    Sink,
    part_records,
)
from cccsim.engine.events import NORMAL, Wake
from cccsim.engine.hours import hours
from cccsim.engine.journeys import journeys
from cccsim.engine.policy import RoutingView, load_policy
from cccsim.engine.shifts import Shifts
from cccsim.engine.source import Source
from cccsim.engine.tables import TypeTables
from cccsim.model.build import Model
from cccsim.records import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK_KIND,
    OPEN,
    IvrCalls,
    Records,
)
from cccsim.rng import Streams
from cccsim.units import DAY

WAITING = OPEN  # a contact still waiting is "open" if the horizon comes first
FLUSH = True  # move finished contacts out of the lists every day (tests switch it off to compare)
EVERY_LEVER = False  # plug in every lever, used or not (tests switch it on to compare)


def run(model: Model, seed: int | np.random.SeedSequence) -> Records:
    """Simulate one replication of ``model`` with ``seed`` and return its records."""
    sink = MemorySink()
    n_events = run_into(model, seed, sink)
    return sink.records(model, n_events)


def run_into(model: Model, seed: int | np.random.SeedSequence, sink: Sink) -> int:
    """Simulate one replication, handing its records to ``sink`` a part at a time (finished
    journeys each simulated midnight, the rest at the horizon); return the number of events."""
    streams = Streams(seed)
    source = Source(model, streams)

    env = simpy.Environment()
    horizon = model.horizon
    # Speed: events go straight onto simpy's heap as (instant, priority, id, event) — exactly what
    # Environment.schedule pushes — saving a method call per event. simpy stays the clock.
    heap: list[Any] = env._queue
    ids: count[int] = count()
    env._eid = ids
    # ---- per-contact columns, bound to locals (the fastest thing to index in the loop)
    cols = ContactColumns()
    ctype, arrived, handle, patience = cols.ctype, cols.arrived, cols.handle, cols.patience
    state, answered_at = cols.state, cols.answered_at
    ended_at, served_by = cols.ended_at, cols.served_by
    spawned, u_resolve, ghosts = cols.spawned, cols.u_resolve, cols.ghosts
    open_now, wrap = cols.open_now, cols.wrap
    chunk_end = 0  # the current day's contacts that came of their own accord end here
    ivr_rows: list[IvrCalls] = []
    extra_busy: list[float] = []  # (group, from, to, share of the agent) rows, flat: no tuple each

    # ---- per-type tables and the streams created contacts draw from, bound to locals
    types = model.types
    n_types = len(types)
    queues: list[deque[int]] = [deque() for _ in range(n_types)]
    n_waiting = [0] * n_types
    staff_now = [0] * len(model.groups)
    routes = model.routes
    tables = TypeTables.of(model)
    exclusive, capacity, first_groups = tables.exclusive, tables.capacity, tables.first_groups
    line_pool, capped = tables.line_pool, tables.capped
    lines = [0] * n_types  # per line pool: live contacts waiting (callbacks hold no line)
    delays, after_of = tables.delays, tables.after_of
    track_last = tables.track_last
    callback_queue, partial_fcr, decides = tables.callback_queue, tables.partial_fcr, tables.decides
    wraps, resolution = tables.wraps, [t.resolution for t in types]

    # ---- agents
    pool = AgentPool([g.max_concurrent for g in model.groups])
    cap = pool.capacity
    agent_group, load, token, leaving = pool.group, pool.load, pool.token, pool.leaving
    skills = [g.skills for g in model.groups]
    proficiency = [g.proficiency for g in model.groups]
    slowdown = [g.slowdown for g in model.groups]
    proficient = any(proficiency) or any(slowdown)
    by_longest_idle = model.policy.agent_selection == "longest_idle"
    # a routing policy is consulted only when the scenario uses its options (else: fast path)
    policy = None if model.policy.is_default else load_policy(model)
    busy = [0] * len(model.groups)  # for policies: agents holding any contact
    serving = [[0] * n_types for _ in model.groups]  # for policies: contacts in service by type

    available, peek, take_longest_idle, take_available = agent_takers(pool)
    estimate = WaitEstimate(model, staff_now, cap)
    last_wait = estimate.last_wait
    # the levers a scenario uses plug in below, once the core's functions exist
    dialling = EVERY_LEVER or any(
        t.callback is not None or t.out_of_hours == "voicemail" for t in types
    )

    def begin(c: int, a: int, now: float) -> None:
        """Agent ``a`` starts on contact ``c`` at ``now`` (a callback starts with a call)."""
        t = ctype[c]
        g = agent_group[a]
        slots = cap[g] if exclusive[t] else 1
        if policy is not None:  # what policies read: busy agents, contacts in service by type
            busy[g] += not load[a]
            serving[g][t] += 1
        load[a] += slots
        served_by[c] = a
        if (
            dialling
            and c in spawned
            and spawned[c][KIND] == CALLBACK_KIND
            and dial(c, a, g, slots / cap[g], now)  # a call first: nobody picked up
        ):
            return
        state[c] = ANSWERED
        answered_at[c] = now
        if track_last[t]:
            last_wait[t] = now - arrived[c]
        if proficient:
            factors = proficiency[g]
            if factors:  # a slower or faster group: the contact's actual handle time
                handle[c] *= factors[t]
            if slowdown[g] and not exclusive[t]:  # slower with more chats in hand
                handle[c] *= slowdown[g][load[a] - 1]
        end = now + handle[c]
        ended_at[c] = end
        free = end
        if wraps[t]:  # the agent stays busy after the customer has gone
            free = end + wrap[c]
            extra_busy.extend((g, end, free, slots / cap[g]))
        # unresolved (its resolved uniform ``u(c, 2)``, inline): the customer comes back
        if partial_fcr[t] and resolution[t] <= (
            spawned[c][U_RESOLVE] if c in spawned else u_resolve[c]
        ):
            repeat(c, end)
        if free < horizon:  # ends past the horizon need no event
            heappush(heap, (free, NORMAL, next(ids), Wake(on_end, c)))

    def seek_work(a: int, now: float) -> None:
        """Free capacity of agent ``a``: take the highest-priority eligible waiting contacts."""
        if policy is not None:
            policy_seek_work(a, now)
            return
        g = agent_group[a]
        token[a] = -1
        capg = cap[g]
        while load[a] < capg:
            for t in skills[g]:
                if load[a] and exclusive[t]:
                    continue
                q = queues[t]
                # abandoned or served by overflow (a callback waiting again after a redial
                # left an entry behind: the first entries of it are the old ones)
                while q and (state[q[0]] != WAITING or (ghosts and q[0] in ghosts)):
                    drop_head(q)
                if q and arrived[q[0]] + after_of[t][g] <= now:
                    n_waiting[t] -= 1
                    c = q.popleft()
                    if capped[t]:
                        free_line(c, t)
                    begin(c, a, now)
                    break
            else:
                break
        if load[a] < capg:
            available(a, load[a])

    seek: Callable[[int, float], None] = seek_work  # the policy path plugs in its own

    def free_line(c: int, t: int) -> None:
        """Contact ``c`` of type ``t`` (with a capacity) leaves the queue: a live one frees a line."""
        if c not in spawned or spawned[c][KIND] != CALLBACK_KIND:  # ``kind_of(c)``, inline
            lines[line_pool[t]] -= 1

    def arrive(c: int, now: float, live: bool = True) -> None:
        """Contact ``c`` comes (``live``: a customer calling, not a callback the centre makes):
        an agent free for it takes it, or it hears the announcement and queues."""
        t = ctype[c]
        if not open_now[c]:  # only types with opening hours have contacts that find it shut
            closed(c, t, now)
            return
        whole = exclusive[t]
        if policy is not None:
            if policy_route(c, t, now, live):
                return
        else:
            groups = first_groups[t]
            if by_longest_idle and len(groups) > 1:
                a = take_longest_idle(groups, whole)
            else:
                a = -1
                for g in groups:
                    a = take_available(g, whole)
                    if a >= 0:
                        break
            if a >= 0:
                begin(c, a, now)
                if load[a] < cap[agent_group[a]]:
                    available(a, load[a])
                return
        # nobody free: the contact would queue — announce the wait, offer a callback, or balk
        if live:
            hear = before[t]
            if hear is not None and hear(c, t, now):
                return
            if capped[t] and lines[line_pool[t]] >= capacity[t]:
                fail(c, BLOCKED, now)  # every line of the type is taken by a waiting contact
                return
        enqueue(c, t, now, live)
        if policy is not None:
            dispatch_idle(t, now, c)

    def enqueue(c: int, t: int, now: float, live: bool) -> None:
        """Contact ``c`` joins its queue: schedule its patience and overflow eligibility."""
        queues[t].append(c)
        n_waiting[t] += 1
        if live and capped[t]:
            lines[line_pool[t]] += 1
        gives_up = now + patience[c]
        if gives_up < horizon:
            heappush(heap, (gives_up, NORMAL, next(ids), Wake(on_patience, c)))
        for d in delays[t]:
            if now + d < horizon:
                heappush(heap, (now + d, NORMAL, next(ids), Wake(on_eligible, c)))

    def drop_head(q: deque[int]) -> None:
        """Drop the stale entry at the head of ``q`` (and count it, if an entry left behind)."""
        c = q.popleft()
        left = ghosts.get(c) if ghosts else None
        if left is not None:
            if left > 1:
                ghosts[c] = left - 1
            else:
                del ghosts[c]

    def on_arrival(ev: Wake) -> None:
        """The next initial contact arrives (and the chain schedules the one after it)."""
        c = ev._value
        if c + 1 < chunk_end:
            heappush(heap, (arrived[c + 1], NORMAL, next(ids), Wake(on_arrival, c + 1)))
        arrive(c, env._now)  # == arrived[c] exactly: arrivals are pushed at their drawn instants

    def on_spawned(ev: Wake) -> None:
        """A contact created during the run (retrial, repeat, callback, form) comes."""
        c = ev._value
        if c in spawned and spawned[c][KIND] == CALLBACK_KIND:
            due(c, env._now)  # it joins its queue, or waits its turn if paced
            return
        t = ctype[c]
        if has_hours[t]:
            open_now[c] = open_at(t, env._now)
        arrive(c, env._now)

    def on_patience(ev: Wake) -> None:
        c = ev._value
        if state[c] == WAITING:
            t = ctype[c]
            n_waiting[t] -= 1
            if capped[t]:
                free_line(c, t)
            fail(c, ABANDONED, env._now)

    def on_eligible(ev: Wake) -> None:
        """A waiting contact reached an overflow delay: try the groups it may now go to."""
        c = ev._value
        if state[c] != WAITING:
            return
        now = env._now
        t = ctype[c]
        since = arrived[c]
        if policy is not None:  # the newly eligible groups' free agents, if admitted, take work
            policy_eligible(c, t, now)
            return
        # same float expression as the event's own instant: exact at the boundary
        a = -1
        whole = exclusive[t]
        if by_longest_idle:
            ready = tuple(g for g, after in routes[t] if since + after <= now)
            if len(ready) > 1:
                a = take_longest_idle(ready, whole)
            elif ready:
                a = take_available(ready[0], whole)
        else:
            for g, after in routes[t]:
                if since + after <= now:
                    a = take_available(g, whole)
                    if a >= 0:
                        break
        if a >= 0:
            n_waiting[t] -= 1  # its queue entry is skipped later (lazy deletion)
            if capped[t]:
                free_line(c, t)
            if dialling:  # a callback may wait again (a redial)
                taken_out_of_order(c)
            begin(c, a, now)
            if load[a] < cap[agent_group[a]]:
                available(a, load[a])

    def release(a: int, c: int, now: float) -> None:
        """Agent ``a`` is done with contact ``c``: it seeks work, or logs off if leaving."""
        g = agent_group[a]
        load[a] -= cap[g] if exclusive[ctype[c]] else 1
        if policy is not None:
            busy[g] -= not load[a]
            serving[g][ctype[c]] -= 1
        if leaving[a]:
            if load[a] == 0:
                pool.log_off(a, now)
            return
        seek(a, now)

    def on_end(ev: Wake) -> None:
        c = ev._value
        if paced and c in spawned and spawned[c][KIND] == CALLBACK_KIND:
            done(c, env._now)  # the next due callback may join the queue
        release(served_by[c], c, env._now)

    # ---- the policy path, and the levers the scenario uses, plugged into the core
    if policy is not None:
        free_at: list[float] = []  # per agent: when it last became available
        view = RoutingView(
            model, pool, queues, n_waiting, state, arrived, busy, staff_now, serving, free_at
        )
        available, policy_seek_work, policy_route, dispatch_idle, policy_eligible = by_policy(
            model,
            env,
            policy,
            view,
            pool,
            take_available,
            peek,
            free_at,
            cols,
            tables,
            queues,
            n_waiting,
            WAITING,
            drop_head,
            free_line,
            begin,
            enqueue,
        )
        seek = policy_seek_work
    jr = journeys(model, cols, streams, heap, ids, WAITING, on_spawned)
    u, fail, repeat = jr.u, jr.fail, jr.repeat
    lever_events: tuple[Callable[[Wake], None], ...] = ()
    backlogs: list[deque[int]] = []
    followers: list[Callable[[int, float], None]] = []  # told of each staffing change
    offer = None
    paced = False
    if dialling:
        cbs = callbacks(
            model,
            env,
            cols,
            heap,
            ids,
            staff_now,
            jr,
            callback_queue,
            extra_busy,
            arrive,
            release,
            WAITING,
        )
        offer, due, dial, done, taken_out_of_order = cbs[:5]
        lever_events, backlogs = cbs.events, cbs.pacer.backlogs
        paced = EVERY_LEVER or cbs.pacer.active
        if paced:
            followers.append(cbs.pacer.staffed)
    before = before_queue(model, estimate, n_waiting, offer, u, fail, EVERY_LEVER)
    if any(before):  # the announced wait counts the agents on duty: only a type that hears it
        followers.insert(0, lambda g, now: estimate.staffed(g))
    has_hours, mark_open, open_at, closed = hours(model, cols, jr, callback_queue, EVERY_LEVER)
    Shifts(model, env, pool, staff_now, seek, followers).start(heap, ids, horizon)
    # ---- a day at a time: draw the day's contacts; move finished contacts out of the lists
    live_events: set[Callable[[Wake], None]] = {on_arrival, on_spawned, on_end, *lever_events}
    contact_events = live_events | {on_patience, on_eligible}

    def load_day(start: float) -> None:
        """Append the contacts joining a queue in [start, start + 1 day) and start their chain."""
        nonlocal chunk_end
        day = source.draw(start, min(start + DAY, horizon))
        is_open = mark_open(day.kind, day.arrived)
        base = cols.add_day(day, is_open, keep_decisions=decides, keep_keys=tables.follows)
        ivr_rows.extend(day.ivr)
        chunk_end = len(ctype)
        if chunk_end > base:
            heappush(heap, (arrived[base], NORMAL, next(ids), Wake(on_arrival, base)))

    def flush() -> None:
        """Hand finished contacts (whole journeys) to the sink and renumber the rest, with the
        sessions, unanswered dials and IVR calls recorded so far."""
        batch = cols.finish_day(
            heap, [*queues, *backlogs], live_events, contact_events, group_of_now(), horizon
        )
        hand_over(batch)

    def hand_over(batch: dict[str, np.ndarray]) -> None:
        sink.add(part_records(model, batch, pool.sessions, extra_busy, ivr_rows))
        pool.sessions.clear()
        extra_busy.clear()
        ivr_rows.clear()

    def group_of_now() -> np.ndarray:
        return np.array(pool.group or [0], dtype=np.int16)

    def on_day(ev: Wake) -> None:
        start = ev._value
        if FLUSH:
            flush()
        load_day(start)
        if start + DAY < horizon:
            heappush(heap, (start + DAY, NORMAL, next(ids), Wake(on_day, start + DAY)))

    load_day(0.0)
    if horizon > DAY:
        heappush(heap, (DAY, NORMAL, next(ids), Wake(on_day, DAY)))
    env.run(until=horizon)
    n_events = next(ids) - len(heap) - 1  # scheduled − still queued − simpy's stop event
    pool.close(horizon)
    hand_over(cols.batch(list(range(len(ctype))), group_of_now(), horizon))
    cols.clear()
    queues.clear()
    return n_events
