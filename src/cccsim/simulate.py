"""One replication end to end: Scenario → Model → engine → Records → Tally → ReplicationResult.

Records are either kept in memory (the ``contacts`` frame is in the result) or streamed to a
file as the run goes (``contacts_to``: memory stays flat however long the horizon).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccsim import __version__
from cccsim.engine import run, run_into
from cccsim.engine.columns import empty_part
from cccsim.model import Model, build_model
from cccsim.results import ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.stats.journeys import ivr_frame, journeys_frame
from cccsim.stats.kpis import (
    contacts_frame,
    group_intervals_frame,
    groups_frame,
    intervals_frame,
    summary_frame,
    waits_frame,
)
from cccsim.stats.tally import Tally, tally
from cccsim.stats.targets import evaluate_targets, target_intervals_frame
from cccsim.stream import ContactsStream


def result_from_tally(
    tl: Tally, contacts: pd.DataFrame, provenance: dict[str, Any]
) -> ReplicationResult:
    """Turn one replication's tally into its KPI frames."""
    return ReplicationResult(
        contacts=contacts,
        intervals=intervals_frame(tl),
        groups=groups_frame(tl),
        group_intervals=group_intervals_frame(tl),
        summary=summary_frame(tl),
        targets=evaluate_targets(tl),
        journeys=journeys_frame(tl),
        ivr=ivr_frame(tl),
        target_intervals=target_intervals_frame(tl),
        waits=waits_frame(tl),
        provenance=provenance,
    )


def run_replication(
    scenario: Scenario | str | Path | Mapping[str, Any],
    seed: int | np.random.SeedSequence = 0,
    *,
    model: Model | None = None,
    contacts_to: str | Path | None = None,
) -> ReplicationResult:
    """Simulate one replication of ``scenario`` with ``seed`` and compute its KPIs.

    With ``contacts_to`` (a ``.parquet`` or ``.csv`` path) the contacts are written there a day
    at a time during the run and ``result.contacts`` is left empty; the KPI frames are the same.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    started = time.perf_counter()
    model = model or build_model(sc)
    if contacts_to is None:
        rec = run(model, seed)
        tl, contacts = tally(rec), contacts_frame(rec)
        del rec
    else:
        with ContactsStream(model, contacts_to) as stream:
            tl = stream.close(run_into(model, seed, stream))
        contacts = contacts_frame(empty_part(model))
    provenance = {
        "scenario": sc.name,
        "scenario_hash": model.scenario_hash,
        "seed": _seed_repr(seed),
        "cccsim_version": __version__,
        "n_contacts": tl.n_contacts,
        "n_events": tl.n_events,
        "wall_time": time.perf_counter() - started,
    }
    if contacts_to is not None:
        provenance["contacts_file"] = str(contacts_to)
    result = result_from_tally(tl, contacts, provenance)
    result.scenario = sc
    return result


def _seed_repr(seed: int | np.random.SeedSequence) -> Any:
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": seed.entropy, "spawn_key": list(seed.spawn_key)}
    return seed
