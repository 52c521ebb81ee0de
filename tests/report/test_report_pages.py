"""Every kind of report (one run, replications, a comparison, a sweep, a staffing plan) checked in
a real headless Chromium against an independent list of the sections and figures it must have:
each figure drawn (a screenshot of every panel holds coloured marks), titles inside their figure,
labels that never overlap, the run's confidence, no ``nan``, and a first screen that answers the
client's three questions in words and numbers.

The lists below are written from the issue, not read from the page or the code: a dropped
section or figure fails here."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from typer.testing import CliRunner

from cccsim.cli import app
from tests.conftest import ROOT
from tests.report.conftest import CHROMIUM_ARGS, chromium_path

runner = CliRunner()

# The base option's own sections, in page order, for the retail bank (voice, chat, email,
# callbacks and retrials): the same for every kind of report.
BANK = {
    "intraday": ["service_level", "volume", "asa", "staffing"],
    "waiting": ["waits"],
    "agents": ["occupancy", "work_share"],
    "deferred_work": ["deferred_response", "backlog"],
    "journeys": ["journeys"],
    "provenance": [],
}
SINGLE_RUN = {"verdict": [], **BANK}
REPLICATED = {"verdict": [], **BANK}
COMPARISON = {"verdict": [], "options": ["options", "differences", "cost_frontier"], **BANK}
SWEEP = {"verdict": [], "options": ["sweep", "cost_frontier"], **BANK}
# insurer_blended: voice (with a vulnerable segment), chat and email, no callbacks, retrials,
# repeats or IVR (so no journeys); the plan's figures right after the verdict
STAFFING = {
    "verdict": [],
    "staffing_plan": ["staffing_plan", "staffing_targets"],
    "intraday": ["service_level", "volume", "asa", "staffing"],
    "waiting": ["waits"],
    "agents": ["occupancy", "work_share"],
    "deferred_work": ["deferred_response", "backlog"],
    "provenance": [],
}

INK = """async (png) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + png;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) ink++;
  }
  return ink;
}"""
"""Coloured pixels of a PNG: every trace of the report is drawn in colour, while the white
background, the light grid and the grey bands of closed hours are not."""

LAYOUT = """() => [...document.querySelectorAll('[data-figure]')].map(f => {
  const box = f.querySelector('.js-plotly-plot').getBoundingClientRect();
  const title = f.querySelector('.gtitle').getBoundingClientRect();
  const notes = [...f.querySelectorAll('.annotation-text-g')].map(a => {
    const r = a.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
  });
  return {name: f.dataset.figure, box: [box.left, box.top, box.right, box.bottom],
          title: [title.left, title.top, title.right, title.bottom], notes,
          panels: f.querySelectorAll('.nsewdrag').length};
})"""


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    """One Chromium page for the module, every request but local files refused."""
    path = chromium_path()
    with sync_playwright() as p:
        browser: Browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ),
        )
        yield page
        browser.close()


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The retail bank over a Monday and a Tuesday (its data folder linked beside it)."""
    folder = tmp_path_factory.mktemp("bank")
    (folder / "data").symlink_to(ROOT / "scenarios" / "data")
    text = (ROOT / "scenarios" / "retail_bank.yaml").read_text()
    path = folder / "bank.yaml"
    path.write_text(text.replace("horizon: 5d", "horizon: 2d"))
    return path


