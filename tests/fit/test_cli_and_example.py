"""``cccsim fit`` and ``cccsim backtest`` on the example log; bad logs exit 2 with counts and
examples, never a traceback; the example log is what its documented script makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from experiments.make_example_log import KNOWN, make
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.fit import fit_scenario
from tests.conftest import ROOT

runner = CliRunner()
DATA = ROOT / "scenarios" / "data"
LOG = DATA / "example_contact_log.csv"
AGENTS = DATA / "example_agent_log.csv"


def test_fit_writes_a_scenario_that_runs_and_a_report(tmp_path: Path) -> None:
    out, report = tmp_path / "fitted.yaml", tmp_path / "fit.html"
    args = ["fit", str(LOG), "--agent-log", str(AGENTS), "--out", str(out), "--report", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    # the three bad rows the script adds are counted, with their lines
    assert "3 of 4,799 rows dropped" in result.output
    assert "unparsable arrived_at, e.g. line 4798" in result.output
    assert "unknown outcome, e.g. line 4800: outcome='transferred'" in result.output
    sc = cccsim.load_scenario(out)
    assert set(sc.contact_types) == {"voice", "chat"} and sc.horizon == 14 * 86400
    assert cccsim.run_replication(sc, seed=1).summary["offered"].sum() > 0
    page = report.read_text()
    assert "Kaplan–Meier" in page and "QQ plot" in page and "retrial delay" in page


def test_the_example_log_gives_back_its_known_parameters() -> None:
    """Two weeks of a small centre: the estimates are near the parameters the script used,
    within a few standard errors of these sample sizes (about 3,000 answered voice contacts,
    120 abandoned voice contacts that could retry, 500 repeats)."""
    fit = fit_scenario(LOG, agent_log=AGENTS)
    voice, chat = (fit.scenario.contact_types[t] for t in ("voice", "chat"))
    known_voice = KNOWN["contact_types"]["voice"]  # type: ignore[index]
    assert voice.handle_time.dist == "lognormal"
    assert voice.handle_time.mean == pytest.approx(240, rel=0.05)
    assert chat.handle_time.dist == "gamma"
    assert chat.handle_time.mean == pytest.approx(540, rel=0.08)
    assert voice.patience is not None and voice.patience.dist == "exponential"
    assert voice.patience.mean == pytest.approx(120, rel=0.2)
    access = voice.access
    assert access.retrial is not None and access.retrial.after == ["abandoned"]
    assert access.retrial.probability == pytest.approx(0.5, abs=0.15)
    assert access.resolution.first_contact == pytest.approx(
        known_voice["access"]["resolution"]["first_contact"], abs=0.03
    )
    assert access.hours is not None  # refused out of hours in the log: hours inferred
    assert sc_staff(fit.scenario, "web")[16:40] == [1] * 24  # the agent-state log's staffing
    assert fit.scenario.agent_groups["web"].max_concurrent == 3


def sc_staff(sc: cccsim.Scenario, group: str) -> list[int]:
    staff = sc.agent_groups[group].staff
    assert isinstance(staff, list)
    return staff


def test_the_script_makes_a_small_log_like_the_committed_one(tmp_path: Path) -> None:
    contact_path, agent_path = make(tmp_path)
    assert contact_path.stat().st_size < 1_000_000
    made = contact_path.read_text().splitlines()
    committed = LOG.read_text().splitlines()
    assert made[0] == committed[0]  # the same columns
    assert len(made) == pytest.approx(len(committed), rel=0.05)
    assert agent_path.read_text() == AGENTS.read_text()  # staffing is not random


@pytest.mark.slow
def test_backtest_command_prints_coverage_and_writes_its_report(tmp_path: Path) -> None:
    fitted = tmp_path / "fitted.yaml"
    assert (
        runner.invoke(
            app, ["fit", str(LOG), "--agent-log", str(AGENTS), "--out", str(fitted)]
        ).exit_code
        == 0
    )
    report = tmp_path / "backtest.html"
    args = [
        "backtest",
        str(LOG),
        str(fitted),
        "-r",
        "10",
        "--backend",
        "serial",
        "--report",
        str(report),
    ]
    result = runner.invoke(app, args, env={"COLUMNS": "160"})  # KPI names not wrapped
    assert result.exit_code == 0, result.output
    assert "service level" in result.output and "intervals" in result.output
    assert "prediction interval" in report.read_text()


BAD_LOG = (
    "contact_type,arrived_at,answered_at,ended_at,outcome\n"
    + "".join(
        f"voice,2024-03-04 09:{i:02d}:00,,2024-03-04 09:{i:02d}:30,abandoned\n" for i in range(40)
    )
    + "".join(f"voice,04/03/2024 10:{i:02d},,04/03/2024 10:{i:02d},left\n" for i in range(50))
)


def test_a_bad_log_exits_2_with_counts_and_examples(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD_LOG)
    proc = subprocess.run(
        [sys.executable, "-m", "cccsim", "fit", str(path), "--out", str(tmp_path / "x.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "only 40 of 90 rows are usable" in proc.stderr
    assert "50 rows: unparsable arrived_at" in proc.stderr and "line 42" in proc.stderr
    assert not (tmp_path / "x.yaml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--columns", "arrived_at"], "expected name=value pairs"),
        (["--columns", "arrived_at=Begin"], "does not have"),
        (["--timezone", "Nowhere/City"], "unknown time zone"),
        (["--interval", "7min"], "divide a day"),
        (["--threshold", "fax=20s"], "no contact type fax"),
    ],
)
def test_bad_options_exit_2_with_a_message(args: list[str], message: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["fit", str(LOG), "--out", str(tmp_path / "x.yaml"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_a_log_without_the_required_columns_names_them(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(LOG.read_text().replace("arrived_at", "StartTime", 1))
    result = runner.invoke(app, ["fit", str(path), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2
    assert "missing column arrived_at" in result.output and "--columns arrived_at=" in result.output
    mapped = runner.invoke(
        app,
        ["fit", str(path), "--out", str(tmp_path / "x.yaml"), "--columns", "arrived_at=StartTime"],
    )
    assert mapped.exit_code == 0, mapped.output
    assert yaml.safe_load((tmp_path / "x.yaml").read_text())["horizon"] == "14d"
