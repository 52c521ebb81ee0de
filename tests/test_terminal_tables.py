"""CLI tables fit the terminal: no line wider than it, no header word cut, short headers
explained in a legend, tables too wide split with their first column repeated."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

import cccsim
from cccsim import tables
from cccsim.cli import app
from cccsim.cli.terminal import Fitted, short_header
from tests.conftest import ROOT

runner = CliRunner()


def render(table: Table, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(Fitted(table))
    return console.export_text()


def header_words(text: str) -> set[str]:
    """Every word printed in a header row (between a table's top rule and its header rule)."""
    words: set[str] = set()
    inside = False
    for line in text.splitlines():
        if "┏" in line:
            inside = True
        elif "┡" in line:
            inside = False
        elif inside:
            words.update(re.split(r"[\s┃]+", line))
    return words


def check_fits(table: Table, width: int) -> str:
    text = render(table, width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "…" not in text
    shown = header_words(text)
    flat = " ".join(text.split())
    for column in table.columns:
        full = str(column.header)
        if set(full.split()) <= shown:
            continue  # the whole header, every word whole
        short = short_header(full)
        assert short != full and set(short.split()) <= shown, f"{full!r} cut at {width}"
        assert f"{short} = {full}" in flat  # explained in the legend
    return text


@pytest.fixture(scope="module")
def frames() -> dict[str, Table]:
    sc = cccsim.load_scenario(
        ROOT / "scenarios" / "insurer_blended.yaml", overrides={"horizon": "12h"}
    )
    more = cccsim.load_scenario(sc, overrides={"agent_groups.outsourcer.staff": 12})
    cmp = cccsim.compare({"today": sc, "bigger outsourcing partner": more}, 2, backend="serial")
    swp = cccsim.sweep(sc, {"agent_groups.outsourcer.staff": [4, 8]}, 2, backend="serial")
    rep = cccsim.run_replication(sc, seed=1)
    assert cmp.differences is not None
    return {
        "one run": tables.summary_table(rep.summary, sc.name),
        "CIs": tables.ci_table(cmp.summary[cmp.summary.scenario == "today"], sc.name, 0.95),
        "targets": tables.targets_table(cmp.target_summary, sc.currency),
        "costs": tables.costs_table(
            cmp.summary[cmp.summary.scenario == "today"], sc.currency, long_form=True
        ),
        "differences": tables.differences_table(cmp.differences, 0.95),
        "sweep": tables.sweep_table(swp.summary, swp.factors, 0.95),
    }


@pytest.mark.parametrize("width", [40, 60, 80, 100, 140])
def test_every_table_fits_and_keeps_its_headers_whole(frames: dict[str, Table], width: int) -> None:
    for table in frames.values():
        check_fits(table, width)  # the message names the header if one is cut


def test_a_wide_factor_name_is_abbreviated_with_a_legend(frames: dict[str, Table]) -> None:
    text = check_fits(frames["sweep"], 60)
    assert "staff = agent_groups.outsourcer.staff" in " ".join(text.split())


def test_too_many_columns_are_split_with_the_first_repeated() -> None:
    table = Table(title="wide")
    table.add_column("KPI")
    for i in range(8):
        table.add_column(f"type_{i}\n(voice)", justify="right")
    table.add_row("service level", *[f"8{i}.0% [80.1%, 84.5%]" for i in range(8)])
    text = check_fits(table, 60)
    assert text.count("service") >= 2 and "wide (continued)" in text
    for i in range(8):
        assert f"8{i}.0%" in text  # no value lost


def test_cli_tables_at_80_columns(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bank = str(ROOT / "scenarios" / "retail_bank.yaml")
    short = ["--set", "horizon=12h", "--backend", "serial"]
    for args in (
        ["run", bank, *short],
        ["run", bank, "-r", "2", *short],
        ["sweep", bank, "--factor", "agent_groups.outsourcer.staff=4,8", "-r", "2", *short],
    ):
        result = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        rows = [line for line in result.stdout.splitlines() if set(line) & set("┃│┏┡└")]
        assert rows and max(len(line) for line in rows) <= 80  # sentences wrap in the terminal
        assert "…" not in result.stdout
        words = header_words(result.stdout)
        for word in ("KPI", "operating", "telephony", "customers'", "attained", "occupancy"):
            assert word in words or args[0] == "sweep", (word, args)


def test_tables_of_hours_when_nothing_is_answered() -> None:
    """The bank opens at 8:00: in its first 6 hours there is no occupancy and no cost per
    answered contact — the tables show dashes rather than failing."""
    bank = str(ROOT / "scenarios" / "retail_bank.yaml")
    result = runner.invoke(
        app, ["run", bank, "-r", "2", "--set", "horizon=6h", "--backend", "serial"]
    )
    assert result.exit_code == 0, result.output
    assert "Agent groups" in result.stdout and "Costs (EUR)" in result.stdout
