"""Nothing lost: a killed worker or a crash mid-write never costs finished work or leaves a shard
that a resumed run would trust."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import cccsim
from cccsim.experiment.store import shard_dir
from tests.conftest import ROOT


def short() -> cccsim.Scenario:
    return cccsim.load_scenario(
        ROOT / "scenarios" / "erlang_check.yaml", overrides={"horizon": "6h", "warmup": "0s"}
    )


def _die_on_replication_2(scenario, seed, **options):  # type: ignore[no-untyped-def]
    """Stands in for run_replication in a worker: the process dies on replication 2 half-way
    through streaming its contacts."""
    from cccsim.simulate import run_replication
    from cccsim.stream import ContactsStream

    if seed.spawn_key[0] == 2:
        real_add = ContactsStream.add

        def add_then_die(self, part):  # type: ignore[no-untyped-def]
            real_add(self, part)
            os._exit(9)

        ContactsStream.add = add_then_die  # type: ignore[method-assign]
    return run_replication(scenario, seed, **options)


def test_killed_worker_keeps_finished_shards_and_resume_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from contextlib import contextmanager

    import cccsim.experiment.runner as runner

    @contextmanager
    def forked_pool(*_):  # type: ignore[no-untyped-def]
        # a fork pool: its worker inherits the patched function below (forkserver ones would not)
        with ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("fork")
        ) as pool:
            yield pool

    sc = short()
    monkeypatch.setattr(runner, "run_replication", _die_on_replication_2)
    monkeypatch.setattr(runner, "batch_size", lambda *_: 1)  # one replication per task
    monkeypatch.setattr(runner, "open_executor", forked_pool)
    with pytest.raises(cccsim.ExperimentError, match="lost a worker"):
        cccsim.replicate(sc, 4, seed=1, backend="processes", workers=1, out=tmp_path)
    kept = {p.name for p in tmp_path.glob("point=*/replication=*")}
    assert {"replication=0", "replication=1"} <= kept and "replication=2" not in kept
    assert list(tmp_path.glob("point=*/.contacts-2.streaming-*"))  # the dead run's unfinished file
    monkeypatch.undo()
    resumed = cccsim.replicate(sc, 4, seed=1, backend="serial", out=tmp_path)
    assert not list(tmp_path.rglob("*streaming*"))  # cleared when the point was taken up again
    fresh = cccsim.replicate(sc, 4, seed=1, backend="serial")
    pd.testing.assert_frame_equal(resumed.replications, fresh.replications)


def test_half_written_shard_is_ignored_and_recomputed(tmp_path: Path) -> None:
    sc = short()
    cccsim.replicate(sc, 2, seed=1, backend="serial", out=tmp_path)
    final = shard_dir(tmp_path, sc.name, 1)
    # a crash between writing and renaming leaves only a hidden temporary folder
    crashed = final.parent / f".{final.name}.tmp-dead"
    final.rename(crashed)
    (crashed / "summary.parquet").write_bytes(b"truncated")
    resumed = cccsim.replicate(sc, 2, seed=1, backend="serial", out=tmp_path)
    assert final.is_dir() and not crashed.exists()  # redone, and the debris cleared
    fresh = cccsim.replicate(sc, 2, seed=1, backend="serial")
    pd.testing.assert_frame_equal(resumed.replications, fresh.replications)


def test_report_and_frames_are_written_atomically(tmp_path: Path) -> None:
    result = cccsim.run_replication(short())
    cccsim.write_report(result, tmp_path / "r.html")
    cccsim.results.write_result(result, tmp_path / "out")
    leftovers = [p.name for p in tmp_path.rglob("*") if ".tmp" in p.name]
    assert leftovers == []


WRITER = """
import sys
import cccsim
from cccsim.results import write_result
small = cccsim.load_scenario(sys.argv[1], overrides={"horizon": "6h", "warmup": "0s"})
report = cccsim.run_replication(small, 1)
busy = cccsim.load_scenario(small, overrides={"contact_types.voice.arrivals.per_hour": 20000})
frames = cccsim.run_replication(busy, 1)  # a contacts frame of some 100,000 rows: slow to write
print("ready", flush=True)
while True:  # until killed: rewrite the same report and frames over and over
    cccsim.write_report(report, sys.argv[2] + "/report.html")
    write_result(frames, sys.argv[2] + "/out")
"""


def newest_write(folder: Path, prefix: str) -> int:
    """The latest modification time of any file whose name holds ``prefix`` (0: none), hidden
    temporary files included."""
    times = []
    for p in folder.glob(f"*{prefix}*"):
        try:
            times.append(p.stat().st_mtime_ns)
        except FileNotFoundError:  # renamed away in between
            continue
    return max(times, default=0)


@pytest.mark.parametrize(("folder", "prefix"), [("out", "contacts"), (".", "report")])
def test_a_writer_killed_mid_write_leaves_whole_files(
    tmp_path: Path, folder: str, prefix: str
) -> None:
    """SIGKILL a process that keeps rewriting a report and result frames, the moment it starts
    writing the file again (whatever name it writes to first): every file in place is whole —
    the report ends its HTML, every Parquet file reads — never half a file."""
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WRITER,
            str(ROOT / "scenarios" / "erlang_check.yaml"),
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    watched = tmp_path / folder
    deadline = time.monotonic() + 60
    while not (tmp_path / "out" / "result.json").exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # a first full round is on disk
    before = newest_write(watched, prefix)
    while newest_write(watched, prefix) == before and time.monotonic() < deadline:
        pass  # the next round has started writing it
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert (tmp_path / "report.html").read_text().rstrip().endswith("</html>")
    frames = sorted((tmp_path / "out").glob("*.parquet"))
    assert len(frames) >= 5
    for frame in frames:
        pd.read_parquet(frame)  # a torn file would not read
    result = cccsim.results.read_result(tmp_path / "out")
    assert len(result.summary) > 0
