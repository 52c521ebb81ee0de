"""Degenerate but valid scenarios run and report sensibly (and their reports render)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.report import render_report


def base(**voice: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "channel": "voice",
        "arrivals": {"per_hour": 120},
        "handle_time": {"dist": "exponential", "mean": 180},
        "patience": {"dist": "exponential", "mean": 120},
    }
    spec.update(voice)
    return {
        "name": "degenerate",
        "horizon": "1d",
        "interval": "1h",
        "contact_types": {
            "voice": spec,
            "mail": {
                "channel": "email",
                "arrivals": {"per_hour": 5},
                "handle_time": {"dist": "gamma", "mean": 300, "cv": 0.5},
            },
        },
        "agent_groups": {"team": {"skills": ["voice", "mail"], "staff": 8}},
        "targets": [{"contact_type": "voice", "kpi": "service_level", "at_least": 0.8}],
    }


def run(data: dict[str, Any]) -> cccsim.ReplicationResult:
    result = cccsim.run_replication(cccsim.load_scenario(data), seed=1)
    body = render_report(result).split("</head>", 1)[1]  # plotly.js itself says "isNaN"
    assert "<h1>" in body and "nan%" not in body.lower() and ">nan<" not in body.lower()
    return result


def test_zero_arrivals() -> None:
    data = base(arrivals={"per_hour": 0})
    data["contact_types"]["mail"]["arrivals"] = {"per_hour": 0}
    r = run(data)
    assert (r.summary.offered == 0).all()
    assert math.isnan(r.summary.service_level.iloc[0])
    assert r.targets.met.tolist() == [False]  # nothing offered: the promise cannot be shown kept
    assert r.groups.occupancy.iloc[0] == 0


def test_zero_staff_everything_abandons_or_waits() -> None:
    data = base()
    data["agent_groups"]["team"]["staff"] = 0
    r = run(data)
    s = r.summary.set_index("contact_type")
    assert (
        s.loc["voice", "answered"] == 0
        and s.loc["voice", "abandoned"] + s.loc["voice", "open"] == s.loc["voice", "offered"]
    )
    assert s.loc["mail", "open"] == s.loc["mail", "offered"]  # email never abandons: all still open
    assert math.isnan(r.groups.occupancy.iloc[0])


def test_channel_closed_all_day_has_no_answers() -> None:
    data = base()
    data["agent_groups"]["team"]["staff"] = [0] * 24
    r = run(data)
    assert r.summary.answered.sum() == 0


def test_load_far_above_capacity() -> None:
    r = run(base(arrivals={"per_hour": 6000}))
    s = r.summary.set_index("contact_type").loc["voice"]
    assert s.abandon_rate > 0.8 and s.answered > 0
    assert r.groups.occupancy.iloc[0] > 0.95


def test_patience_zero_abandons_unless_answered_at_once() -> None:
    r = run(base(patience={"dist": "deterministic", "value": 0}))
    c = r.contacts[r.contacts.contact_type == "voice"]
    assert (c.wait_time == 0).all()
    assert set(c.outcome.astype(str)) <= {"answered", "abandoned"}


def test_ten_thousand_agents() -> None:
    data = base(arrivals={"per_hour": 150_000})
    data["agent_groups"]["team"]["staff"] = 10_000
    data["horizon"] = "2h"
    r = run(data)
    s = r.summary.set_index("contact_type").loc["voice"]
    assert s.offered > 250_000 and s.service_level > 0.95
    assert r.groups.mean_agents.iloc[0] == pytest.approx(10_000)


@pytest.mark.slow
def test_a_365_day_horizon_with_records_streamed_to_disk(tmp_path: Path) -> None:
    """A year in hourly intervals, the contacts written a day at a time as the run goes: one
    row group per simulated day, every contact once, and the same KPIs as a run in memory."""
    import pyarrow.parquet as pq

    data = base(arrivals={"per_hour": 40})
    data["horizon"] = "365d"
    data["interval"] = "1h"
    data["warmup"] = "90min"  # cuts an interval: the window is still a union of tallied bins
    sc = cccsim.load_scenario(data)
    file = tmp_path / "contacts.parquet"
    r = cccsim.run_replication(sc, seed=1, contacts_to=file)
    assert len(r.contacts) == 0
    assert len(r.intervals[r.intervals.contact_type == "voice"]) == 365 * 24
    assert r.summary.offered.iloc[0] == pytest.approx(40 * 24 * 365, rel=0.02)
    assert np.isfinite(r.summary.service_level.iloc[0])
    meta = pq.ParquetFile(file).metadata
    assert meta.num_row_groups == 365 and meta.num_rows == r.provenance["n_contacts"]
    ids = pq.read_table(file, columns=["contact_id"]).column(0).to_numpy()
    assert np.unique(ids).size == ids.size  # every contact exactly once
    memory = cccsim.run_replication(sc, seed=1)
    pd.testing.assert_frame_equal(r.summary, memory.summary, rtol=1e-9)
    pd.testing.assert_frame_equal(r.intervals, memory.intervals, rtol=1e-9, atol=1e-6)


def test_same_seed_gives_byte_identical_parquet(tmp_path: Path) -> None:
    sc = cccsim.load_scenario(base())
    paths = []
    for i, backend in enumerate(("serial", "serial", "processes")):
        exp = cccsim.replicate(sc, 2, seed=4, backend=backend, workers=2, keep_contacts=True)
        out = tmp_path / f"run{i}"
        cccsim.results.write_frames({"contacts": exp.contacts, "summary": exp.replications}, out)
        paths.append(out)
    for name in ("contacts.parquet", "summary.parquet"):
        blobs = {(p / name).read_bytes() for p in paths}
        assert len(blobs) == 1, name
    # contacts streamed into the shards during the run: byte-identical on every backend too
    shards = []
    for i, backend in enumerate(("serial", "processes")):
        out = tmp_path / f"shards{i}"
        cccsim.replicate(sc, 2, seed=4, backend=backend, workers=2, out=out)
        shards.append(sorted(out.glob("point=*/replication=*/*.parquet")))
    assert len(shards[0]) == len(shards[1]) > 2
    for a, b in zip(*shards, strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def test_reservation_larger_than_the_group_starves_only_unprotected_work() -> None:
    """Keeping 20 of 8 agents for voice: email is never taken (open at the horizon), voice is."""
    data = base()
    data["routing_policy"] = {"reserve": [{"group": "team", "agents": 20, "protect": ["voice"]}]}
    r = run(data)
    s = r.summary.set_index("contact_type")
    assert s.loc["mail", "answered"] == 0 and s.loc["mail", "open"] == s.loc["mail", "offered"]
    assert s.loc["voice", "answered"] > 0


def test_blending_cap_of_zero_and_an_overflow_that_never_opens() -> None:
    data = base()
    data["agent_groups"]["backup"] = {"skills": ["voice"], "staff": 5}
    data["routing"] = {
        "voice": [{"group": "team"}, {"group": "backup", "when_queue_over": 1_000_000}]
    }
    data["routing_policy"] = {"blending": {"team": {"max_agents": 0}}}
    r = run(data)
    s = r.summary.set_index("contact_type")
    assert s.loc["mail", "answered"] == 0
    g = r.groups.set_index("agent_group")
    assert g.loc["backup", "answered"] == 0 and g.loc["backup", "occupancy"] == 0


def test_staffing_search_with_nothing_to_staff() -> None:
    """No arrivals: the search needs no agents and converges at once."""
    data = base(arrivals={"per_hour": 0})
    plan = cccsim.search_staffing(data, replications=2, seed=1)
    assert plan.converged and (plan.staff.agents == 0).all()
