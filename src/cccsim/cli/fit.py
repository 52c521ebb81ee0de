"""``cccsim fit`` and ``cccsim backtest``: a scenario from a contact log, and its check."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cccsim.cli.common import (
    BackendOption,
    PlotlyOption,
    ReportOption,
    SeedOption,
    SetOption,
    WorkersOption,
    app,
    err,
    guard,
    load_file,
    out,
    progress_bar,
    write_report_to,
)

LogArgument = Annotated[
    Path, typer.Argument(help="Contact log: CSV or Parquet, one row per contact.")
]
AgentLogOption = Annotated[
    Path | None,
    typer.Option("--agent-log", help="Agent-state log: one row per period an agent was on duty."),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns", help="The log's column per cccsim name: arrived_at=StartTime,ended_at=EndTime."
    ),
]
AgentColumnsOption = Annotated[
    str | None,
    typer.Option("--agent-columns", help="The agent-state log's columns, as --columns."),
]
OutcomesOption = Annotated[
    str | None,
    typer.Option("--outcomes", help="The log's outcome values: handled=answered,hangup=abandoned."),
]
TimezoneOption = Annotated[
    str | None,
    typer.Option("--timezone", help="The centre's time zone (e.g. Europe/Paris) for times of day."),
]
LogTimezoneOption = Annotated[
    str | None,
    typer.Option(
        "--log-timezone", help="Zone of times written without an offset (default: --timezone)."
    ),
]
TimeFormatOption = Annotated[
    str | None,
    typer.Option("--time-format", help="strftime format of the times, e.g. '%d/%m/%Y %H:%M:%S'."),
]
MaxBadOption = Annotated[
    float,
    typer.Option("--max-bad", min=0.0, max=1.0, help="Largest share of bad rows accepted."),
]


def _reading(
    columns: str | None,
    agent_columns: str | None,
    outcomes: str | None,
    timezone: str | None,
    log_timezone: str | None,
    time_format: str | None,
    max_bad: float,
) -> dict[str, Any]:
    from cccsim.fit.log import parse_mapping

    return {
        "columns": parse_mapping(columns, "--columns"),
        "agent_columns": parse_mapping(agent_columns, "--agent-columns"),
        "outcomes": parse_mapping(outcomes, "--outcomes"),
        "timezone": timezone,
        "log_timezone": log_timezone,
        "time_format": time_format,
        "max_bad": max_bad,
    }


@app.command()
def fit(
    log: LogArgument,
    output: Annotated[
        Path, typer.Option("--out", "-o", help="Write the fitted scenario (YAML) here.")
    ],
    report: ReportOption = None,
    agent_log: AgentLogOption = None,
    columns: ColumnsOption = None,
    agent_columns: AgentColumnsOption = None,
    outcomes: OutcomesOption = None,
    timezone: TimezoneOption = None,
    log_timezone: LogTimezoneOption = None,
    time_format: TimeFormatOption = None,
    interval: Annotated[
        str, typer.Option(help="The scenario's interval (divides a day).")
    ] = "30min",
    threshold: Annotated[
        str | None,
        typer.Option(
            "--threshold", help="Service-level threshold: 20s, or per type voice=20s,chat=1min."
        ),
    ] = None,
    retrial_window: Annotated[
        str,
        typer.Option(help="A customer's next contact within this of a failed one is a retrial."),
    ] = "1d",
    repeat_window: Annotated[
        str,
        typer.Option(help="A customer's next contact within this of an answered one is a repeat."),
    ] = "7d",
    max_bad: MaxBadOption = 0.5,
    name: Annotated[str | None, typer.Option(help="The scenario's name.")] = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Fit a scenario from a contact log: arrivals, handle times, patience, journeys, staffing."""
    from cccsim.fit import fit_scenario
    from cccsim.fit.log import parse_mapping

    def go() -> None:
        reading = _reading(
            columns, agent_columns, outcomes, timezone, log_timezone, time_format, max_bad
        )
        thresholds: Any = threshold
        if threshold is not None and "=" in threshold:
            thresholds = parse_mapping(threshold, "--threshold")
        result = fit_scenario(
            log,
            agent_log=agent_log,
            interval=interval,
            thresholds=thresholds,
            retrial_window=retrial_window,
            repeat_window=repeat_window,
            name=name,
            **reading,
        )
        _print_bad_rows(result.log)
        out.print(_fit_table(result.summary(), result.log.source))
        for note in result.notes:
            err.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
        result.write(output)
        out.print(f"wrote scenario {output}")
        write_report_to(result, report, plotlyjs)

    guard(go)


