"""Generated reports in a real headless Chromium: Plotly loads offline, every figure renders,
and the console stays free of errors."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from typer.testing import CliRunner

from cccsim.cli import app
from tests.conftest import ROOT, SCENARIOS

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
runner = CliRunner()


REQUIRE = "CCCSIM_REQUIRE_BROWSER"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get(REQUIRE):
            pytest.fail(
                f"{REQUIRE} is set but no chromium is on the PATH (apt-get install chromium)"
            )
        pytest.skip(
            "no Chromium on the PATH: the report tests open pages in a real headless Chromium "
            f"(Debian/Ubuntu: apt-get install chromium); CI sets {REQUIRE}=1 and runs them"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_report(browser: Browser, path: Path) -> dict[str, object]:
    """Load a report with every network request refused; return what rendered."""
    expected = json.loads(
        re.search(r"name='cccsim-report' content='([^']*)'", path.read_text())
        .group(1)
        .replace("&quot;", '"')
    )["figures"]
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}",
        timeout=30_000,
    )
    found = {
        "plotly": page.evaluate("typeof window.Plotly !== 'undefined'"),
        "figures": page.evaluate("document.querySelectorAll('.js-plotly-plot').length"),
        "expected": expected,
        "titles": page.evaluate(
            "[...document.querySelectorAll('.gtitle')].map(t => t.textContent)"
        ),
        "errors": errors,
    }
    page.close()
    return found


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_example_scenario_report_renders_offline(
    browser: Browser, scenario: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.html"
    result = runner.invoke(
        app,
        [
            "run",
            str(scenario),
            "--set",
            "horizon=2d",
            "--set",
            "warmup=0s",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    found = open_report(browser, report)
    assert found["plotly"] and not found["errors"], found["errors"]
    assert found["figures"] == found["expected"] >= 6
    assert any("service level" in t.lower() or "target" in t for t in found["titles"])  # type: ignore[union-attr]


def test_comparison_and_sweep_reports_render(browser: Browser, tmp_path: Path) -> None:
    base = ROOT / "scenarios" / "erlang_check.yaml"
    more = tmp_path / "more_staff.yaml"
    more.write_text(base.read_text().replace("staff: 14", "staff: 16"))
    common = ["-r", "3", "--backend", "serial", "--set", "horizon=1d", "--set", "warmup=0s"]
    result = runner.invoke(
        app,
        [
            "compare",
            str(base),
            str(more),
            "-r",
            "3",
            "--backend",
            "serial",
            "--report",
            str(tmp_path / "cmp.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    found = open_report(browser, tmp_path / "cmp.html")
    assert not found["errors"] and found["figures"] == found["expected"]
    assert any("Paired differences" in t for t in found["titles"])  # type: ignore[union-attr]
    result = runner.invoke(
        app,
        [
            "sweep",
            str(base),
            "--factor",
            "agent_groups.team.staff=12,14,16",
            *common,
            "--out",
            str(tmp_path / "sweep"),
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["report", str(tmp_path / "sweep"), "-o", str(tmp_path / "sweep.html")]
    )
    assert result.exit_code == 0, result.output
    found = open_report(browser, tmp_path / "sweep.html")
    assert not found["errors"] and found["figures"] == found["expected"]
    assert any("as agent_groups.team.staff varies" in t for t in found["titles"])  # type: ignore[union-attr]


def test_cdn_option_links_instead_of_embedding(tmp_path: Path) -> None:
    small, full = tmp_path / "cdn.html", tmp_path / "inline.html"
    scenario = str(ROOT / "scenarios" / "erlang_check.yaml")
    for path, mode in ((small, "cdn"), (full, "inline")):
        result = runner.invoke(
            app,
            [
                "run",
                scenario,
                "--set",
                "horizon=2d",
                "--set",
                "warmup=0s",
                "--report",
                str(path),
                "--plotlyjs",
                mode,
            ],
        )
        assert result.exit_code == 0, result.output
    link = '<script src="https://cdn.plot.ly/'
    assert link in small.read_text() and link not in full.read_text()
    assert small.stat().st_size < full.stat().st_size / 3
    assert full.read_text().count("Plotly.newPlot") >= 6


def test_staffing_report_renders(browser: Browser, tmp_path: Path) -> None:
    """`cccsim staff --report`: the plan (agents per interval, targets per interval, shifts)
    before the usual sections for the plan's simulation, offline and without console errors."""
    report = tmp_path / "staffing.html"
    result = runner.invoke(
        app,
        [
            "staff",
            str(ROOT / "scenarios" / "insurer_blended.yaml"),
            "--group",
            "inhouse",
            "-r",
            "3",
            "--max-rounds",
            "2",
            "--shifts",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    found = open_report(browser, report)
    assert found["plotly"] and not found["errors"], found["errors"]
    assert found["figures"] == found["expected"] >= 8
    titles = " ".join(found["titles"])  # type: ignore[arg-type]
    assert "Agents per interval" in titles and "Targets per interval" in titles
    text = report.read_text()
    assert "agent-hours scheduled" in text and "<th>paid hours</th>" in text
