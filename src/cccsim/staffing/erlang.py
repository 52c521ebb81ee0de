"""The Erlang C model of one interval: the search's starting staffing, and the shape of each KPI
against the number of agents that its steps follow.

Each interval is treated as a stationary M/M/n queue carrying the interval's offered load (with
its lag, ``staffing.load``) — the pointwise-stationary approximation with the modified offered
load. Closed forms keep it fast enough to evaluate for every interval of a year in every round:
service level 1 − C·e^(−(n−A)τ/h), ASA C·h/(n−A), P(wait) C, P(wait > τ) C·e^(−(n−A)τ/h)
(times the chance of staying that long), and, with a patience θ, the share of waiting callers
who would give up before an exponential Erlang C wait, C·h/(h + (n−A)θ). Abandonment only
shortens the queue, so with a patience these overstate what is needed: the start is on the safe
side and the simulation takes the rest off.
"""

from __future__ import annotations

import math

import numpy as np

from cccsim.staffing.load import OfferedLoad
from cccsim.staffing.measure import Check
from cccsim.theory import erlang_c

_MAX_STEP = 400  # servers tried above the load before giving up (a target no staffing meets)


def kpi_value(
    kpi: str, servers: int, load: float, handle: float, threshold: float, patience: float
) -> float:
    """The Erlang C value of ``kpi`` with ``servers`` for ``load`` erlangs of mean ``handle``."""
    if servers <= load:
        return {"service_level": 0.0, "p_wait": 1.0, "wait_over": 1.0, "abandon_rate": 1.0}.get(
            kpi, math.inf
        )
    c = erlang_c(servers, load) if load > 0 else 0.0
    rate = (servers - load) / handle  # the exponential rate of a waiting caller's wait
    if kpi == "service_level":
        return 1.0 - c * math.exp(-rate * threshold)
    if kpi == "asa":
        return c / rate
    if kpi == "p_wait":
        return c
    if kpi == "wait_over":
        stays = math.exp(-threshold / patience) if math.isfinite(patience) else 1.0
        return c * math.exp(-rate * threshold) * stays
    if kpi == "abandon_rate":
        return c / (1.0 + rate * patience) if math.isfinite(patience) else 0.0
    raise ValueError(f"no Erlang C shape for {kpi!r}")


def servers_for(
    check: Check,
    load: float,
    handle: float,
    patience: float,
    slots: int,
    offset: float = 0.0,
    lowest: int = 0,
) -> int:
    """Fewest agents (``slots`` servers each) from ``lowest`` up whose Erlang C value, shifted
    by ``offset`` (what the simulation showed against the model), meets the check's bound."""
    t = check.target
    threshold = t.threshold or 0.0
    n = max(lowest, 0)
    top = max(n, math.ceil(load / slots)) + _MAX_STEP
    while n < top:
        if n > 0 or load <= 0:
            value = kpi_value(t.kpi, n * slots, load * slots, handle, threshold, patience)
            if check.gap(np.array([value + offset]))[0] >= -1e-12:
                return n
        n += 1
    return top


def erlang_start(
    checks: list[Check],
    owner: list[int],
    load: OfferedLoad,
    patience: list[float],
    slots: list[int],
) -> np.ndarray:
    """Agents on duty per (group, interval): the most any real-time check of the types a group
    answers first needs under Erlang C at the interval's offered load, never below the floor."""
    need = load.floor().copy()
    for k, check in enumerate(checks):
        if check.deferred:
            continue
        g = owner[k]
        for i in np.flatnonzero(load.rate[g] > 0):
            need[g, i] = servers_for(
                check,
                float(load.load[g, i]),
                float(load.handle[g, i]),
                patience[k],
                slots[k],
                lowest=int(need[g, i]),
            )
    return need
