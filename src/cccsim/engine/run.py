"""One replication: contacts driven by callbacks on simpy's event queue (DESIGN.md §6).

Contacts are not simpy processes. The arrival chain, service ends, patience expiries, overflow
eligibility and staffing changes are timeouts whose callbacks update flat lists. Each contact's
random attributes (arrival instant, handle time, patience) are drawn at arrival from its type's
named streams, in blocks, so options that differ only in staffing or routing see the very same
contacts (common random numbers).

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

from cccsim.engine.agents import AgentPool
from cccsim.model.build import UNLIMITED, Model
from cccsim.records import ABANDONED, ANSWERED, BLOCKED, OPEN, Records
from cccsim.rng import Streams

WAITING = OPEN  # a contact still waiting is "open" if the horizon comes first
NORMAL = 1  # simpy's priority of ordinary events


class Wake:
    """The least an event needs for ``simpy.Environment.step``: callbacks, ``_ok`` and a value.

    Speed: a slotted object pushed straight onto the environment's heap costs about a third of a
    ``simpy.events.Timeout`` (whose ``__init__`` and ``Environment.schedule`` calls dominated the
    profile); simpy still pops it, advances the clock and runs its callbacks as for any event.
    """

    __slots__ = ("_value", "callbacks")
    _ok = True  # never fails, so step() never looks for _defused

    def __init__(self, callback: Callable[[Wake], None], value: Any) -> None:
        self.callbacks: list[Callable[[Wake], None]] | None = [callback]
        self._value = value


def draw_contacts(
    model: Model, streams: Streams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All contacts of a replication, ordered by arrival: (type, arrival, handle time, patience)."""
    kinds, times, handles, patiences = [], [], [], []
    for t in model.types:
        arrived = t.arrivals.draw(streams.stream(f"arrivals/{t.name}"))
        arrived = arrived[arrived < model.horizon]
        n = arrived.size
        kinds.append(np.full(n, t.index, dtype=np.int16))
        times.append(arrived)
        handles.append(t.handle.draw(streams.stream(f"handle/{t.name}"), n))
        patiences.append(
            t.patience.draw(streams.stream(f"patience/{t.name}"), n)
            if t.patience is not None
            else np.full(n, math.inf)
        )
    arrived_all = np.concatenate(times) if times else np.empty(0)
    order = np.argsort(arrived_all, kind="stable")
    return (
        np.concatenate(kinds)[order],
        arrived_all[order],
        np.concatenate(handles)[order],
        np.concatenate(patiences)[order],
    )


