"""One replication end to end: Scenario → Model → engine → Records → ReplicationResult."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from cccsim import __version__
from cccsim.engine import run
from cccsim.model import Model, build_model
from cccsim.records import Records
from cccsim.results import ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.stats.journeys import ivr_frame, journeys_frame
from cccsim.stats.kpis import (
    contacts_frame,
    group_intervals_frame,
    groups_frame,
    intervals_frame,
    summary_frame,
)
from cccsim.stats.targets import evaluate_targets


def result_from_records(rec: Records, provenance: dict[str, Any]) -> ReplicationResult:
    """Turn one replication's records into its KPI frames."""
    summary = summary_frame(rec)
    return ReplicationResult(
        contacts=contacts_frame(rec),
        intervals=intervals_frame(rec),
        groups=groups_frame(rec),
        group_intervals=group_intervals_frame(rec),
        summary=summary,
        targets=evaluate_targets(rec),
        journeys=journeys_frame(rec),
        ivr=ivr_frame(rec),
        provenance=provenance,
    )


def run_replication(
    scenario: Scenario | str | Path | Mapping[str, Any],
    seed: int | np.random.SeedSequence = 0,
    *,
    model: Model | None = None,
) -> ReplicationResult:
    """Simulate one replication of ``scenario`` with ``seed`` and compute its KPIs."""
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    started = time.perf_counter()
    model = model or build_model(sc)
    rec = run(model, seed)
    provenance = {
        "scenario": sc.name,
        "scenario_hash": model.scenario_hash,
        "seed": _seed_repr(seed),
        "cccsim_version": __version__,
        "n_contacts": rec.n_contacts,
        "n_events": rec.n_events,
        "wall_time": time.perf_counter() - started,
    }
    result = result_from_records(rec, provenance)
    result.scenario = sc
    return result


def _seed_repr(seed: int | np.random.SeedSequence) -> Any:
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    return seed
