"""The engine reproduces Erlang B, C and A within the replications' confidence intervals.

Each case runs R independent replications (fixed seeds, so the test is deterministic) and
asserts that the exact value lies inside the 99.9 % Student-t interval of the replication means,
and that this interval is narrow enough for the check to have teeth (it would catch an error of a
few percent). Warm-up removes the empty-and-idle start.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import cccsim
from cccsim import theory

CONFIDENCE = 0.999


def mmn(
    agents: int,
    load: float,
    handle: float,
    patience: float | None,
    *,
    days: float,
    capacity: int | None = None,
    threshold: float = 20.0,
) -> dict[str, Any]:
    """An M/M/n(+M) scenario with ``load`` Erlangs offered."""
    voice: dict[str, Any] = {
        "channel": "voice",
        "arrivals": {"per_hour": load / handle * 3600},
        "handle_time": {"dist": "exponential", "mean": handle},
        "service_level_threshold": threshold,
    }
    if patience is not None:
        voice["patience"] = {"dist": "exponential", "mean": patience}
    if capacity is not None:
        voice["access"] = {"queue_capacity": capacity}
    return {
        "name": f"M/M/{agents}",
        "horizon": f"{days}d",
        "warmup": "2h",
        "interval": "1h",
        "contact_types": {"voice": voice},
        "agent_groups": {"team": {"skills": ["voice"], "staff": agents}},
    }


def simulate(data: dict[str, Any], replications: int, seed: int = 7) -> cccsim.ExperimentResult:
    return cccsim.replicate(data, replications, seed, backend="serial", confidence=CONFIDENCE)


def assert_covers(exp: cccsim.ExperimentResult, kpi: str, exact: float, max_half: float) -> None:
    if kpi == "occupancy":
        row = exp.group_summary.set_index("kpi").loc["occupancy"]
    else:
        row = exp.summary.set_index("kpi").loc[kpi]
    half = (row.ci_high - row.ci_low) / 2
    assert half < max_half, f"{kpi}: CI half-width {half:.4g} too wide to test anything"
    assert row.ci_low <= exact <= row.ci_high, (
        f"{kpi}: exact {exact:.5g} outside the {CONFIDENCE:.1%} CI [{row.ci_low:.5g}, {row.ci_high:.5g}]"
    )


@pytest.mark.parametrize(("agents", "load", "days"), [(5, 2.0, 40), (20, 15.0, 10)])
def test_erlang_b_small(agents: int, load: float, days: float) -> None:
    exp = simulate(mmn(agents, load, 180, None, days=days, capacity=0), 10)
    assert_covers(exp, "block_rate", theory.erlang_b(agents, load), 0.004)
    m = theory.erlang_b_metrics(load / 180, 180, agents)
    assert_covers(exp, "occupancy", m.occupancy, 0.01)


@pytest.mark.slow
def test_erlang_b_large() -> None:
    exp = simulate(mmn(120, 115.0, 180, None, days=2, capacity=0), 10)
    assert_covers(exp, "block_rate", theory.erlang_b(120, 115.0), 0.005)


def test_erlang_c_small_light() -> None:
    exp = simulate(mmn(3, 1.5, 180, None, days=40), 10)
    m = theory.erlang_c_metrics(1.5 / 180, 180, 3, 20)
    assert_covers(exp, "p_wait", m.p_wait, 0.015)
    assert_covers(exp, "service_level", m.service_level, 0.015)
    assert_covers(exp, "asa", m.asa, 0.15 * m.asa)
    assert_covers(exp, "occupancy", m.occupancy, 0.01)


@pytest.mark.slow
def test_erlang_c_small_heavy() -> None:
    exp = simulate(mmn(5, 4.5, 180, None, days=60), 20)
    m = theory.erlang_c_metrics(4.5 / 180, 180, 5, 20)
    assert_covers(exp, "p_wait", m.p_wait, 0.02)
    assert_covers(exp, "service_level", m.service_level, 0.03)
    assert_covers(exp, "asa", m.asa, 0.12 * m.asa)


def test_erlang_c_large_heavy() -> None:
    exp = simulate(mmn(100, 95.0, 180, None, days=3), 10)
    m = theory.erlang_c_metrics(95 / 180, 180, 100, 20)
    assert_covers(exp, "p_wait", m.p_wait, 0.05)
    assert_covers(exp, "service_level", m.service_level, 0.05)
    assert_covers(exp, "asa", m.asa, 0.25 * m.asa)  # heavy traffic: waits are autocorrelated
    assert_covers(exp, "occupancy", m.occupancy, 0.01)


def test_erlang_a_small_overloaded() -> None:
    """5 agents offered 6 Erlangs; patience = handle time: abandonment keeps it stable."""
    exp = simulate(mmn(5, 6.0, 180, 180, days=20), 10)
    m = theory.erlang_a_metrics(6 / 180, 180, 180, 5, 20)
    assert_covers(exp, "abandon_rate", m.p_abandon, 0.01)
    assert_covers(exp, "asa", m.asa, 0.05 * m.asa)
    assert_covers(exp, "service_level", m.service_level, 0.01)
    assert_covers(exp, "p_wait", m.p_wait, 0.01)
    assert_covers(exp, "occupancy", m.occupancy, 0.01)


def test_erlang_a_published_v4() -> None:
    """The V4 case (CCmath): λ = 4/min, AHT 3 min, patience 1 min, 14 agents."""
    exp = simulate(mmn(14, 12.0, 180, 60, days=8), 10)
    m = theory.erlang_a_metrics(4 / 60, 180, 60, 14, 20)
    assert_covers(exp, "abandon_rate", m.p_abandon, 0.0065)
    assert_covers(exp, "service_level", m.service_level, 0.01)
    assert_covers(exp, "asa", m.asa, 0.1 * m.asa)
    assert_covers(exp, "occupancy", m.occupancy, 0.01)
    # abandonment identity, simulated: P(abandon) = θ · E[wait over all arrivals]
    s = exp.replications
    assert (s.abandon_rate - s.mean_wait / 60).abs().max() < 0.004
    # Little's law: mean queue length = λ · mean wait over all arrivals
    little = (s.mean_queue - (4 / 60) * s.mean_wait).abs() / s.mean_queue
    assert little.max() < 0.02


@pytest.mark.slow
def test_erlang_a_large_overloaded() -> None:
    """100 agents offered 105 Erlangs, patience 10 min."""
    exp = simulate(mmn(100, 105.0, 180, 600, days=2), 20)
    m = theory.erlang_a_metrics(105 / 180, 180, 600, 100, 20)
    assert_covers(exp, "abandon_rate", m.p_abandon, 0.01)
    assert_covers(exp, "asa", m.asa, 0.12 * m.asa)
    assert_covers(exp, "service_level", m.service_level, 0.03)
    assert_covers(exp, "occupancy", m.occupancy, 0.005)


def test_more_patience_tends_to_erlang_c_in_simulation() -> None:
    """With patience 1,000× the handle time the simulation matches Erlang C's P(wait)."""
    exp = simulate(mmn(10, 7.0, 180, 180_000, days=10), 10)
    m = theory.erlang_c_metrics(7 / 180, 180, 10, 20)
    assert_covers(exp, "p_wait", m.p_wait, 0.02)
    assert math.isfinite(m.asa)
