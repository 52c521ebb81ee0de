"""The command line: every example scenario runs; outputs are written; exit codes are right."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cccsim.cli import app
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_example_scenario_runs(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(path), "--set", "horizon=1d", "--set", "warmup=0s", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "service level" in result.output
    summary = pd.read_parquet(out / "summary.parquet")
    inbound = summary[
        ~summary.contact_type.str.endswith("/callbacks")
    ]  # callback queues take no calls
    assert len(summary) >= 1 and (inbound.offered > 0).all()
    contacts = pd.read_parquet(out / "contacts.parquet")
    assert (contacts.kind != "callback").sum() == summary.offered.sum()  # callbacks are not offered
    provenance = json.loads((out / "result.json").read_text())["provenance"]
    assert provenance["seed"] == 1 and len(provenance["scenario_hash"]) == 16


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_one_run_streams_its_contacts_to_out(fmt: str, tmp_path: Path) -> None:
    """``run --out`` writes the contacts during the run; the files, the saved result and the
    report's wait figure all have them."""
    out = tmp_path / "out"
    html = tmp_path / "r.html"
    path = ROOT / "scenarios" / "public_service.yaml"
    args = ["run", str(path), "--out", str(out), "--format", fmt, "--report", str(html)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    contacts = read(out / f"contacts.{fmt}")
    provenance = json.loads((out / "result.json").read_text())["provenance"]
    assert len(contacts) == provenance["n_contacts"] > 0
    assert contacts.contact_id.is_unique
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert "Waiting" in html.read_text()
    from cccsim.results import read_result

    assert len(read_result(out).contacts) == len(contacts)


def test_retail_bank_full_week_prints_kpis_per_type() -> None:
    result = runner.invoke(app, ["run", str(ROOT / "scenarios" / "retail_bank.yaml")])
    assert result.exit_code == 0, result.output
    for word in ("voice", "chat", "email", "inhouse", "outsourcer", "Targets"):
        assert word in result.output


def test_replications_print_confidence_intervals_and_csv(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            str(ROOT / "scenarios" / "erlang_check.yaml"),
            "-r",
            "3",
            "--backend",
            "serial",
            "--set",
            "horizon=2d",
            "--out",
            str(tmp_path),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "confidence interval" in result.output
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert set(summary.kpi) >= {"service_level", "asa", "abandon_rate"}
    assert (summary[summary.kpi.isin(["service_level", "asa", "abandon_rate"])].n == 3).all()


def test_validate_and_schema(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(ROOT / "scenarios" / "retail_bank.yaml")])
    assert result.exit_code == 0 and "valid" in result.output
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "schema.json")])
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "schema.json").read_text())
    assert "contact_types" in schema["properties"]
    # field docstrings become descriptions
    assert "priority order" in json.dumps(schema)


