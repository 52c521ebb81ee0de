"""Stack replications of one or more points into an ExperimentResult with CI summaries."""

from __future__ import annotations

import time
from typing import Any

import pandas as pd

from cccsim import __version__
from cccsim.experiment.identity import result_identity
from cccsim.experiment.runner import ExperimentInterrupted, Point, execute
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.scenario import scenario_hash
from cccsim.stats.ci import summarise
from cccsim.stats.journeys import JOURNEY_COLUMNS
from cccsim.stats.kpis import COST_COLUMNS, KPI_COLUMNS
from cccsim.stats.options import COST_TOTALS, cost_totals, options_frame
from cccsim.stats.targets import target_summary

JOURNEY_KPIS = JOURNEY_COLUMNS[1:]  # every journey column but the first contact type
GROUP_KPIS = [
    "staffed_time",
    "busy_time",
    "occupancy",
    "mean_agents",
    "answered_share",
    "operating_cost",
]


def _stack(
    points: list[Point], results: dict[str, dict[int, ReplicationResult]], frame: str
) -> pd.DataFrame:
    factor_names = list(dict.fromkeys(k for p in points for k in p.factors))
    parts = []
    for p in points:
        for r in sorted(results.get(p.name, {})):
            part = getattr(results[p.name][r], frame)
            if part is None or part.empty:
                continue
            extra: dict[str, Any] = {"scenario": p.name, "replication": r}
            extra.update({k: p.factors.get(k) for k in factor_names})
            parts.append(part.assign(**{k: [v] * len(part) for k, v in extra.items()}))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    front = ["scenario", *factor_names, "replication"]
    return out[front + [c for c in out.columns if c not in front]]


def combine(
    points: list[Point],
    results: dict[str, dict[int, ReplicationResult]],
    seed: int,
    confidence: float,
    started: float,
    extra_provenance: dict[str, Any] | None = None,
) -> ExperimentResult:
    """Per-replication frames (scenario, factor and replication columns) plus CI summaries."""
    factors = list(dict.fromkeys(k for p in points for k in p.factors))
    keys = ["scenario", *factors]
    per_rep = _stack(points, results, "summary")
    groups = _stack(points, results, "groups")
    targets = _stack(points, results, "targets")
    contacts = _stack(points, results, "contacts")
    journeys = _stack(points, results, "journeys")
    verdicts = target_summary(targets, confidence, keys) if len(targets) else pd.DataFrame()
    costs = cost_totals(groups, per_rep, targets, factors) if len(per_rep) else pd.DataFrame()
    return ExperimentResult(
        replications=per_rep,
        intervals=_stack(points, results, "intervals"),
        groups=groups,
        group_intervals=_stack(points, results, "group_intervals"),
        targets=targets,
        summary=summarise(
            per_rep, [*keys, "contact_type", "channel"], [*KPI_COLUMNS, *COST_COLUMNS], confidence
        )
        if len(per_rep)
        else pd.DataFrame(),
        target_summary=verdicts,
        group_summary=summarise(groups, [*keys, "agent_group"], GROUP_KPIS, confidence)
        if len(groups)
        else pd.DataFrame(),
        provenance={
            "scenarios": {p.name: scenario_hash(p.scenario) for p in points},
            "identities": {p.name: _identity(p, seed) for p in points},
            "seed": seed,
            "replications": {p.name: len(results.get(p.name, {})) for p in points},
            "confidence": confidence,
            "cccsim_version": __version__,
            "wall_time": time.perf_counter() - started,
            **(extra_provenance or {}),
        },
        contacts=contacts if len(contacts) else None,
        journeys=journeys if len(journeys) else None,
        journey_summary=summarise(journeys, [*keys, "first_contact_type"], JOURNEY_KPIS, confidence)
        if len(journeys)
        else None,
        ivr=_stack(points, results, "ivr")
        if any(len(r.ivr) for reps in results.values() for r in reps.values())
        else None,
        factors=factors,
        scenarios={p.name: p.scenario for p in points},
        costs=costs if len(costs) else None,
        cost_summary=summarise(costs, keys, list(COST_TOTALS), confidence) if len(costs) else None,
        options=options_frame(costs, verdicts, factors, confidence) if len(costs) else None,
        target_intervals=_optional(_stack(points, results, "target_intervals")),
        waits=_optional(_stack(points, results, "waits")),
    )


def _identity(point: Point, seed: int) -> dict[str, Any]:
    identity = result_identity(point.scenario, seed)
    return {"key": identity.key, **identity.ingredients}


def _optional(frame: pd.DataFrame) -> pd.DataFrame | None:
    return frame if len(frame) else None


def run_points(
    points: list[Point],
    replications: int,
    seed: int,
    confidence: float,
    extra_provenance: dict[str, Any] | None = None,
    **execution: Any,
) -> ExperimentResult:
    """Replicate every point (``execution``: backend, workers, cluster, out, progress) and combine.

    On Ctrl-C, ``ExperimentInterrupted`` carries the combined result of what finished.
    """
    started = time.perf_counter()
    try:
        results = execute(points, range(replications), seed, **execution)
    except ExperimentInterrupted as stop:
        raise ExperimentInterrupted(
            combine(points, stop.partial, seed, confidence, started), stop.done, stop.total
        ) from None
    return combine(points, results, seed, confidence, started, extra_provenance)
