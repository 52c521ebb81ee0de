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
