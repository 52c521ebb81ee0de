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
from cccsim.theory import QueueMetrics, erlang_a_metrics, erlang_c_metrics

SEARCHABLE_KPIS = frozenset({"service_level", "asa", "abandon_rate", "wait_over", "p_wait"})
"""Target KPIs that more agents improve; the staffing search holds these."""


def meets(metrics: QueueMetrics, target: TargetModel, patience: float = math.inf) -> bool:
    """Whether an Erlang C/A queue meets ``target``'s bound(s)."""
    if target.kpi == "wait_over":
        # waited longer than X: the virtual wait exceeds X and the customer stays that long
        stays = math.exp(-(target.threshold or 0.0) / patience)
        value = (1 - metrics.virtual_service_level) * stays
    else:
        value = {
            "service_level": metrics.service_level,
            "asa": metrics.asa,
            "abandon_rate": metrics.p_abandon,
            "p_wait": metrics.p_wait,
        }[target.kpi]
    if math.isnan(value):
        return True  # nobody answered or waited: nothing to miss
    low_ok = target.at_least is None or value >= target.at_least - 1e-12
    high_ok = target.at_most is None or value <= target.at_most + 1e-12
    return low_ok and high_ok


def erlang_servers(
    rate: float,
    handle: float,
    patience: float,
    threshold: float,
    target: TargetModel,
    enough: int = 0,
) -> int:
    """Fewest servers, but at least ``enough``, for which the M/M/n(+M) queue meets the target
    (0 without arrivals).

    Speed: ``enough`` (what other targets already need) is tried first, then the Erlang C number
    (closed form) as a guess — abandonment only shortens waits, so with a patience the answer is
    at or below it — stepping one server at a time from there. An Erlang A solve grows with the
    queue it must represent, so never probing below what is already needed keeps it to a few
    cheap solves; a cache shares them between intervals with the same load.
    """
    if rate <= 0:
        return enough
    load = rate * handle
    ceiling = max(enough, math.ceil(load) + 50 + math.ceil(20 * math.sqrt(load)))

    def ok(n: int, exact: bool = True) -> bool:
        if exact:
            return meets(_metrics(rate, handle, patience, n, threshold), target, patience)
        return meets(erlang_c_metrics(rate, handle, n, threshold), target)

    if enough >= 1 and ok(enough):
        return enough
    guess = max(enough + 1, math.floor(load) + 1)
    if target.kpi != "abandon_rate":  # Erlang C has no abandonment to size on
        while guess < ceiling and not ok(guess, exact=False):
            guess += 1
    n = guess
    if ok(n):
        while n - 1 > max(enough, 0) and ok(n - 1):
            n -= 1
        return n
    while n < ceiling and not ok(n):
        n += 1
    return n


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
    # service levels first: they usually need the most, and the others then only check that
    for target in sorted(targets, key=lambda t: t.kpi != "service_level"):
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
            enough = int(need[g, i]) * slots
            servers = erlang_servers(rate[g, i], handle, patience, threshold, target, enough)
            need[g, i] = max(need[g, i], math.ceil(servers / slots))
    return need
