"""Routing policies: which group takes an arriving contact, and which contact a free agent takes.

The engine asks a policy three questions (the ``RoutingPolicy`` protocol) through a read-only
``RoutingView`` of the queues and agents. ``StandardPolicy`` implements the scenario's
``routing_policy`` options; a custom policy is any class with the same methods, named in the
scenario as ``package.module:Class`` and built with the compiled ``Model``. The engine skips the
policy entirely (a faster built-in path) when the scenario uses none of its options.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cccsim.model.policy import QUEUE_OVER
from cccsim.plugins import import_class

if TYPE_CHECKING:
    from cccsim.engine.agents import AgentPool
    from cccsim.model.build import Model

WAITING = 0  # records.OPEN: the state of a contact still in a queue


class RoutingView:
    """What a policy may read about the system at ``now`` (types and groups are model indices)."""

    def __init__(
        self,
        model: Model,
        pool: AgentPool,
        queues: list[deque[int]],
        n_waiting: list[int],
        state: list[int],
        arrived: list[float],
        busy: list[int],
        staff_now: list[int],
        serving: list[list[int]],
        free_at: list[float],
    ) -> None:
        self.model = model
        self.now = 0.0
        self.taker_load = 0  # contacts in hand of the agent that would take the contact asked about
        self._pool, self._queues, self._n_waiting = pool, queues, n_waiting
        self._state, self._arrived, self._busy = state, arrived, busy
        self._staff_now, self._serving, self._free_at = staff_now, serving, free_at
        self._mean_handle, self._capacity_of = wait_basis(model)

    def waiting(self, t: int) -> int:
        """Contacts of type ``t`` waiting (during routing, the contact being routed included)."""
        return self._n_waiting[t]

    def oldest_wait(self, t: int) -> float:
        """How long the oldest waiting contact of type ``t`` has waited (0 if none)."""
        q, state = self._queues[t], self._state
        while q and state[q[0]] != WAITING:
            q.popleft()
        return self.now - self._arrived[q[0]] if q else 0.0

    def expected_wait(self, t: int) -> float:
        """Waiting × mean handle time ÷ slots on duty in the type's unconditional groups."""
        groups = self._capacity_of[t]
        if len(groups) == 1:  # speed: one unconditional group, no generator
            g, k = groups[0]
            slots = self._staff_now[g] * k
        else:
            slots = sum(self._staff_now[g] * k for g, k in groups)
        return self._n_waiting[t] * self._mean_handle[t] / max(slots, 1)

    def on_duty(self, g: int) -> int:
        """Agents of group ``g`` on duty (busy leavers included)."""
        return len(self._pool.roster[g])

    def idle(self, g: int) -> int:
        """Agents of group ``g`` on duty holding no contact."""
        return len(self._pool.roster[g]) - self._busy[g]

    def serving(self, g: int, t: int) -> int:
        """Contacts of type ``t`` in service (or wrap-up) with agents of group ``g``."""
        return self._serving[g][t]

    def free_since(self, agent: int) -> float:
        """When ``agent`` last became free (took its current load)."""
        return self._free_at[agent]

    def free_order(self, agent: int) -> int:
        """A number that grows each time an agent becomes free: lower means free for longer
        (ties in ``free_since`` broken as the built-in path breaks them)."""
        return self._pool.token[agent]

    def load(self, agent: int) -> int:
        """Contact slots ``agent`` holds (a voice or email contact holds all of them)."""
        return self._pool.load[agent]


def wait_basis(model: Model) -> tuple[list[float], list[tuple[tuple[int, int], ...]]]:
    """Per type: the mean handle time, and (group, slots per agent) of its unconditional groups
    (what the expected wait divides by)."""
    conditional = [
        {g for g, *_ in (model.policy.conditions[t] if model.policy.conditions else ())}
        for t in range(len(model.types))
    ]
    capacity_of = [
        tuple(
            (g, 1 if model.types[t].exclusive else model.groups[g].max_concurrent)
            for g, _ in model.routes[t]
            if g not in conditional[t]
        )
        for t in range(len(model.types))
    ]
    return [t.handle.mean * t.handle_factor for t in model.types], capacity_of


@runtime_checkable
class RoutingPolicy(Protocol):
    """The decisions a routing policy makes; the engine calls them at arrivals and agent releases."""

    def admits(self, view: RoutingView, t: int, g: int) -> bool:
        """May group ``g`` take a contact of type ``t`` now (conditions, reservation, caps)?"""
        ...

    def rank(self, view: RoutingView, g: int, t: int, waited: float) -> float:
        """Priority of type ``t``'s oldest contact (waited so long) for a free agent of ``g``;
        the highest is taken, ties going to the group's skill order."""
        ...

    def choose_group(self, view: RoutingView, t: int, candidates: list[tuple[int, int]]) -> int:
        """Which group serves an arriving contact of type ``t``; ``candidates`` lists
        (group, agent that would take it) for each admitting group with a free agent, in
        routing order. Returns a group of the list."""
        ...


