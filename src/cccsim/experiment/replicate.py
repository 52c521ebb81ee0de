"""Replications of one scenario with confidence intervals, optionally until a precision is met."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.combine import combine
from cccsim.experiment.runner import ExperimentInterrupted, Point, Progress, execute
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.stats.ci import STUDY_CONFIDENCE


def as_scenario(source: Scenario | str | Path | Mapping[str, Any]) -> Scenario:
    """A validated scenario from a Scenario, a YAML path or a dict."""
    return source if isinstance(source, Scenario) else load_scenario(source)


def replicate(
    scenario: Scenario | str | Path | Mapping[str, Any],
    replications: int = 10,
    seed: int = 0,
    *,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    keep_contacts: bool = False,
    confidence: float = STUDY_CONFIDENCE,
    precision: float | None = None,
    relative: bool = True,
    max_replications: int = 1000,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run independent replications of ``scenario`` and summarise them with confidence intervals.

    With ``precision``, start with ``replications`` and add more until the confidence interval
    of every target KPI (or every contact type's service level if there are no targets) has a
    half-width of at most ``precision`` × |mean| (``relative``) or ``precision`` (absolute),
    up to ``max_replications``. With ``out``, each replication is written as a Parquet shard and a
    rerun with the same ``out`` resumes.
    """
    if replications < 1:
        raise ExperimentError("replications must be at least 1")
    if precision is not None and precision <= 0:
        raise ExperimentError("precision must be positive")
    sc = as_scenario(scenario)
    started = time.perf_counter()
    points = [Point(sc.name, sc)]
    results: dict[str, dict[int, ReplicationResult]] = {sc.name: {}}
    target_n = replications
    while True:
        have = len(results[sc.name])
        try:
            new = execute(
                points,
                range(have, target_n),
                seed,
                backend=backend,
                workers=workers,
                cluster=cluster,
                out=out,
                keep_contacts=keep_contacts,
                progress=progress,
            )
        except ExperimentInterrupted as stop:
            for name, reps in stop.partial.items():
                results[name].update(reps)
            partial = combine(points, results, seed, confidence, started)
            raise ExperimentInterrupted(partial, stop.done, stop.total) from None
        results[sc.name].update(new[sc.name])
        exp = combine(points, results, seed, confidence, started, {"precision": precision})
        if precision is None:
            return exp
        needed = replications_needed(exp.summary, _precision_kpis(sc), precision, relative)
        if needed <= target_n or target_n >= max_replications:
            exp.provenance["precision_met"] = needed <= target_n
            return exp
        target_n = min(max(needed, target_n + 1), max_replications)


def _precision_kpis(sc: Scenario) -> list[tuple[str, str]]:
    if sc.targets:
        return [(t.contact_type, t.kpi) for t in sc.targets if t.contact_type is not None]
    return [(name, "service_level") for name in sc.contact_types]


def replications_needed(
    summary: pd.DataFrame, kpis: list[tuple[str, str]], precision: float, relative: bool
) -> int:
    """Replications for every KPI's CI half-width to reach the precision (n·(h/target)² rule)."""
    need = 0
    for ctype, kpi in kpis:
        row = summary[(summary.contact_type == ctype) & (summary.kpi == kpi)]
        if row.empty:
            continue
        r = row.iloc[0]
        n, half = int(r["n"]), (r["ci_high"] - r["ci_low"]) / 2
        goal = precision * abs(r["mean"]) if relative else precision
        if n < 2 or not math.isfinite(half):
            need = max(need, n + 2)
        elif goal <= 0:
            need = max(need, n if half == 0 else n * 4)
        elif half > goal:
            need = max(need, math.ceil(n * (half / goal) ** 2))
        else:
            need = max(need, n)
    return need
