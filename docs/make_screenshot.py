"""Regenerate docs/images/report.png: the retail bank's report, first screen, in headless Chromium.

python docs/make_screenshot.py
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import cccsim
from cccsim.report import write_report

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    scenario = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    result = cccsim.replicate(scenario, replications=10, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        page_path = write_report(result, Path(tmp) / "report.html")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1300})
            page.goto(page_path.as_uri())
            page.wait_for_function(
                "document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6"
            )
            page.screenshot(path=str(ROOT / "docs" / "images" / "report.png"))
            browser.close()


if __name__ == "__main__":
    main()
