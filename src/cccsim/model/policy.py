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


def build_policy(
    sc: Scenario,
    names: list[str],
    channels: list[str],
    steps: list[list[RouteStep] | None],
    group_names: list[str],
) -> PolicySpec:
    """Resolve names to indices; a type's setting applies to its segments unless they have their own."""
    rp = sc.routing_policy

    def per_type(table: dict[str, float], default: float) -> tuple[float, ...]:
        return tuple(
            float(table.get(name, table.get(name.split("/")[0], default))) for name in names
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
        priority=per_type(dict(rp.priorities), 0.0) if rp.priorities else (),
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
