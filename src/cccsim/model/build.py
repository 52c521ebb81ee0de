"""Scenario → Model: names become indices, units become seconds, staffing becomes change points.

The engine reads only this module's plain tables, so it never touches pydantic objects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cccsim.model.arrivals import ArrivalPlan, plan_arrivals
from cccsim.model.dists import Sampler, make_sampler
from cccsim.model.targets import TargetModel, build_targets
from cccsim.scenario.load import scenario_hash
from cccsim.scenario.schema import CONCURRENT_CHANNELS, GroupCost, Scenario

UNLIMITED = -1
"""Queue capacity meaning "no limit"."""


@dataclass(frozen=True)
class TypeModel:
    """One contact type, ready for the engine."""

    index: int
    name: str
    channel: str
    exclusive: bool  # takes the whole agent (voice, email) rather than one concurrent slot
    handle: Sampler
    patience: Sampler | None  # None = infinite patience
    threshold: float
    queue_capacity: int  # UNLIMITED or >= 0
    arrivals: ArrivalPlan
    customer_per_minute: float = 0.0
    customer_pays_waiting: bool = True
    customer_pays_talking: bool = True
    telephony_per_minute: float = 0.0


@dataclass(frozen=True)
class GroupModel:
    """One agent group, ready for the engine."""

    index: int
    name: str
    skills: tuple[int, ...]  # contact types routed to this group, in the group's priority order
    max_concurrent: int
    staff_changes: tuple[tuple[float, int], ...]  # (instant, agents on duty from then), ascending
    cost_basis: str | None = None  # "staffed_hour", "handled_minute", "handled_contact" or None
    cost_rate: float = 0.0


@dataclass(frozen=True)
class Model:
    """Everything one replication needs, as plain integer-indexed tables."""

    name: str
    scenario_hash: str
    horizon: float
    warmup: float
    interval: float
    n_intervals: int
    types: tuple[TypeModel, ...]
    groups: tuple[GroupModel, ...]
    routes: tuple[tuple[tuple[int, float], ...], ...]  # per type: (group, after) in order
    targets: tuple[TargetModel, ...] = ()
    currency: str = "EUR"

    def after(self, type_index: int, group_index: int) -> float:
        """Overflow delay before ``group_index`` may take a contact of ``type_index`` (inf = never)."""
        for group, delay in self.routes[type_index]:
            if group == group_index:
                return delay
        return math.inf


def build_model(scenario: Scenario) -> Model:
    """Compile a validated scenario into the engine's runtime tables."""
    type_names = list(scenario.contact_types)
    group_names = list(scenario.agent_groups)
    types = tuple(
        TypeModel(
            index=i,
            name=name,
            channel=ct.channel,
            exclusive=ct.channel not in CONCURRENT_CHANNELS,
            handle=make_sampler(ct.handle_time),
            patience=make_sampler(ct.patience) if ct.patience is not None else None,
            threshold=ct.service_level_threshold,
            queue_capacity=UNLIMITED
            if ct.access.queue_capacity is None
            else ct.access.queue_capacity,
            arrivals=plan_arrivals(
                ct.arrivals,
                interval=scenario.interval,
                horizon=scenario.horizon,
                start_weekday=scenario.start_weekday,
            ),
            customer_per_minute=ct.costs.customer_per_minute,
            customer_pays_waiting="waiting" in ct.costs.customer_pays_for,
            customer_pays_talking="talking" in ct.costs.customer_pays_for,
            telephony_per_minute=ct.costs.telephony_per_minute,
        )
        for i, (name, ct) in enumerate(scenario.contact_types.items())
    )
    routes: list[tuple[tuple[int, float], ...]] = []
    for tname in type_names:
        steps = scenario.routing.get(tname)
        if steps is None:
            routes.append(
                tuple(
                    (g, 0.0)
                    for g, group in enumerate(scenario.agent_groups.values())
                    if tname in group.skills
                )
            )
        else:
            routes.append(tuple((group_names.index(s.group), s.after) for s in steps))
    groups = []
    for g, (gname, group) in enumerate(scenario.agent_groups.items()):
        routed = {t for t, steps in enumerate(routes) if any(grp == g for grp, _ in steps)}
        skills = tuple(type_names.index(s) for s in group.skills if type_names.index(s) in routed)
        groups.append(
            GroupModel(
                index=g,
                name=gname,
                skills=skills,
                max_concurrent=group.max_concurrent,
                staff_changes=_staff_changes(group.staff, scenario),
                cost_basis=_cost(group.cost)[0],
                cost_rate=_cost(group.cost)[1],
            )
        )
    return Model(
        name=scenario.name,
        scenario_hash=scenario_hash(scenario),
        horizon=scenario.horizon,
        warmup=scenario.warmup,
        interval=scenario.interval,
        n_intervals=scenario.n_intervals,
        types=types,
        groups=tuple(groups),
        routes=tuple(routes),
        targets=build_targets(scenario),
        currency=scenario.currency,
    )


def _cost(cost: GroupCost | None) -> tuple[str | None, float]:
    """(pricing basis, rate) of a group; (None, 0) when it is not costed."""
    if cost is not None:
        for basis in ("staffed_hour", "handled_minute", "handled_contact"):
            rate = getattr(cost, f"per_{basis}")
            if rate is not None:
                return basis, float(rate)
    return None, 0.0


def _staff_changes(staff: int | list[int], scenario: Scenario) -> tuple[tuple[float, int], ...]:
    """Per-interval staffing → the instants where the number of agents on duty changes."""
    if isinstance(staff, int):
        return ((0.0, staff),)
    n, per_day = scenario.n_intervals, scenario.intervals_per_day
    counts = [staff[i % per_day] for i in range(n)] if len(staff) == per_day else list(staff)
    changes: list[tuple[float, int]] = []
    for i, count in enumerate(counts):
        if not changes or changes[-1][1] != count:
            changes.append((i * scenario.interval, count))
    return tuple(changes)
