"""A real headless Chromium for the report tests: skipped with the reason when none is installed,
unless ``CCCSIM_REQUIRE_BROWSER`` is set (CI sets it and installs Chromium, so CI always runs them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

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
REQUIRE = "CCCSIM_REQUIRE_BROWSER"


def chromium_path() -> str:
    """Chromium's path; skips the test (or fails it when required) if there is none."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get(REQUIRE):
        pytest.fail(f"{REQUIRE} is set but no chromium is on the PATH (apt-get install chromium)")
    pytest.skip(
        "no Chromium on the PATH: the report tests open pages in a real headless Chromium "
        f"(Debian/Ubuntu: apt-get install chromium); CI sets {REQUIRE}=1 and runs them"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module."""
    path = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()
