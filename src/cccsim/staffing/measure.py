"""Simulating staffing plans on a set of seeds: each searched target's value per interval in every
replication, whether it holds with the requested confidence, and how often it is met.

A real-time target (voice, chat, messaging answered within seconds) is judged on the contacts
that arrive in each interval. Deferred work (email, or any target on a business-hours clock or
with a threshold of an interval or more) cannot be answered in the interval it arrives in, so it
is judged on the contacts whose answer is *due* in each interval: the backlog an interval leaves
is too large when too many of the contacts due by its end are still waiting.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np

from cccsim import __version__
from cccsim.engine import run
from cccsim.engine.columns import empty_part
from cccsim.model.build import Model
from cccsim.model.targets import TargetModel
from cccsim.results import ReplicationResult
from cccsim.scenario import Scenario
from cccsim.simulate import result_from_tally
from cccsim.stats.ci import t_interval
from cccsim.stats.kpis import contacts_frame, operating_costs
from cccsim.stats.tally import ratio, tally
from cccsim.stats.target_counts import target_sums

REAL_TIME_KPIS = frozenset({"service_level", "asa", "abandon_rate", "wait_over", "p_wait"})
"""Target KPIs of real-time work that more agents improve; the search holds these per interval."""
DEFERRED_KPIS = frozenset({"service_level", "wait_over"})
"""Target KPIs of deferred work the search holds: answered (or not waiting) within a deadline."""


@dataclass(frozen=True)
class Check:
    """One searched target, per interval: which contacts count in each interval and the bound.

    ``edges``: the arrival instants bounding each interval's contacts (for deferred work, the
    arrivals whose deadline falls in the interval); ``labels``: the scenario's targets it stands
    for (targets with the same definition are checked once).
    """

    target: TargetModel
    labels: tuple[str, ...]
    deferred: bool
    edges: np.ndarray

    @property
    def type_index(self) -> int:
        assert self.target.type_index is not None
        return self.target.type_index

    def meets(self, value: np.ndarray) -> np.ndarray:
        """Whether each value is on the right side of the bound (NaN: no contacts, never met)."""
        t = self.target
        ok = np.isfinite(value)
        if t.at_least is not None:
            ok &= value >= t.at_least - 1e-12
        if t.at_most is not None:
            ok &= value <= t.at_most + 1e-12
        return ok

    def gap(self, value: np.ndarray) -> np.ndarray:
        """How far ``value`` is inside the bound (negative: short), in the KPI's own units."""
        t = self.target
        gaps = []
        if t.at_least is not None:
            gaps.append(value - t.at_least)
        if t.at_most is not None:
            gaps.append(t.at_most - value)
        return np.minimum.reduce(gaps) if gaps else np.zeros_like(value)


def is_deferred(model: Model, target: TargetModel) -> bool:
    """Deferred work: email, or a target measured on a business-hours clock or with a threshold
    of an interval or more (the answer is not expected within the interval of arrival)."""
    assert target.type_index is not None
    tm = model.types[target.type_index]
    return (
        tm.channel == "email"
        or target.calendar is not None
        or (target.kpi in DEFERRED_KPIS and (target.threshold or 0.0) >= model.interval)
    )


def interval_edges(model: Model) -> np.ndarray:
    """The interval edges of the horizon (the last one the horizon)."""
    return np.minimum(np.arange(model.n_intervals + 1) * model.interval, model.horizon)


def due_edges(model: Model, target: TargetModel) -> np.ndarray:
    """Arrival instants whose deadline (threshold on the target's clock) is each interval edge:
    the contacts arriving between two of them are due in that interval."""
    ends = interval_edges(model)
    threshold = target.threshold or 0.0
    if target.calendar is None:
        return ends - threshold
    clock = target.calendar.open_seconds_until
    goal = clock(ends) - threshold  # the latest arrival (on the clock) due by each edge
    low = np.full(ends.shape, -threshold - 14 * 86400.0)
    high = ends.astype(float).copy()
    for _ in range(64):  # the last instant whose clock reading is at most the goal
        mid = (low + high) / 2
        below = clock(mid) <= goal
        low = np.where(below, mid, low)
        high = np.where(below, high, mid)
    return low


def build_checks(model: Model, targets: Sequence[TargetModel]) -> list[Check]:
    """One check per distinct target definition, judged per interval."""
    checks: dict[tuple[object, ...], Check] = {}
    for t in targets:
        per_interval = replace(
            t, per="interval", share_of_periods=None, penalty=None, bonus=None, label=""
        )
        key = (per_interval,)
        if key in checks:
            old = checks[key]
            checks[key] = replace(old, labels=(*old.labels, t.label))
            continue
        deferred = is_deferred(model, t)
        edges = due_edges(model, t) if deferred else interval_edges(model)
        checks[key] = Check(per_interval, (t.label,), deferred, edges)
    return list(checks.values())


@dataclass
class Replication:
    """One replication of one plan: each check's value per interval, and optionally the group
    operating costs per interval and every KPI frame."""

    values: np.ndarray  # (checks, intervals)
    counts: np.ndarray  # (checks, intervals): contacts judged (the KPI's denominator)
    costs: np.ndarray | None = None  # (groups, intervals)
    result: ReplicationResult | None = None


