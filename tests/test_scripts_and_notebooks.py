"""A researcher's first program runs as it is written: an unguarded script run by path, piped to
``python -``, run by IPython, and in a real Jupyter kernel — each with replicate, compare, sweep
and search_staffing on their default arguments and the default (process pool) backend."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROGRAM = f"""\
import cccsim

sc = cccsim.load_scenario({str(ROOT / "scenarios" / "erlang_check.yaml")!r}, overrides={{"horizon": "3h", "warmup": "0s"}})
exp = cccsim.replicate(sc)
more = cccsim.load_scenario(sc, overrides={{"agent_groups.team.staff": 16}})
cmp = cccsim.compare({{"today": sc, "more staff": more}})
swp = cccsim.sweep(sc, {{"agent_groups.team.staff": [13, 15]}})
plan = cccsim.search_staffing(sc)
counts = [*exp.provenance["replications"].values(), *cmp.provenance["replications"].values()]
counts += swp.provenance["replications"].values()
print("ran", counts, plan.result.provenance["replications"])
"""
EXPECTED = "ran [10, 10, 10, 10, 10] {'Erlang A check (M/M/14+M)': 30}"


def run(command: list[str], tmp_path: Path, **options: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython"), "MPLBACKEND": "Agg"}
    return subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, **options
    )  # type: ignore[call-overload]


def test_unguarded_script_run_by_path(tmp_path: Path) -> None:
    (tmp_path / "first.py").write_text(PROGRAM)
    proc = run([sys.executable, "first.py"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert EXPECTED in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_script_piped_to_python_stdin(tmp_path: Path) -> None:
    proc = run([sys.executable, "-"], tmp_path, input=PROGRAM)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert EXPECTED in proc.stdout


@pytest.mark.slow
def test_script_run_by_ipython(tmp_path: Path) -> None:
    (tmp_path / "first.py").write_text(PROGRAM)
    proc = run([sys.executable, "-m", "IPython", "--quick", "--no-banner", "first.py"], tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert EXPECTED in proc.stdout


@pytest.mark.slow
def test_notebook_in_a_real_jupyter_kernel(tmp_path: Path) -> None:
    """The program's cells in an ipykernel kernel; the last cell shows the result's HTML summary."""
    import nbformat
    from nbclient import NotebookClient

    cells = [nbformat.v4.new_code_cell(PROGRAM), nbformat.v4.new_code_cell("cmp")]
    notebook = nbformat.v4.new_notebook(cells=cells)
    os.environ.setdefault("IPYTHONDIR", str(tmp_path / "ipython"))
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    printed = "".join(o.get("text", "") for o in notebook.cells[0].outputs)
    assert EXPECTED in printed, notebook.cells[0].outputs
    (shown,) = notebook.cells[1].outputs
    page = shown["data"]["text/html"]
    assert page.startswith("<div class='cccsim'>") and "2 options (today, more staff)" in page
    assert "voice service level ≥ 80%" in page  # the targets' verdicts
    assert shown["data"]["text/plain"].startswith("<ExperimentResult: 2 options")