def run(model: Model, seed: int | np.random.SeedSequence) -> Records:
    """Simulate one replication of ``model`` with ``seed`` and return its records."""
    streams = Streams(seed)
    kinds_arr, arrivals_arr, handles_arr, patience_arr = draw_contacts(model, streams)
    n = int(arrivals_arr.size)

    env = simpy.Environment()
    horizon = model.horizon
    # Speed: events go straight onto simpy's heap as (instant, priority, id, event) — exactly what
    # Environment.schedule pushes — saving a method call per event. simpy stays the clock.
    heap: list[Any] = env._queue
    ids: count[int] = count()
    env._eid = ids
    # ---- per-contact columns (Python lists: the fastest thing to index in the loop)
    ctype: list[int] = kinds_arr.tolist()
    arrived: list[float] = arrivals_arr.tolist()
    handle: list[float] = handles_arr.tolist()
    patience: list[float] = patience_arr.tolist()
    state = [WAITING] * n
    answered_at = [math.nan] * n
    ended_at = [math.nan] * n
    served_by = [-1] * n

    # ---- per-type tables
    n_types = len(model.types)
    exclusive = [t.exclusive for t in model.types]
    capacity = [t.queue_capacity for t in model.types]
    queues: list[deque[int]] = [deque() for _ in range(n_types)]
    n_waiting = [0] * n_types
    first_groups = [tuple(g for g, after in model.routes[t] if after == 0) for t in range(n_types)]
    delays = [
        tuple(sorted({after for _, after in model.routes[t] if 0 < after < math.inf}))
        for t in range(n_types)
    ]
    after_of = [[model.after(t, g.index) for g in model.groups] for t in range(n_types)]
    routes = model.routes

    # ---- agents
    pool = AgentPool([g.max_concurrent for g in model.groups])
    cap = pool.capacity
    levels = pool.levels
    agent_group, load, token, leaving = pool.group, pool.load, pool.token, pool.leaving
    skills = [g.skills for g in model.groups]

    def available(a: int, level: int) -> None:
        """Put agent ``a`` (holding ``level`` slots) at the back of its group's deque."""
        tok = pool.next_token
        pool.next_token = tok + 1
        token[a] = tok
        levels[agent_group[a]][level].append((a, tok))

    def take_available(g: int, whole: bool) -> int:
        """The agent of ``g`` to serve a contact: longest idle, or least loaded for chat; -1 if none."""
        for deque_ in levels[g] if not whole else levels[g][:1]:
            while deque_:
                a, tok = deque_.popleft()
                if token[a] == tok:  # lazy deletion: stale entries are skipped here, once
                    token[a] = -1
                    return a
        return -1

    def begin(c: int, a: int, now: float) -> None:
        """Agent ``a`` starts serving contact ``c`` at ``now``."""
        state[c] = ANSWERED
        answered_at[c] = now
        served_by[c] = a
        load[a] += cap[agent_group[a]] if exclusive[ctype[c]] else 1
        h = handle[c]
        ended_at[c] = now + h
        end = now + h
        if end < horizon:  # ends past the horizon need no event
            heappush(heap, (end, NORMAL, next(ids), Wake(on_end, c)))

    def seek_work(a: int, now: float) -> None:
        """Free capacity of agent ``a``: take the highest-priority eligible waiting contacts."""
        g = agent_group[a]
        token[a] = -1
        capg = cap[g]
        while load[a] < capg:
            for t in skills[g]:
                if load[a] and exclusive[t]:
                    continue
                q = queues[t]
                while q and state[q[0]] != WAITING:  # abandoned or served by overflow
                    q.popleft()
                if q and arrived[q[0]] + after_of[t][g] <= now:
                    n_waiting[t] -= 1
                    begin(q.popleft(), a, now)
                    break
            else:
                break
        if load[a] < capg:
            available(a, load[a])

    def on_arrival(ev: Wake) -> None:
        c = ev._value
        now = env._now  # == arrived[c] exactly: arrivals are pushed at their drawn instants
        if c + 1 < n:
            heappush(heap, (arrived[c + 1], NORMAL, next(ids), Wake(on_arrival, c + 1)))
        t = ctype[c]
        whole = exclusive[t]
        for g in first_groups[t]:
            a = take_available(g, whole)
            if a >= 0:
                begin(c, a, now)
                if load[a] < cap[g]:
                    available(a, load[a])
                return
        limit = capacity[t]
        if limit != UNLIMITED and n_waiting[t] >= limit:
            state[c] = BLOCKED
            ended_at[c] = now
            return
        queues[t].append(c)
        n_waiting[t] += 1
        gives_up = now + patience[c]
        if gives_up < horizon:
            heappush(heap, (gives_up, NORMAL, next(ids), Wake(on_patience, c)))
        for d in delays[t]:
            if now + d < horizon:
                heappush(heap, (now + d, NORMAL, next(ids), Wake(on_eligible, c)))

    def on_patience(ev: Wake) -> None:
        c = ev._value
        if state[c] == WAITING:
            state[c] = ABANDONED
            ended_at[c] = env._now
            n_waiting[ctype[c]] -= 1

    def on_eligible(ev: Wake) -> None:
        """A waiting contact reached an overflow delay: try the groups it may now go to."""
        c = ev._value
        if state[c] != WAITING:
            return
        now = env._now
        t = ctype[c]
        since = arrived[c]
        for g, after in routes[t]:
            # same float expression as the event's own instant: exact at the boundary
            if since + after <= now:
                a = take_available(g, exclusive[t])
                if a >= 0:
                    n_waiting[t] -= 1  # its queue entry is skipped later (lazy deletion)
                    begin(c, a, now)
                    if load[a] < cap[g]:
                        available(a, load[a])
                    return

    def on_end(ev: Wake) -> None:
        c = ev._value
        a = served_by[c]
        g = agent_group[a]
        load[a] -= cap[g] if exclusive[ctype[c]] else 1
        if leaving[a]:
            if load[a] == 0:
                pool.log_off(a, env._now)
            return
        seek_work(a, env._now)

    def set_staff(g: int, target: int, now: float) -> None:
        """Bring group ``g`` to ``target`` agents on duty (busy leavers finish their work first)."""
        staying = pool.n_staying(g)
        if target > staying:
            joining = pool.recall(g, target - staying)
            joining += [pool.log_on(g, now) for _ in range(target - staying - len(joining))]
            for a in joining:
                seek_work(a, now)
        elif target < staying:
            pool.release(g, staying - target, now)

    def on_staff(ev: Wake) -> None:
        g, target = ev._value
        set_staff(g, target, env._now)

    for group in model.groups:
        for at, target in group.staff_changes:
            if at == 0:
                set_staff(group.index, target, 0.0)
            elif at < horizon:
                heappush(heap, (at, NORMAL, next(ids), Wake(on_staff, (group.index, target))))
    if n:
        heappush(heap, (arrived[0], NORMAL, next(ids), Wake(on_arrival, 0)))
    env.run(until=horizon)
    n_events = next(ids) - len(heap) - 1  # scheduled − still queued − simpy's stop event
    pool.close(horizon)

    sessions = np.array(pool.sessions, dtype=float).reshape(-1, 4)
    agent_arr = np.array(served_by, dtype=np.int32)
    group_of = np.array(agent_group or [0], dtype=np.int16)
    root = streams.root
    return Records(
        model=model,
        seed_entropy=int(root.entropy) if isinstance(root.entropy, int) else 0,
        contact_type=kinds_arr,
        arrived_at=arrivals_arr,
        answered_at=np.array(answered_at),
        ended_at=np.array(ended_at),
        handle_time=handles_arr,
        outcome=np.array(state, dtype=np.int8),
        agent=agent_arr,
        group=np.where(agent_arr >= 0, group_of[np.maximum(agent_arr, 0)], -1).astype(np.int16),
        session_agent=sessions[:, 0].astype(np.int32),
        session_group=sessions[:, 1].astype(np.int16),
        session_start=sessions[:, 2],
        session_end=sessions[:, 3],
        n_events=n_events,
    )