def simulate(
    model: Model,
    checks: list[Check],
    seed: np.random.SeedSequence,
    costs: bool = False,
    scenario: Scenario | None = None,
) -> Replication:
    """One replication of ``model``; with ``scenario``, also every KPI frame (the plan's result)."""
    started = time.perf_counter()
    rec = run(model, seed)
    sums = np.stack([target_sums(rec, c.target, c.edges) for c in checks])
    values, counts = ratio(sums[:, 0], sums[:, 1]), sums[:, 1]
    if not costs and scenario is None:
        return Replication(values, counts)
    tl = tally(rec)
    out = Replication(values, counts, interval_costs(tl) if costs else None)
    if scenario is not None:
        provenance = {
            "scenario": scenario.name,
            "scenario_hash": model.scenario_hash,
            "seed": {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)},
            "cccsim_version": __version__,
            "n_contacts": tl.n_contacts,
            "n_events": tl.n_events,
            "wall_time": time.perf_counter() - started,
        }
        out.result = result_from_tally(tl, contacts_frame(empty_part(model)), provenance)
        out.result.scenario = scenario
    return out


def interval_costs(tl: object) -> np.ndarray:
    """Each group's operating cost (the project's pricing) spread over the measured intervals:
    by time on duty for a group paid per hour, by busy time for one paid for its work."""
    from cccsim.stats.tally import Tally

    assert isinstance(tl, Tally)
    m, bins = tl.model, tl.bins
    per_group, _ = operating_costs(tl)
    out = np.zeros((len(m.groups), m.n_intervals))
    for g in m.groups:
        driver = tl.staffed[g.index] if g.cost_basis == "staffed_hour" else tl.busy[g.index]
        per_interval = bins.per_interval(np.where(bins.measured, driver, 0.0))
        total = per_interval.sum()
        if total > 0:
            out[g.index] = per_group[g.index] * per_interval / total
    return out


@dataclass
class Judgement:
    """Each check in each interval over the replications of one plan."""

    mean: np.ndarray  # (checks, intervals)
    low: np.ndarray  # one-sided bounds at the confidence (NaN with fewer than two values)
    high: np.ndarray
    held: np.ndarray  # the bound is on the right side (or no contacts to judge)
    p_meet: np.ndarray  # share of replications meeting the bound (NaN: no contacts)
    judged: np.ndarray  # some replication had contacts to judge
    count: np.ndarray  # mean contacts judged per replication
    raw_mean: np.ndarray  # mean of the interval's own values (without the model's help)

    def gap(self, checks: list[Check], bound: bool = True) -> np.ndarray:
        """How far each check's one-sided bound (or, with ``bound`` False, its mean) is inside
        the target's bound (negative: short), per interval; NaN where nothing was judged."""
        out = np.full(self.mean.shape, np.nan)
        for k, check in enumerate(checks):
            t = check.target
            lower = np.where(np.isnan(self.low[k]) | (not bound), self.mean[k], self.low[k])
            upper = np.where(np.isnan(self.high[k]) | (not bound), self.mean[k], self.high[k])
            gaps = []
            if t.at_least is not None:
                gaps.append(lower - t.at_least)
            if t.at_most is not None:
                gaps.append(t.at_most - upper)
            out[k] = np.minimum.reduce(gaps) if gaps else 0.0
        return np.where(self.judged, out, np.nan)


def judge(
    estimates: np.ndarray,
    raw: np.ndarray,
    counts: np.ndarray,
    checks: list[Check],
    confidence: float,
) -> Judgement:
    """A check holds in an interval when the one-sided ``confidence`` bound on the mean of its
    ``estimates`` (replications, checks, intervals) over the replications is on the right side
    of the target's bound (or nothing was judged); ``p_meet`` counts the replications whose own
    (``raw``) value met it."""
    values = estimates
    seen = np.isfinite(counts)
    count = np.where(seen, counts, 0.0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    _, k, n = values.shape
    mean = np.full((k, n), np.nan)
    low, high = mean.copy(), mean.copy()
    for c in range(k):
        for i in range(n):
            column = values[:, c, i]
            if np.isfinite(column).any():
                mean[c, i], _, low[c, i], high[c, i] = t_interval(column, 2 * confidence - 1)
    judged = np.isfinite(mean)
    finite = np.isfinite(raw)
    met = np.stack([checks[c].meets(raw[:, c, :]) for c in range(k)], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_meet = np.where(finite.any(axis=0), met.sum(axis=0) / finite.sum(axis=0), np.nan)
    raw_mean = np.where(
        finite.any(axis=0),
        np.where(finite, raw, 0.0).sum(axis=0) / np.maximum(finite.sum(axis=0), 1),
        np.nan,
    )
    out = Judgement(mean, low, high, np.ones((k, n), dtype=bool), p_meet, judged, count, raw_mean)
    out.held = ~(out.gap(checks) < -1e-12)  # NaN (nothing judged) holds
    return out


def run_plans(
    pool: Executor,
    models: list[Model],
    checks: list[Check],
    seeds: list[np.random.SeedSequence],
    costs: bool = False,
    scenario: Scenario | None = None,
) -> list[list[Replication]]:
    """Every model on every seed (all submitted at once); the first model's replications carry
    their KPI frames when ``scenario`` is given."""
    futures = [
        [
            pool.submit(simulate, model, checks, seed, costs, scenario if k == 0 else None)
            for seed in seeds
        ]
        for k, model in enumerate(models)
    ]
    return [[f.result() for f in row] for row in futures]


def mean_costs(reps: list[Replication]) -> np.ndarray:
    """Mean operating cost per (group, interval) over the replications."""
    costs = [r.costs for r in reps if r.costs is not None]
    return np.mean(costs, axis=0)
