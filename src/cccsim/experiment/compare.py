"""Compare strategies under common random numbers: paired differences against a baseline."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.combine import run_points
from cccsim.experiment.replicate import as_scenario
from cccsim.experiment.runner import Point, Progress
from cccsim.results import ExperimentResult
from cccsim.scenario import Scenario
from cccsim.stats.ci import STUDY_CONFIDENCE
from cccsim.stats.kpis import KPI_COLUMNS
from cccsim.stats.options import COST_TOTALS
from cccsim.stats.paired import paired_differences, paired_target_differences

COMPARED_KPIS = [k for k in KPI_COLUMNS if k not in ("offered",)]


def compare(
    scenarios: Mapping[str, Scenario | str | Path | Mapping[str, Any]],
    replications: int = 10,
    seed: int = 0,
    *,
    baseline: str | None = None,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    confidence: float = STUDY_CONFIDENCE,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Replicate each named scenario with the same seeds and difference it against ``baseline``.

    ``baseline`` defaults to the first scenario. The result's ``differences`` frame has, per
    option, contact type and KPI, the mean paired difference with its confidence interval, the
    confidence that the option is better, and a verdict; the total cost and its parts are
    differenced too, as contact type ``all``, and each target's attained value as contact type
    ``target`` with the target's label as ``kpi``. ``options`` ranks the options by total cost among
    those keeping every target (``cheapest_compliant`` names the first).
    """
    if len(scenarios) < 2:
        raise ExperimentError("compare needs at least two scenarios")
    points = [Point(name, as_scenario(sc)) for name, sc in scenarios.items()]
    base = baseline or points[0].name
    if base not in scenarios:
        raise ExperimentError(f"baseline {base!r} is not one of {list(scenarios)}")
    exp = run_points(
        points,
        replications,
        seed,
        confidence,
        {"baseline": base},
        backend=backend,
        workers=workers,
        cluster=cluster,
        out=out,
        progress=progress,
    )
    differences = [paired_differences(exp.replications, base, COMPARED_KPIS, confidence)]
    if exp.costs is not None:  # the whole option's costs, as contact type "all"
        costs = exp.costs.assign(contact_type="all")
        differences.append(paired_differences(costs, base, list(COST_TOTALS), confidence))
    if len(exp.targets):  # each target's attained value as the target defines it
        differences.append(paired_target_differences(exp.targets, base, confidence))
    exp.differences = pd.concat(differences, ignore_index=True)
    return exp
