"""``cccsim staff``: the fewest agents per interval meeting the targets (and shifts covering them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
import yaml
from rich.table import Table

from cccsim.cli.common import (
    BackendOption,
    ClusterOption,
    ConfidenceOption,
    PlotlyOption,
    ReportOption,
    SeedOption,
    SetOption,
    WorkersOption,
    app,
    costed,
    guard,
    load_file,
    out,
    progress_bar,
    write_report_to,
)
from cccsim.errors import Problem, ScenarioError
from cccsim.scenario.load import override_data, parse_override
from cccsim.units import format_time_of_day, parse_duration


@app.command()
def staff(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file (with targets).")],
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group",
            "-g",
            help="Agent group(s) to staff: repeat, separate by commas, or 'all' (default: the "
            "groups that answer a targeted contact type first). Several groups answering the "
            "same contacts get the cheapest mix.",
        ),
    ] = None,
    replications: Annotated[
        int,
        typer.Option(
            "--replications",
            "-r",
            min=2,
            help="Replications per plan on each block of fresh seeds (search rounds: half, at "
            "least 10).",
        ),
    ] = 30,
    seed: SeedOption = 1,
    confidence: ConfidenceOption = 0.9,
    shifts: Annotated[
        bool, typer.Option("--shifts", help="Also choose agents per shift (integer program).")
    ] = False,
    shift_length: Annotated[
        str, typer.Option(help="Length of generated shifts (groups without their own shifts).")
    ] = "8h",
    max_rounds: Annotated[
        int, typer.Option(min=1, help="Cap on simulation rounds (search and confirmation).")
    ] = 8,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Write the staffed scenario YAML here.")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write staff.csv, kpis.csv (and shifts.csv) here.")
    ] = None,
    sets: SetOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Find the fewest agents per interval meeting every target, with the cost it implies."""
    from cccsim.staffing import search_staffing
    from cccsim.staffing.rounds import search_count
    from cccsim.tables import costs_table, targets_table

    def go() -> None:
        try:
            length = parse_duration(shift_length)
        except ValueError as exc:
            raise ScenarioError([Problem("--shift-length", str(exc))]) from None
        if not 0 < length <= 86400:
            raise ScenarioError([Problem("--shift-length", "expected a length up to 24h")])
        sc = load_file(scenario, sets)
        with progress_bar(True, f"search rounds (at most {max_rounds})", eta=False) as progress:
            result = search_staffing(
                sc,
                groups=group,
                replications=replications,
                seed=seed,
                confidence=confidence,
                max_rounds=max_rounds,
                shifts=shifts,
                shift_length=length,
                backend=backend,
                workers=workers,
                cluster=cluster,
                progress=progress,
            )
        verdict = "converged" if result.converged else "[yellow]did not converge[/]"
        searched = search_count(replications)
        out.print(
            f"staffing search {verdict} in {result.rounds} rounds "
            f"({result.agent_hours:,.1f} agent-hours scheduled)"
        )
        out.print(
            f"  replications per plan: {searched} on the search's seeds, {replications} on each "
            "block of fresh seeds"
        )
        out.print(_status_line(result.staff))
        out.print(_staff_table(result.staff))
        if result.shifts is not None:
            out.print(_shifts_table(result.shifts))
        exp = result.result
        if len(exp.target_summary):
            out.print(targets_table(exp.target_summary, sc.currency))
        if costed(sc):
            out.print(costs_table(exp.summary, sc.currency, long_form=True))
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            result.staff.to_csv(out_dir / "staff.csv", index=False)
            result.kpis.to_csv(out_dir / "kpis.csv", index=False)
            if result.shifts is not None:
                result.shifts.to_csv(out_dir / "shifts.csv", index=False)
            out.print(f"wrote the staffing tables to {out_dir}/")
        if plan is not None:
            _write_plan(scenario, sets, result.changes, plan)
            out.print(f"wrote the staffed scenario {plan} (run it with: cccsim run {plan})")
        write_report_to(result, report, plotlyjs)

    guard(go)


def _status_line(staff: pd.DataFrame) -> str:
    """How the intervals' searches ended, counted (statuses as in ``STATUS_TEXT``)."""
    from cccsim.staffing.frames import STATUS_TEXT

    counts = staff.status.value_counts()
    parts = [f"{n} {name}" for name, n in counts.items()]
    notes = [
        f"  {name}: {STATUS_TEXT[str(name)]}"
        for name in counts.index
        if str(name) not in ("minimal", "no load")
    ]
    return "\n".join(["intervals: " + ", ".join(parts), *notes])


def _staff_table(staff: pd.DataFrame) -> Table:
    """Per interval with agents (rows) and group: agents required on duty, scheduled (the plan)
    and on duty as simulated; intervals nobody works are left out."""
    groups = list(dict.fromkeys(staff.agent_group))
    busy = staff.groupby("interval_start", sort=False)[["required", "agents"]].sum()
    starts = busy.index[(busy > 0).any(axis=1)]
    table = Table(title="agents per interval: required on duty / scheduled / on duty")
    table.add_column("day", justify="right")
    table.add_column("from", justify="right")
    for name in groups:
        table.add_column(str(name), justify="right")
    by = {(r["agent_group"], r["interval_start"]): r for r in staff.to_dict("records")}
    for start in starts:
        at = float(start)
        cells = []
        for name in groups:
            r = by[(name, start)]
            cells.append(f"{r['required']:.0f} / {r['agents']:.4g} / {r['on_duty']:.4g}")
        table.add_row(f"{at // 86400 + 1:.0f}", format_time_of_day(at % 86400), *cells)
    return table


def _shifts_table(shifts: pd.DataFrame) -> Table:
    table = Table(title="agents per shift")
    for column in ("agent_group", "shift", "start", "length", "days", "agents", "paid_hours"):
        table.add_column(column.replace("_", " "), justify="right")
    for row in shifts.to_dict("records"):
        table.add_row(
            str(row["agent_group"]),
            str(row["shift"]),
            str(row["start"]),
            f"{float(row['length']) / 3600:g}h",
            str(row["days"]),
            str(row["agents"]),
            f"{float(row['paid_hours']):,.1f}",
        )
    return table


def _write_plan(source: Path, sets: list[str] | None, changes: dict[str, Any], path: Path) -> None:
    """The original YAML with the overrides and the plan's staffing, CSV paths kept valid."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    overrides = dict(parse_override(s) for s in sets or [])
    data = override_data(override_data(data, overrides, str(source)), changes, str(source))
    _rebase_files(data, source.parent, path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _rebase_files(node: Any, old: Path, new: Path) -> None:
    """Relative ``file:`` entries point to the same CSV files from the new folder."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "file" and isinstance(value, str) and not os.path.isabs(value):
                node[key] = os.path.relpath((old / value).resolve(), new.resolve())
            else:
                _rebase_files(value, old, new)
    elif isinstance(node, list):
        for item in node:
            _rebase_files(item, old, new)
