"""Sweeps: one scenario at every point of a factor grid, the same seeds at every point."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cccsim.errors import ExperimentError
from cccsim.experiment.combine import run_points
from cccsim.experiment.replicate import as_scenario
from cccsim.experiment.runner import Point, Progress
from cccsim.results import ExperimentResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.stats.ci import STUDY_CONFIDENCE


def sweep_points(
    scenario: Scenario,
    factors: Mapping[str, Sequence[Any]] | None = None,
    points: Sequence[Mapping[str, Any]] | None = None,
) -> list[Point]:
    """The validated scenario at each point: the full factorial of ``factors`` or explicit ``points``."""
    if (factors is None) == (points is None):
        raise ExperimentError(
            "give either factors (a full factorial) or an explicit list of points"
        )
    if factors is not None:
        if not factors or any(len(v) == 0 for v in factors.values()):
            raise ExperimentError("every factor needs at least one value")
        grid = [
            dict(zip(factors, combo, strict=True)) for combo in itertools.product(*factors.values())
        ]
    else:
        assert points is not None
        grid = [dict(p) for p in points]
        if not grid:
            raise ExperimentError("points is empty")
    names = [",".join(f"{k}={_show(v)}" for k, v in values.items()) for values in grid]
    exact = [json.dumps(values, sort_keys=True, default=str) for values in grid]
    for i, key in enumerate(exact):
        if key in exact[:i]:
            raise ExperimentError(f"points[{i}] repeats points[{exact.index(key)}]: {names[i]}")
    for i, name in enumerate(names):  # different values that print alike ("12" and 12)
        if name in names[:i]:
            names[i] = f"{name} #{i + 1}"
    columns = _columns(grid)
    return [
        Point(name, load_scenario(scenario, overrides=values), columns[i])
        for i, (name, values) in enumerate(zip(names, grid, strict=True))
    ]


def _columns(grid: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each point's factor values as the tidy frames' columns hold them: a factor whose values are
    all numbers or all text keeps them; lists, mappings and mixed kinds are shown as text (so the
    columns can be grouped and written to Parquet)."""
    shown: set[str] = set()
    for path in dict.fromkeys(k for values in grid for k in values):
        kinds = {_kind(values[path]) for values in grid if path in values}
        if len(kinds) > 1 or "other" in kinds:
            shown.add(path)
    return [{k: _show(v) if k in shown else v for k, v in values.items()} for values in grid]


def _kind(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "other"
    if isinstance(value, int | float):
        return "number"
    return "text" if isinstance(value, str) else "other"


def _show(value: Any) -> str:
    """A value as it would be written in YAML flow style: ``12``, ``20s``, ``[10, 12]``."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def sweep(
    scenario: Scenario | str | Path | Mapping[str, Any],
    factors: Mapping[str, Sequence[Any]] | None = None,
    replications: int = 10,
    seed: int = 0,
    *,
    points: Sequence[Mapping[str, Any]] | None = None,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    confidence: float = STUDY_CONFIDENCE,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Replicate ``scenario`` at every factor point (dotted paths → values), sharing seeds.

    Tidy frames get one column per factor, named by its dotted path.
    """
    grid = sweep_points(as_scenario(scenario), factors, points)
    return run_points(
        grid,
        replications,
        seed,
        confidence,
        backend=backend,
        workers=workers,
        cluster=cluster,
        out=out,
        progress=progress,
    )