def cli(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def load(page: Page, path: Path) -> list[str]:
    """Open a report; return the console errors once every figure has rendered."""
    errors: list[str] = []

    def on_console(m: Any) -> None:
        if m.type == "error":
            errors.append(m.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function(
        "[...document.querySelectorAll('[data-figure]')].every(f => f.querySelector('.main-svg'))",
        timeout=60_000,
    )
    page.remove_listener("console", on_console)
    return errors


def check_report(page: Page, path: Path, expected: dict[str, list[str]], shots: Path) -> str:
    """The checks every report passes; returns the first screen's text (the Verdict section)."""
    errors = load(page, path)
    assert not errors, errors
    found = page.evaluate(
        "[...document.querySelectorAll('section')].map(s => [s.dataset.section,"
        " [...s.querySelectorAll('[data-figure]')].map(f => f.dataset.figure)])"
    )
    assert [s for s, _ in found] == list(expected), "sections"
    assert dict(found) == expected, "figures per section"
    for figure in page.evaluate(LAYOUT):
        name, (left, top, right, _) = figure["name"], figure["box"]
        t_left, t_top, t_right, _ = figure["title"]
        assert t_left >= left - 1 and t_right <= right + 1 and t_top >= top - 1, (
            f"{name}: its title runs off the figure"
        )
        notes = figure["notes"]
        for i, a in enumerate(notes):
            for b in notes[i + 1 :]:
                overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                assert min(overlap) <= 0, f"{name}: labels overlap"
    drawn = 0
    for i, panel in enumerate(page.locator("[data-figure] .nsewdrag").all()):
        figure = panel.evaluate("e => e.closest('[data-figure]').dataset.figure")
        png = panel.screenshot(path=str(shots / f"{path.stem}-{i:02d}-{figure}.png"))
        ink = page.evaluate(INK, base64.b64encode(png).decode())
        assert ink >= 100, f"{figure}: panel {i} of {path.name} has no drawn marks ({ink} px)"
        drawn += 1
    assert drawn >= sum(len(v) for v in expected.values())
    text = page.inner_text("body")
    assert not re.search(r"\bnan\b", text, re.IGNORECASE), "nan on the page"
    return page.inner_text("section[data-section='verdict']")


def trace_names(page: Page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('.js-plotly-plot')].flatMap(g => g.data.map(t => t.name))"
        ".filter(n => n)"
    )


def titles(page: Page) -> str:
    return " ".join(
        page.evaluate(
            "[...document.querySelectorAll('.js-plotly-plot')].map(g => g.layout.title.text)"
        )
    )


def test_a_single_run_report(page: Page, bank: Path, tmp_path: Path) -> None:
    report = tmp_path / "single.html"
    cli("run", str(bank), "--report", str(report))
    first = check_report(page, report, SINGLE_RUN, tmp_path)
    # which targets: this run's outcome per target, never a probability of 100 % or 0 %
    assert re.search(r"This run meets \d of 7 targets", first)
    assert "no probability" in first
    p_met = page.evaluate(
        "[...document.querySelectorAll('table.targets tbody tr')].map(r => r.cells[2].innerText)"
    )
    assert p_met == ["–"] * 7
    verdicts = page.evaluate(
        "[...document.querySelectorAll('table.targets .verdict')].map(c => c.innerText)"
    )
    assert set(verdicts) <= {"this run: met", "this run: missed"}
    # the cost: a number per contract period, said to have no interval
    assert re.search(r"Total cost per contract period: [\d,]+ EUR", first)
    assert "one run: no interval" in first


def test_a_replicated_cli_report_at_80_percent(page: Page, bank: Path, tmp_path: Path) -> None:
    """`run -r 3 --confidence 0.8`: the waiting-time chart is there without kept contacts, and
    every interval shown is the run's 80 %, never a hard-coded 95 %."""
    report = tmp_path / "replicated.html"
    cli(
        "run",
        str(bank),
        "-r",
        "3",
        "--backend",
        "serial",
        "--confidence",
        "0.8",
        "--report",
        str(report),
    )
    first = check_report(page, report, REPLICATED, tmp_path)
    assert re.search(r"\d of 7 targets met", first)
    assert "P(met), is at least 80%" in first
    p_met = page.evaluate(
        "[...document.querySelectorAll('table.targets tbody tr')].map(r => r.cells[2].innerText)"
    )
    assert all(re.fullmatch(r"(0|33|67|100)%", p) for p in p_met), p_met
    assert re.search(r"Total cost per contract period: [\d,]+ \[[\d,]+, [\d,]+\] EUR", first)
    assert "with its 80% interval" in first
    bands = [n for n in trace_names(page) if "CI" in n]
    assert bands and all("80% CI" in n for n in bands), bands
    assert not re.search(r"95 ?% (CI|confidence|interval)", titles(page) + page.inner_text("body"))


def test_a_comparison_report(page: Page, bank: Path, tmp_path: Path) -> None:
    report = tmp_path / "comparison.html"
    cli(
        "compare",
        str(bank),
        "--variant",
        "bigger outsourcer: agent_groups.outsourcer.staff=12",
        "-r",
        "3",
        "--backend",
        "serial",
        "--report",
        str(report),
    )
    first = check_report(page, report, COMPARISON, tmp_path)
    # the cheapest option keeping every promise, or the closest, in words
    assert re.search(r"Cheapest option meeting every target|No option meets every target", first)
    assert re.search(r"bank: \d of 7 targets met", first)
    assert re.search(r"bigger outsourcer: \d of 7 targets met", first)
    rows = page.evaluate(
        "[...document.querySelectorAll('table.options tbody tr')].map(r => r.cells[1].innerText)"
    )
    assert len(rows) == 2 and all(re.match(r"[\d,]+\s*\[[\d,]+, [\d,]+\]", r) for r in rows)
    assert "with 90% confidence" in titles(page)


def test_a_sweep_report(page: Page, bank: Path, tmp_path: Path) -> None:
    report = tmp_path / "sweep.html"
    cli(
        "sweep",
        str(bank),
        "--factor",
        "agent_groups.outsourcer.staff=4,12",
        "-r",
        "2",
        "--backend",
        "serial",
        "--report",
        str(report),
    )
    first = check_report(page, report, SWEEP, tmp_path)
    assert re.search(r"Cheapest option meeting every target|No option meets every target", first)
    assert (
        "agent_groups.outsourcer.staff=12" in first and "agent_groups.outsourcer.staff=4" in first
    )
    assert "as agent_groups.outsourcer.staff varies" in titles(page)


def test_a_staffing_report(page: Page, tmp_path: Path) -> None:
    """`cccsim staff --report`: what the plan achieves first (targets, cost), then how it was
    found (agents and targets per interval, shifts), then the plan's own simulation."""
    report = tmp_path / "staffing.html"
    cli(
        "staff",
        str(ROOT / "scenarios" / "insurer_blended.yaml"),
        "--group",
        "inhouse",
        "-r",
        "3",
        "--max-rounds",
        "2",
        "--shifts",
        "--backend",
        "serial",
        "--report",
        str(report),
    )
    first = check_report(page, report, STAFFING, tmp_path)
    assert re.search(r"\d+ of \d+ targets met", first)
    assert re.search(r"Total cost per contract period: [\d,]+ \[[\d,]+, [\d,]+\] EUR", first)
    text = page.inner_text("section[data-section='staffing_plan']")
    assert "agent-hours scheduled" in text and "paid hours" in text
    assert "Agents per interval" in titles(page) and "Targets per interval" in titles(page)
