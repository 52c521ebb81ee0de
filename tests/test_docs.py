"""The docs stay in sync with the code."""

from __future__ import annotations

from cccsim.scenario.reference import render_reference
from cccsim.stats.kpis import KPI_COLUMNS
from tests.conftest import ROOT


def test_scenario_reference_is_generated_from_the_models() -> None:
    committed = (ROOT / "docs" / "reference" / "scenario.md").read_text()
    assert committed == render_reference() + "\n", (
        "run: cccsim schema --markdown --out docs/reference/scenario.md"
    )


def test_every_kpi_column_is_documented() -> None:
    text = (ROOT / "docs" / "reference" / "results.md").read_text()
    for column in KPI_COLUMNS:
        assert f"`{column}`" in text


# ----------------------------------------------------------------------------- commands in the docs

import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import typer  # noqa: E402

from cccsim.cli import app  # noqa: E402

FENCE = re.compile(r"```(bash|python)\n(.*?)```", re.S)
# set-up commands CI itself runs (installs, the test suite) and ones that need a cluster address
NOT_RUN = ("pip install", "pytest", "--cluster", "dask_jobqueue", "python3 -m venv")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def documented(path: Path) -> tuple[list[str], str]:
    """The shell commands (cccsim …, python …) and the Python code of one Markdown file."""
    commands, code = [], []
    for lang, body in FENCE.findall(path.read_text()):
        if any(marker in body for marker in ("dask_jobqueue",)):
            continue
        if lang == "python":
            code.append(body)
            continue
        for line in body.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()
            if line.startswith(("cccsim ", "python ")) and not any(m in line for m in NOT_RUN):
                commands.append(line)
    return commands, "\n".join(code)


@pytest.mark.slow
@pytest.mark.parametrize("doc", DOCS, ids=[str(p.relative_to(ROOT)) for p in DOCS])
def test_every_command_in_the_docs_runs(doc: Path, tmp_path: Path) -> None:
    commands, code = documented(doc)
    if not commands and not code:
        return  # nothing to run in this page
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        proc = subprocess.run(
            command, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, f"{doc.name}: {command}\n{proc.stderr[-1500:]}"
    if code:
        # as a reader would: the page's snippets saved as a script, no __main__ guard, run by path
        script = tmp_path / f"{doc.stem}_snippets.py"
        script.write_text(code)
        proc = subprocess.run(
            [sys.executable, script.name],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, f"{doc.name} Python:\n{proc.stderr[-1500:]}"


def test_cli_reference_names_every_command_and_option() -> None:
    text = (ROOT / "docs" / "reference" / "cli.md").read_text()
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"`{name}" in text, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in text, f"{name} {opt}"


def test_docs_follow_the_four_parts() -> None:
    for folder in ("guides", "reference", "background"):
        assert list((ROOT / "docs" / folder).glob("*.md")), folder
    assert (ROOT / "docs" / "tutorial.md").exists()


def test_shown_outputs_are_what_the_commands_print() -> None:
    """A block after ``<!-- output: COMMAND -->`` is what COMMAND prints today."""
    import difflib
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_outputs", ROOT / "docs" / "make_outputs.py")
    assert spec is not None and spec.loader is not None
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    shown = [page for page in DOCS if make.SHOWN.search(page.read_text())]
    assert shown  # the tutorial shows the output of its first command
    for page in shown:
        text = page.read_text()
        fresh = make.regenerated(text)
        diff = "\n".join(difflib.unified_diff(text.splitlines(), fresh.splitlines(), lineterm=""))
        assert fresh == text, f"run: python docs/make_outputs.py\n{diff[:3000]}"