@app.command()
def backtest(
    log: LogArgument,
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML file to test (e.g. from cccsim fit).")
    ],
    report: ReportOption = None,
    agent_log: AgentLogOption = None,
    replications: Annotated[
        int, typer.Option("--replications", "-r", min=10, help="Simulated copies of the period.")
    ] = 40,
    seed: SeedOption = 1,
    level: Annotated[
        float, typer.Option(min=0.5, max=0.999, help="Prediction intervals' level.")
    ] = 0.95,
    replay_arrivals: Annotated[
        bool,
        typer.Option(
            "--replay-arrivals", help="Replay the log's first contacts instead of drawing arrivals."
        ),
    ] = False,
    sets: SetOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    columns: ColumnsOption = None,
    agent_columns: AgentColumnsOption = None,
    outcomes: OutcomesOption = None,
    timezone: TimezoneOption = None,
    log_timezone: LogTimezoneOption = None,
    time_format: TimeFormatOption = None,
    max_bad: MaxBadOption = 0.5,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Simulate a scenario over a log's period and compare its KPIs with the log's, per interval."""
    from cccsim.backtesting import backtest as run_backtest
    from cccsim.fit.log import read_log

    def go() -> None:
        reading = _reading(
            columns, agent_columns, outcomes, timezone, log_timezone, time_format, max_bad
        )
        agent_columns_map = reading.pop("agent_columns")
        contact_log = read_log(
            log,
            columns=reading["columns"],
            outcomes=reading["outcomes"],
            timezone=timezone,
            log_timezone=log_timezone,
            time_format=time_format,
            max_bad=max_bad,
        )
        _print_bad_rows(contact_log)
        sc = load_file(scenario, sets)
        with progress_bar(True) as progress:
            result = run_backtest(
                contact_log,
                sc,
                agent_log=agent_log,
                agent_columns=agent_columns_map,
                replications=replications,
                seed=seed,
                level=level,
                replay_arrivals=replay_arrivals,
                backend=backend,
                workers=workers,
                timezone=timezone,
                log_timezone=log_timezone,
                time_format=time_format,
                max_bad=max_bad,
                progress=progress,
            )
        out.print(_coverage_table(result))
        for note in result.notes:
            err.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)
        if len(result.flags):
            out.print(f"[bold]{len(result.flags)} systematic gap(s):[/]")
            for message in result.flags["message"]:
                out.print(f"  • {message}", highlight=False, soft_wrap=True)
        else:
            out.print("no systematic gap found")
        write_report_to(result, report, plotlyjs)

    guard(go)


def _print_bad_rows(log: Any) -> None:
    """Bad rows dropped: counts and examples, on stderr."""
    if not log.bad:
        return
    err.print(
        f"[yellow]{log.n_bad:,} of {log.n_rows:,} rows dropped[/] from {log.source}:",
        highlight=False,
        soft_wrap=True,
    )
    for bad in log.bad:
        err.print(
            f"  {bad.count:,} × {bad.problem}, e.g. {'; '.join(bad.examples)}",
            highlight=False,
            soft_wrap=True,
        )


def _fit_table(summary: Any, source: str) -> Table:
    from cccsim.tables import fmt

    table = Table(title=f"fitted from {source}")
    for column in (
        "contact type",
        "contacts",
        "first / day",
        "handle time",
        "patience",
        "retrials",
        "FCR",
    ):
        table.add_column(column, justify="right")
    for r in summary.to_dict("records"):
        table.add_row(
            str(r["contact_type"]),
            f"{r['contacts']:,}",
            f"{r['first_contacts_per_day']:,.1f}",
            f"{r['handle_law']} {fmt('aht', r['handle_mean'])}, CV {r['handle_cv']:.2f}",
            f"{r['patience_law'] or 'none'} {fmt('asa', r['patience_mean'])} "
            f"(naive {fmt('asa', r['patience_naive_mean'])})",
            fmt("service_level", r["retrial_share"]),
            fmt("service_level", r["first_contact_resolution"]),
        )
    return table


def _coverage_table(result: Any) -> Table:
    from cccsim.backtesting.compare import LABELS, format_kpi

    table = Table(
        title=f"{result.scenario.name}: observed vs simulated ({result.replications} replications, "
        f"{result.level:.0%} prediction intervals)"
    )
    for column in ("", "KPI", "observed", "simulated", "range", "intervals inside"):
        table.add_column(column, justify="right")
    cover = result.coverage.assign(
        who=result.coverage["contact_type"].fillna(result.coverage["agent_group"])
    )
    period = result.period().assign(who=lambda f: f["contact_type"].fillna(f["agent_group"]))
    merged = cover.merge(period, on=["who", "kpi"], how="left")
    for r in merged.to_dict("records"):
        kpi = str(r["kpi"])
        table.add_row(
            str(r["who"]),
            LABELS[kpi],
            format_kpi(kpi, r["observed"]),
            format_kpi(kpi, r["simulated"]),
            f"{format_kpi(kpi, r['pi_low'])}–{format_kpi(kpi, r['pi_high'])}",
            f"{r['share_inside']:.0%} of {r['intervals']:,}",
        )
    return table


__all__ = ["backtest", "fit"]
