"""``cccsim run``, ``compare``, ``sweep`` and ``report``: experiments and their outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cccsim.cli.common import (
    BackendOption,
    ClusterOption,
    ConfidenceOption,
    OutOption,
    PlotlyOption,
    ReportOption,
    RepsOption,
    SeedOption,
    SetOption,
    WorkersOption,
    app,
    bad_option,
    costed,
    guard,
    load_file,
    out,
    quietly,
    report_precision,
    run_experiment,
    save,
    shards_dir,
    warn_closed_days,
    write_report_to,
)
from cccsim.errors import Problem, ScenarioError
from cccsim.experiment.replicate import MAX_REPLICATIONS
from cccsim.scenario.load import load_scenario, parse_override


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    seed: SeedOption = 1,
    replications: RepsOption = 1,
    out_dir: OutOption = None,
    fmt: Annotated[
        str, typer.Option("--format", help="Output format: parquet or csv.")
    ] = "parquet",
    sets: SetOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
    confidence: ConfidenceOption = 0.9,
    precision: Annotated[
        float | None,
        typer.Option(
            help="Add replications until each target KPI's CI half-width ≤ this share of its mean."
        ),
    ] = None,
    max_replications: Annotated[
        int, typer.Option(min=2, help="Cap on the replications --precision may add.")
    ] = MAX_REPLICATIONS,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Simulate a scenario and print its KPIs per contact type (with CIs when -r > 1)."""
    from cccsim.experiment.replicate import replicate
    from cccsim.footprint import check_fits
    from cccsim.model import build_model
    from cccsim.option_tables import total_cost_table
    from cccsim.results import ReplicationResult, write_result
    from cccsim.simulate import run_replication
    from cccsim.stats.options import cost_totals
    from cccsim.tables import ci_table, costs_table, groups_table, summary_table, targets_table

    if fmt not in ("parquet", "csv"):
        guard(lambda: bad_option("--format", "expected parquet or csv"))

    def go() -> None:
        sc = load_file(scenario, sets)
        warn_closed_days(sc)
        if replications == 1 and precision is None:
            # with --out the contacts stream to their file during the run (memory stays flat)
            streamed = out_dir / f"contacts.{fmt}" if out_dir is not None else None
            model = build_model(sc)
            check_fits(model, streaming=streamed is not None)  # before it could run out of memory
            result = run_replication(sc, seed, model=model, contacts_to=streamed)
            out.print(summary_table(result.summary, f"{sc.name} — seed {seed}"))
            out.print(groups_table(result.groups))
            if len(result.targets):
                out.print(targets_table(result.targets, sc.currency))
            if costed(sc):
                out.print(costs_table(result.summary, sc.currency, long_form=False))
            if costed(sc):
                totals = cost_totals(result.groups, result.summary, result.targets)
                out.print(total_cost_table(totals, sc.currency, confidence))
            outcome: ReplicationResult | Any = result
        else:
            exp = run_experiment(
                lambda progress: quietly(replicate)(
                    sc,
                    replications,
                    seed,
                    backend=backend,
                    workers=workers,
                    cluster=cluster,
                    out=shards_dir(out_dir),
                    confidence=confidence,
                    precision=precision,
                    max_replications=max_replications,
                    progress=progress,
                ),
                out_dir,
            )
            n = exp.provenance["replications"][sc.name]
            out.print(
                ci_table(exp.summary, f"{sc.name} — {n} replications, seed {seed}", confidence)
            )
            groups = exp.group_summary.pivot_table(
                index="agent_group", columns="kpi", values="mean", sort=False, dropna=False
            )
            out.print(groups_table(groups.reset_index()))
            if len(exp.target_summary):
                out.print(targets_table(exp.target_summary, sc.currency))
            if costed(sc):
                out.print(costs_table(exp.summary, sc.currency, long_form=True))
            if exp.cost_summary is not None and costed(sc):
                out.print(total_cost_table(exp.cost_summary, sc.currency, confidence))
            report_precision(exp.provenance)
            outcome = exp
        if out_dir is not None:
            paths = write_result(outcome, out_dir, fmt)
            out.print(f"wrote {len(paths)} files to {out_dir}/")
        write_report_to(outcome, report, plotlyjs)

    guard(go)