def test_erlang_command_matches_theory() -> None:
    result = runner.invoke(
        app,
        [
            "erlang",
            "--per-hour",
            "240",
            "--aht",
            "3min",
            "--agents",
            "14",
            "--patience",
            "1min",
            "--target",
            "0.8",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "86.2%" in result.output and "7.4%" in result.output
    assert "fewest agents" in result.output and ": 13" in result.output
    bad = runner.invoke(app, ["erlang", "--per-hour", "240", "--aht", "soon"])
    assert bad.exit_code == 2


def test_bad_format_exits_2() -> None:
    result = runner.invoke(
        app, ["run", str(ROOT / "scenarios" / "erlang_check.yaml"), "--format", "xlsx"]
    )
    assert result.exit_code == 2


def test_real_process_no_traceback_and_exit_codes(tmp_path: Path) -> None:
    """The installed entry point (python -m cccsim) in a real process: exit 2, one message."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhorizon: 1d\ncontact_types: {}\nagent_groups: {}\n")
    proc = subprocess.run(
        [sys.executable, "-m", "cccsim", "validate", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "contact_types" in proc.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "cccsim", "--version"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "cccsim" in ok.stdout


def test_compare_command_prints_paired_differences(tmp_path: Path) -> None:
    base = ROOT / "scenarios" / "erlang_check.yaml"
    more = tmp_path / "more_staff.yaml"
    more.write_text(base.read_text().replace("staff: 14", "staff: 18"))
    result = runner.invoke(
        app,
        [
            "compare",
            str(base),
            str(more),
            "-r",
            "4",
            "--backend",
            "serial",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Differences against the baseline" in result.output and "better" in result.output
    differences = pd.read_parquet(tmp_path / "o" / "differences.parquet")
    assert set(differences.scenario) == {"more_staff"} and set(differences.baseline) == {
        "erlang_check"
    }
    bad = runner.invoke(app, ["compare", str(base)])
    assert bad.exit_code == 2


def test_sweep_command(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sweep",
            str(ROOT / "scenarios" / "erlang_check.yaml"),
            "--factor",
            "agent_groups.team.staff=13,15",
            "-r",
            "2",
            "--backend",
            "serial",
            "--set",
            "horizon=1d",
            "--set",
            "warmup=0s",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Sweep" in result.output
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    assert sorted(summary["agent_groups.team.staff"].unique()) == [13, 15]
    bad = runner.invoke(
        app, ["sweep", str(ROOT / "scenarios" / "erlang_check.yaml"), "--factor", "nonsense"]
    )
    assert bad.exit_code == 2


def test_run_with_out_resumes_from_shards(tmp_path: Path) -> None:
    args = [
        "run",
        str(ROOT / "scenarios" / "erlang_check.yaml"),
        "-r",
        "3",
        "--backend",
        "serial",
        "--set",
        "horizon=1d",
        "--set",
        "warmup=0s",
        "--out",
        str(tmp_path),
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    shards = sorted(tmp_path.glob("shards/point=*/replication=*"))
    assert len(shards) == 3
    stamps = [s.stat().st_mtime_ns for s in shards]
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    assert [s.stat().st_mtime_ns for s in shards] == stamps  # read back, not rewritten


def test_compare_variants_of_one_scenario() -> None:
    base = str(ROOT / "scenarios" / "erlang_check.yaml")
    result = runner.invoke(
        app,
        [
            "compare",
            base,
            "--variant",
            "more staff: agent_groups.team.staff=17",
            "--variant",
            "short horizon and staff: agent_groups.team.staff=12; warmup=0s",
            "-r",
            "2",
            "--backend",
            "serial",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "more staff" in result.output and "better" in result.output
    bad = runner.invoke(app, ["compare", base, "--variant", "no colon here"])
    assert bad.exit_code == 2 and "--variant" in bad.stderr


def test_erlang_blocking_matches_erlang_b() -> None:
    """40 calls/h × 3 min = 2 Erlangs on 5 lines with no queue: B(5, 2) = 3.67 % blocked."""
    result = runner.invoke(
        app, ["erlang", "--per-hour", "40", "--aht", "3min", "--agents", "5", "--blocking"]
    )
    assert result.exit_code == 0, result.output
    assert "Erlang B" in result.output and "3.7%" in result.output


TINY = """
name: tiny
horizon: 4h
interval: 1h
contact_types:
  voice:
    channel: voice
    arrivals: {per_hour: 120}
    handle_time: {dist: exponential, mean: 2min}
    patience: {dist: exponential, mean: 3min}
    service_level_threshold: 20s
agent_groups:
  team: {skills: [voice], staff: 4, cost: {per_staffed_hour: 30}}
targets:
  - {contact_type: voice, kpi: service_level, at_least: 0.6, penalty: {flat: 50}}
"""


def test_compare_prints_targets_total_costs_and_the_cheapest_compliant_option(
    tmp_path: Path,
) -> None:
    """4 agents for 4 erlangs cost least but miss 60 % within 20 s (and pay a €50 penalty);
    7 and 10 agents meet it in every replication: 7 is the cheapest compliant option, and the
    report's first screen says so."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    report = tmp_path / "r.html"
    args = ["compare", str(path), "-v", "mid: agent_groups.team.staff=7"]
    args += ["-v", "rich: agent_groups.team.staff=10", "-r", "5", "--backend", "serial"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "o"), "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Targets" in text and "Total cost per contract period" in text
    assert "Cheapest option meeting every target (P(met) ≥ 90%): mid" in text
    options = pd.read_parquet(tmp_path / "o" / "options.parquet")
    assert options.scenario.tolist() == ["mid", "rich", "tiny"]
    # 7 agents × 4 h × €30; 10 × 4 × 30; 4 × 4 × 30 + the €50 penalty of every period
    assert options.total_cost.tolist() == pytest.approx([840, 1200, 530])
    assert options.cheapest_compliant.tolist() == [True, False, False]
    page = report.read_text()
    first_screen = page[: page.index("Options compared")]
    assert "Cheapest option meeting every target (P(met) ≥ 90%): <b>mid</b>" in first_screen
    assert "P(met)" in first_screen and "total cost per period" in first_screen


def test_sweep_names_the_cheapest_compliant_point(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    args = ["sweep", str(path), "-f", "agent_groups.team.staff=4,7,10", "-r", "5"]
    result = runner.invoke(app, [*args, "--backend", "serial"])
    assert result.exit_code == 0, result.output
    assert "Options by total cost" in result.output and "Targets" in result.output
    assert "Cheapest option meeting every target (P(met) ≥ 90%): agent_groups.team.staff=7" in (
        result.output
    )
