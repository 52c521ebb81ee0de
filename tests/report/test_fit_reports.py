"""The fit and back-test reports in a real headless Chromium: offline, every figure renders."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

import cccsim
from tests.conftest import ROOT
from tests.report.test_browser import open_report

LOG = ROOT / "scenarios" / "data" / "example_contact_log.csv"
AGENTS = ROOT / "scenarios" / "data" / "example_agent_log.csv"


def test_fit_and_backtest_reports_render_offline(browser: Browser, tmp_path: Path) -> None:
    fit = cccsim.fit_scenario(LOG, agent_log=AGENTS)
    page = cccsim.write_report(fit, tmp_path / "fit.html")
    found = open_report(browser, page)
    assert found["plotly"] and not found["errors"], found["errors"]
    # per type: arrivals by interval and by day, handle-time CDF and QQ, patience; voice
    # also retrial and repeat delays; then staffing
    assert found["figures"] == 2 * 5 + 2 + 1
    titles = " ".join(found["titles"])  # type: ignore[arg-type]
    assert "voice: patience" in titles and "QQ plot" in titles and "retrial delay" in titles
    check = cccsim.backtest(LOG, fit.scenario, replications=10, backend="serial")
    page = cccsim.write_report(check, tmp_path / "backtest.html")
    found = open_report(browser, page)
    assert found["plotly"] and not found["errors"], found["errors"]
    assert found["figures"] == 2 * 4 + 2  # four KPIs per type, occupancy
    assert "voice: service level" in " ".join(found["titles"])  # type: ignore[arg-type]
