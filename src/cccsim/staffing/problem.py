"""What the staffing search works on: the searched groups, the targets it holds and who can
answer them, the offered load and the floor of every interval, and how a plan (agents on duty
per group and interval) becomes a model the engine runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from cccsim.errors import ExperimentError
from cccsim.model.build import Model
from cccsim.scenario import Scenario
from cccsim.staffing.erlang import erlang_start
from cccsim.staffing.estimate import Curve, curves
from cccsim.staffing.load import OfferedLoad, Spread, deferred_spread, offered_load
from cccsim.staffing.measure import DEFERRED_KPIS, REAL_TIME_KPIS, Check, build_checks, is_deferred


@dataclass(frozen=True)
class Problem:
    """The searched groups and targets of one scenario.

    ``owners[k]``: the searched groups that answer check ``k``'s type, in routing order (the
    first answers it first). ``clusters``: searched groups linked by a type they both answer —
    a mix of them is chosen by cost; groups alone in their cluster are sized by themselves.
    ``fixed``: intervals not searched (the warm-up): they keep the Erlang staffing.
    """

    scenario: Scenario
    model: Model
    searched: tuple[int, ...]
    checks: list[Check]
    owners: list[tuple[int, ...]]
    clusters: list[tuple[int, ...]]
    load: OfferedLoad
    floor: np.ndarray  # (groups, intervals)
    start: np.ndarray  # (groups, intervals): Erlang C at the offered load, at least the floor
    fixed: np.ndarray  # (groups, intervals) bool
    patience: list[float]  # per check
    slots: list[int]  # per check: servers per agent of its first owner
    available: np.ndarray  # per group: (1 − shrinkage) × adherence
    curves: list[list[Curve | None]]  # per check and interval: its Erlang C curve
    spreads: dict[int, Spread]  # per deferred check: its work spread over deadline windows

    def agents_for_checks(self, on_duty: np.ndarray) -> np.ndarray:
        """(checks, intervals): the agents on duty of the searched groups answering each
        check's type (a mix of groups counts all of them)."""
        return np.stack([on_duty[list(o)].sum(axis=0) for o in self.owners])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.model.groups), self.model.n_intervals

    def cluster_of(self, g: int) -> tuple[int, ...]:
        return next(c for c in self.clusters if g in c)

    def affected(self, g: int) -> np.ndarray:
        """Checks that an agent of group ``g`` can move: those of its cluster's types."""
        members = set(self.cluster_of(g))
        return np.array([bool(members & set(o)) for o in self.owners])

    def since(self, k: int) -> np.ndarray:
        """Per due interval of deferred check ``k``: the interval of its earliest arrival."""
        edges = self.checks[k].edges
        first = np.floor(np.maximum(edges[:-1], 0.0) / self.model.interval).astype(np.int64)
        return np.clip(first, 0, np.arange(self.shape[1]))


def searchable(model: Model, names: Sequence[str] | None) -> tuple[int, ...]:
    """Indices of the groups to search: ``names`` (several, comma-separated or repeated),
    ``["all"]`` for every group, or None for every group that answers a targeted contact type
    first (the others keep their staffing)."""
    all_names = [g.name for g in model.groups]
    if names is None:
        firsts = {
            model.routes[t.type_index][0][0]
            for t in model.targets
            if t.type_index is not None and model.routes[t.type_index]
        }
        return tuple(sorted(firsts))
    if [n.strip() for n in names] == ["all"]:
        return tuple(range(len(all_names)))
    wanted = [n.strip() for name in names for n in name.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in all_names]
    if unknown:
        raise ExperimentError(
            f"unknown agent group(s) {unknown}; the scenario has {all_names} (or use 'all')"
        )
    return tuple(sorted({all_names.index(n) for n in wanted}))


