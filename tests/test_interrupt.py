"""Ctrl-C in a terminal: a real SIGINT to a real ``cccsim run`` stops it promptly on every
backend, leaves no worker behind, and says how many replications finished and where they are."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT

CCCSIM = Path(sys.executable).parent / "cccsim"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def interrupt_run(backend: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Start a run that would take minutes, press Ctrl-C once a few replications are kept."""
    out = tmp_path / "out"
    command = [
        str(CCCSIM),
        "run",
        str(ROOT / "scenarios" / "erlang_check.yaml"),
        "--set",
        "horizon=1d",
        "--set",
        "warmup=0s",
        "-r",
        "2000",
        "--backend",
        backend,
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    # a session of its own: SIGINT goes to the whole group, as a terminal's Ctrl-C does
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 240
    while len(list(out.glob("shards/point=*/replication=*"))) < 2:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no replication finished in 4 minutes"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    pressed = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    took = time.monotonic() - pressed
    while _group_alive(proc.pid) and time.monotonic() - pressed < 30:
        time.sleep(0.1)
    assert not _group_alive(proc.pid), "a worker outlived the interrupted run"
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr), took


def check_what_was_kept(run: subprocess.CompletedProcess[str], tmp_path: Path) -> None:
    assert run.returncode == 130, run.stderr
    assert "Traceback" not in run.stderr
    said = re.search(
        r"interrupted: (\d+) of 2000 replications finished; they are kept in (\S+)/shards",
        run.stderr,
    )
    assert said, run.stderr
    shards = list((tmp_path / "out").glob("shards/point=*/replication=*"))
    assert int(said.group(1)) == len(shards) >= 2  # what it says is what is on disk
    assert len(shards) < 2000


@pytest.mark.parametrize("backend", ["serial", "processes"])
def test_ctrl_c_stops_promptly_and_says_what_was_kept(backend: str, tmp_path: Path) -> None:
    run, took = interrupt_run(backend, tmp_path)
    check_what_was_kept(run, tmp_path)
    assert took < 10, f"took {took:.1f} s to stop"


@pytest.mark.slow
def test_ctrl_c_stops_a_dask_run_promptly(tmp_path: Path) -> None:
    run, took = interrupt_run("dask", tmp_path)
    check_what_was_kept(run, tmp_path)
    # the local cluster's workers get a few seconds to stop before they are killed
    assert took < 15, f"took {took:.1f} s to stop"
