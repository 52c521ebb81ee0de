"""Shifts from requirements: the covering program is exact, a roster's agents on duty are what
the engine puts on duty (shrinkage and adherence rounded per shift, breaks taken out), and the
roster is simulated and repaired until every interval holds."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest

import cccsim
from cccsim.errors import ExperimentError
from cccsim.scenario.schema import Shift
from cccsim.staffing import shifts as shifts_module
from cccsim.staffing.roster import Roster
from cccsim.staffing.shifts import candidate_shifts, coverage, solve_shifts
from tests.test_staffing import day, fresh_values, stationary


def day_scenario(**extra: Any) -> cccsim.Scenario:
    data = stationary(interval="1h", warmup="0s")
    data.update(horizon="1d", **extra)
    return cccsim.load_scenario(data)


def shift(start: str, length: str = "8h", agents: int = 0, **extra: Any) -> Shift:
    return Shift.model_validate(
        {"start": start, "length": length, "agents": agents, "days": ["mon"], **extra}
    )


def test_coverage_takes_breaks_out() -> None:
    """08:00–16:00 with a fixed 30 min break at 12:00, hourly intervals: on duty 1 in 08–12 and
    13–16, half of 12–13, 0 elsewhere."""
    one = shift("08:00", agents=1, breaks=[{"start": "12:00", "length": "30min"}])
    expected = np.zeros(24)
    expected[8:16] = 1
    expected[12] = 0.5
    np.testing.assert_allclose(coverage(day_scenario(), one), expected)


@pytest.mark.parametrize("available", [1.0, 0.7, 0.5])
def test_shift_plan_is_the_cheapest_cover(available: float) -> None:
    """A small covering problem solved by milp equals brute-force enumeration of agents per
    shift, each shift giving floor(agents × available) agents on duty."""
    sc = day_scenario()
    required = np.zeros(24)
    required[6:22] = [2, 3, 5, 6, 6, 5, 4, 4, 5, 6, 6, 4, 3, 2, 2, 1]
    allowed = {
        "a": shift("06:00"),
        "b": shift("09:00"),
        "c": shift("14:00"),
        "d": shift("10:00", "4h"),
    }
    cover = np.column_stack([coverage(sc, s) for s in allowed.values()])
    hours = np.array([s.length / 3600 for s in allowed.values()])
    best = math.inf
    top = math.ceil(7 / available) + 1
    for x in itertools.product(range(top), repeat=4):
        on_duty = np.floor(np.array(x) * available + 1e-9)
        if (cover @ on_duty >= required - 1e-9).all():
            best = min(best, float(hours @ np.array(x)))
    solution = solve_shifts(sc, "team", required, allowed, available=available)
    assert solution.optimal
    assert solution.paid_hours == pytest.approx(best)
    assert (solution.covered >= required - 1e-9).all()


def test_the_solver_status_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A program the solver cannot solve is reported, never read as a plan."""
    from scipy.optimize import OptimizeResult

    def failing(**_: Any) -> OptimizeResult:
        return OptimizeResult(x=None, status=2, message="infeasible")

    monkeypatch.setattr(shifts_module, "milp", failing)
    required = np.zeros(24)
    required[9] = 3
    with pytest.raises(ExperimentError, match=r"found no plan.*infeasible"):
        solve_shifts(day_scenario(), "team", required, {"a": shift("08:00")})


def test_uncoverable_requirement_is_reported() -> None:
    required = np.zeros(24)
    required[2] = 1
    with pytest.raises(ExperimentError, match=r"no allowed shift covers the interval.*02:00"):
        solve_shifts(day_scenario(), "team", required, {"day": shift("08:00")})


def test_generated_candidates_start_at_every_interval() -> None:
    shifts = candidate_shifts(day_scenario(), 8 * 3600)
    assert len(shifts) == 24 and {s.days[0] for s in shifts.values()} == {"mon"}


@pytest.mark.parametrize(
    ("shrinkage", "agents", "count", "on_duty"),
    [
        (0.3, 2, 6, 6),  # round(2 × 0.7) = 1 per shift, not round(12 × 0.7) = 8
        (0.5, 1, 1, 0),  # round(0.5) = 0: a one-agent shift at 50 % puts nobody on duty
        (0.5, 3, 2, 4),  # round(1.5) = 2 per shift
        (0.3, 10, 1, 7),
    ],
)
def test_agents_on_duty_are_rounded_per_shift(
    shrinkage: float, agents: int, count: int, on_duty: int
) -> None:
    """The engine rounds (1 − shrinkage) × agents shift by shift; the roster counts the same."""
    sc = day_scenario()
    names = [f"s{k}" for k in range(count)]
    roster = Roster(sc, "team", {n: shift("08:00") for n in names}, 1 - shrinkage)
    for n in names:
        roster.agents[n] = agents
    expected = np.zeros(24)
    expected[8:16] = on_duty
    np.testing.assert_allclose(roster.on_duty(), expected)


@pytest.mark.slow
@pytest.mark.parametrize("shrinkage", [0.3, 0.5])
def test_rostered_plan_gives_the_required_agents_on_duty(shrinkage: float) -> None:
    """With shrinkage, the roster chosen for a peaked day puts on duty, interval by interval,
    Σ over the shifts working then of round(agents × (1 − shrinkage)) — counted here from the
    shifts table — at least the agents the search requires, and the plan's on-duty column says
    the same."""
    data = day()
    data["agent_groups"]["team"]["shrinkage"] = shrinkage
    plan = cccsim.search_staffing(data, seed=2, shifts=True)
    assert plan.shifts is not None
    hand = np.zeros(24)
    for row in plan.shifts.to_dict("records"):
        start = int(row["start"][:2])
        span = int(row["length"] // 3600)
        for h in range(start, start + span):
            if h < 24:
                hand[h] += round(row["agents"] * (1 - shrinkage))
    staff = plan.staff
    np.testing.assert_allclose(staff.on_duty.to_numpy(), hand)
    assert (hand >= staff.required.to_numpy()).all()
    assert (staff.agents.to_numpy() >= hand).all()


@pytest.mark.slow
def test_roster_is_simulated_and_repaired_until_it_holds() -> None:
    """Two shifts whose agents all break at once (12:00 and 13:00 for 30 minutes): the
    program covers each hour on average, but the half hour a shift is away the queue builds.
    Simulating the roster finds it, and shifts are added until the hour holds — on fresh seeds
    the service level at 12:00 and 13:00 is not significantly below 80 %."""
    data = day()
    data["agent_groups"]["team"] = {
        "skills": ["voice"],
        "shifts": {
            "early": {
                "start": "07:00",
                "length": "9h",
                "days": ["mon"],
                "agents": 1,
                "breaks": [{"start": "12:00", "length": "30min"}],
            },
            "late": {
                "start": "10:00",
                "length": "9h",
                "days": ["mon"],
                "agents": 1,
                "breaks": [{"start": "13:00", "length": "30min"}],
            },
        },
    }
    plan = cccsim.search_staffing(data, seed=6, shifts=True)
    assert "roster" in [r["phase"] for r in plan.rounds_log]
    values = fresh_values(plan.scenario, seed=77, n=60)
    from cccsim.stats.ci import t_interval

    for hour in (12, 13):
        assert t_interval(values[:, hour], 0.98)[3] >= 0.8, hour
