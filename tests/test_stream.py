"""Records streamed to disk during a run give the same frames as records kept in memory, and the
file holds every contact exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import cccsim
from cccsim.engine import run_into
from cccsim.model import build_model
from cccsim.records import Records
from cccsim.stats.tally import Tally, tally
from cccsim.stream import ContactsStream
from tests.conftest import SCENARIOS
from tests.engine.test_invariants import scenarios

KPI_FRAMES = (
    "intervals",
    "groups",
    "group_intervals",
    "summary",
    "targets",
    "journeys",
    "ivr",
    "target_intervals",
    "waits",
)


def assert_same_result(memory: Any, streamed: Any, contacts_file: Path) -> None:
    """Every KPI frame equal (to float rounding), and the file = the in-memory contacts."""
    for name in KPI_FRAMES:
        assert_frame_equal(
            getattr(memory, name), getattr(streamed, name), rtol=1e-9, atol=1e-6, obj=name
        )
    assert len(streamed.contacts) == 0
    if contacts_file.suffix == ".csv":
        read = pd.read_csv(contacts_file).sort_values("contact_id", ignore_index=True)
        want = memory.contacts.astype(
            {c: object for c in memory.contacts.select_dtypes("category").columns}
        )
        assert_frame_equal(want, read, check_dtype=False, rtol=1e-12)
        return
    read = pd.read_parquet(contacts_file)
    if len(read) == 0:  # an empty file keeps no categories
        assert list(read.columns) == list(memory.contacts.columns) and len(memory.contacts) == 0
        return
    assert_frame_equal(memory.contacts, read.sort_values("contact_id", ignore_index=True))
    # missing values are Parquet nulls (as pandas writes them), not NaN values other tools count
    table = pq.read_table(contacts_file)
    for name in ("answered_at", "handle_time", "agent_group"):
        assert table.column(name).null_count == memory.contacts[name].isna().sum(), name


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_scenarios_stream_to_the_same_frames(path: Path, tmp_path: Path) -> None:
    sc = cccsim.load_scenario(path)
    memory = cccsim.run_replication(sc, 5)
    file = tmp_path / "contacts.parquet"
    streamed = cccsim.run_replication(sc, 5, contacts_to=file)
    assert_same_result(memory, streamed, file)
    assert streamed.provenance["contacts_file"] == str(file)
    assert streamed.provenance["n_contacts"] == memory.provenance["n_contacts"]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def with_contract(data: dict[str, Any], warmup_minutes: int) -> dict[str, Any]:
    """The generated scenario with a warm-up that cuts an interval and targets of every kind."""
    t = next(iter(data["contact_types"]))
    group = next(iter(data["agent_groups"]))
    targets: list[dict[str, Any]] = [
        {"kpi": "service_level", "per": "period", "at_least": 0.8, "threshold": 20},
        {"kpi": "service_level", "per": "interval", "at_least": 0.8, "over": "answered"},
        {"kpi": "abandon_rate", "per": "day", "at_most": 0.1, "short_abandon": 5},
        {"kpi": "wait_over", "per": "interval", "at_most": 0.2, "threshold": 30},
        {"kpi": "asa", "per": "period", "at_most": 60},
        {"kpi": "aht", "per": "interval", "at_most": 400},
        {"kpi": "p_wait", "per": "day", "at_most": 0.5},
        {"kpi": "block_rate", "per": "interval", "at_most": 0.1},
        {"kpi": "closed_rate", "per": "period", "at_most": 0.1},
        {"kpi": "balk_rate", "per": "period", "at_most": 0.1},
        {
            "kpi": "service_level",
            "per": "period",
            "at_least": 0.8,
            "clock": "business_hours",
            "business_hours": {"all": "01:00-02:00"},
        },
    ]
    targets = [{"contact_type": t, **target} for target in targets]
    targets.append({"agent_group": group, "kpi": "occupancy", "per": "interval", "at_most": 0.9})
    return {**data, "warmup": f"{warmup_minutes}min", "targets": targets}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1), st.sampled_from([0, 30, 90]))
def test_streamed_tallies_add_up_to_the_whole(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any], seed: int, warmup: int
) -> None:
    """On generated scenarios (some spanning days, so several parts), with a warm-up that cuts
    an interval and targets of every kind: the parts' tallies give the frames of the whole."""
    if warmup:
        data = with_contract(data, warmup)
    sc = cccsim.load_scenario(data)
    memory = cccsim.run_replication(sc, seed)
    file = tmp_path_factory.mktemp("stream") / "contacts.parquet"
    streamed = cccsim.run_replication(sc, seed, contacts_to=file)
    assert_same_result(memory, streamed, file)