def build_problem(sc: Scenario, model: Model, names: Sequence[str] | None) -> Problem:
    """The searched groups and the targets they hold (see ``search_staffing``)."""
    searched = searchable(model, names)
    targets, owners = [], []
    for t in model.targets:
        if t.type_index is None:
            continue
        deferred = is_deferred(model, t)
        if t.kpi not in (DEFERRED_KPIS if deferred else REAL_TIME_KPIS):
            continue
        who = tuple(dict.fromkeys(g for g, _ in model.routes[t.type_index] if g in searched))
        if who:
            targets.append(t)
            owners.append(who)
    if not targets:
        raise ExperimentError(
            "the staffing search needs a service_level, asa, abandon_rate, wait_over or p_wait "
            "target (or an answered-within target for email) of a contact type answered by a "
            "searched group"
        )
    checks = build_checks(model, targets)
    by_label = {t.label: o for t, o in zip(targets, owners, strict=True)}
    owners = [by_label[c.labels[0]] for c in checks]
    clusters = _clusters(searched, owners)
    sized = tuple(g for g in searched if any(g in c for c in clusters))
    primary = {c.type_index: o[0] for c, o in zip(checks, owners, strict=True)}
    real_time = {c.type_index for c in checks if not c.deferred}
    # real-time types the searched groups answer first without a target still load them
    for ti, steps in enumerate(model.routes):
        first = [g for g, _ in steps if g in searched]
        if first and ti not in primary and not _deferred_type(model, ti):
            primary[ti] = first[0]
            real_time.add(ti)
    load = offered_load(model, primary, real_time)
    floor = load.floor()
    patience = [_patience(model, c.type_index) for c in checks]
    slots = [
        1 if model.types[c.type_index].exclusive else model.groups[o[0]].max_concurrent
        for c, o in zip(checks, owners, strict=True)
    ]
    first_owner = [o[0] for o in owners]
    start = erlang_start(checks, first_owner, load, patience, slots)
    # deferred work spread over its deadline windows comes on top of the real-time load
    spreads = {
        k: deferred_spread(model, c.target, g)
        for k, (c, g) in enumerate(zip(checks, first_owner, strict=True))
        if c.deferred
    }
    start = np.maximum(start, deferred_need(spreads, first_owner, load.load, {}))
    fixed = np.zeros(start.shape, dtype=bool)
    measured_from = math.ceil(model.warmup / model.interval - 1e-9)
    fixed[:, :measured_from] = True  # not measured: the Erlang staffing keeps it representative
    available = np.array(
        [
            (1 - sc.agent_groups[g.name].shrinkage) * sc.agent_groups[g.name].adherence
            for g in model.groups
        ]
    )
    return Problem(
        sc,
        model,
        sized,
        checks,
        owners,
        clusters,
        load,
        floor,
        start,
        fixed,
        patience,
        slots,
        available,
        curves(checks, owners, load.load, load.handle, patience, slots),
        spreads,
    )


def deferred_need(
    spreads: dict[int, Spread],
    owner: list[int],
    real_time: np.ndarray,
    scale: dict[int, np.ndarray],
) -> np.ndarray:
    """Agents per (group, interval) that carry the real-time load and the deferred work spread
    over its deadline windows (each deadline's work times ``scale``; 0 without deferred work)."""
    extra = np.zeros(real_time.shape)
    for k, spread in spreads.items():
        extra[owner[k]] = np.maximum(extra[owner[k]], spread.load(scale.get(k)))
    need = np.ceil(real_time + extra - 1e-9)
    return np.where(extra > 1e-9, need, 0).astype(np.int64)


def _deferred_type(model: Model, t: int) -> bool:
    return model.types[t].channel == "email"


def _patience(model: Model, t: int) -> float:
    tm = model.types[t]
    return math.inf if tm.patience is None else max(tm.patience.mean * tm.patience_factor, 1e-6)


def _clusters(searched: tuple[int, ...], owners: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Searched groups joined when they answer the same checked type (connected components)."""
    parent = {g: g for g in searched}

    def root(g: int) -> int:
        while parent[g] != g:
            g = parent[g]
        return g

    for who in owners:
        for g in who[1:]:
            parent[root(g)] = root(who[0])
    groups: dict[int, list[int]] = {}
    for g in searched:
        groups.setdefault(root(g), []).append(g)
    used = {g for o in owners for g in o}
    return [tuple(v) for v in groups.values() if used & set(v)]


def scheduled_for(on_duty: np.ndarray, available: float) -> np.ndarray:
    """Fewest scheduled agents whose on-duty count round(s × available) — the engine's rounding
    of a per-interval schedule — reaches each ``on_duty``."""
    out = np.maximum(np.floor((on_duty - 0.5) / available).astype(np.int64) - 1, 0)
    short = np.array([round(s * available) for s in out.tolist()]) < on_duty
    while short.any():
        out = out + short
        short = np.array([round(s * available) for s in out.tolist()]) < on_duty
    return out


def staffed_model(problem: Problem, plan: np.ndarray) -> Model:
    """The model with each searched group's agents on duty set per interval (and its scheduled
    and paid agents the fewest that give them, as a per-interval schedule would)."""
    groups = list(problem.model.groups)
    for g in problem.searched:
        on_duty = _changes(plan[g], problem.model.interval)
        scheduled = _changes(
            scheduled_for(plan[g], float(problem.available[g])), problem.model.interval
        )
        # paid as scheduled (a per-interval schedule has no unpaid breaks): the scenario's own
        # paid schedule would bill every plan alike
        groups[g] = replace(groups[g], staff_changes=on_duty, scheduled=scheduled, paid=())
    return replace(problem.model, groups=tuple(groups))


def _changes(per_interval: np.ndarray, interval: float) -> tuple[tuple[float, int], ...]:
    out: list[tuple[float, int]] = []
    for i, n in enumerate(per_interval.tolist()):
        if not out or out[-1][1] != n:
            out.append((i * interval, int(n)))
    return tuple(out)


def step_mean(changes: tuple[tuple[float, int], ...], edges: np.ndarray) -> np.ndarray:
    """Time average of a step function (instant, level from then) over each span of ``edges``."""
    at = np.array([c[0] for c in changes] + [edges[-1]], dtype=float)
    level = np.array([c[1] for c in changes], dtype=float)
    at = np.minimum(at, edges[-1])
    area = np.concatenate(([0.0], np.cumsum(level * np.diff(at))))
    cum = np.interp(edges, at, area)
    width = np.diff(edges)
    return np.where(width > 0, np.diff(cum) / np.where(width > 0, width, 1.0), 0.0)
