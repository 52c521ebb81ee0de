"""Executors for replications: serial, a local process pool, or a Dask cluster — one interface.

Everything above this module only sees ``concurrent.futures.Executor``; which backend runs the
tasks never changes the numbers (each task carries its own seeds).

The process pool is loky's reusable executor. Its workers are fresh interpreters (fork + exec)
that never re-import the caller's ``__main__``, so plain scripts without an
``if __name__ == "__main__":`` guard, ``python -`` (a script on stdin), IPython and Jupyter all
work unchanged; and the pool stays up between experiments (idle workers leave after
``IDLE_SECONDS``), so a notebook or the staffing search pays the start-up once.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from cccsim.errors import ExperimentError

BACKENDS = ("auto", "serial", "processes", "dask")
IDLE_SECONDS = 120
"""Idle pool workers exit after this long (a new experiment starts them again)."""


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


def ignore_interrupts() -> None:
    """Pool workers leave Ctrl-C to the main process, which stops them (no worker tracebacks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def open_executor(
    backend: str = "auto", workers: int | None = None, cluster: str | None = None
) -> Iterator[Executor]:
    """Open the executor of ``backend`` and close it (and any cluster it started) afterwards.

    ``cluster`` is a Dask scheduler address (``tcp://host:8786``); with ``backend="dask"`` and no
    address, a ``LocalCluster`` of ``workers`` processes is started on loopback. If the block
    raises (Ctrl-C, a failed replication), running tasks are stopped at once: the pool's workers
    are killed, a Dask client is closed.
    """
    kind = resolve_backend(backend, workers, cluster)
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        from loky import get_reusable_executor

        n = worker_count(kind, workers)
        pool = get_reusable_executor(
            max_workers=n, timeout=IDLE_SECONDS, initializer=ignore_interrupts
        )
        try:
            # start every worker (a fresh interpreter importing cccsim) before the work is timed
            for ready in [pool.submit(os.getpid) for _ in range(n)]:
                ready.result()
            yield pool
        except BaseException:
            pool.shutdown(wait=True, kill_workers=True)
            raise
    else:
        yield from _dask(workers, cluster)


@contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Processes started in this block inherit an ignored SIGINT (Python then installs no
    KeyboardInterrupt handler in them): Ctrl-C stops the run from here, without worker tracebacks."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
            with _workers_ignore_ctrl_c():
                local = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,  # its logs while stopping are noise to a user
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
