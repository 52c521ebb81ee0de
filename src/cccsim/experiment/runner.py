"""Run replications of one or more scenario points on an executor, with shards and resume.

Replication ``r`` always uses ``SeedSequence(seed, spawn_key=(r,))`` at every point (common
random numbers), whatever the backend, worker count or completion order. Replications are
batched into tasks of about a second (a replication that takes longer is a task of its own), so
scheduler overhead stays small on any backend.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.executors import open_executor, resolve_backend, worker_count
from cccsim.experiment.identity import StaleResultsWarning, result_identity
from cccsim.experiment.store import (
    claim_point,
    clear_leftovers,
    read_shard,
    shard_dir,
    staging_path,
    write_shard,
)
from cccsim.footprint import check_fits
from cccsim.model import build_model
from cccsim.results import ReplicationResult
from cccsim.rng import replication_seed
from cccsim.scenario import Scenario
from cccsim.simulate import run_replication

Progress = Callable[[int, int], None]
TASK_SECONDS = 1.0
CONTACTS_PER_SECOND = 50_000  # engine + KPIs on one busy core (measured 48–170k), for batching


@dataclass(frozen=True)
class Point:
    """One scenario to replicate: a named option of a comparison or a point of a sweep."""

    name: str
    scenario: Scenario
    factors: dict[str, Any] = field(default_factory=dict)


class ExperimentInterrupted(ExperimentError):
    """Ctrl-C during an experiment; ``partial`` holds what finished (shards stay on disk)."""

    def __init__(self, partial: Any, done: int, total: int) -> None:
        self.partial = partial
        self.done, self.total = done, total
        super().__init__(f"interrupted after {done} of {total} replications")


class ReplicationFailed(ExperimentError):
    """A replication raised; names the point and seed so that it can be rerun alone."""


def run_batch(
    point: str,
    scenario: Scenario,
    *,
    seed: int,
    replications: list[int],
    out: str | None,
    keep_contacts: bool,
    identity: str = "",
) -> list[tuple[int, ReplicationResult]]:
    """One task: several replications of one point (picklable, runs on any worker).

    ``identity``: the key of the result's identity, stamped on each replication and shard.
    """
    done = []
    for r in replications:
        # with shards, contacts stream to disk during the run: memory stays flat with the horizon
        staging = staging_path(Path(out), point, r) if out is not None else None
        try:
            result = (
                run_replication(scenario, replication_seed(seed, r))
                if staging is None
                else run_replication(scenario, replication_seed(seed, r), contacts_to=staging)
            )
        except Exception as exc:
            raise ReplicationFailed(
                f"replication {r} of {point!r} (seed {seed}, replication {r}) failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        result.provenance["replication"] = r
        result.provenance["identity"] = identity
        if out is not None and staging is not None:
            result.provenance.pop("contacts_file", None)
            write_shard(Path(out), point, r, result, contacts_file=staging)
            if keep_contacts:
                contacts = shard_dir(Path(out), point, r) / "contacts.parquet"
                result.contacts = pd.read_parquet(contacts).sort_values(
                    "contact_id", ignore_index=True
                )
        elif not keep_contacts:
            result.contacts = result.contacts.iloc[0:0]
        done.append((r, result))
    return done


def batch_size(scenario: Scenario, todo: int, workers: int) -> int:
    """Replications per task: about a second of work, but enough tasks to keep workers busy."""
    model = build_model(scenario)
    contacts = sum(t.arrivals.total for t in model.types) + sum(i.arrivals.total for i in model.ivr)
    seconds = max(contacts / CONTACTS_PER_SECOND, 1e-3)
    per_task = max(1, math.floor(TASK_SECONDS / seconds))
    return max(1, min(per_task, math.ceil(todo / max(workers, 1))))


def execute(
    points: list[Point],
    replications: range | list[int],
    seed: int,
    *,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    keep_contacts: bool = False,
    progress: Progress | None = None,
) -> dict[str, dict[int, ReplicationResult]]:
    """Run ``replications`` of every point; return results by point name and replication index.

    With ``out``, finished replications found there are read back instead of recomputed, and new
    ones are written there as they finish. Shards of another identity (scenario, data files,
    seed, versions: see ``identity.py``) are recomputed, with a ``StaleResultsWarning``. On
    Ctrl-C, pending tasks are cancelled and ``ExperimentInterrupted`` carries the finished results.
    """
    names = [p.name for p in points]
    if len(set(names)) != len(names):
        raise ExperimentError(f"point names must be unique: {names}")
    out_path = Path(out) if out is not None else None
    results: dict[str, dict[int, ReplicationResult]] = {p.name: {} for p in points}
    todo: dict[str, list[int]] = {}
    kind = resolve_backend(backend, workers, cluster)
    n_workers = worker_count(kind, workers)
    on_this_machine = kind == "processes" or (kind == "dask" and not cluster)
    at_once = min(n_workers, len(replications)) if on_this_machine else 1
    # refuse what would not fit in memory before anything (a stale shard, say) is touched
    for p in points:
        check_fits(build_model(p.scenario), streaming=out_path is not None, concurrent=at_once)
    identities = {p.name: result_identity(p.scenario, seed) for p in points}
    keys = {name: identity.key for name, identity in identities.items()}
    stale: list[str] = []
    for p in points:
        if out_path is not None:
            reason = claim_point(out_path, p.name, identities[p.name])
            if reason is not None:
                stale.append(f"{p.name!r}: {reason}")
            for r in replications:
                found = read_shard(out_path, p.name, r, keep_contacts, keys[p.name])
                if found is not None:
                    results[p.name][r] = found
        todo[p.name] = [r for r in replications if r not in results[p.name]]
    if stale:
        warnings.warn(
            f"recomputing results in {out_path} that another experiment wrote — "
            + "; ".join(stale),
            StaleResultsWarning,
            stacklevel=2,
        )
    total = len(points) * len(replications)
    done = total - sum(len(v) for v in todo.values())
    if progress is not None:
        progress(done, total)
    if done == total:
        return results
    out_text = str(out_path) if out_path is not None else None
    tasks = _tasks(points, todo, kind, n_workers)
    # serial: one task at a time (progress after each); a pool: a few queued per worker, so that
    # Ctrl-C has little to cancel; Dask schedules (and cancels) everything itself
    window = {"serial": 1, "processes": 2 * n_workers}.get(kind, len(tasks))
    counts = [done, total]
    try:
        with open_executor(kind, workers, cluster) as executor:
            if progress is not None:
                progress(done, total)  # the workers are up: time from here on is work
            run = partial(run_batch, seed=seed, out=out_text, keep_contacts=keep_contacts)
            _drain(executor, run, tasks, window, results, counts, progress, keys)
    except ExperimentInterrupted:
        if out_path is not None:  # a batch stopped midway may have written some of its shards
            for p in points:
                for r in todo[p.name]:
                    if r not in results[p.name]:
                        found = read_shard(out_path, p.name, r, keep_contacts, keys[p.name])
                        if found is not None:
                            results[p.name][r] = found
                            counts[0] += 1
        raise ExperimentInterrupted(results, *counts) from None
    if out_path is not None:
        for p in points:
            clear_leftovers(out_path, p.name)
    return results


def _drain(
    executor: Executor,
    run: Callable[..., list[tuple[int, ReplicationResult]]],
    tasks: list[tuple[Point, list[int]]],
    window: int,
    results: dict[str, dict[int, ReplicationResult]],
    counts: list[int],
    progress: Progress | None,
    keys: dict[str, str],
) -> None:
    """Keep ``window`` tasks in flight until all are done, filing results as they finish.

    ``counts`` is [done, total], updated in place; ``keys`` the points' identity keys. On Ctrl-C, tasks not started are cancelled
    and ``ExperimentInterrupted`` is raised (the executor's exit then stops running ones).
    """
    queue = iter(tasks)
    order: dict[Future[Any], int] = {}
    in_flight: dict[Future[Any], str] = {}

    def file(future: Future[Any]) -> None:
        for r, result in future.result():
            results[in_flight[future]][r] = result
            counts[0] += 1

    try:
        while True:
            for p, chunk in itertools.islice(queue, max(0, window - len(in_flight))):
                future = executor.submit(
                    run, p.name, p.scenario, replications=chunk, identity=keys[p.name]
                )
                order[future] = len(order)
                in_flight[future] = p.name
            if not in_flight:
                return
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in sorted(finished, key=order.__getitem__):  # deterministic reports
                file(future)
                del in_flight[future]
                if progress is not None:
                    progress(*counts)
    except KeyboardInterrupt:
        for future in in_flight:
            if not future.cancel() and future.done() and future.exception() is None:
                file(future)  # finished before the interrupt: keep it
        raise ExperimentInterrupted(results, *counts) from None
    except BrokenProcessPool as exc:
        raise ExperimentError(
            "the process pool lost a worker (killed, or out of memory); finished shards are kept "
            "— rerun, or use backend='serial'"
        ) from exc
    except BaseException:
        for future in in_flight:
            future.cancel()
        raise


def _tasks(
    points: list[Point], todo: dict[str, list[int]], kind: str, n_workers: int
) -> list[tuple[Point, list[int]]]:
    """The tasks (a point and a batch of its replications) in the order they are submitted.

    Points are interleaved by the share of their work each task starts at, so every point
    advances together: progress counted in replications tracks the time spent even when points
    cost differently, and an interrupted sweep keeps about as many replications of each point.
    """
    keyed = []
    for index, p in enumerate(points):
        reps = todo[p.name]
        # serial runs have no scheduler to amortise: one replication per task
        size = 1 if kind == "serial" else batch_size(p.scenario, len(reps), n_workers)
        for i in range(0, len(reps), size):
            keyed.append((i / len(reps), index, (p, reps[i : i + size])))
    return [task for *_, task in sorted(keyed, key=lambda k: k[:2])]
