"""Scenario → Model: names become indices, units become seconds, staffing becomes change points.

The engine reads only this module's plain tables, so it never touches pydantic objects.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

import numpy as np

from cccsim.model.arrivals import ArrivalPlan, plan_arrivals
from cccsim.model.calendar import WeeklyCalendar
from cccsim.model.dists import Sampler, make_sampler
from cccsim.model.policy import CALLBACK_QUEUE, PolicySpec, build_policy, priority_offsets
from cccsim.model.shifts import shift_changes
from cccsim.model.targets import TargetModel, build_targets
from cccsim.outcomes import outcome_code
from cccsim.scenario.checks import barred_groups
from cccsim.scenario.load import scenario_hash
from cccsim.scenario.schema import (
    CONCURRENT_CHANNELS,
    WEEKDAYS,
    AgentGroup,
    Arrivals,
    Callback,
    GroupCost,
    Retrial,
    RouteStep,
    Scenario,
    Segment,
)
from cccsim.units import DAY

UNLIMITED = -1
"""Queue capacity meaning "no limit"."""


@dataclass(frozen=True)
class CallbackModel:
    """Virtual hold as plain numbers (see scenario.schema.Callback)."""

    offer_over: float
    acceptance: float
    later: Sampler | None  # None: keep place
    reach: float
    retries: int
    retry_delay: float
    attempt_time: float
    promise: float
    pacing_share: float | None = None  # most agents on callbacks, as a share of those on duty


@dataclass(frozen=True)
class RetrialModel:
    """Retrials: probability, delay, attempt cap, which outcomes retry, and switches."""

    probability: float
    delay: Sampler
    max_attempts: int
    after: frozenset[int]  # outcome codes
    switch: tuple[tuple[int, float], ...]  # (internal type index of the other type, probability)


@dataclass(frozen=True)
class TypeModel:
    """One contact type (or one segment of it, named type/segment), ready for the engine."""

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
    customer_pays_ivr: bool = True
    customer_pays_waiting: bool = True
    customer_pays_talking: bool = True
    telephony_per_minute: float = 0.0
    parent: str = ""  # the scenario's contact type (== name unless a segment)
    segment: str = ""  # "" for the type's default customers
    segment_share: float = 1.0
    handle_factor: float = 1.0
    patience_factor: float = 1.0
    has_arrivals: bool = True
    calendar: WeeklyCalendar | None = None  # opening hours (None: always open)
    closed_days: frozenset[int] = frozenset()  # 0-based days closed all day
    out_of_hours: str = "refuse"
    offline_type: int = -1  # internal type of offline forms
    announce: str | None = None  # estimator: "queue", "last_wait" or None
    balking: tuple[tuple[float, float], ...] = ()
    callback: CallbackModel | None = None
    retrial: RetrialModel | None = None
    resolution: float = 1.0  # first-contact resolution
    repeat_delay: Sampler | None = None
    repeat_switch: tuple[tuple[int, float], ...] = ()
    callback_type: int = -1  # internal type of the type's own callback queue (-1: the type itself)
    after_contact_work: Sampler | None = None

    def is_open(self, t: np.ndarray) -> np.ndarray:
        """Whether the channel takes contacts at each instant (hours and closed days)."""
        t = np.asarray(t, dtype=float)
        open_ = np.ones(t.shape, dtype=bool) if self.calendar is None else self.calendar.is_open(t)
        if self.closed_days:
            open_ &= ~np.isin((t // DAY).astype(int), list(self.closed_days))
        return open_

    def open_at(self, t: float) -> bool:
        """``is_open`` for one instant (no numpy: the engine asks once per created contact)."""
        if self.calendar is not None and not self.calendar.open_at(t):
            return False
        return int(t // DAY) not in self.closed_days

    def next_opening(self, t: float) -> float:
        """The first instant at or after ``t`` when the channel is open (inf if never)."""
        for _ in range(800):  # two years of closed days at most
            if self.calendar is not None:
                t = self.calendar.next_open(t)
            if not math.isfinite(t) or int(t // DAY) not in self.closed_days:
                return t
            t = (t // DAY + 1) * DAY  # a closed day: try from the next midnight
        return math.inf


@dataclass(frozen=True)
class IvrModel:
    """An entry point with an IVR that feeds contact types."""

    name: str
    arrivals: ArrivalPlan
    time: Sampler
    containment: float
    choices: tuple[tuple[str, float], ...]  # (parent contact type, probability)


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
    proficiency: tuple[float, ...] = ()  # handle-time multiplier per internal type (empty: all 1)
    scheduled: tuple[
        tuple[float, int], ...
    ] = ()  # agents scheduled (before shrinkage), change points
    paid: tuple[tuple[float, int], ...] = ()  # agents paid (scheduled, unpaid breaks out)
    provider: str = "inhouse"
    site: str = ""
    slowdown: tuple[float, ...] = ()  # handle-time factor by contacts in hand (concurrent channels)


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
    policy: PolicySpec = field(default_factory=PolicySpec)
    targets: tuple[TargetModel, ...] = ()
    currency: str = "EUR"
    ivr: tuple[IvrModel, ...] = ()

    def types_of(self, parent: str) -> list[TypeModel]:
        """The internal types (default customers first, then segments) of a contact type."""
        return [t for t in self.types if t.parent == parent]

    def after(self, type_index: int, group_index: int) -> float:
        """Overflow delay before ``group_index`` may take a contact of ``type_index`` (inf = never)."""
        for group, delay in self.routes[type_index]:
            if group == group_index:
                return delay
        return math.inf


def build_model(scenario: Scenario) -> Model:
    """Compile a validated scenario into the engine's runtime tables.

    Each contact type becomes one internal type for its default customers and one per segment
    (named ``type/segment``); segments inherit the type's routing unless they have their own.
    """
    sc = scenario
    internal = _internal_types(sc)  # (name, parent, segment name, Segment | None)
    names = [name for name, _, _, _ in internal]
    group_names = list(sc.agent_groups)
    first_weekday = WEEKDAYS.index(sc.start_weekday)

    def index_of_parent(parent: str) -> int:
        return names.index(parent)

    types = []
    for i, (name, parent, seg_name, seg) in enumerate(internal):
        ct = sc.contact_types[parent]
        a = ct.access
        shares = sum(s.share for s in ct.segments.values())
        types.append(
            TypeModel(
                index=i,
                name=name,
                channel=ct.channel,
                exclusive=ct.channel not in CONCURRENT_CHANNELS,
                handle=make_sampler(ct.handle_time),
                after_contact_work=make_sampler(ct.after_contact_work)
                if ct.after_contact_work
                else None,
                patience=make_sampler(ct.patience) if ct.patience is not None else None,
                threshold=ct.service_level_threshold,
                queue_capacity=UNLIMITED if a.queue_capacity is None else a.queue_capacity,
                arrivals=_plan(ct.arrivals, sc),
                customer_per_minute=ct.costs.customer_per_minute,
                customer_pays_ivr="ivr" in ct.costs.customer_pays_for,
                customer_pays_waiting="waiting" in ct.costs.customer_pays_for,
                customer_pays_talking="talking" in ct.costs.customer_pays_for,
                telephony_per_minute=ct.costs.telephony_per_minute,
                parent=parent,
                segment=seg_name,
                segment_share=(seg.share if seg is not None else 0.0 if seg_name else 1.0 - shares),
                callback_type=names.index(f"{parent}/{CALLBACK_QUEUE}")
                if f"{parent}/{CALLBACK_QUEUE}" in names
                else -1,
                handle_factor=seg.handle_time_factor if seg is not None else 1.0,
                patience_factor=seg.patience_factor if seg is not None else 1.0,
                has_arrivals=ct.arrivals is not None,
                calendar=WeeklyCalendar(a.hours, first_weekday) if a.hours else None,
                closed_days=frozenset(d - 1 for d in a.closed_days),
                out_of_hours=a.out_of_hours,
                offline_type=index_of_parent(a.offline_form_type) if a.offline_form_type else -1,
                announce=a.announcement.estimator if a.announcement else None,
                balking=tuple(a.announcement.balking) if a.announcement else (),
                callback=_callback(a.callback),
                retrial=_retrial(a.retrial, index_of_parent),
                resolution=a.resolution.first_contact,
                repeat_delay=make_sampler(a.resolution.delay) if a.resolution.delay else None,
                repeat_switch=tuple(
                    (index_of_parent(k), v) for k, v in a.resolution.switch.items()
                ),
            )
        )
    routes: list[tuple[tuple[int, float], ...]] = []
    route_steps: list[list[RouteStep] | None] = []
    for _name, parent, seg_name, seg in internal:
        steps = seg.routing if seg is not None and seg.routing else sc.routing.get(parent)
        route_steps.append(steps)
        if steps is None:  # every group with the skill that data residency allows
            barred = barred_groups(sc, parent, seg_name)
            routes.append(
                tuple(
                    (g, 0.0)
                    for g, (gname, group) in enumerate(sc.agent_groups.items())
                    if parent in group.skills and gname not in barred
                )
            )
        else:  # a segment inheriting the type's routing drops the groups it bars
            barred = (
                barred_groups(sc, parent, seg_name)
                if seg is not None and not seg.routing
                else set()
            )
            routes.append(
                tuple((group_names.index(s.group), s.after) for s in steps if s.group not in barred)
            )
    groups = []
    offsets = priority_offsets(sc, names)
    for g, (gname, group) in enumerate(sc.agent_groups.items()):
        routed = {t for t, steps in enumerate(routes) if any(grp == g for grp, _ in steps)}
        skills: list[int] = []
        for parent in group.skills:  # the group's priority order; segments by their priority
            members = [i for i, (_, p, _, _) in enumerate(internal) if p == parent and i in routed]
            members.sort(key=lambda i: -offsets[i])
            skills.extend(members)
        basis, rate = _cost(group.cost)
        groups.append(
            GroupModel(
                index=g,
                name=gname,
                skills=tuple(skills),
                max_concurrent=group.max_concurrent,
                staff_changes=_on_duty(group, sc, (1 - group.shrinkage) * group.adherence),
                cost_basis=basis,
                cost_rate=rate,
                proficiency=tuple(
                    group.proficiency.get(parent, 1.0) for _, parent, _, _ in internal
                )
                if group.proficiency
                else (),
                scheduled=_on_duty(group, sc),
                paid=_on_duty(group, sc, paid=True),
                provider=group.provider,
                site=group.site or "",
                slowdown=tuple(group.concurrency_slowdown),
            )
        )
    return Model(
        name=sc.name,
        scenario_hash=scenario_hash(sc),
        horizon=sc.horizon,
        warmup=sc.warmup,
        interval=sc.interval,
        n_intervals=sc.n_intervals,
        types=tuple(types),
        groups=tuple(groups),
        routes=tuple(routes),
        policy=build_policy(sc, names, [t.channel for t in types], route_steps, group_names),
        targets=build_targets(sc, names),
        currency=sc.currency,
        ivr=tuple(
            IvrModel(
                name,
                _plan(ivr.arrivals, sc),
                make_sampler(ivr.time),
                ivr.containment,
                tuple(ivr.choices.items()),
            )
            for name, ivr in sc.ivr.items()
        ),
    )


def _internal_types(sc: Scenario) -> list[tuple[str, str, str, Segment | None]]:
    out: list[tuple[str, str, str, Segment | None]] = []
    for parent, ct in sc.contact_types.items():
        out.append((parent, parent, "", None))
        out.extend((f"{parent}/{name}", parent, name, seg) for name, seg in ct.segments.items())
        cb = ct.access.callback
        if cb is not None and cb.priority != "with_inbound":
            out.append((f"{parent}/{CALLBACK_QUEUE}", parent, CALLBACK_QUEUE, None))
    return out


def _plan(spec: Arrivals | None, sc: Scenario) -> ArrivalPlan:
    if spec is None:
        n = sc.n_intervals
        return ArrivalPlan(np.zeros(n), sc.interval, sc.horizon, 0.0, np.empty(0))
    return plan_arrivals(
        spec, interval=sc.interval, horizon=sc.horizon, start_weekday=sc.start_weekday
    )


def _callback(cb: Callback | None) -> CallbackModel | None:
    if cb is None:
        return None
    return CallbackModel(
        offer_over=cb.offer_when_wait_over,
        acceptance=cb.acceptance,
        later=make_sampler(cb.delay) if cb.delay is not None else None,
        reach=cb.reach_probability,
        retries=cb.retries,
        retry_delay=cb.retry_delay,
        attempt_time=cb.attempt_time,
        promise=cb.promise,
        pacing_share=cb.pacing.max_share_of_agents if cb.pacing is not None else None,
    )


def _retrial(r: Retrial | None, index_of: Callable[[str], int]) -> RetrialModel | None:
    if r is None:
        return None
    return RetrialModel(
        probability=r.probability,
        delay=make_sampler(r.delay),
        max_attempts=r.max_attempts,
        after=frozenset(outcome_code(o) for o in r.after),
        switch=tuple((index_of(k), v) for k, v in r.switch.items()),
    )


def _cost(cost: GroupCost | None) -> tuple[str | None, float]:
    """(pricing basis, rate) of a group; (None, 0) when it is not costed."""
    if cost is not None:
        for basis in ("staffed_hour", "handled_minute", "handled_contact"):
            rate = getattr(cost, f"per_{basis}")
            if rate is not None:
                return basis, float(rate)
    return None, 0.0


def _on_duty(
    group: AgentGroup, sc: Scenario, available: float = 1.0, paid: bool = False
) -> tuple[tuple[float, int], ...]:
    """The group's agents on duty over time, from ``staff`` or from its shifts (``paid``: the
    agents being paid, on paid breaks included)."""
    if group.staff is not None:
        # a StaffFile was read into a list of agents when the scenario was validated
        return _staff_changes(cast("int | list[int]", group.staff), sc, available)
    return shift_changes(group.shifts, sc, available, paid)


def _staff_changes(
    staff: int | list[int], scenario: Scenario, available: float = 1.0
) -> tuple[tuple[float, int], ...]:
    """Per-interval staffing → the instants where the number of agents on duty changes.

    ``available`` (1 − shrinkage) × adherence scales the schedule to the agents actually on duty,
    rounded to whole agents per interval.
    """
    if isinstance(staff, int):
        return ((0.0, round(staff * available)),)
    n, per_day = scenario.n_intervals, scenario.intervals_per_day
    # a day repeated, or a schedule of whole days (its first days when longer than the horizon)
    counts = [staff[i % per_day] for i in range(n)] if len(staff) == per_day else list(staff[:n])
    changes: list[tuple[float, int]] = []
    for i, count in enumerate(counts):
        net = round(count * available)
        if not changes or changes[-1][1] != net:
            changes.append((i * scenario.interval, net))
    return tuple(changes)