class StandardPolicy:
    """The scenario's ``routing_policy`` options and conditional overflow steps."""

    def __init__(self, model: Model) -> None:
        spec = model.policy
        n_types, n_groups = len(model.types), len(model.groups)
        self.selection = spec.agent_selection
        self.priority = spec.priority
        self.ageing = spec.ageing
        self.position = [
            {t: -float(i) for i, t in enumerate(group.skills)} for group in model.groups
        ]
        self.condition: list[dict[int, tuple[str, float]]] = [{} for _ in range(n_types)]
        for t, conds in enumerate(spec.conditions):
            for g, kind, bound in conds:
                self.condition[t][g] = (kind, bound)
        self.reserve: list[list[tuple[int, frozenset[int]]]] = [[] for _ in range(n_groups)]
        for g, agents, protected in spec.reserve:
            self.reserve[g].append((agents, protected))
        self.deferred = spec.deferred
        self.blend: list[tuple[int, int] | None] = [None] * n_groups
        for g, most, least in spec.blending:
            self.blend[g] = (most, least)
        self._mean_handle, self._capacity_of = wait_basis(model)
        self.price = [  # marginal price of one contact of each type, per group
            [_marginal_price(model, g, t) for t in range(n_types)] for g in range(n_groups)
        ]
        # speed: each (type, group) pair's rules resolved once, so that a decision reads one
        # table entry per rule instead of scanning the conditions, reservations and blending.
        # The most idle agents a reservation keeps from type t at g (None: none applies):
        self.keep: list[list[int | None]] = [
            [
                max((a for a, protected in self.reserve[g] if t not in protected), default=None)
                for g in range(n_groups)
            ]
            for t in range(n_types)
        ]
        # blending: the cap (most) and dedicated minimum (least) on type t's deferred work at g
        self.most: list[list[int | None]] = [
            [
                blend[0] if blend is not None and t in self.deferred and blend[0] >= 0 else None
                for blend in self.blend
            ]
            for t in range(n_types)
        ]
        self.least: list[list[int | None]] = [
            [blend[1] if blend is not None and t in self.deferred else None for blend in self.blend]
            for t in range(n_types)
        ]
        self.base = [  # rank before ageing: the type's priority, or its place in g's skills
            [
                self.priority[t] if self.priority else self.position[g].get(t, 0.0)
                for t in range(n_types)
            ]
            for g in range(n_groups)
        ]
        self._deferred = tuple(sorted(self.deferred))
        self.fixed_rank: list[list[float | None]] = [  # rank when it is the base alone (no
            [  # ageing, no dedicated minimum), so the engine need not ask; else None
                self.base[g][t]
                if (not self.ageing or self.ageing[t] == math.inf) and self.least[t][g] is None
                else None
                for t in range(n_types)
            ]
            for g in range(n_groups)
        ]
        self.tests = [[self._test(t, g) for g in range(n_groups)] for t in range(n_types)]
        """[type][group]: ``admits`` bound to the pair (None: always admitted), for the engine."""
        self.by_load = [
            [self.keep[t][g] is not None for g in range(n_groups)] for t in range(n_types)
        ]
        """[type][group]: does the pair's test read ``view.taker_load`` (a reservation)? If not,
        the engine may ask it before looking for the agent that would take the contact."""
        self.ranks = [[self._rank(g, t) for t in range(n_types)] for g in range(n_groups)]
        """[group][type]: ``rank(view, g, t, waited)`` bound to the pair, as a function of the
        view and the wait (None where ``fixed_rank`` holds the constant), for the engine."""
        self.always = [  # pairs no condition, reservation or blending cap applies to
            [
                g not in self.condition[t] and self.keep[t][g] is None and self.most[t][g] is None
                for g in range(n_groups)
            ]
            for t in range(n_types)
        ]

    def _test(self, t: int, g: int) -> Callable[[RoutingView], bool] | None:
        """``admits(view, t, g)`` as a function of the view alone, with the pair's rules bound
        (None: always admitted). Speed: the engine calls it at every routing decision."""
        cond, keep, most = self.condition[t].get(g), self.keep[t][g], self.most[t][g]
        if cond is None and keep is None and most is None:
            return None
        by_queue = cond is not None and cond[0] == QUEUE_OVER
        bound = cond[1] if cond is not None else 0.0
        if keep is None and most is None:  # a condition alone (a conditional overflow step)
            if by_queue:
                return lambda view: not view._n_waiting[t] <= bound
            if len(self._capacity_of[t]) == 1:  # ``expected_wait(t)``, inline: one group
                ((one, k),) = self._capacity_of[t]
                mean = self._mean_handle[t]
                return lambda view: (
                    not (view._n_waiting[t] * mean / max(view._staff_now[one] * k, 1) <= bound)
                )
            return lambda view: not view.expected_wait(t) <= bound
        deferred = self._deferred_in_service
        if cond is None and len(self._deferred) == 1:  # speed: the usual reservation/blending
            (d,) = self._deferred  # case, ``idle`` and ``_deferred_in_service`` inline

            def test_inline(view: RoutingView) -> bool:
                if keep is not None and (
                    len(view._pool.roster[g]) - view._busy[g] - (view.taker_load == 0) < keep
                ):
                    return False
                return most is None or view._serving[g][d] < most

            return test_inline

        def test(view: RoutingView) -> bool:
            if cond is not None:
                level = view._n_waiting[t] if by_queue else view.expected_wait(t)
                if level <= bound:
                    return False
            if keep is not None and view.idle(g) - (view.taker_load == 0) < keep:
                return False
            return most is None or deferred(view, g) < most

        return test

    def _rank(self, g: int, t: int) -> Callable[[RoutingView, float], float] | None:
        """``rank(view, g, t, waited)`` with the pair's numbers bound (None: a constant, in
        ``fixed_rank``). Speed: the engine calls it at every release where type ``t`` waits."""
        if self.fixed_rank[g][t] is not None:
            return None
        base, least = self.base[g][t], self.least[t][g]
        age = self.ageing[t] if self.ageing else None
        if least is None or len(self._deferred) != 1:
            return lambda view, waited: self.rank(view, g, t, waited)
        (d,) = self._deferred

        def rank(view: RoutingView, waited: float) -> float:
            score = base  # the same operations in the same order as ``rank``
            if age is not None:
                score += waited / age
            if view._serving[g][d] < least:
                score += 1e12
            return score

        return rank

    def _deferred_in_service(self, view: RoutingView, g: int) -> int:
        if len(self._deferred) == 1:  # speed: the usual case, one email type
            return view.serving(g, self._deferred[0])
        return sum(view.serving(g, t) for t in self._deferred)

    def admits(self, view: RoutingView, t: int, g: int) -> bool:
        """Conditional overflow, reservation (keep k idle for protected types) and blending caps."""
        if self.always[t][g]:
            return True
        cond = self.condition[t].get(g)
        if cond is not None:
            kind, bound = cond
            level = view.waiting(t) if kind == QUEUE_OVER else view.expected_wait(t)
            if level <= bound:
                return False
        keep = self.keep[t][g]
        # taking the contact must leave at least ``keep`` idle unless the type is protected
        if keep is not None and view.idle(g) - (view.taker_load == 0) < keep:
            return False
        most = self.most[t][g]
        return most is None or self._deferred_in_service(view, g) < most

    def rank(self, view: RoutingView, g: int, t: int, waited: float) -> float:
        """Priority (or skill order) plus ageing; deferred work first below a dedicated minimum."""
        score = self.base[g][t]
        if self.ageing:
            score += waited / self.ageing[t]
        least = self.least[t][g]
        if least is not None and self._deferred_in_service(view, g) < least:
            score += 1e12
        return score

    def choose_group(self, view: RoutingView, t: int, candidates: list[tuple[int, int]]) -> int:
        """Longest idle agent, first group in routing order, or cheapest group for this contact."""
        if self.selection == "group_order":
            return candidates[0][0]
        if self.selection == "cheapest":
            return min(candidates, key=lambda ga: self.price[ga[0]][t])[0]
        # least loaded, then free for longest: exactly the built-in path's choice
        return min(candidates, key=lambda ga: (view.load(ga[1]), view.free_order(ga[1])))[0]


def _marginal_price(model: Model, g: int, t: int) -> float:
    """What one more contact of type ``t`` costs when group ``g`` takes it (staffed time: 0)."""
    group = model.groups[g]
    mean_minutes = model.types[t].handle.mean * model.types[t].handle_factor / 60
    if group.cost_basis == "handled_minute":
        return group.cost_rate * mean_minutes
    if group.cost_basis == "handled_contact":
        return group.cost_rate
    return 0.0  # paid per staffed hour (or not costed): an idle agent is already paid for


def load_policy(model: Model) -> RoutingPolicy:
    """The model's policy object: the standard one, or a custom class by import path."""
    name = model.policy.name
    if name == "standard":
        return StandardPolicy(model)
    cls = import_class(name)
    policy = cls(model)
    if not isinstance(policy, RoutingPolicy):
        raise TypeError(f"{name} does not implement admits, rank and choose_group")
    return policy


__all__ = ["RoutingPolicy", "RoutingView", "StandardPolicy", "load_policy"]
