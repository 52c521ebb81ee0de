"""The policy path: every matching decision made through a ``RoutingPolicy`` (``engine/policy.py``).

Conditional overflow, priorities with ageing, reservation, blending and custom policies need
the engine to ask a policy at each decision: which free agent's group may take an arriving
contact (``admits``, then ``choose_group`` among the admitted), which waiting contact a freed
agent takes (``admits`` and ``rank`` over the heads of its skills' queues), and which idle agents
a passed condition lets take work. Scenarios without these options never load this module's
functions: the core's built-in path makes the same decisions for the standard rules (a property
test checks that both give the same records).

The policy reads the run's state through ``RoutingView``; this path keeps what the view needs and
the built-in path does not: when each agent became free (``free_since``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple, cast

import simpy

from cccsim.engine.agents import AgentPool
from cccsim.engine.columns import ContactColumns
from cccsim.engine.policy import RoutingPolicy, RoutingView, StandardPolicy
from cccsim.engine.tables import TypeTables
from cccsim.model.build import Model


class ByPolicy(NamedTuple):
    """The policy path's entry points, which the core calls in place of its built-in ones."""

    available: Callable[[int, int], None]
    seek_work: Callable[[int, float], None]
    route: Callable[[int, int, float, bool], bool]
    dispatch_idle: Callable[[int, float, int], None]
    eligible: Callable[[int, int, float], None]


