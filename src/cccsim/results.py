"""Result containers: one replication, and an experiment over many (tidy DataFrames)."""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

FRAMES: tuple[str, ...] = (
    "contacts",
    "intervals",
    "groups",
    "group_intervals",
    "summary",
    "targets",
)


OPTIONAL_FRAMES: tuple[str, ...] = ("journeys", "ivr", "target_intervals", "waits")
"""Per-replication frames a result has when there is something in them (journeys and IVR when
the scenario has them; each target per interval; the waiting-time curves)."""

EXPERIMENT_FRAMES: tuple[str, ...] = (
    "replications",
    "intervals",
    "groups",
    "group_intervals",
    "targets",
    "summary",
    "target_summary",
    "group_summary",
    "costs",
    "cost_summary",
    "options",
    "differences",
    "journeys",
    "journey_summary",
    "ivr",
    "target_intervals",
    "waits",
    "contacts",
)
"""Frames of an ExperimentResult, in the order they are written."""


class Shown:
    """How a result shows itself: a readable repr, a summary in Jupyter and its figures.

    The code is the report's (``report/notebook.py``), imported only when a result is shown.
    """

    def __repr__(self) -> str:
        return _shown(self, "text_summary")

    def _repr_html_(self) -> str:
        """A compact summary in Jupyter: the targets' verdicts, KPIs with CIs, costs."""
        return _shown(self, "html_summary")

    def figures(self) -> dict[str, Any]:
        """The report's figures as Plotly figures, by name (``service_level``, ``waits``, …)."""
        from cccsim.report.notebook import figures

        return figures(self)  # type: ignore[arg-type]  # each subclass is a Result


@dataclass(repr=False)
class ReplicationResult(Shown):
    """KPIs of one replication; columns are documented in docs/reference/results.md."""

    contacts: pd.DataFrame
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame
    summary: pd.DataFrame
    targets: pd.DataFrame
    journeys: pd.DataFrame = field(default_factory=pd.DataFrame)
    ivr: pd.DataFrame = field(default_factory=pd.DataFrame)
    target_intervals: pd.DataFrame = field(default_factory=pd.DataFrame)
    waits: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict[str, Any] = field(default_factory=dict)
    scenario: Any = None  # the validated Scenario (for reports and provenance)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by name (for writing and concatenating); the optional ones where there are."""
        frames = {name: getattr(self, name) for name in FRAMES}
        frames.update({n: getattr(self, n) for n in OPTIONAL_FRAMES if len(getattr(self, n))})
        return frames


@dataclass(repr=False)
class ExperimentResult(Shown):
    """Replications of one or more scenarios: per-replication frames plus CI summaries.

    Per-replication frames carry ``scenario`` (and one column per sweep factor) and
    ``replication`` columns; ``summary`` has one row per scenario × contact type × KPI with mean,
    std, ci_low and ci_high (Student t). ``costs`` has each contract period's total cost and its
    parts, ``cost_summary`` their intervals, and ``options`` one row per option ranked by total
    cost among those keeping every target (``cheapest_compliant`` names the first).
    ``differences`` (comparisons only) holds paired differences against the baseline.
    """

    replications: pd.DataFrame  # per-replication summary rows
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame
    targets: pd.DataFrame  # per replication
    summary: pd.DataFrame  # CI table, long form
    target_summary: pd.DataFrame
    group_summary: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    contacts: pd.DataFrame | None = None
    factors: list[str] = field(default_factory=list)
    scenarios: dict[str, Any] = field(default_factory=dict)  # name → Scenario
    differences: pd.DataFrame | None = None
    journeys: pd.DataFrame | None = None  # per replication
    journey_summary: pd.DataFrame | None = None
    ivr: pd.DataFrame | None = None
    costs: pd.DataFrame | None = None  # per replication: the total cost and its parts
    cost_summary: pd.DataFrame | None = None
    options: pd.DataFrame | None = None
    target_intervals: pd.DataFrame | None = None  # per replication
    waits: pd.DataFrame | None = None  # per replication

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by name (for writing)."""
        return {n: getattr(self, n) for n in EXPERIMENT_FRAMES if getattr(self, n) is not None}

    @property
    def cheapest_compliant(self) -> str | None:
        """The cheapest option whose every target is met at the study's confidence (None if none)."""
        from cccsim.stats.options import cheapest_compliant

        return cheapest_compliant(self.options)


