"""Long runs tell the truth: the time-left estimate on synthetic workloads, task order, the bar."""

from __future__ import annotations

import heapq
from pathlib import Path

import numpy as np
import pytest

import cccsim
from cccsim.cli.progress import Eta
from cccsim.experiment.runner import Point, _tasks, batch_size
from tests.conftest import SCENARIOS
from tests.test_replicate import ERLANG, short


def replay(durations: list[float], workers: int, resumed: int = 0) -> list[tuple[float, float]]:
    """Run tasks of one replication each, first come first served on ``workers``, against a fake
    clock; return (estimate, true time left) every 0.05 s from 10 % of the work on, while at
    least three tasks per worker are left (after that a single task's length decides the end)."""
    ends = []
    free = [0.0] * workers
    for d in durations:
        start = heapq.heappop(free)
        ends.append(start + d)
        heapq.heappush(free, start + d)
    ends.sort()
    now = [0.0]
    eta = Eta(lambda: now[0])
    total = resumed + len(durations)
    eta.update(resumed, total)  # found on disk: not work of this run
    samples, done, k, t = [], resumed, 0, 0.0
    while t < ends[-1]:
        while k < len(ends) and ends[k] <= t:
            now[0] = ends[k]
            k += 1
            done += 1
            eta.update(done, total)
        now[0] = t
        worked, left = done - resumed, total - done
        if worked >= 0.1 * len(durations) and left >= 3 * workers:
            estimate = eta.remaining()
            assert estimate is not None
            samples.append((estimate, ends[-1] - t))
        t += 0.05
    return samples


rng = np.random.default_rng(2024)
WORKLOADS = {
    # the report in issue 19: replications of 10–30 s on 2 cores, several minutes in all
    "40 replications of about 20 s on 2 workers": (list(20 * rng.lognormal(0, 0.1, 40)), 2, 0),
    "200 short replications on 2 workers": (list(rng.lognormal(0, 0.1, 200)), 2, 0),
    "identical tasks finishing in bursts": ([3.0] * 30, 2, 0),
    "half of the work resumed from disk": (list(20 * rng.lognormal(0, 0.1, 40)), 2, 40),
    "a sweep whose points cost 1, 2 and 3 s, interleaved": (
        list(np.tile([1.0, 2.0, 3.0], 20) * rng.lognormal(0, 0.1, 60)),
        2,
        0,
    ),
    "8 workers, 200 tasks": (list(10 * rng.lognormal(0, 0.1, 200)), 8, 0),
}


@pytest.mark.parametrize("name", list(WORKLOADS))
def test_time_left_is_right_within_a_factor_of_one_and_a_half(name: str) -> None:
    durations, workers, resumed = WORKLOADS[name]
    samples = replay(durations, workers, resumed)
    assert len(samples) > 50
    ratios = [max(e / t, t / e) for e, t in samples]
    assert max(ratios) <= 1.5, f"worst estimate off by ×{max(ratios):.2f}"


def test_a_burst_of_completions_does_not_collapse_the_estimate() -> None:
    """Two workers finishing within a millisecond (what fooled a windowed speed estimate)."""
    now = [0.0]
    eta = Eta(lambda: now[0])
    eta.update(0, 40)
    now[0] = 20.0
    eta.update(1, 40)
    now[0] = 20.001
    eta.update(2, 40)
    assert eta.remaining() == pytest.approx(20.001 * 38 / 2)


def test_estimate_counts_down_then_grows_when_work_is_late() -> None:
    now = [0.0]
    eta = Eta(lambda: now[0])
    eta.update(0, 10)
    assert eta.remaining() is None  # nothing finished yet: no estimate
    now[0] = 10.0
    eta.update(1, 10)
    assert eta.remaining() == pytest.approx(90.0)
    now[0] = 40.0
    assert eta.remaining() == pytest.approx(60.0)  # counted down
    now[0] = 130.0  # overdue: the rate so far, with this wait in it
    assert eta.remaining() == pytest.approx(130.0 * 9)
    eta.update(10, 10)
    assert eta.remaining() == 0.0


def test_clock_starts_when_the_workers_are_up() -> None:
    """Reports before any work finished (pool start-up) move the start of the clock."""
    now = [0.0]
    eta = Eta(lambda: now[0])
    eta.update(0, 10)
    now[0] = 5.0  # the workers took 5 s to start
    eta.update(0, 10)
    now[0] = 7.0
    eta.update(2, 10)
    assert eta.remaining() == pytest.approx(2.0 * 8 / 2)


def test_tasks_interleave_points_by_share_of_their_work() -> None:
    sc = short()
    points = [Point(name, sc) for name in ("a", "b", "c")]
    todo = {"a": list(range(4)), "b": list(range(2)), "c": list(range(4))}
    order = [(p.name, reps) for p, reps in _tasks(points, todo, "serial", 1)]
    assert order == [
        ("a", [0]),
        ("b", [0]),
        ("c", [0]),
        ("a", [1]),
        ("c", [1]),
        ("a", [2]),
        ("b", [1]),
        ("c", [2]),
        ("a", [3]),
        ("c", [3]),
    ]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_a_week_of_any_example_is_not_lumped_into_a_few_long_tasks(path: Path) -> None:
    """Each example's week takes 0.2–1 s of one core; a task should be about a second, so 100
    replications on 2 workers are many small tasks (arrivals through an IVR count too), not two
    of 50 — which is what made tasks of 10–30 s and a progress bar that jumped by halves."""
    sc = cccsim.load_scenario(path)
    assert batch_size(sc, 100, 2) <= 5


def test_the_bar_shows_estimating_then_the_time_left() -> None:
    from rich.progress import Progress

    from cccsim.cli.progress import EtaColumn

    now = [0.0]
    eta = Eta(lambda: now[0])
    with Progress(disable=True) as bar:
        task = bar.add_task("replications", total=10, eta=eta)
        column = EtaColumn()
        eta.update(0, 10)
        assert column.render(bar.tasks[task]).plain == "estimating…"
        now[0] = 10.0
        eta.update(1, 10)
        assert column.render(bar.tasks[task]).plain == "0:01:30 left"


def test_precision_cap_is_said_on_the_command_line() -> None:
    from typer.testing import CliRunner

    from cccsim.cli import app

    result = CliRunner().invoke(
        app,
        [
            "run",
            str(ERLANG),
            "--set",
            "horizon=6h",
            "--set",
            "warmup=0s",
            "-r",
            "2",
            "--precision",
            "0.0001",
            "--max-replications",
            "3",
            "--backend",
            "serial",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Erlang A check (M/M/14+M) — 3 replications" in result.stdout
    said = " ".join(result.stdout.split())
    assert (
        "precision: stopped at the cap of 3 replications before the precision was reached" in said
    )
    assert "voice service level ±" in said and "replications needed" in said