def test_csv_stream(tmp_path: Path) -> None:
    sc = cccsim.load_scenario(SCENARIOS[0])
    memory = cccsim.run_replication(sc, 2)
    file = tmp_path / "contacts.csv"
    streamed = cccsim.run_replication(sc, 2, contacts_to=file)
    assert_same_result(memory, streamed, file)


def test_a_failed_run_leaves_no_file(tmp_path: Path) -> None:
    """A run that dies part-way leaves neither the file nor its temporary behind."""
    sc = cccsim.load_scenario({**_two_days(), "name": "dies"})
    model = build_model(sc)
    file = tmp_path / "contacts.parquet"

    class Dies(ContactsStream):
        def add(self, part: Records) -> None:
            super().add(part)
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError), Dies(model, file) as stream:
        run_into(model, 1, stream)
    assert list(tmp_path.iterdir()) == []


def _two_days() -> dict[str, Any]:
    return {
        "horizon": "2d",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 30},
                "handle_time": {"dist": "exponential", "mean": 180},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 3}},
    }


def test_a_part_per_day_and_each_holds_about_a_day() -> None:
    """The engine hands over one part per simulated day; none holds much more than a day."""
    sc = cccsim.load_scenario({**_two_days(), "name": "days", "horizon": "10d"})
    model = build_model(sc)
    sizes: list[int] = []

    class Count:
        def add(self, part: Records) -> None:
            sizes.append(part.n_contacts)

    run_into(model, 3, Count())
    assert len(sizes) == 10
    assert max(sizes) < 1.3 * 30 * 24 and sum(sizes) > 0.9 * 30 * 24 * 10
    assert np.all(np.array(sizes) > 0)


@pytest.mark.parametrize("streamed_as", ["parquet", "csv"])
def test_write_result_keeps_a_contacts_file_streamed_elsewhere(
    streamed_as: str, tmp_path: Path
) -> None:
    """Saving a streamed result to another folder copies (or converts) the streamed file."""
    from cccsim.results import read_result, write_result

    sc = cccsim.load_scenario(SCENARIOS[0])
    file = tmp_path / f"elsewhere.{streamed_as}"
    result = cccsim.run_replication(sc, 3, contacts_to=file)
    write_result(result, tmp_path / "out", "parquet")
    saved = read_result(tmp_path / "out").contacts
    assert len(saved) == result.provenance["n_contacts"] > 0
    assert saved.contact_id.is_unique and file.exists()


@pytest.mark.parametrize("warmup", ["0s", "100min"])  # 100 min cuts a 30-minute interval
def test_parts_tallied_into_the_running_tally_give_the_same_numbers(warmup: str) -> None:
    """The stream adds each day as ``tally(part, into=running)``: bit for bit what adding each
    part's own tally gives, for every sum (targets of every kind, with and without a warm-up
    that splits an interval)."""
    root = Path(__file__).resolve().parents[1]
    model = build_model(
        cccsim.load_scenario(
            root / "scenarios" / "retail_bank.yaml",
            overrides={"horizon": "3d", "warmup": warmup},
        )
    )
    parts: list[Records] = []

    class Keep:
        def add(self, part: Records) -> None:
            parts.append(part)

    run_into(model, 5, Keep())
    assert len(parts) == 3
    added, into = Tally.empty(model), Tally.empty(model)
    for part in parts:
        added += tally(part)
        tally(part, into=into)
    assert into.n_contacts == added.n_contacts == sum(p.n_contacts for p in parts) > 0
    assert into.n_events == added.n_events
    pairs = [(added.types[k], into.types[k]) for k in added.types]
    for name in ("queue_area", "busy", "staffed", "group_answered", "group_handled_minutes"):
        pairs.append((getattr(added, name), getattr(into, name)))
    pairs += [(added.group_busy, into.group_busy), (added.journeys, into.journeys)]
    for name in ("ivr", "targets", "target_intervals"):
        pairs += zip(getattr(added, name), getattr(into, name), strict=True)
    pairs.append((added.waits, into.waits))
    for a, b in pairs:
        np.testing.assert_array_equal(a, b)
    assert any(t.kpi == "occupancy" for t in model.targets) and added.targets[0][1].sum() > 0
