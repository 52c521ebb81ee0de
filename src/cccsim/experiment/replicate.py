"""Replications of one scenario with confidence intervals, optionally until a precision is met."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.combine import combine
from cccsim.experiment.runner import ExperimentInterrupted, Point, Progress, execute
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.stats.ci import STUDY_CONFIDENCE
from cccsim.stats.formats import fmt

MAX_REPLICATIONS = 100
"""Default cap on the replications a ``precision`` run adds (CLI: ``--max-replications``)."""


class PrecisionWarning(UserWarning):
    """A precision run stopped at its replication cap before every KPI was precise enough."""


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
    max_replications: int = MAX_REPLICATIONS,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run independent replications of ``scenario`` and summarise them with confidence intervals.

    With ``precision``, start with ``replications`` and add more until the confidence interval
    of every target KPI (or every contact type's service level if there are no targets) has a
    half-width of at most ``precision`` × |mean| (``relative``) or ``precision`` (absolute),
    up to ``max_replications`` (default 100). If the cap stops it first, a ``PrecisionWarning``
    names each KPI that is not precise enough and ``provenance["precision"]["short"]`` lists them
    with their half-width, goal and the replications they would need. ``progress(done, total)``
    counts replications over all stages. With ``out``, each replication is written as a Parquet
    shard and a rerun with the same ``out`` resumes.
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
                progress=_staged(progress, have, target_n),
            )
        except ExperimentInterrupted as stop:
            for name, reps in stop.partial.items():
                results[name].update(reps)
            partial = combine(points, results, seed, confidence, started)
            raise ExperimentInterrupted(partial, have + stop.done, have + stop.total) from None
        results[sc.name].update(new[sc.name])
        exp = combine(points, results, seed, confidence, started)
        if precision is None:
            return exp
        checks = precision_checks(exp.summary, _precision_kpis(sc), precision, relative)
        needed = max([c.needed for c in checks], default=target_n)
        if needed <= target_n or target_n >= max_replications:
            short = [c for c in checks if c.needed > target_n]
            exp.provenance["precision_met"] = not short
            exp.provenance["precision"] = {
                "goal": precision,
                "relative": relative,
                "max_replications": max_replications,
                "short": [asdict(c) for c in short],
            }
            if short:
                warnings.warn(precision_message(short, target_n), PrecisionWarning, stacklevel=2)
            return exp
        target_n = min(max(needed, target_n + 1), max_replications)


def _precision_kpis(sc: Scenario) -> list[tuple[str, str]]:
    if sc.targets:
        return [(t.contact_type, t.kpi) for t in sc.targets if t.contact_type is not None]
    return [(name, "service_level") for name in sc.contact_types]


@dataclass(frozen=True)
class PrecisionCheck:
    """One KPI's confidence interval against the precision asked for."""

    contact_type: str
    kpi: str
    mean: float
    half_width: float
    goal: float  # the half-width asked for, in the KPI's units
    needed: int  # replications the n·(h/goal)² rule expects to reach it (≥ n)


def precision_checks(
    summary: pd.DataFrame, kpis: list[tuple[str, str]], precision: float, relative: bool
) -> list[PrecisionCheck]:
    """Each KPI's half-width against its goal, with the replications it needs (n·(h/goal)²)."""
    checks = []
    for ctype, kpi in kpis:
        row = summary[(summary.contact_type == ctype) & (summary.kpi == kpi)]
        if row.empty:
            continue
        r = row.iloc[0]
        n, half = int(r["n"]), float((r["ci_high"] - r["ci_low"]) / 2)
        goal = precision * abs(float(r["mean"])) if relative else precision
        if n < 2 or not math.isfinite(half):
            need = n + 2
        elif goal <= 0:
            need = n if half == 0 else n * 4
        elif half > goal:
            need = max(n + 1, math.ceil(n * (half / goal) ** 2))
        else:
            need = n
        checks.append(PrecisionCheck(ctype, kpi, float(r["mean"]), half, goal, need))
    return checks


def replications_needed(
    summary: pd.DataFrame, kpis: list[tuple[str, str]], precision: float, relative: bool
) -> int:
    """Replications for every KPI's CI half-width to reach the precision (n·(h/target)² rule)."""
    return max((c.needed for c in precision_checks(summary, kpis, precision, relative)), default=0)


def precision_message(short: list[PrecisionCheck], replications: int) -> str:
    """One sentence: stopped at the cap, and which KPIs are not yet precise enough."""
    parts = [
        f"{c.contact_type} {c.kpi.replace('_', ' ')} ±{fmt(c.kpi, c.half_width)} "
        f"(goal ±{fmt(c.kpi, c.goal)}, about {c.needed} replications needed)"
        for c in short
    ]
    return (
        f"stopped at the cap of {replications} replications before the precision was reached: "
        + "; ".join(parts)
        + " — raise max_replications (CLI: --max-replications) or ask for less precision"
    )


def _staged(progress: Progress | None, before: int, total: int) -> Progress | None:
    """Progress over all stages of a precision run: ``before`` done earlier, ``total`` so far."""
    if progress is None:
        return None
    return lambda done, stage_total: progress(before + done, before + stage_total)
