"""Results in the REPL and in notebooks: a readable repr, a compact HTML summary (verdicts, KPIs
with CIs, costs) and the report's figures as Plotly objects by name."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import plotly.graph_objects as go
import pytest

import cccsim
from cccsim.report import render_report
from tests.conftest import ROOT


def bank(hours: int = 12) -> cccsim.Scenario:
    return cccsim.load_scenario(
        ROOT / "scenarios" / "retail_bank.yaml", overrides={"horizon": f"{hours}h"}
    )


@pytest.fixture(scope="module")
def exp() -> cccsim.ExperimentResult:
    return cccsim.replicate(bank(), 3, seed=4, backend="serial")


@pytest.fixture(scope="module")
def cmp() -> cccsim.ExperimentResult:
    sc = bank()
    more = cccsim.load_scenario(sc, overrides={"agent_groups.outsourcer.staff": 12})
    return cccsim.compare({"today": sc, "bigger": more}, 3, seed=4, backend="serial")


class Cells(HTMLParser):
    """The text of every table row, cell by cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def test_repr_says_what_was_run_the_verdicts_and_the_kpis(exp: cccsim.ExperimentResult) -> None:
    text = repr(exp)
    assert text.startswith(f"<ExperimentResult: {bank().name} · 3 replications each · seed 4")
    verdicts = exp.target_summary.verdict.value_counts()
    said = dict(
        (v, int(n)) for n, v in re.findall(r"(\d+) (met|at risk|missed)", text.splitlines()[1])
    )
    assert said == {v: int(n) for v, n in verdicts.items()}
    for _, row in exp.target_summary.iterrows():
        assert f"{row.target}: " in text and row.verdict in text
    voice = exp.summary.set_index(["contact_type", "kpi"]).loc[("voice", "service_level")]
    expected = (
        f"voice: service level {pct(voice['mean'])} [{pct(voice.ci_low)}, {pct(voice.ci_high)}]"
    )
    assert expected in text
    assert len(text.splitlines()) < 25  # a summary, not the frames


def test_repr_of_a_comparison_counts_verdicts_per_option(cmp: cccsim.ExperimentResult) -> None:
    text = repr(cmp)
    assert "2 options (today, bigger)" in text
    for option, part in cmp.target_summary.groupby("scenario", sort=False):
        counts = part.verdict.value_counts()
        line = next(x for x in text.splitlines() if x.strip().startswith(f"{option}: "))
        for verdict, n in counts.items():
            assert f"{n} {verdict}" in line
    assert cmp.differences is not None
    better = int((cmp.differences.verdict == "better").sum())
    assert f"{better} better" in text


def test_html_summary_shows_verdicts_kpis_with_cis_and_costs(exp: cccsim.ExperimentResult) -> None:
    page = exp._repr_html_()
    cells = Cells()
    cells.feed(page)
    rows = cells.rows
    for _, t in exp.target_summary.iterrows():  # one row per target, with its verdict
        assert any(t.target in r and t.verdict in r for r in rows), t.target
    voice = exp.summary.set_index(["contact_type", "kpi"]).loc[("voice", "service_level")]
    row = next(r for r in rows if r and r[0] == "voice" and len(r) > 3)
    assert f"{pct(voice['mean'])}[{pct(voice.ci_low)}, {pct(voice.ci_high)}]" in row
    assert "Costs (EUR" in page  # the bank prices its agents and calls
    operating = exp.summary.set_index(["contact_type", "kpi"]).loc[
        ("voice", "operating_cost"), "mean"
    ]
    assert any(r[:1] == ["voice"] and f"{operating:,.0f}" in r for r in rows)
    assert "<script" not in page  # no plotly.js in a summary


def test_figures_are_the_reports_figures_by_name(
    exp: cccsim.ExperimentResult, cmp: cccsim.ExperimentResult
) -> None:
    figures = exp.figures()
    assert list(figures)[:4] == ["service_level", "volume", "asa", "staffing"]
    assert {"occupancy", "work_share", "backlog"} <= set(figures)
    assert all(isinstance(f, go.Figure) for f in figures.values())
    page = render_report(exp)
    assert page.count("Plotly.newPlot") == len(figures)  # exactly the report's figures
    for name in figures:  # the same names as the page's figures
        assert f"data-figure='{name}'" in page, name
    assert list(cmp.figures())[:2] == ["options", "differences"]


def test_a_single_replication_shows_itself_too() -> None:
    rep = cccsim.run_replication(bank(), seed=3)
    text = repr(rep)
    assert text.startswith(
        f"<ReplicationResult: {bank().name} · seed 3 · {len(rep.contacts):,} contacts"
    )
    sl = float(rep.summary.set_index("contact_type").loc["chat", "service_level"])
    assert f"chat: service level {pct(sl)}," in text
    assert "waits" in rep.figures()  # a replication keeps its contacts
    assert "<table" in rep._repr_html_()


def test_repr_never_raises() -> None:
    empty = pd.DataFrame()
    broken = cccsim.ReplicationResult(empty, empty, empty, empty, empty, empty)
    assert repr(broken).startswith("<ReplicationResult: no summary (")
    assert broken._repr_html_().startswith("&lt;ReplicationResult: no summary (")


def test_staffing_plan_repr_html_and_figures() -> None:
    data = {
        "name": "stationary",
        "horizon": "3h",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 300},
                "handle_time": {"dist": "exponential", "mean": "2min"},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 1}},
        "targets": [{"contact_type": "voice", "kpi": "service_level", "at_least": 0.8}],
    }
    plan = cccsim.search_staffing(data, replications=4, seed=1, max_rounds=3, backend="serial")
    text = repr(plan)
    assert text.startswith("<StaffingPlan: stationary · ")
    assert f"{plan.agent_hours:,.1f} agent-hours scheduled" in text
    peak = int(plan.staff.agents.max())
    assert f"peak: {peak} agents (team, " in text
    page = plan._repr_html_()
    assert "agent-hours scheduled" in page and "voice service level" in page
    assert list(plan.figures())[:2] == ["staffing_plan", "staffing_targets"]
    assert "service_level" in plan.figures()
