"""Per-interval starting staffing from the Erlang formulas (the search refines it by simulation).

Each interval is treated as a stationary M/M/n (+M with patience) queue of the load offered to
the group that answers a type first: arrivals of the interval × mean handle time (proficiency
and after-contact work included), in concurrent slots for chat and messaging.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from cccsim.model.build import Model
from cccsim.model.targets import TargetModel
from cccsim.theory import QueueMetrics, erlang_a_metrics

SEARCHABLE_KPIS = frozenset({"service_level", "asa", "abandon_rate", "wait_over", "p_wait"})
"""Target KPIs that more agents improve; the staffing search holds these."""


def meets(metrics: QueueMetrics, target: TargetModel) -> bool:
    """Whether an Erlang C/A queue meets ``target``'s bound(s)."""
    value = {
        "service_level": metrics.service_level,
        "asa": metrics.asa,
        "abandon_rate": metrics.p_abandon,
        "wait_over": 1 - metrics.virtual_service_level,
        "p_wait": metrics.p_wait,
    }[target.kpi]
    if math.isnan(value):
        return True  # nobody answered or waited: nothing to miss
    low_ok = target.at_least is None or value >= target.at_least - 1e-12
    high_ok = target.at_most is None or value <= target.at_most + 1e-12
    return low_ok and high_ok


def erlang_servers(
    rate: float, handle: float, patience: float, threshold: float, target: TargetModel
) -> int:
    """Fewest servers for which the M/M/n(+M) queue meets the target (0 without arrivals).

    More servers never hurt these KPIs, so a bracket by doubling and a bisection find the number
    with a handful of evaluations (each an Erlang A solve); intervals with the same load share
    them through a cache.
    """
    if rate <= 0:
        return 0
    load = rate * handle
    ceiling = math.ceil(load) + 50 + math.ceil(20 * math.sqrt(load))

    def ok(n: int) -> bool:
        return meets(_metrics(rate, handle, patience, n, threshold), target)

    hi = max(1, math.ceil(load))
    while not ok(hi):
        if hi >= ceiling:
            return ceiling
        hi = min(2 * hi, ceiling)
    lo = 0  # ok(lo) is false or lo = 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=65536)
def _metrics(rate: float, handle: float, patience: float, n: int, threshold: float) -> QueueMetrics:
    return erlang_a_metrics(rate, handle, patience, n, threshold)


def erlang_start(model: Model, targets: list[TargetModel], primary: dict[int, int]) -> np.ndarray:
    """Agents on duty per (group, interval) from the Erlang formulas.

    ``primary`` maps each target's internal type to the searched group that answers it first.
    A group serving several targeted types takes the largest requirement over its targets, for
    the pooled load of all the types it answers first.
    """
    n_groups, n_int = len(model.groups), model.n_intervals
    need = np.zeros((n_groups, n_int), dtype=np.int64)
    rate = np.zeros((n_groups, n_int))
    work = np.zeros((n_groups, n_int))  # slot-seconds of handling offered per second
    for t, g in primary.items():
        tm = model.types[t]
        lam = tm.arrivals.expected[:n_int] / model.interval
        group = model.groups[g]
        factor = group.proficiency[t] if group.proficiency else 1.0
        mean = tm.handle.mean * tm.handle_factor * factor
        if tm.after_contact_work is not None:
            mean += tm.after_contact_work.mean
        rate[g] += lam
        work[g] += lam * mean
    for target in targets:
        assert target.type_index is not None
        g = primary[target.type_index]
        tm = model.types[target.type_index]
        patience = (
            math.inf if tm.patience is None else max(tm.patience.mean * tm.patience_factor, 1e-6)
        )
        slots = 1 if tm.exclusive else model.groups[g].max_concurrent
        threshold = target.threshold if target.threshold is not None else tm.threshold
        for i in range(n_int):
            if rate[g, i] <= 0:
                continue
            handle = work[g, i] / rate[g, i]
            servers = erlang_servers(rate[g, i], handle, patience, threshold, target)
            need[g, i] = max(need[g, i], math.ceil(servers / slots))
    return need