def print_decision(exp: Any, currency: str, confidence: float) -> None:
    """Targets per option, the total cost per contract period per option, the options ranked
    among those keeping every target, and the cheapest compliant one named."""
    from cccsim.option_tables import decision_line, options_table, total_cost_table
    from cccsim.tables import targets_table

    if len(exp.target_summary):
        out.print(targets_table(exp.target_summary, currency))
    priced = any(costed(sc) for sc in exp.scenarios.values())
    if exp.cost_summary is not None and priced and len(exp.scenarios) <= 4:  # parts side by side
        out.print(total_cost_table(exp.cost_summary, currency, confidence))
    if exp.options is not None and len(exp.options):
        out.print(options_table(exp.options, currency, confidence))
        out.print(decision_line(exp.options, currency, confidence), soft_wrap=True)


@app.command()
def compare(
    scenarios: Annotated[
        list[Path], typer.Argument(help="Scenario files; the first is the baseline.")
    ],
    variant: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            "-v",
            help='A variant of the first scenario: "NAME: path=value; path=value" (repeatable).',
        ),
    ] = None,
    seed: SeedOption = 1,
    replications: RepsOption = 10,
    out_dir: OutOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
    confidence: ConfidenceOption = 0.9,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Compare strategies with common random numbers: paired differences against the first."""
    from cccsim.experiment.compare import compare as run_compare
    from cccsim.tables import ci_table, differences_table

    def go() -> None:
        if len(scenarios) + len(variant or []) < 2:
            raise ScenarioError(
                [Problem("SCENARIOS", "give at least two scenario files, or one and a --variant")]
            )
        stems = [p.stem for p in scenarios]
        keys = stems if len(set(stems)) == len(stems) else [str(p) for p in scenarios]
        named = {key: load_scenario(p) for key, p in zip(keys, scenarios, strict=True)}
        base = named[keys[0]]
        for text in variant or []:
            name, sep, changes = text.partition(":")
            if not sep or not name.strip() or not changes.strip():
                raise ScenarioError(
                    [Problem("--variant", f'expected "NAME: path=value; ...", got {text!r}')]
                )
            overrides = dict(parse_override(c) for c in changes.split(";") if c.strip())
            named[name.strip()] = load_scenario(base, overrides=overrides)
        exp = run_experiment(
            lambda progress: run_compare(
                named,
                replications,
                seed,
                backend=backend,
                workers=workers,
                cluster=cluster,
                out=shards_dir(out_dir),
                confidence=confidence,
                progress=progress,
            ),
            out_dir,
        )
        for name in named:
            out.print(ci_table(exp.summary[exp.summary.scenario == name], name, confidence))
        assert exp.differences is not None
        out.print(differences_table(exp.differences, confidence))
        print_decision(exp, base.currency, confidence)
        save(exp, out_dir, report, plotlyjs)

    guard(go)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    factor: Annotated[
        list[str],
        typer.Option(
            "--factor",
            "-f",
            help='A factor: path=v1,v2,... (repeat for a grid; quote values with commas: "a,b").',
        ),
    ],
    seed: SeedOption = 1,
    replications: RepsOption = 10,
    out_dir: OutOption = None,
    sets: SetOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
    confidence: ConfidenceOption = 0.9,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Replicate a scenario at every point of a factor grid (same seeds at every point)."""
    from cccsim.cli.factors import parse_factors
    from cccsim.experiment.sweep import sweep as run_sweep
    from cccsim.tables import sweep_table

    def go() -> None:
        sc = load_file(scenario, sets)
        factors = parse_factors(factor)
        exp = run_experiment(
            lambda progress: run_sweep(
                sc,
                factors,
                replications,
                seed,
                backend=backend,
                workers=workers,
                cluster=cluster,
                out=shards_dir(out_dir),
                confidence=confidence,
                progress=progress,
            ),
            out_dir,
        )
        out.print(sweep_table(exp.summary, exp.factors, confidence))
        print_decision(exp, sc.currency, confidence)
        save(exp, out_dir, report, plotlyjs)

    guard(go)


@app.command("report")
def report_command(
    results: Annotated[Path, typer.Argument(help="A folder written by run/compare/sweep --out.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    title: Annotated[
        str | None, typer.Option(help="Page title (default: from the scenario).")
    ] = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Write the HTML report of results saved earlier with --out."""
    from cccsim.report import write_report
    from cccsim.results import read_result

    def go() -> None:
        if plotlyjs not in ("inline", "cdn"):
            raise ScenarioError([Problem("--plotlyjs", "expected inline or cdn")])
        write_report(read_result(results), output, title=title, plotlyjs=plotlyjs)
        out.print(f"wrote report {output}")

    guard(go)