def by_policy(
    model: Model,
    env: simpy.Environment,
    policy: RoutingPolicy,
    view: RoutingView,
    pool: AgentPool,
    take_available: Callable[[int, bool], int],
    peek: Callable[[int, bool], tuple[int, int, int] | None],
    free_at: list[float],
    cols: ContactColumns,
    tables: TypeTables,
    queues: list[deque[int]],
    n_waiting: list[int],
    waiting: int,
    drop_head: Callable[[deque[int]], None],
    free_line: Callable[[int, int], None],
    begin: Callable[[int, int, float], None],
    enqueue: Callable[[int, int, float, bool], None],
) -> ByPolicy:
    """The policy path's functions of one run."""
    state, arrived, ghosts = cols.state, cols.arrived, cols.ghosts
    exclusive, after_of, capped = tables.exclusive, tables.after_of, tables.capped
    cap, levels, token = pool.capacity, pool.levels, pool.token
    agent_group, load = pool.group, pool.load
    admits, rank, choose_group = policy.admits, policy.rank, policy.choose_group
    # the standard policy's rules are bound to each pair (and known not to change between
    # calls); a subclass may override ``admits`` and ``rank``: asked every time
    standard = type(policy) is StandardPolicy
    bound = cast(StandardPolicy, policy)  # read only where ``standard``
    n_groups, n_types = len(model.groups), len(model.types)
    unbound: list[list[Any]] = [[None] * n_types for _ in range(n_groups)]

    def asked(t: int, g: int) -> Callable[[RoutingView], bool]:
        return lambda view: admits(view, t, g)

    # [type][group]: may the pair's group take a contact (None: always)
    tests = (
        bound.tests
        if standard
        else [[asked(t, g) for g in range(n_groups)] for t in range(n_types)]
    )
    # [group][type]: the standard policy's rank where it is a constant
    fixed_rank = bound.fixed_rank if standard else unbound
    # [group][type]: the standard policy's rank bound to the pair (None: a constant, or asked)
    ranks = bound.ranks if standard else unbound
    # [type][group]: may the pair's test be asked before the agent is looked for (it does not
    # read ``taker_load``)? Only the standard policy's tests are known not to
    early = [
        [standard and tests[t][g] is not None and not bound.by_load[t][g] for g in range(n_groups)]
        for t in range(n_types)
    ]
    # per type: its first overflow delay (inf: none), after which more groups may take a contact
    first_delay = [delays[0] if delays else math.inf for delays in tables.delays]

    def available(a: int, level: int) -> None:
        """Agent ``a`` is free at load ``level`` (noting when, for ``free_since``)."""
        if a >= len(free_at):
            free_at.extend([0.0] * (a + 1 - len(free_at)))
        free_at[a] = env._now
        tok = pool.next_token
        pool.next_token = tok + 1
        token[a] = tok
        levels[agent_group[a]][level].append((a, tok))

    # per type, its routes in order as (group, overflow delay, the pair's admits test); and
    # those it may take on arrival
    route_plans = [
        [(g, after, tests[t][g]) for g, after in model.routes[t]] for t in range(len(model.types))
    ]
    # those it may take on arrival, as (group, the pair's test, asked before the agent)
    first_plans = [
        [(g, test, early[t][g]) for g, after, test in plan if after == 0]
        for t, plan in enumerate(route_plans)
    ]
    # per group, its skills in order, with what a release reads of each: (type, its queue,
    # takes a whole agent, the group's overflow delay, the pair's admits test, constant rank,
    # bound rank)
    skill_plans = [
        [
            (
                t,
                queues[t],
                exclusive[t],
                after_of[t][g],
                tests[t][g],
                fixed_rank[g][t],
                ranks[g][t],
            )
            for t in group.skills
        ]
        for g, group in enumerate(model.groups)
    ]

    def seek_work(a: int, now: float) -> None:
        """Free capacity of agent ``a``: the policy admits and ranks the waiting contacts."""
        g = agent_group[a]
        token[a] = -1
        capg = cap[g]
        view.now = now
        plan = skill_plans[g]
        while load[a] < capg:
            view.taker_load = load[a]
            best, best_score, best_q = -1, -math.inf, None
            for t, q, whole, after, test, score, ranked in plan:
                if whole and load[a]:
                    continue
                # its oldest live contact (this loop runs at every release)
                while q and (state[q[0]] != waiting or (ghosts and q[0] in ghosts)):
                    drop_head(q)
                if not q:
                    continue
                since = arrived[q[0]]
                if since + after <= now and (test is None or test(view)):
                    if score is None:
                        score = (
                            rank(view, g, t, now - since)
                            if ranked is None
                            else ranked(view, now - since)
                        )
                    if score > best_score:
                        best, best_score, best_q = t, score, q
            if best_q is None:
                break
            n_waiting[best] -= 1
            c = best_q.popleft()
            if capped[best]:
                free_line(c, best)
            begin(c, a, now)
        if load[a] < capg:
            available(a, load[a])

    def route(c: int, t: int, now: float, live: bool) -> bool:
        """Serve arriving contact ``c`` if the policy lets a free agent take it; True if done.

        Speed (this runs at every arrival): the list of admitting groups is built only when
        there are two, for ``choose_group``; a test that does not read the taker's load (a
        condition) is asked first, so a closed group's agents are not looked for."""
        n_waiting[t] += 1  # the contact being routed counts in queue conditions
        view.now = now
        whole = exclusive[t]
        g = -1
        found: list[tuple[int, int]] | None = None
        for h, test, first_test in first_plans[t]:
            if first_test and not test(view):  # type: ignore[misc]
                continue
            head = peek(h, whole)
            if head is not None:
                view.taker_load = head[0]
                if first_test or test is None or test(view):
                    if g < 0:
                        g, first, level = h, head[2], head[0]
                    elif found is None:
                        found = [(g, first), (h, head[2])]
                    else:
                        found.append((h, head[2]))
        n_waiting[t] -= 1
        if g < 0:
            return False
        if found is None:  # the agent peeked at heads its deque: take it (as take_available)
            levels[g][level].popleft()
            token[first] = -1
            a = first
        else:
            g = choose_group(view, t, found)
            a = take_available(g, whole)
        q = queues[t]  # its oldest live contact
        while q and (state[q[0]] != waiting or (ghosts and q[0] in ghosts)):
            drop_head(q)
        if not q:
            begin(c, a, now)
            if load[a] < cap[g]:
                available(a, load[a])
        else:  # a condition just opened the group while older contacts wait: they go first
            enqueue(c, t, now, live)
            seek_work(a, now)
        return True

    def ready_group(t: int, since: float, now: float) -> int:
        """The group whose free agent takes type ``t``'s contact waiting since ``since``: among
        the groups it is ready for (in routing order) with a free agent the policy admits, the
        one ``choose_group`` picks when there are several; -1 if none."""
        whole = exclusive[t]
        view.now = now
        g = -1
        found: list[tuple[int, int]] | None = None
        for h, after, test in route_plans[t]:
            if since + after <= now:
                head = peek(h, whole)
                if head is not None:
                    view.taker_load = head[0]
                    if test is None or test(view):
                        if g < 0:
                            g, first = h, head[2]
                        elif found is None:
                            found = [(g, first), (h, head[2])]
                        else:
                            found.append((h, head[2]))
        if found is not None:
            g = choose_group(view, t, found)
        return g

    def dispatch_idle(t: int, now: float, c: int) -> None:
        """Free agents that the policy now admits for type ``t`` (a condition passed) take work,
        after contact ``c`` joined its queue.

        Speed: with the standard policy (whose answers depend only on the view), nothing can
        change when ``c`` heads the queue and no overflow delay has passed for it: ``route``
        just asked the same groups, in the same state."""
        q = queues[t]
        while True:
            while q and (state[q[0]] != waiting or (ghosts and q[0] in ghosts)):
                drop_head(q)
            if not q:
                return
            since = arrived[q[0]]
            if q[0] == c and standard and since + first_delay[t] > now:
                return
            g = ready_group(t, since, now)
            if g < 0:
                return
            seek_work(take_available(g, exclusive[t]), now)

    def eligible(c: int, t: int, now: float) -> None:
        """Waiting contact ``c`` reached an overflow delay: the newly eligible groups' free
        agents, if admitted, take work."""
        g = ready_group(t, arrived[c], now)
        if g >= 0:
            seek_work(take_available(g, exclusive[t]), now)

    return ByPolicy(available, seek_work, route, dispatch_idle, eligible)
