"""Every example scenario's report in a real headless Chromium: Plotly loads offline, every
figure renders, the console stays free of errors and no table shows ``nan``
(``test_report_pages.py`` checks each kind of report against its list of sections and figures)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from typer.testing import CliRunner

from cccsim.cli import app
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()


def open_report(browser: Browser, path: Path) -> dict[str, object]:
    """Load a report with every network request refused; return what rendered."""
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
        "[...document.querySelectorAll('[data-figure]')].every(f => f.querySelector('.main-svg'))",
        timeout=30_000,
    )
    found = {
        "plotly": page.evaluate("typeof window.Plotly !== 'undefined'"),
        "figures": page.evaluate(
            "document.querySelectorAll('[data-figure] .js-plotly-plot').length"
        ),
        "titles": page.evaluate(
            "[...document.querySelectorAll('.gtitle')].map(t => t.textContent)"
        ),
        "tables": page.evaluate("[...document.querySelectorAll('table')].map(t => t.innerText)"),
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
    assert found["figures"] >= 7  # type: ignore[operator]
    assert any("service level" in t.lower() for t in found["titles"])  # type: ignore[union-attr]
    assert not any("nan" in t.split() for t in found["tables"])  # type: ignore[union-attr]


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
