"""Shared parts of the ``cccsim`` command: the app, consoles, error guard and common options.

Exit codes: 0 success, 2 bad input (scenario, option or override), 1 internal error, 130 Ctrl-C.
"""

from __future__ import annotations

import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from cccsim import __version__
from cccsim.cli.terminal import FittingConsole
from cccsim.errors import CccsimError, Problem, ScenarioError
from cccsim.experiment.runner import ExperimentInterrupted
from cccsim.scenario.load import load_scenario, parse_override
from cccsim.scenario.schema import Scenario

app = typer.Typer(
    name="cccsim",
    help="Simulate a multichannel contact centre's access and contact strategy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# no emoji codes: ":100:" in "file:100: field" is a line number; tables fit the terminal
out = FittingConsole(emoji=False)  # headers are never cut (cli/terminal.py)
err = Console(stderr=True, emoji=False)
_state: dict[str, bool] = {"debug": False}
T = TypeVar("T")


def guard(action: Callable[[], T]) -> T:
    """Run ``action``; bad input → one message and exit 2; anything else → exit 1 (no traceback)."""
    try:
        return action()
    except ScenarioError as exc:
        err.print(
            f"[bold red]error:[/] {escape(exc.render())}",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    except CccsimError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
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


def load_file(path: Path, sets: list[str] | None) -> Scenario:
    """The scenario file with its ``--set`` overrides; a problem they cause names the --set."""
    overrides = dict(parse_override(s) for s in sets or [])
    try:
        return load_scenario(path, overrides=overrides)
    except ScenarioError as exc:
        raise ScenarioError([as_option(p, "--set") for p in exc.problems], exc.file) from None


def as_option(problem: Problem, option: str) -> Problem:
    """A problem an override caused, labelled with the command-line option that gave it."""
    if problem.override is None or not problem.override.startswith("override "):
        return problem
    return replace(problem, override=f"{option} {problem.override.removeprefix('override ')}")


def warn_closed_days(sc: Scenario) -> None:
    """Warn (stderr) about contact types expecting a material volume on days they are closed."""
    from cccsim.model import build_model
    from cccsim.model.volume import closed_day_volumes

    for found in closed_day_volumes(sc, build_model(sc)):
        err.print(f"[yellow]warning:[/] {found.message()}", highlight=False, soft_wrap=True)


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
    warnings.showwarning = _notice


def _notice(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """Warnings (such as stale shards being recomputed) as one line on stderr."""
    err.print(f"[yellow]note:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


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
ConfidenceOption = Annotated[
    float,
    typer.Option(
        min=0.5,
        max=0.999,
        help="The study's confidence: CIs at this level; a target is met when P(met) ≥ it, "
        "missed when P(met) ≤ 1 − it, else at risk.",
    ),
]
ReportOption = Annotated[
    Path | None, typer.Option("--report", help="Also write a self-contained HTML report here.")
]
PlotlyOption = Annotated[
    str, typer.Option("--plotlyjs", help="inline (works offline) or cdn (a smaller file).")
]


def write_report_to(result: Any, path: Path | None, plotlyjs: str) -> None:
    if path is None:
        return
    from cccsim.report import write_report

    if plotlyjs not in ("inline", "cdn"):
        raise ScenarioError([Problem("--plotlyjs", "expected inline or cdn")])
    write_report(result, path, plotlyjs=plotlyjs)
    out.print(f"wrote report {path}")


@contextmanager
def progress_bar(
    enabled: bool, description: str = "replications", *, eta: bool = True
) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for experiments, with a time-left estimate (``cli/progress.py``)."""
    if not enabled:
        yield None
        return
    from cccsim.cli.progress import progress_bar as bar

    with bar(err, description, eta=eta) as update:
        yield update


def shards_dir(out_dir: Path | None) -> Path | None:
    return out_dir / "shards" if out_dir is not None else None


def run_experiment(
    call: Callable[[Callable[[int, int], None] | None], Any], out_dir: Path | None
) -> Any:
    """Run an experiment under a progress bar; on Ctrl-C say what was kept and exit 130."""
    with progress_bar(True) as progress:
        try:
            return call(progress)
        except ExperimentInterrupted as stop:
            interrupted(stop, out_dir)


def save(exp: Any, out_dir: Path | None, report: Path | None, plotlyjs: str) -> None:
    """Write an experiment's results (with --out) and its report (with --report)."""
    from cccsim.results import write_result

    if out_dir is not None:
        write_result(exp, out_dir)
        out.print(f"wrote results to {out_dir}/")
    write_report_to(exp, report, plotlyjs)


def interrupted(stop: ExperimentInterrupted, out_dir: Path | None) -> None:
    """Say what Ctrl-C kept, then exit 130."""
    finished = f"{stop.done} of {stop.total} replications finished"
    if out_dir is not None:
        message = (
            f"{finished}; they are kept in {out_dir}/shards — rerun the same command to resume"
        )
    else:
        message = f"{finished}; nothing was saved (with --out, finished replications are kept)"
    err.print(f"[yellow]interrupted[/]: {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(130)


def costed(sc: Scenario) -> bool:
    """Whether the scenario prices anything — agents, minutes, penalties or bonuses (then the CLI
    prints the costs and the total cost)."""
    return (
        any(g.cost is not None for g in sc.agent_groups.values())
        or any(
            ct.costs.customer_per_minute or ct.costs.telephony_per_minute
            for ct in sc.contact_types.values()
        )
        or any(t.penalty is not None or t.bonus is not None for t in sc.targets)
    )


def bad_option(option: str, message: str) -> None:
    raise ScenarioError([Problem(option, message)])


def quietly(call: Callable[..., T]) -> Callable[..., T]:
    """``call`` without its PrecisionWarning: the CLI says the same in its own words afterwards."""

    def wrapped(*args: Any, **kwargs: Any) -> T:
        from cccsim.experiment.replicate import PrecisionWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PrecisionWarning)
            return call(*args, **kwargs)

    return wrapped


def report_precision(provenance: dict[str, Any]) -> None:
    """After a --precision run: whether it was reached, or which KPIs the cap left short."""
    from cccsim.experiment.replicate import PrecisionCheck, precision_message

    asked = provenance.get("precision")
    if not asked:
        return
    n = max(provenance["replications"].values())
    if not asked["short"]:
        out.print(f"precision reached with {n} replications", highlight=False)
        return
    short = [PrecisionCheck(**c) for c in asked["short"]]
    out.print(f"[yellow]precision:[/] {escape(precision_message(short, n))}", highlight=False)
