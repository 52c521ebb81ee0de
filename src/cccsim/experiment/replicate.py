"""Replications of a scenario on an executor: serial or a process pool, identical numbers.

Replication ``r`` of an experiment seeded ``s`` always uses ``SeedSequence(s, spawn_key=(r,))``,
so results do not depend on the backend, the number of workers or the completion order.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from cccsim import __version__
from cccsim.errors import ExperimentError
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.rng import replication_seed
from cccsim.scenario import Scenario, load_scenario, scenario_hash
from cccsim.simulate import run_replication
from cccsim.stats.ci import summarise
from cccsim.stats.kpis import KPI_COLUMNS
from cccsim.stats.targets import target_summary

BACKENDS = ("auto", "serial", "processes")
Progress = Callable[[int, int], None]


def run_task(
    scenario: Scenario, seed: int, replication: int, keep_contacts: bool
) -> ReplicationResult:
    """One replication as a picklable task (the unit every backend runs)."""
    result = run_replication(scenario, replication_seed(seed, replication))
    result.provenance["replication"] = replication
    if not keep_contacts:
        result.contacts = result.contacts.iloc[0:0]
    return result


class _SerialExecutor(Executor):
    """Runs each task at once in this process (debugging, tests, single cores)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def make_executor(backend: str, workers: int | None) -> Executor:
    """The executor for ``backend`` (``auto`` = a process pool when more than one core)."""
    if backend not in BACKENDS:
        raise ExperimentError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    cores = os.cpu_count() or 1
    if backend == "auto":
        backend = "processes" if cores > 1 and (workers is None or workers > 1) else "serial"
    if backend == "serial":
        return _SerialExecutor()
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(
        max_workers=workers or cores, mp_context=multiprocessing.get_context(method)
    )


def run_replications(
    scenario: Scenario,
    replications: int,
    seed: int,
    executor: Executor,
    keep_contacts: bool = False,
    progress: Progress | None = None,
) -> Iterator[ReplicationResult]:
    """Yield the replications' results in replication order as they complete."""
    futures = [
        executor.submit(run_task, scenario, seed, r, keep_contacts) for r in range(replications)
    ]
    for done, future in enumerate(futures, start=1):
        yield future.result()
        if progress is not None:
            progress(done, replications)


def replicate(
    scenario: Scenario | str | Path | Mapping[str, Any],
    replications: int = 10,
    seed: int = 0,
    *,
    backend: str = "auto",
    workers: int | None = None,
    keep_contacts: bool = False,
    confidence: float = 0.95,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run ``replications`` independent replications and summarise them with confidence intervals."""
    if replications < 1:
        raise ExperimentError("replications must be at least 1")
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    started = time.perf_counter()
    executor = make_executor(backend, workers)
    with executor:
        results = list(run_replications(sc, replications, seed, executor, keep_contacts, progress))
    return combine({sc.name: results}, seed, confidence, started, {sc.name: scenario_hash(sc)})


def _stack(results: dict[str, list[ReplicationResult]], frame: str) -> pd.DataFrame:
    parts = []
    for name, reps in results.items():
        for r, result in enumerate(reps):
            part = getattr(result, frame)
            parts.append(part.assign(scenario=name, replication=r))
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    front = ["scenario", "replication"]
    return out[front + [c for c in out.columns if c not in front]]


def combine(
    results: dict[str, list[ReplicationResult]],
    seed: int,
    confidence: float,
    started: float,
    hashes: dict[str, str],
) -> ExperimentResult:
    """Stack replications of one or more scenarios and compute the CI summaries."""
    per_rep = _stack(results, "summary")
    groups = _stack(results, "groups")
    targets = _stack(results, "targets")
    contacts = _stack(results, "contacts")
    n_reps = {name: len(reps) for name, reps in results.items()}
    return ExperimentResult(
        replications=per_rep,
        intervals=_stack(results, "intervals"),
        groups=groups,
        group_intervals=_stack(results, "group_intervals"),
        targets=targets,
        summary=summarise(
            per_rep, ["scenario", "contact_type", "channel"], list(KPI_COLUMNS), confidence
        ),
        target_summary=target_summary(targets, confidence) if len(targets) else pd.DataFrame(),
        group_summary=summarise(
            groups,
            ["scenario", "agent_group"],
            ["staffed_time", "busy_time", "occupancy", "mean_agents", "answered_share"],
            confidence,
        ),
        provenance={
            "scenarios": hashes,
            "seed": seed,
            "replications": n_reps,
            "confidence": confidence,
            "cccsim_version": __version__,
            "wall_time": time.perf_counter() - started,
        },
        contacts=contacts if len(contacts) else None,
    )