def _shown(result: Any, how: str) -> str:
    """``report.notebook``'s text or HTML summary of ``result`` (imported only when shown); a
    summary that fails falls back to one line, so a repr never raises."""
    from cccsim.report import notebook

    try:
        return str(getattr(notebook, how)(result))
    except Exception as exc:
        line = f"<{type(result).__name__}: no summary ({type(exc).__name__}: {exc})>"
        return html.escape(line) if how == "html_summary" else line


def write_frames(
    frames: dict[str, pd.DataFrame], out: str | Path, fmt: str = "parquet"
) -> list[Path]:
    """Write frames to ``out/<name>.<fmt>`` atomically (temp file + rename); return the paths."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = directory / f"{name}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        elif fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
        tmp.replace(path)
        written.append(path)
    return written


def write_result(
    result: ReplicationResult | ExperimentResult, out: str | Path, fmt: str = "parquet"
) -> list[Path]:
    """Write a result's frames, its provenance and its scenarios to ``out`` (``cccsim report`` reads it back)."""
    directory = Path(out)
    frames = result.frames()
    streamed = (
        result.provenance.get("contacts_file") if isinstance(result, ReplicationResult) else None
    )
    paths = []
    if streamed is not None:  # the contacts went to a file during the run: keep that file
        frames.pop("contacts", None)
        target = directory / f"contacts.{fmt}"
        source = Path(streamed)
        directory.mkdir(parents=True, exist_ok=True)
        if source.resolve() != target.resolve():
            _convert(source, target, fmt)
        paths.append(target)
    paths += write_frames(frames, directory, fmt)
    scenarios = (
        {result.scenario.name: result.scenario}
        if isinstance(result, ReplicationResult)
        else result.scenarios
    )
    meta = {
        "kind": "replication" if isinstance(result, ReplicationResult) else "experiment",
        "format": fmt,
        "factors": getattr(result, "factors", []),
        "provenance": result.provenance,
        "scenarios": {
            name: sc.model_dump(mode="json") for name, sc in scenarios.items() if sc is not None
        },
    }
    meta_path = directory / "result.json"
    tmp = meta_path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    tmp.replace(meta_path)
    return [*paths, meta_path]


def _convert(source: Path, target: Path, fmt: str) -> None:
    """Copy a streamed contacts file to ``target`` in ``fmt``, atomically."""
    tmp = target.with_suffix(target.suffix + ".tmp")
    if source.suffix == f".{fmt}":
        shutil.copyfile(source, tmp)
    else:
        frame = pd.read_parquet(source) if source.suffix == ".parquet" else pd.read_csv(source)
        write_frames({"contacts": frame}, target.parent, fmt)
        return
    tmp.replace(target)


def read_result(out: str | Path) -> ReplicationResult | ExperimentResult:
    """Read back what ``write_result`` wrote (for reports made after the run)."""
    from cccsim.errors import ExperimentError
    from cccsim.scenario import load_scenario

    directory = Path(out)
    meta_path = directory / "result.json"
    if not meta_path.is_file():
        raise ExperimentError(
            f"{directory} holds no cccsim result (no result.json); run with --out first"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    fmt = meta.get("format", "parquet")

    def frame(name: str) -> pd.DataFrame | None:
        path = directory / f"{name}.{fmt}"
        if not path.exists():
            return None
        return pd.read_parquet(path) if fmt == "parquet" else pd.read_csv(path)

    scenarios = {name: load_scenario(data) for name, data in meta["scenarios"].items()}
    if meta["kind"] == "replication":
        found = {name: frame(name) for name in FRAMES}
        missing = [n for n, f in found.items() if f is None]
        if missing:
            raise ExperimentError(f"{directory} lacks {', '.join(missing)}")
        frames = {n: f for n, f in found.items() if f is not None}
        for name in OPTIONAL_FRAMES:
            extra = frame(name)
            frames[name] = extra if extra is not None else pd.DataFrame()
        rep = ReplicationResult(**frames, provenance=meta["provenance"])
        rep.scenario = next(iter(scenarios.values()))
        return rep
    names = EXPERIMENT_FRAMES[:8]  # the frames every experiment has
    tables: dict[str, pd.DataFrame] = {}
    for name in names:
        table = frame(name)
        tables[name] = table if table is not None else pd.DataFrame()
    return ExperimentResult(
        **tables,
        provenance=meta["provenance"],
        contacts=frame("contacts"),
        factors=meta.get("factors", []),
        scenarios=scenarios,
        differences=frame("differences"),
        journeys=frame("journeys"),
        journey_summary=frame("journey_summary"),
        ivr=frame("ivr"),
        costs=frame("costs"),
        cost_summary=frame("cost_summary"),
        options=frame("options"),
        target_intervals=frame("target_intervals"),
        waits=frame("waits"),
    )
