"""The scenario's routing policy as index tables (see scenario.schema.RoutingPolicy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cccsim.scenario.schema import RouteStep, Scenario

QUEUE_OVER = "queue"
WAIT_OVER = "wait"


@dataclass(frozen=True)
class PolicySpec:
    """Routing rules by internal type and group index, ready for a policy object."""

    name: str = "standard"  # "standard" or "package.module:Class"
    agent_selection: str = "longest_idle"
    priority: tuple[float, ...] = ()  # per internal type; empty: the group's skill order
    ageing: tuple[float, ...] = ()  # per internal type: seconds per priority level (inf: none)
    conditions: tuple[
        tuple[tuple[int, str, float], ...], ...
    ] = ()  # per type: (group, kind, bound)
    reserve: tuple[tuple[int, int, frozenset[int]], ...] = ()  # (group, agents, protected types)
    deferred: frozenset[int] = frozenset()  # internal types of deferred (email) work
    blending: tuple[tuple[int, int, int], ...] = ()  # (group, max in service or -1, min)

    @property
    def is_default(self) -> bool:
        """True when the engine's built-in fast path implements the policy exactly."""
        return (
            self.name == "standard"
            and self.agent_selection in ("longest_idle", "group_order")
            and not self.priority
            and not any(self.conditions)
            and not self.reserve
            and not self.blending
        )


def condition_of(step: RouteStep) -> tuple[str, float] | None:
    """A route step's overflow condition as (kind, bound), or None."""
    if step.when_queue_over is not None:
        return QUEUE_OVER, float(step.when_queue_over)
    if step.when_wait_over is not None:
        return WAIT_OVER, float(step.when_wait_over)
    return None


CALLBACK_QUEUE = "callbacks"
"""Segment name of a type's own callback queue (callback priority before or after inbound)."""


def priority_offsets(sc: Scenario, names: list[str]) -> list[int]:
    """Each internal type's priority relative to its contact type: 0 for the type's customers
    outside any segment, the segment's ``priority`` for a segment, and for the type's own
    callback queue one above its highest segment (``before_inbound``) or one below its lowest
    (``after_inbound``). Within a group's skills, a type's internal types are served in this
    order; with ``routing_policy.priorities`` the offsets are added to the type's priority."""
    out = []
    for name in names:
        parent, _, segment = name.partition("/")
        ct = sc.contact_types[parent]
        levels = [0, *(seg.priority for seg in ct.segments.values())]
        if not segment:
            out.append(0)
        elif segment in ct.segments:
            out.append(ct.segments[segment].priority)
        else:  # the callback queue
            cb = ct.access.callback
            first = cb is not None and cb.priority == "before_inbound"
            out.append(max(levels) + 1 if first else min(levels) - 1)
    return out


def build_policy(
    sc: Scenario,
    names: list[str],
    channels: list[str],
    steps: list[list[RouteStep] | None],
    group_names: list[str],
) -> PolicySpec:
    """Resolve names to indices; a type's setting applies to its segments unless they have their own.

    Priorities compose: a segment (or callback queue) not named in ``priorities`` gets its
    contact type's priority plus its offset (``priority_offsets``), so ageing or a priority on
    the type keeps the segment ahead; a ``type/segment`` named in ``priorities`` gets exactly
    that value. Ageing applies to every internal type of a type unless one has its own.
    """
    rp = sc.routing_policy

    def per_type(table: dict[str, float], default: float) -> tuple[float, ...]:
        return tuple(
            float(table.get(name, table.get(name.split("/")[0], default))) for name in names
        )

    def priorities(table: dict[str, int]) -> tuple[float, ...]:
        offsets = priority_offsets(sc, names)
        return tuple(
            float(table[name])
            if name in table
            else float(table.get(name.split("/")[0], 0)) + offset
            for name, offset in zip(names, offsets, strict=True)
        )

    conditions = tuple(
        tuple(
            (group_names.index(step.group), *cond)
            for step in (route or [])
            if (cond := condition_of(step)) is not None
        )
        for route in steps
    )
    return PolicySpec(
        name=rp.policy,
        agent_selection=rp.agent_selection,
        priority=priorities(dict(rp.priorities)) if rp.priorities else (),
        ageing=per_type(dict(rp.ageing), math.inf) if rp.ageing else (),
        conditions=conditions if any(conditions) else (),
        reserve=tuple(
            (
                group_names.index(r.group),
                r.agents,
                frozenset(
                    i
                    for i, name in enumerate(names)
                    if name in r.protect or name.split("/")[0] in r.protect
                ),
            )
            for r in rp.reserve
        ),
        deferred=frozenset(i for i, ch in enumerate(channels) if ch == "email"),
        blending=tuple(
            (group_names.index(g), -1 if b.max_agents is None else b.max_agents, b.min_agents)
            for g, b in rp.blending.items()
        ),
    )
