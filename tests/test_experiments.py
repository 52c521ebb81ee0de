"""Comparisons, sweeps, shards and resume, interruptions, and a real Dask cluster on loopback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cccsim
import cccsim.experiment.runner as runner
from cccsim.experiment.identity import StaleResultsWarning
from tests.conftest import ROOT

ERLANG = ROOT / "scenarios" / "erlang_check.yaml"


def short() -> cccsim.Scenario:
    return cccsim.load_scenario(ERLANG, overrides={"horizon": "8h", "warmup": "1h"})


def test_paired_comparison_finds_five_more_agents_better() -> None:
    base = short()
    more = cccsim.load_scenario(base, overrides={"agent_groups.team.staff": 19})
    exp = cccsim.compare({"base": base, "plus5": more}, replications=8, seed=1, backend="serial")
    d = exp.differences.set_index(["contact_type", "kpi"])
    sl, asa = d.loc[("voice", "service_level")], d.loc[("voice", "asa")]
    assert sl.mean_difference > 0 and sl.ci_low > 0 and sl.verdict == "better"
    assert asa.mean_difference < 0 and asa.ci_high < 0 and asa.verdict == "better"
    assert sl.confidence_better > 0.99
    # common random numbers: every replication offered the same contacts to both options
    reps = exp.replications.pivot_table(index="replication", columns="scenario", values="offered")
    assert (reps["base"] == reps["plus5"]).all()


def test_comparing_a_scenario_with_itself_finds_no_difference() -> None:
    base = short()
    exp = cccsim.compare({"a": base, "b": base}, replications=4, seed=2, backend="serial")
    assert (exp.differences.mean_difference.fillna(0) == 0).all()
    assert set(exp.differences.verdict) <= {"no clear difference", ""}


def test_sweep_has_a_column_per_factor_and_shares_seeds() -> None:
    exp = cccsim.sweep(
        short(),
        {
            "agent_groups.team.staff": [12, 14, 16],
            "contact_types.voice.service_level_threshold": ["20s", "30s"],
        },
        replications=3,
        seed=4,
        backend="serial",
    )
    assert exp.factors == ["agent_groups.team.staff", "contact_types.voice.service_level_threshold"]
    sl = exp.summary[exp.summary.kpi == "service_level"]
    assert len(sl) == 6
    by_staff = sl[sl["contact_types.voice.service_level_threshold"] == "20s"].set_index(
        "agent_groups.team.staff"
    )["mean"]
    assert by_staff[12] < by_staff[14] < by_staff[16]
    offered = exp.replications.groupby("replication").offered.nunique()
    assert (offered == 1).all()  # the same contacts at every point


def test_bad_factor_path_names_the_field() -> None:
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.sweep(short(), {"agent_groups.team.staf": [1]}, replications=1, backend="serial")
    assert "agent_groups.team.staf" in str(caught.value)


def test_interrupted_run_resumes_without_recomputing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sc = short()
    calls: list[int] = []
    real = runner.run_replication

    def counting(scenario, seed, **options):  # type: ignore[no-untyped-def]
        calls.append(seed.spawn_key[0])
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(scenario, seed, **options)

    monkeypatch.setattr(runner, "run_replication", counting)
    with pytest.raises(cccsim.ExperimentInterrupted) as stop:
        cccsim.replicate(sc, 6, seed=9, backend="serial", out=tmp_path)
    assert stop.value.done == 3
    shards = sorted(p.name for p in tmp_path.glob("point=*/replication=*"))
    assert shards == ["replication=0", "replication=1", "replication=2"]
    assert stop.value.partial.provenance["replications"][sc.name] == 3
    calls.clear()
    resumed = cccsim.replicate(sc, 6, seed=9, backend="serial", out=tmp_path)
    assert calls == [3, 4, 5]  # only the missing replications ran
    monkeypatch.setattr(runner, "run_replication", real)
    fresh = cccsim.replicate(sc, 6, seed=9, backend="serial", keep_contacts=True)
    pd.testing.assert_frame_equal(resumed.replications, fresh.replications)
    assert resumed.journeys is not None and fresh.journeys is not None
    pd.testing.assert_frame_equal(resumed.journeys, fresh.journeys)  # kept in the shards too
    assert not list(tmp_path.rglob(".*"))  # no half-written shards or contacts left behind
    # contacts were streamed into the shards; read back they equal the in-memory ones
    again = cccsim.replicate(sc, 6, seed=9, backend="serial", out=tmp_path, keep_contacts=True)
    assert again.contacts is not None and fresh.contacts is not None
    pd.testing.assert_frame_equal(again.contacts, fresh.contacts)


def test_out_folder_of_another_scenario_is_recomputed_not_mixed(tmp_path: Path) -> None:
    sc = short()
    cccsim.replicate(sc, 1, seed=1, backend="serial", out=tmp_path)
    other = cccsim.load_scenario(sc, overrides={"agent_groups.team.staff": 20})
    with pytest.warns(StaleResultsWarning, match="the scenario changed"):
        redone = cccsim.replicate(other, 2, seed=1, backend="serial", out=tmp_path)
    fresh = cccsim.replicate(other, 2, seed=1, backend="serial")
    pd.testing.assert_frame_equal(redone.replications, fresh.replications)


def test_failing_replication_is_reported_with_its_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(scenario, seed, **options):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "run_replication", broken)
    with pytest.raises(cccsim.ExperimentError, match=r"replication 0 .*seed 5.*boom"):
        cccsim.replicate(short(), 2, seed=5, backend="serial")


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_results() -> None:
    """A real Dask cluster (two worker processes on 127.0.0.1) versus serial: same numbers."""
    import distributed  # in the test extras: a missing install must fail, not skip

    sc = short()
    serial = cccsim.replicate(sc, 4, seed=6, backend="serial")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        remote = cccsim.replicate(sc, 4, seed=6, cluster=cluster.scheduler_address)
    pd.testing.assert_frame_equal(serial.replications, remote.replications)
    pd.testing.assert_frame_equal(serial.summary, remote.summary)
    started = cccsim.replicate(
        sc, 2, seed=6, backend="dask", workers=1
    )  # a LocalCluster of its own
    pd.testing.assert_frame_equal(
        started.replications, serial.replications[serial.replications.replication < 2]
    )
