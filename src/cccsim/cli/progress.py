"""The progress bar of long runs, with a time-left estimate that holds up.

rich's own ``TimeRemainingColumn`` takes the speed of the last 30 s of updates. Replications
finish in bursts (each worker's task lands milliseconds after the other's), so that speed swings
by orders of magnitude — an ETA of 0:00:39 with six minutes to go. ``Eta`` uses the whole run
instead: the rate of work done since this run started (replications read back from disk left
out), counted down between completions. On a steady workload it is right within a factor of 1.5
from a tenth of the work on (tested on synthetic workloads in ``tests/test_progress.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TimeElapsedColumn,
)
from rich.text import Text


class Eta:
    """Seconds left, from the rate of the work done in this run (resumed work left out).

    Between completions the estimate counts down; if the next completion is later than the
    estimate said, it is recomputed from the rate so far, as if that completion were now.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.start: float | None = None
        self.done0 = 0
        self.done = 0
        self.total = 0
        self.at = 0.0
        self.estimate: float | None = None

    def update(self, done: int, total: int) -> None:
        """Record ``done`` of ``total`` units of work finished, now."""
        now = self.clock()
        if self.start is None or done < self.done or done == self.done0:
            # the clock starts at the last report before any work of this run finished (after
            # the workers started), and again if the count goes back (a new run)
            self.start, self.done0 = now, done
        self.done, self.total, self.at = done, total, now
        self.estimate = self._rate_based(now)

    def _rate_based(self, now: float) -> float | None:
        assert self.start is not None
        worked = self.done - self.done0
        if self.done >= self.total:
            return 0.0
        if worked <= 0 or now <= self.start:
            return None
        return (now - self.start) * (self.total - self.done) / worked

    def remaining(self) -> float | None:
        """Seconds left now (``None`` until some work of this run has finished)."""
        if self.estimate is None:
            return None
        now = self.clock()
        left = self.estimate - (now - self.at)
        if left > 0 or self.done >= self.total:
            return max(left, 0.0)
        return self._rate_based(now)  # overdue: the rate so far, with this wait included


class EtaColumn(ProgressColumn):
    """Renders the task's ``eta`` field (an ``Eta``) as ``0:01:23 left``."""

    def render(self, task: Task) -> Text:
        eta = task.fields.get("eta")
        left = eta.remaining() if isinstance(eta, Eta) else None
        if left is None:
            return Text("estimating…" if isinstance(eta, Eta) else "", style="progress.remaining")
        minutes, seconds = divmod(round(left), 60)
        hours, minutes = divmod(minutes, 60)
        return Text(f"{hours:d}:{minutes:02d}:{seconds:02d} left", style="progress.remaining")


@contextmanager
def progress_bar(
    console: Console, description: str = "replications", *, eta: bool = True
) -> Iterator[Callable[[int, int], None]]:
    """A transient bar on ``console``: done/total, elapsed time and (with ``eta``) time left.

    Without ``eta`` (a search that stops when it has settled, whose total is only a cap) the bar
    shows the count and the elapsed time only.
    """
    columns: list[str | ProgressColumn] = [
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if eta:
        columns.append(EtaColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        estimate = Eta()
        task = bar.add_task(description, total=None, eta=estimate if eta else None)

        def update(done: int, total: int) -> None:
            estimate.update(done, total)
            bar.update(task, completed=done, total=total if eta else None)

        yield update
