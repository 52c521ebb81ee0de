"""The research scripts in experiments/ run end to end (quick mode) and write their reports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = [
    "outsourcing_tradeoff",
    "callbacks_vs_staff",
    "staffing_frontier",
    "theory_validation",
    "routing_policies",
    "staffing_plan",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", SCRIPTS)
def test_script_runs_and_writes_its_report(name: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / f"{name}.py"),
            "--quick",
            "--backend",
            "serial",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / f"{name}.html").stat().st_size > 100_000
