"""Sweeps: one scenario at every point of a factor grid, the same seeds at every point."""

from __future__ import annotations

import itertools
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
    out = []
    for values in grid:
        name = ",".join(f"{k}={_show(v)}" for k, v in values.items())
        out.append(Point(name, load_scenario(scenario, overrides=values), values))
    return out


def _show(value: Any) -> str:
    return str(value).replace(" ", "")


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
