"""Exact queueing formulas for contact centres: Erlang B, Erlang C and Erlang A (Palm, M/M/n+M).

Used for staffing start points, the ``cccsim erlang`` command and, above all, to check the
simulator. All functions take rates per second and times in seconds, and are numerically stable
for thousands of agents (log-space probabilities, the stable Erlang B recursion).

Service level here is cccsim's default definition: answered within the threshold ÷ offered (see
docs/reference/results.md). Erlang A also gives the *virtual-wait* service level P(V ≤ T), the
wait a contact with infinite patience would have had, which some tools publish instead.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import expm_multiply
from scipy.special import gammaln, logsumexp


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state measures of one queue; times in seconds, probabilities in [0, 1]."""

    agents: int
    offered_load: float  # Erlangs: arrival rate × mean handle time
    p_wait: float  # an arrival finds every agent busy
    service_level: float  # answered within the threshold ÷ offered
    asa: float  # mean wait of answered contacts
    mean_wait: float  # mean wait over all arrivals (abandoned ones until they leave)
    p_abandon: float
    p_block: float
    occupancy: float  # busy agents ÷ agents
    virtual_service_level: float  # P(V ≤ threshold) for the virtual wait V (Erlang A)
    virtual_wait: float  # E[V]

    def as_dict(self) -> dict[str, float]:
        """The measures as a plain dict (tables, JSON)."""
        return asdict(self)


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability B(n, A) of M/M/n/n (stable recursion B(k) = A·B(k−1) / (k + A·B(k−1)))."""
    _check(agents >= 0, "agents must be ≥ 0")
    _check(load >= 0, "load must be ≥ 0")
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def erlang_b_metrics(arrival_rate: float, handle_time: float, agents: int) -> QueueMetrics:
    """M/M/n/n (no queue: blocked when every agent is busy)."""
    load = arrival_rate * handle_time
    block = erlang_b(agents, load)
    occ = load * (1 - block) / agents if agents else 0.0
    answered = 1 - block
    return QueueMetrics(agents, load, block, answered, 0.0, 0.0, 0.0, block, occ, answered, 0.0)


def erlang_c(agents: int, load: float) -> float:
    """Probability of waiting C(n, A) of M/M/n (1 when A ≥ n: the queue grows without bound)."""
    _check(agents >= 1, "agents must be ≥ 1")
    if load >= agents:
        return 1.0
    b = erlang_b(agents, load)
    return agents * b / (agents - load * (1 - b))


def erlang_c_metrics(
    arrival_rate: float, handle_time: float, agents: int, threshold: float = 20.0
) -> QueueMetrics:
    """M/M/n with infinite patience: P(wait), service level, ASA, occupancy."""
    _check(arrival_rate >= 0 and handle_time > 0, "need arrival_rate ≥ 0 and handle_time > 0")
    load = arrival_rate * handle_time
    if load >= agents:
        return QueueMetrics(
            agents, load, 1.0, 0.0, math.inf, math.inf, 0.0, 0.0, 1.0, 0.0, math.inf
        )
    c = erlang_c(agents, load)
    sl = 1 - c * math.exp(-(agents - load) * threshold / handle_time)
    asa = c * handle_time / (agents - load)
    return QueueMetrics(agents, load, c, sl, asa, asa, 0.0, 0.0, load / agents, sl, asa)


def erlang_a_metrics(
    arrival_rate: float,
    handle_time: float,
    patience: float,
    agents: int,
    threshold: float = 20.0,
) -> QueueMetrics:
    """M/M/n+M (Erlang A, Palm): exponential patience with mean ``patience`` seconds.

    Stationary probabilities of the birth–death chain in log space; the waiting-time measures
    follow a tagged contact through its queue positions (a pure-death chain with own abandonment)
    and are solved with ``expm_multiply``. Infinite patience falls back to Erlang C.
    """
    _check(arrival_rate >= 0 and handle_time > 0, "need arrival_rate ≥ 0 and handle_time > 0")
    _check(agents >= 1, "agents must be ≥ 1")
    _check(patience > 0, "patience must be > 0")
    if math.isinf(patience):
        return erlang_c_metrics(arrival_rate, handle_time, agents, threshold)
    lam, mu, theta, n = arrival_rate, 1.0 / handle_time, 1.0 / patience, agents
    load = lam / mu
    if lam == 0:
        return QueueMetrics(n, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    k = np.arange(n + 1)
    log_below = k * math.log(load) - gammaln(k + 1)  # π_k ∝ A^k / k!, k ≤ n
    log_queue = _queue_log_terms(lam, n * mu, theta, log_below[-1])  # π_{n+j}, j ≥ 1
    log_norm = logsumexp(np.concatenate((log_below, log_queue)))
    pi_below = np.exp(log_below - log_norm)
    pi_wait = np.concatenate(([pi_below[-1]], np.exp(log_queue - log_norm)))  # j ahead = 0, 1, …
    p_wait = min(float(pi_wait.sum()), 1.0)
    j = np.arange(pi_wait.size)
    mean_queue = float((j * pi_wait).sum())
    p_abandon = theta * mean_queue / lam
    # tagged contact with j ahead: advances at n·μ + i·θ, abandons at θ
    advance = n * mu + j * theta
    log_served = np.cumsum(np.log(advance) - np.log(advance + theta))
    served = np.exp(log_served)
    stage_time = np.cumsum(1.0 / (advance + theta))
    p_answered = 1 - p_abandon
    asa = float((pi_wait * served * stage_time).sum()) / p_answered if p_answered > 0 else math.nan
    within = _absorbed_by(pi_wait, advance, theta, threshold)
    virtual_within = _absorbed_by(pi_wait, advance, 0.0, threshold)
    virtual_wait = float((pi_wait * np.cumsum(1.0 / advance)).sum())
    return QueueMetrics(
        agents=n,
        offered_load=load,
        p_wait=p_wait,
        service_level=float(min(max(1 - p_wait + within, 0.0), 1.0)),
        asa=asa,
        mean_wait=mean_queue / lam,
        p_abandon=p_abandon,
        p_block=0.0,
        occupancy=load * p_answered / n,
        virtual_service_level=float(min(max(1 - p_wait + virtual_within, 0.0), 1.0)),
        virtual_wait=virtual_wait,
    )


def _queue_log_terms(lam: float, service: float, theta: float, log_pi_n: float) -> np.ndarray:
    """log π_{n+j} for j = 1, 2, … until the terms are negligible (π_{n+j} = π_n Π λ/(nμ + iθ))."""
    terms: list[np.ndarray] = []
    start, last, block = 1, log_pi_n, 1024
    peak = log_pi_n
    while True:
        i = np.arange(start, start + block)
        chunk = last + np.cumsum(math.log(lam) - np.log(service + i * theta))
        terms.append(chunk)
        peak = max(peak, float(chunk.max()))
        last = float(chunk[-1])
        start += block
        decreasing = service + (start - 1) * theta > lam
        if decreasing and last < peak - 60:
            break
        _check(start < 50_000_000, "Erlang A tail does not converge")
    out = np.concatenate(terms)
    # cut only the negligible tail: positions j must stay aligned with their index
    keep = np.flatnonzero(out > peak - 60)
    return out[: keep[-1] + 1] if keep.size else out[:0]


def _absorbed_by(weights: np.ndarray, advance: np.ndarray, own: float, horizon: float) -> float:
    """Mass served by ``horizon`` of a pure-death chain started with ``weights`` on positions j.

    Position j moves to j−1 at rate ``advance[j]`` (position 0 is served at ``advance[0]``) and
    leaves unserved at rate ``own``. Solved as one matrix-exponential product.
    """
    size = weights.size
    if horizon <= 0 or size == 0:
        return 0.0
    diag = -(advance + own)
    upper = advance[1:]
    a = sparse.lil_matrix((size + 1, size + 1))
    a.setdiag(np.concatenate((diag, [0.0])))
    a.setdiag(np.concatenate((upper, [0.0])), k=1)
    a[size, 0] = advance[0]
    x0 = np.concatenate((weights, [0.0]))
    x = expm_multiply(a.tocsc() * horizon, x0)
    return float(x[-1])


def agents_for_service_level(
    arrival_rate: float,
    handle_time: float,
    threshold: float,
    target: float,
    patience: float = math.inf,
) -> int:
    """Fewest agents whose Erlang C (or Erlang A, with finite patience) service level ≥ ``target``."""
    _check(0 < target < 1, "target must be between 0 and 1")
    load = arrival_rate * handle_time
    n = max(
        1,
        math.floor(load - 3 * math.sqrt(load)) if math.isfinite(patience) else math.floor(load) + 1,
    )
    while True:
        m = erlang_a_metrics(arrival_rate, handle_time, patience, n, threshold)
        if m.service_level >= target:
            return n
        n += 1


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ValueError(message)
