"""The ``cccsim`` command: composes the public API; formats errors instead of tracebacks.

Exit codes: 0 success, 2 bad input (scenario, option or override), 1 internal error, 130 Ctrl-C.
"""

from __future__ import annotations

import json
import math
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from cccsim import __version__
from cccsim.errors import CccsimError, Problem, ScenarioError
from cccsim.experiment.runner import ExperimentInterrupted
from cccsim.scenario.load import load_scenario, parse_override
from cccsim.scenario.schema import Scenario
from cccsim.units import parse_duration

app = typer.Typer(
    name="cccsim",
    help="Simulate a multichannel contact centre's access and contact strategy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
_state: dict[str, bool] = {"debug": False}
T = TypeVar("T")


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; bad input → one message and exit 2; anything else → exit 1 (no traceback)."""
    try:
        return action()
    except ScenarioError as exc:
        err.print(
            f"[bold red]error:[/] {exc.render()}", markup=True, highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from None
    except CccsimError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        if _state["debug"]:
            traceback.print_exc()
        else:
            err.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {exc} (rerun with --debug "
                "for the traceback and please report it)",
                highlight=False,
            )
        raise typer.Exit(1) from None


def _load(path: Path, sets: list[str] | None) -> Scenario:
    overrides = dict(parse_override(s) for s in sets or [])
    return load_scenario(path, overrides=overrides)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"cccsim {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    _state["debug"] = debug


SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set", "-s", help="Override a field: path=value (e.g. agent_groups.inhouse.staff=60)."
    ),
]


BackendOption = Annotated[str, typer.Option(help="auto, serial, processes or dask.")]
WorkersOption = Annotated[int | None, typer.Option(help="Worker processes (default: all cores).")]
ClusterOption = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786 (implies dask).")
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Write results (and resumable shards) to this folder.")
]
SeedOption = Annotated[int, typer.Option(help="Seed of the experiment.")]
RepsOption = Annotated[
    int, typer.Option("--replications", "-r", min=1, help="Replications per scenario.")
]
ConfidenceOption = Annotated[float, typer.Option(min=0.5, max=0.999, help="Confidence level.")]
ReportOption = Annotated[
    Path | None, typer.Option("--report", help="Also write a self-contained HTML report here.")
]
PlotlyOption = Annotated[
    str, typer.Option("--plotlyjs", help="inline (works offline) or cdn (a smaller file).")
]


def _report(result: Any, path: Path | None, plotlyjs: str) -> None:
    if path is None:
        return
    from cccsim.report import write_report

    if plotlyjs not in ("inline", "cdn"):
        raise ScenarioError([Problem("--plotlyjs", "expected inline or cdn")])
    write_report(result, path, plotlyjs=plotlyjs)
    out.print(f"wrote report {path}")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar with ETA on stderr for experiments (quiet for single replications)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("replications", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _shards(out_dir: Path | None) -> Path | None:
    return out_dir / "shards" if out_dir is not None else None


def _experiment(
    call: Callable[[Callable[[int, int], None] | None], Any], out_dir: Path | None
) -> Any:
    """Run an experiment under a progress bar; on Ctrl-C say what was kept and exit 130."""
    with _progress(True) as progress:
        try:
            return call(progress)
        except ExperimentInterrupted as stop:
            _interrupted(stop, out_dir)


def _save(exp: Any, out_dir: Path | None, report: Path | None, plotlyjs: str) -> None:
    """Write an experiment's results (with --out) and its report (with --report)."""
    from cccsim.results import write_result

    if out_dir is not None:
        write_result(exp, out_dir)
        out.print(f"wrote results to {out_dir}/")
    _report(exp, report, plotlyjs)


def _interrupted(stop: ExperimentInterrupted, out_dir: Path | None) -> None:
    err.print(
        f"[yellow]interrupted[/]: {stop.done} of {stop.total} replications finished", soft_wrap=True
    )
    if out_dir is not None:
        err.print(
            f"finished replications are kept in {out_dir}/shards; rerun the same command to resume"
        )
    raise typer.Exit(130)


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
    confidence: ConfidenceOption = 0.95,
    precision: Annotated[
        float | None,
        typer.Option(
            help="Add replications until each target KPI's CI half-width ≤ this share of its mean."
        ),
    ] = None,
    max_replications: Annotated[int, typer.Option(min=2, help="Cap for --precision.")] = 500,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Simulate a scenario and print its KPIs per contact type (with CIs when -r > 1)."""
    from cccsim.experiment.replicate import replicate
    from cccsim.results import ReplicationResult, write_result
    from cccsim.simulate import run_replication
    from cccsim.tables import ci_table, costs_table, groups_table, summary_table, targets_table

    if fmt not in ("parquet", "csv"):
        _guard(lambda: _bad("--format", "expected parquet or csv"))

    def go() -> None:
        sc = _load(scenario, sets)
        if replications == 1 and precision is None:
            result = run_replication(sc, seed)
            out.print(summary_table(result.summary, f"{sc.name} — seed {seed}"))
            out.print(groups_table(result.groups))
            if len(result.targets):
                out.print(targets_table(result.targets, sc.currency))
            if _costed(sc):
                out.print(costs_table(result.summary, sc.currency, long_form=False))
            outcome: ReplicationResult | Any = result
        else:
            exp = _experiment(
                lambda progress: replicate(
                    sc,
                    replications,
                    seed,
                    backend=backend,
                    workers=workers,
                    cluster=cluster,
                    out=_shards(out_dir),
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
                index="agent_group", columns="kpi", values="mean", sort=False
            )
            out.print(groups_table(groups.reset_index()))
            if len(exp.target_summary):
                out.print(targets_table(exp.target_summary, sc.currency))
            if _costed(sc):
                out.print(costs_table(exp.summary, sc.currency, long_form=True))
            outcome = exp
        if out_dir is not None:
            paths = write_result(outcome, out_dir, fmt)
            out.print(f"wrote {len(paths)} files to {out_dir}/")
        _report(outcome, report, plotlyjs)

    _guard(go)


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
    confidence: ConfidenceOption = 0.95,
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
        exp = _experiment(
            lambda progress: run_compare(
                named,
                replications,
                seed,
                backend=backend,
                workers=workers,
                cluster=cluster,
                out=_shards(out_dir),
                confidence=confidence,
                progress=progress,
            ),
            out_dir,
        )
        for name in named:
            out.print(ci_table(exp.summary[exp.summary.scenario == name], name, confidence))
        assert exp.differences is not None
        out.print(differences_table(exp.differences, confidence))
        _save(exp, out_dir, report, plotlyjs)

    _guard(go)


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    factor: Annotated[
        list[str],
        typer.Option("--factor", "-f", help="A factor: path=v1,v2,... (repeat for a grid)."),
    ],
    seed: SeedOption = 1,
    replications: RepsOption = 10,
    out_dir: OutOption = None,
    sets: SetOption = None,
    backend: BackendOption = "auto",
    workers: WorkersOption = None,
    cluster: ClusterOption = None,
    confidence: ConfidenceOption = 0.95,
    report: ReportOption = None,
    plotlyjs: PlotlyOption = "inline",
) -> None:
    """Replicate a scenario at every point of a factor grid (same seeds at every point)."""
    import yaml

    from cccsim.experiment.sweep import sweep as run_sweep
    from cccsim.tables import sweep_table

    def go() -> None:
        sc = _load(scenario, sets)
        factors: dict[str, list[Any]] = {}
        for text in factor:
            path, _, values = text.partition("=")
            if not path or not values:
                raise ScenarioError([Problem(text, "a factor is written path=v1,v2,...")])
            factors[path.strip()] = [yaml.safe_load(v) for v in values.split(",")]
        exp = _experiment(
            lambda progress: run_sweep(
                sc,
                factors,
                replications,
                seed,
                backend=backend,
                workers=workers,
                cluster=cluster,
                out=_shards(out_dir),
                confidence=confidence,
                progress=progress,
            ),
            out_dir,
        )
        out.print(sweep_table(exp.summary, exp.factors, confidence))
        _save(exp, out_dir, report, plotlyjs)

    _guard(go)


def _costed(sc: Scenario) -> bool:
    """Whether the scenario prices anything (then the CLI prints a costs table)."""
    return any(g.cost is not None for g in sc.agent_groups.values()) or any(
        ct.costs.customer_per_minute or ct.costs.telephony_per_minute
        for ct in sc.contact_types.values()
    )


def _bad(option: str, message: str) -> None:
    raise ScenarioError([Problem(option, message)])


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

    _guard(go)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    sets: SetOption = None,
) -> None:
    """Check a scenario file and summarise it, without simulating."""
    from cccsim.model import build_model

    def go() -> None:
        sc = _load(scenario, sets)
        model = build_model(sc)
        days = sc.horizon / 86400
        out.print(
            f"[green]valid[/]: {sc.name} — {days:g} days, {len(sc.contact_types)} contact types, "
            f"{len(sc.agent_groups)} agent groups, {len(sc.targets)} targets"
        )
        for t in model.types:
            out.print(
                f"  {t.name} ({t.channel}): {t.arrivals.total:,.0f} expected contacts, "
                f"mean handle {t.handle.mean:.0f}s"
            )

    _guard(go)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown field reference instead.")
    ] = False,
) -> None:
    """Print the JSON schema of scenario files (for editor completion and validation)."""
    from cccsim.scenario.reference import render_reference

    text = render_reference() if markdown else json.dumps(Scenario.model_json_schema(), indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n")


@app.command()
def erlang(
    per_hour: Annotated[float, typer.Option(help="Arrivals per hour.")],
    aht: Annotated[str, typer.Option(help="Mean handle time, e.g. 3min.")],
    agents: Annotated[str, typer.Option(help="Agents: a number or a range like 10-20.")] = "",
    patience: Annotated[
        str | None, typer.Option(help="Mean patience (Erlang A); omitted = Erlang C.")
    ] = None,
    threshold: Annotated[str, typer.Option(help="Service-level threshold.")] = "20s",
    target: Annotated[
        float | None, typer.Option(help="Also report the fewest agents meeting this service level.")
    ] = None,
    blocking: Annotated[bool, typer.Option("--blocking", help="No queue: Erlang B.")] = False,
) -> None:
    """Exact Erlang B, C or A numbers for a quick check of a staffing level."""
    from rich.table import Table

    from cccsim import theory
    from cccsim.tables import fmt

    def go() -> None:
        lam = per_hour / 3600
        try:
            handle = parse_duration(aht)
            wait = parse_duration(threshold)
            mean_patience = parse_duration(patience) if patience else math.inf
        except ValueError as exc:
            raise ScenarioError([Problem("--aht/--patience/--threshold", str(exc))]) from None
        if handle <= 0:
            raise ScenarioError([Problem("--aht", "must be positive")])
        load = lam * handle
        lo, hi = _agent_range(agents, load)
        model = (
            "Erlang B" if blocking else ("Erlang A" if math.isfinite(mean_patience) else "Erlang C")
        )
        table = Table(title=f"{model}: {per_hour:g}/h, AHT {aht}, load {load:.2f} Erlangs")
        cols = [
            "agents",
            "service_level",
            "asa",
            "p_wait",
            "abandon_rate",
            "block_rate",
            "occupancy",
        ]
        for c in cols:
            table.add_column(c.replace("_", " "), justify="right")
        for n in range(lo, hi + 1):
            if blocking:
                m = theory.erlang_b_metrics(lam, handle, n)
            else:
                m = theory.erlang_a_metrics(lam, handle, mean_patience, n, wait)
            values = {
                "service_level": m.service_level,
                "asa": m.asa,
                "p_wait": m.p_wait,
                "abandon_rate": m.p_abandon,
                "block_rate": m.p_block,
                "occupancy": m.occupancy,
            }
            table.add_row(str(n), *(fmt(c, values[c]) for c in cols[1:]))
        out.print(table)
        if target is not None and not blocking:
            if not 0 < target < 1:
                raise ScenarioError(
                    [Problem("--target", "expected a share between 0 and 1, e.g. 0.8")]
                )
            n = theory.agents_for_service_level(lam, handle, wait, target, mean_patience)
            out.print(f"fewest agents for service level ≥ {target:.0%} within {threshold}: {n}")

    _guard(go)


def _agent_range(text: str, load: float) -> tuple[int, int]:
    if not text:
        base = max(1, math.ceil(load))
        return base, base + 6
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
        else:
            a = b = int(text)
    except ValueError:
        raise ScenarioError(
            [Problem("--agents", f"expected a number or a range like 10-20, got {text!r}")]
        ) from None
    if a < 1 or b < a or b - a > 500:
        raise ScenarioError([Problem("--agents", "expected 1 ≤ first ≤ last, at most 500 rows")])
    return a, b


def main() -> None:
    """Console-script entry point."""
    app()
