"""One replication: contacts driven by callbacks on simpy's event queue (DESIGN.md §6).

Contacts are not simpy processes. The arrival chain, service ends, patience expiries, overflow
eligibility, callback dials and staffing changes are events whose callbacks update flat lists.
Initial contacts are drawn a day at a time (``engine/source.py``); retrials, repeats and callbacks
are created during it, their random attributes drawn from a stream keyed to the customer
(``engine/followups.py``).

Tie rule: events at the same instant run in the order they were scheduled.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any

import numpy as np
import simpy

from cccsim.engine.agents import AgentPool, agent_takers
from cccsim.engine.announce import Balking, WaitEstimate
from cccsim.engine.columns import (
    KIND,
    REACH,
    ContactColumns,
    MemorySink,
    Sink,
    part_records,
)
from cccsim.engine.events import NORMAL, Wake
from cccsim.engine.journeys import journeys
from cccsim.engine.pacing import Pacer
from cccsim.engine.policy import RoutingView, load_policy
from cccsim.engine.shifts import Shifts
from cccsim.engine.source import Source
from cccsim.engine.tables import TypeTables
from cccsim.model.build import Model
from cccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK,
    CALLBACK_KIND,
    CLOSED,
    OFFLINE_FORM,
    OFFLINE_KIND,
    OPEN,
    SCHEDULED,
    UNREACHED,
    VOICEMAIL,
    Records,
)
from cccsim.rng import Streams
from cccsim.units import DAY

WAITING = OPEN  # a contact still waiting is "open" if the horizon comes first
FLUSH = True  # move finished contacts out of the lists every day (tests switch it off to compare)


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
    state, answered_at, ended_at, served_by = (
        cols.state,
        cols.answered_at,
        cols.ended_at,
        cols.served_by,
    )
    spawned, offered_cb, dials = cols.spawned, cols.offered_cb, cols.dials
    open_now, wrap = cols.open_now, cols.wrap
    ghosts = cols.ghosts
    chunk_end = 0  # the current day's contacts that came of their own accord end here
    ivr_rows: list[tuple[str, float, float, bool, str]] = []
    extra_busy: list[tuple[int, float, float, float]] = []

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
    delays, after_of, special = tables.delays, tables.after_of, tables.special
    track_last = tables.track_last
    callback_queue, partial_fcr, decides = tables.callback_queue, tables.partial_fcr, tables.decides
    wraps = tables.wraps

    # ---- agents
    pool = AgentPool([g.max_concurrent for g in model.groups])
    cap = pool.capacity
    levels = pool.levels
    agent_group, load, token, leaving = pool.group, pool.load, pool.token, pool.leaving
    skills = [g.skills for g in model.groups]
    proficiency = [g.proficiency for g in model.groups]
    slowdown = [g.slowdown for g in model.groups]
    proficient = any(proficiency) or any(slowdown)
    busy = [0] * len(model.groups)  # agents holding any contact: idle = on duty − busy
    free_at: list[float] = []  # per agent: when it last became available
    by_longest_idle = model.policy.agent_selection == "longest_idle"
    # a routing policy is consulted only when the scenario uses its options (else: fast path)
    policy = None if model.policy.is_default else load_policy(model)
    serving = [[0] * n_types for _ in model.groups]  # kept for policies only
    view = RoutingView(
        model, pool, queues, n_waiting, state, arrived, busy, staff_now, serving, free_at
    )

    available, peek, take_longest_idle, take_available = agent_takers(pool)
    pacer = Pacer(model, staff_now, lambda c, now: release_paced(c, now))
    estimate = WaitEstimate(model, staff_now, cap)
    last_wait, announced = estimate.last_wait, estimate.wait
    balking = [Balking(t.balking) if t.balking else None for t in types]
    pacing, pace_pool = pacer.active, pacer.pool

    def available_timed(a: int, level: int) -> None:
        """``available`` that also notes when (for policies reading ``free_since``)."""
        if a >= len(free_at):
            free_at.extend([0.0] * (a + 1 - len(free_at)))
        free_at[a] = env._now
        tok = pool.next_token
        pool.next_token = tok + 1
        token[a] = tok
        levels[agent_group[a]][level].append((a, tok))

    if policy is not None:
        available = available_timed  # the plain path skips the bookkeeping

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
        if spawned and c in spawned and spawned[c][KIND] == CALLBACK_KIND:
            dials[c] = n = dials.get(c, 0) + 1
            cb = types[t].callback
            if cb is not None and spawned[c][REACH][n - 1] >= cb.reach:  # nobody picks up
                state[c] = SCHEDULED
                end = now + cb.attempt_time
                extra_busy.append((g, now, end, slots / cap[g]))
                if end < horizon:
                    heappush(heap, (end, NORMAL, next(ids), Wake(on_dial_end, c)))
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
            extra_busy.append((g, end, free, slots / cap[g]))
        if partial_fcr[t] and u(c, 2) >= types[t].resolution:  # unresolved: the customer comes back
            repeat(c, end)
        if free < horizon:  # ends past the horizon need no event
            heappush(heap, (free, NORMAL, next(ids), Wake(on_end, c)))

    def seek_work(a: int, now: float) -> None:
        """Free capacity of agent ``a``: take the highest-priority eligible waiting contacts."""
        if policy is not None:
            seek_work_by_policy(a, now)
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

    def seek_work_by_policy(a: int, now: float) -> None:
        """As ``seek_work``, the policy admitting and ranking the waiting contacts."""
        g = agent_group[a]
        token[a] = -1
        capg = cap[g]
        view.now = now
        admits, rank = policy.admits, policy.rank  # type: ignore[union-attr]
        while load[a] < capg:
            view.taker_load = load[a]
            best, best_score = -1, -math.inf
            for t in skills[g]:
                if load[a] and exclusive[t]:
                    continue
                head = live_head(t)
                if head >= 0 and arrived[head] + after_of[t][g] <= now and admits(view, t, g):
                    score = rank(view, g, t, now - arrived[head])
                    if score > best_score:
                        best, best_score = t, score
            if best < 0:
                break
            n_waiting[best] -= 1
            c = queues[best].popleft()
            if capped[best]:
                free_line(c, best)
            begin(c, a, now)
        if load[a] < capg:
            available(a, load[a])

    def free_line(c: int, t: int) -> None:
        """Contact ``c`` of type ``t`` (with a capacity) leaves the queue: a live one frees a line."""
        if kind_of(c) != CALLBACK_KIND:
            lines[line_pool[t]] -= 1

    def arrive(c: int, now: float) -> None:
        t = ctype[c]
        if special[t] and not open_now[c]:
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
            return
        whole = exclusive[t]
        if policy is not None:
            if route_by_policy(c, t, now):
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
        if special[t] and kind_of(c) != CALLBACK_KIND:
            tm = types[t]
            if tm.announce is not None or tm.callback is not None:
                wait = announced(t, n_waiting[t])
                cb = tm.callback
                if cb is not None and wait > cb.offer_over:
                    offered_cb.add(c)
                    if u(c, 1) < cb.acceptance:
                        state[c], ended_at[c] = CALLBACK, now
                        rng = next_of(c)
                        rng.random(2)
                        later = 0.0 if cb.later is None else float(cb.later.draw(rng, 1)[0])
                        spawn(rng, callback_queue[t], now + later, c, CALLBACK_KIND, now)
                        return
                balk = balking[t]
                if balk is not None and u(c, 0) < balk(wait):
                    fail(c, BALKED, now)
                    return
        if capped[t] and lines[line_pool[t]] >= capacity[t] and kind_of(c) != CALLBACK_KIND:
            fail(c, BLOCKED, now)  # every line of the type is taken by a waiting contact
            return
        enqueue(c, t, now)
        if policy is not None:
            dispatch_idle(t, now)

    def enqueue(c: int, t: int, now: float) -> None:
        """Contact ``c`` joins its queue: schedule its patience and overflow eligibility."""
        queues[t].append(c)
        n_waiting[t] += 1
        if capped[t] and kind_of(c) != CALLBACK_KIND:
            lines[line_pool[t]] += 1
        gives_up = now + patience[c]
        if gives_up < horizon:
            heappush(heap, (gives_up, NORMAL, next(ids), Wake(on_patience, c)))
        for d in delays[t]:
            if now + d < horizon:
                heappush(heap, (now + d, NORMAL, next(ids), Wake(on_eligible, c)))

    # ---- the policy path: every matching decision goes through ``policy`` and ``view``

    def candidates(t: int, now: float, groups: tuple[int, ...]) -> list[tuple[int, int]]:
        """(group, agent) for each of ``groups`` with a free agent that the policy admits."""
        view.now = now
        found = []
        for g in groups:
            head = peek(g, exclusive[t])
            if head is not None:
                view.taker_load = head[0]
                if policy.admits(view, t, g):  # type: ignore[union-attr]
                    found.append((g, head[2]))
        return found

    def live_head(t: int) -> int:
        """The oldest contact still waiting in type ``t``'s queue, or -1."""
        q = queues[t]
        while q and (state[q[0]] != WAITING or (ghosts and q[0] in ghosts)):
            drop_head(q)
        return q[0] if q else -1

    def drop_head(q: deque[int]) -> None:
        """Drop the stale entry at the head of ``q`` (and count it, if an entry left behind)."""
        c = q.popleft()
        left = ghosts.get(c) if ghosts else None
        if left is not None:
            if left > 1:
                ghosts[c] = left - 1
            else:
                del ghosts[c]

    def route_by_policy(c: int, t: int, now: float) -> bool:
        """Serve arriving contact ``c`` if the policy lets a free agent take it; True if done."""
        n_waiting[t] += 1  # the contact being routed counts in queue conditions
        found = candidates(t, now, first_groups[t])
        n_waiting[t] -= 1
        if not found:
            return False
        g = found[0][0] if len(found) == 1 else policy.choose_group(view, t, found)  # type: ignore[union-attr]
        a = take_available(g, exclusive[t])
        if live_head(t) < 0:
            begin(c, a, now)
            if load[a] < cap[g]:
                available(a, load[a])
        else:  # a condition just opened the group while older contacts wait: they go first
            enqueue(c, t, now)
            seek_work(a, now)
        return True

    def dispatch_idle(t: int, now: float) -> None:
        """Free agents that the policy now admits for type ``t`` (a condition passed) take work."""
        while True:
            head = live_head(t)
            if head < 0:
                return
            ready = tuple(g for g, after in routes[t] if arrived[head] + after <= now)
            found = candidates(t, now, ready)
            if not found:
                return
            g = found[0][0] if len(found) == 1 else policy.choose_group(view, t, found)  # type: ignore[union-attr]
            seek_work(take_available(g, exclusive[t]), now)

    def on_arrival(ev: Wake) -> None:
        """The next initial contact arrives (and the chain schedules the one after it)."""
        c = ev._value
        if c + 1 < chunk_end:
            heappush(heap, (arrived[c + 1], NORMAL, next(ids), Wake(on_arrival, c + 1)))
        arrive(c, env._now)  # == arrived[c] exactly: arrivals are pushed at their drawn instants

    def on_spawned(ev: Wake) -> None:
        c = ev._value
        t = ctype[c]
        if kind_of(c) == CALLBACK_KIND:
            if pace_pool[t] >= 0:  # a paced callback waits its turn
                pacer.due(c, t, env._now)
                return
        elif special[t]:
            open_now[c] = types[t].open_at(env._now)
        arrive(c, env._now)

    # the journeys' functions (their events wake ``on_spawned``, which the flush renumbers)
    kind_of, u, next_of, spawn, fail, repeat = journeys(
        model, cols, streams, heap, ids, WAITING, on_spawned
    )

    def release_paced(c: int, now: float) -> None:
        """A paced callback's turn: it joins its queue now (the record keeps when it was due)."""
        if arrived[c] != now:
            cols.first_arrived.setdefault(c, arrived[c])
            arrived[c] = now
        arrive(c, now)

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
            ready = tuple(g for g, after in routes[t] if since + after <= now)
            found = candidates(t, now, ready)
            if found:
                g = found[0][0] if len(found) == 1 else policy.choose_group(view, t, found)
                seek_work(take_available(g, exclusive[t]), now)
            return
        # same float expression as the event's own instant: exact at the boundary
        ready = tuple(g for g, after in routes[t] if since + after <= now)
        if by_longest_idle and len(ready) > 1:
            a = take_longest_idle(ready, exclusive[t])
        else:
            a = -1
            for g in ready:
                a = take_available(g, exclusive[t])
                if a >= 0:
                    break
        if a >= 0:
            n_waiting[t] -= 1  # its queue entry is skipped later (lazy deletion)
            if capped[t]:
                free_line(c, t)
            if c in spawned and spawned[c][KIND] == CALLBACK_KIND:  # it may wait again
                ghosts[c] = ghosts.get(c, 0) + 1
            begin(c, a, now)
            if load[a] < cap[agent_group[a]]:
                available(a, load[a])

    def release(a: int, c: int, now: float) -> None:
        g = agent_group[a]
        load[a] -= cap[g] if exclusive[ctype[c]] else 1
        if policy is not None:
            busy[g] -= not load[a]
            serving[g][ctype[c]] -= 1
        if leaving[a]:
            if load[a] == 0:
                pool.log_off(a, now)
            return
        seek_work(a, now)

    def on_end(ev: Wake) -> None:
        c = ev._value
        if pacing and pace_pool[ctype[c]] >= 0 and kind_of(c) == CALLBACK_KIND:
            pacer.done(ctype[c], env._now)  # the next due callback may join the queue
        release(served_by[c], c, env._now)

    def on_dial_end(ev: Wake) -> None:
        """An unanswered callback call ends: retry later, or give up after the last retry."""
        c = ev._value
        now = env._now
        if pace_pool[ctype[c]] >= 0:
            pacer.done(ctype[c], now)
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
        state[c] = WAITING
        if c not in cols.first_arrived:  # the record keeps when it first joined the queue
            cols.first_arrived[c] = arrived[c]
        if pace_pool[ctype[c]] >= 0:  # waits its turn again
            pacer.due(c, ctype[c], env._now)
            return
        arrived[c] = env._now  # the queue clock (overflow delays) runs from now
        arrive(c, env._now)

    followers = [lambda g, now: estimate.staffed(g)]
    if pacing:
        followers.append(pacer.staffed)
    Shifts(model, env, pool, staff_now, seek_work, followers).start(heap, ids, horizon)
    # ---- a day at a time: draw the day's contacts; move finished contacts out of the lists
    live_events: set[Callable[[Wake], None]] = {
        on_arrival,
        on_spawned,
        on_end,
        on_dial_end,
        on_redial,
    }
    contact_events = live_events | {on_patience, on_eligible}

    def load_day(start: float) -> None:
        """Append the contacts joining a queue in [start, start + 1 day) and start their chain."""
        nonlocal chunk_end
        day = source.draw(start, min(start + DAY, horizon))
        is_open = np.ones(day.arrived.size, dtype=bool)
        for t in types:
            if special[t.index]:
                mine = day.kind == t.index
                is_open[mine] = t.is_open(day.arrived[mine])
        base = cols.add_day(day, is_open, keep_decisions=decides, keep_keys=tables.follows)
        ivr_rows.extend(day.ivr)
        chunk_end = len(ctype)
        if chunk_end > base:
            heappush(heap, (arrived[base], NORMAL, next(ids), Wake(on_arrival, base)))

    def flush() -> None:
        """Hand finished contacts (whole journeys) to the sink and renumber the rest, with the
        sessions, unanswered dials and IVR calls recorded so far."""
        batch = cols.finish_day(
            heap, [*queues, *pacer.backlogs], live_events, contact_events, group_of_now(), horizon
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
