"""Replications: identical numbers on every backend; seeds per replication; CIs behave."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.experiment.executors import resolve_backend
from cccsim.experiment.replicate import PrecisionWarning
from cccsim.rng import replication_seed
from tests.conftest import ROOT

ERLANG = ROOT / "scenarios" / "erlang_check.yaml"


def short(hours: int = 12) -> cccsim.Scenario:
    return cccsim.load_scenario(ERLANG, overrides={"horizon": f"{hours}h", "warmup": "1h"})


def test_serial_and_process_pool_give_identical_results() -> None:
    sc = short()
    serial = cccsim.replicate(sc, 4, seed=3, backend="serial")
    pooled = cccsim.replicate(sc, 4, seed=3, backend="processes", workers=2)
    pd.testing.assert_frame_equal(serial.replications, pooled.replications)
    pd.testing.assert_frame_equal(serial.summary, pooled.summary)
    pd.testing.assert_frame_equal(serial.intervals, pooled.intervals)


def test_same_seed_same_numbers_different_seed_different_numbers() -> None:
    sc = short()
    a = cccsim.run_replication(sc, seed=11)
    b = cccsim.run_replication(sc, seed=11)
    c = cccsim.run_replication(sc, seed=12)
    pd.testing.assert_frame_equal(a.contacts, b.contacts)
    assert not a.contacts.arrived_at.equals(c.contacts.arrived_at)


def test_replications_are_independent_and_reproducible() -> None:
    sc = short()
    exp = cccsim.replicate(sc, 3, seed=5, backend="serial")
    offered = exp.replications.offered.tolist()
    assert len(set(offered)) == 3  # different streams per replication
    alone = cccsim.run_replication(sc, replication_seed(5, 2))  # replication r of seed s, alone
    assert alone.summary.offered.iloc[0] == offered[2]


def test_ci_half_width_shrinks_like_one_over_root_r() -> None:
    sc = short()
    few = (
        cccsim.replicate(sc, 5, seed=1, backend="serial")
        .summary.set_index("kpi")
        .loc["service_level"]
    )
    many = (
        cccsim.replicate(sc, 20, seed=1, backend="serial")
        .summary.set_index("kpi")
        .loc["service_level"]
    )
    ratio = (few.ci_high - few.ci_low) / (many.ci_high - many.ci_low)
    # expected ≈ √(20/5)·t(0.975,4)/t(0.975,19) ≈ 2 × 1.33 = 2.66; allow sampling noise of the std
    assert 1.5 < ratio < 4.5


def test_common_random_numbers_across_staffing() -> None:
    """Scenarios differing only in staff see the very same contacts (arrivals, handle times)."""
    sc = short()
    a = cccsim.run_replication(sc, seed=2)
    b = cccsim.run_replication(
        cccsim.load_scenario(sc, overrides={"agent_groups.team.staff": 16}), seed=2
    )
    np.testing.assert_array_equal(a.contacts.arrived_at, b.contacts.arrived_at)
    assert a.summary.asa.iloc[0] > b.summary.asa.iloc[0]


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(cccsim.ExperimentError, match="unknown backend"):
        resolve_backend("gpu", None, None)
    with pytest.raises(cccsim.ExperimentError):
        cccsim.replicate(short(), 0)
    assert resolve_backend("auto", None, "tcp://somewhere:8786") == "dask"


def test_target_summary_probability_and_verdict() -> None:
    exp = cccsim.replicate(short(), 5, seed=1, backend="serial")
    ts = exp.target_summary.iloc[0]
    assert ts.target == "voice service level ≥ 80% (answered within 20s ÷ offered)"
    assert ts.probability_met == exp.targets.met.sum() / 5
    p = ts.probability_met
    assert ts.verdict == ("met" if p >= 0.9 else "missed" if p <= 0.1 else "at risk")


def test_sequential_stopping_reaches_the_precision() -> None:
    sc = short(6)
    exp = cccsim.replicate(sc, 3, seed=1, backend="serial", precision=0.01, max_replications=60)
    row = exp.summary.set_index("kpi").loc["service_level"]
    assert exp.provenance["precision_met"]
    assert (row.ci_high - row.ci_low) / 2 <= 0.01 * row["mean"]
    assert row.n > 3  # it had to add replications
    with pytest.warns(PrecisionWarning, match=r"cap of 5 replications.*voice service level"):
        capped = cccsim.replicate(
            sc, 3, seed=1, backend="serial", precision=0.001, max_replications=5
        )
    assert capped.provenance["replications"][sc.name] == 5
    assert not capped.provenance["precision_met"]
    (short_kpi,) = capped.provenance["precision"]["short"]
    row = capped.summary.set_index("kpi").loc["service_level"]
    # the half-width and goal come from the CI columns; the n·(h/goal)² rule gives the need
    half = (row.ci_high - row.ci_low) / 2
    assert short_kpi["kpi"] == "service_level" and short_kpi["half_width"] == pytest.approx(half)
    assert short_kpi["goal"] == pytest.approx(0.001 * row["mean"])
    assert short_kpi["needed"] == math.ceil(5 * (half / (0.001 * row["mean"])) ** 2)


def test_precision_progress_counts_over_all_stages() -> None:
    calls: list[tuple[int, int]] = []
    exp = cccsim.replicate(
        short(6),
        3,
        seed=1,
        backend="serial",
        precision=0.02,
        max_replications=40,
        progress=lambda done, total: calls.append((done, total)),
    )
    n = exp.provenance["replications"][exp.summary.scenario.iloc[0]]
    assert n > 3  # it added replications in a second stage
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and dones[-1] == n  # never starts again from zero
    assert calls[-1] == (n, n) and calls[0] == (0, 3)
    assert exp.provenance["precision_met"] and exp.provenance["precision"]["short"] == []


def test_interrupting_a_precision_run_counts_every_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    import cccsim.experiment.runner as runner

    real, calls = runner.run_replication, []

    def stop_at_the_fifth(scenario, seed, **options):  # type: ignore[no-untyped-def]
        calls.append(seed)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(scenario, seed, **options)

    monkeypatch.setattr(runner, "run_replication", stop_at_the_fifth)
    with pytest.raises(cccsim.ExperimentInterrupted) as stop:
        cccsim.replicate(short(6), 3, seed=1, backend="serial", precision=1e-4, max_replications=10)
    # 3 in the first stage, 1 more before Ctrl-C in the second, which asked for 10 in all
    assert (stop.value.done, stop.value.total) == (4, 10)
    assert len(stop.value.partial.replications) == 4
