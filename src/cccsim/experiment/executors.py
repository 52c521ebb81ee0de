"""Executors for replications: serial, a local process pool, or a Dask cluster — one interface.

Everything above this module only sees ``concurrent.futures.Executor``; which backend runs the
tasks never changes the numbers (each task carries its own seeds).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from cccsim.errors import ExperimentError

BACKENDS = ("auto", "serial", "processes", "dask")


class SerialExecutor(Executor):
    """Runs each task at once in this process (debugging, tests, single cores)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def resolve_backend(backend: str, workers: int | None, cluster: str | None) -> str:
    """The concrete backend for ``backend`` (``auto``: dask with a cluster, else processes if >1 core)."""
    if backend not in BACKENDS:
        raise ExperimentError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend != "auto":
        return backend
    if cluster:
        return "dask"
    cores = os.cpu_count() or 1
    return "processes" if cores > 1 and (workers is None or workers > 1) else "serial"


def worker_count(backend: str, workers: int | None) -> int:
    """How many tasks run at once (for batching replications into tasks)."""
    if backend == "serial":
        return 1
    return workers or os.cpu_count() or 1


@contextmanager
def open_executor(
    backend: str = "auto", workers: int | None = None, cluster: str | None = None
) -> Iterator[Executor]:
    """Open the executor of ``backend`` and close it (and any cluster it started) afterwards.

    ``cluster`` is a Dask scheduler address (``tcp://host:8786``); with ``backend="dask"`` and no
    address, a ``LocalCluster`` of ``workers`` processes is started on loopback.
    """
    kind = resolve_backend(backend, workers, cluster)
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        if "forkserver" in multiprocessing.get_all_start_methods():
            # Workers fork from a server that imported cccsim (numpy, pandas, scipy) once, so a
            # pool starts in milliseconds rather than a second per worker; fork-safe unlike "fork".
            context: multiprocessing.context.BaseContext = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["cccsim"])
        else:
            context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=worker_count(kind, workers), mp_context=context)
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        yield from _dask(workers, cluster)


def _dask(workers: int | None, address: str | None) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ExperimentError(
            "the dask backend needs the 'dask' extra: pip install 'cccsim[dask]'"
        ) from None
    local = None
    try:
        if address:
            client = Client(address, timeout="30s")
        else:
            local = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            client = Client(local)
    except OSError as exc:
        raise ExperimentError(f"cannot reach the Dask scheduler {address!r}: {exc}") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
        if local is not None:
            local.close()
