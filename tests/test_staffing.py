"""Staffing search: equal to the exact Erlang staffing where that is exact (within one agent,
at the default settings), warm-up aware, confirmed on fresh seeds, minimal by a removal check
that can fail, deferred work staffed by its deadlines."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import cccsim
from cccsim import theory
from cccsim.cli import app
from cccsim.engine import run
from cccsim.errors import ExperimentError
from cccsim.experiment.executors import open_executor
from cccsim.model import build_model
from cccsim.rng import replication_seed
from cccsim.staffing.confirm import confirm
from cccsim.staffing.load import lagged_load
from cccsim.staffing.mix import MixInfo
from cccsim.staffing.problem import build_problem
from cccsim.staffing.rounds import Rounds
from cccsim.stats.ci import t_interval
from cccsim.stats.targets import period_values

runner = CliRunner()


def stationary(
    per_hour: float = 1000,
    interval: str = "30min",
    horizon: str = "6h",
    warmup: str = "1h",
    **voice: Any,
) -> dict[str, Any]:
    """One voice queue, Poisson arrivals, exponential 2-minute calls, 80 % in 20 s."""
    spec = {
        "channel": "voice",
        "arrivals": {"per_hour": per_hour},
        "handle_time": {"dist": "exponential", "mean": "2min"},
        "service_level_threshold": "20s",
    }
    spec.update(voice)
    return {
        "name": "stationary",
        "horizon": horizon,
        "interval": interval,
        "warmup": warmup,
        "contact_types": {"voice": spec},
        "agent_groups": {"team": {"skills": ["voice"], "staff": 1}},
        "targets": [
            {"contact_type": "voice", "kpi": "service_level", "at_least": 0.8, "per": "interval"}
        ],
    }


def exact_agents(lam: float, handle: float, patience: float, target: float) -> int:
    """Fewest agents whose Erlang C (A with a patience) service level in 20 s meets ``target``,
    by a plain scan of the closed forms."""
    return next(
        n
        for n in range(1, 500)
        if theory.erlang_a_metrics(lam, handle, patience, n, 20.0).service_level >= target
    )


def fresh_values(sc: cccsim.Scenario, seed: int, n: int, target: int = 0) -> np.ndarray:
    """A target's value per interval in ``n`` replications with seeds the search never used."""
    model = build_model(sc)
    t = replace(model.targets[target], per="interval")
    return np.array([period_values(run(model, replication_seed(seed, r)), t) for r in range(n)])


def measured(plan: cccsim.StaffingPlan) -> np.ndarray:
    return plan.staff.required.to_numpy()[plan.staff.status.to_numpy() != "warm-up"]


# ------------------------------------------------------------------ the start and the floor


def test_offered_load_lags_the_arrivals_as_the_infinite_server_queue() -> None:
    """Arrivals at rate λ in one hour only, exponential service of mean h: the mean number in
    service averaged over that hour is λh(1 − (h/Δ)(1 − e^(−Δ/h))), and over the next hour
    λh (h/Δ)(1 − e^(−Δ/h))² (closed forms of the M/M/∞ queue)."""
    lam, h, width = 0.1, 1200.0, 3600.0
    expected = np.zeros(6)
    expected[2] = lam * width
    busy = np.random.default_rng(3).exponential(h, 200_000)
    busy *= h / busy.mean()
    load = lagged_load(expected, width, busy)
    decay = (h / width) * (1 - math.exp(-width / h))
    assert load[2] == pytest.approx(lam * h * (1 - decay), rel=0.01)
    assert load[3] == pytest.approx(lam * h * decay * (1 - math.exp(-width / h)), rel=0.01)
    assert load[1] == pytest.approx(0.0, abs=1e-9)
    assert load.sum() * width == pytest.approx(lam * width * h, rel=0.001)  # all work is done


def test_start_is_the_erlang_c_number_and_the_floor_keeps_the_queue_stable() -> None:
    """Constant load of 33.3 erlangs: the start is the Erlang C staffing for 80/20 (38) in every
    interval, warm-up included, and the floor is the fewest agents above the load (34)."""
    sc = cccsim.load_scenario(stationary())
    problem = build_problem(sc, build_model(sc), None)
    erlang = theory.agents_for_service_level(1000 / 3600, 120, 20, 0.8)
    assert erlang == 38
    assert problem.start[0].tolist() == [erlang] * 12
    assert problem.floor[0].tolist() == [math.floor(1000 / 3600 * 120) + 1] * 12
    assert problem.fixed[0].tolist() == [True, True] + [False] * 10  # the warm-up hour


# ------------------------------------------------------------------ stationary cases


def test_warm_up_is_staffed_like_the_hours_after_it() -> None:
    """1000 calls/h, 2 min, 80/20, hourly intervals, an hour of warm-up: Erlang C says 38 in
    every hour, and so does the plan — the warm-up hour is not left short, and the first
    measured hour does not pay for it."""
    plan = cccsim.search_staffing(stationary(interval="1h", horizon="6h"), seed=5)
    assert plan.converged
    assert plan.staff.required.tolist() == [38] * 6
    assert plan.staff.status.tolist() == ["warm-up"] + ["minimal"] * 5
    assert (plan.staff.required >= plan.staff.floor).all()


def test_stationary_erlang_c_plan_is_the_exact_number() -> None:
    """30-minute intervals at the default settings: the exact Erlang C number (38) in at least
    90 % of the intervals and never more than one agent off."""
    exact = exact_agents(1000 / 3600, 120, math.inf, 0.8)
    plan = cccsim.search_staffing(stationary(), seed=11)
    got = measured(plan)
    assert (got == exact).mean() >= 0.9
    assert (np.abs(got - exact) <= 1).all()
    assert plan.kpis.held.all()


@pytest.mark.slow  # statistical: about 30 s of CPU
def test_confirmation_takes_back_the_agents_a_plan_does_not_need() -> None:
    """Confirmation alone, started from the exact Erlang C plan (38, by the closed form) with
    one agent too many in every second measured hour: on fresh seeds the removal check takes
    each of those agents back, and the plan ends at the exact number in every hour. (Hourly
    intervals: within a half-hour, agents leaving at the end of their call make one agent
    fewer worth less than a whole agent, and 37 may truly hold there.)"""
    exact = exact_agents(1000 / 3600, 120, math.inf, 0.8)
    sc = cccsim.load_scenario(stationary(interval="1h", horizon="8h"))
    problem = build_problem(sc, build_model(sc), None)
    over = np.zeros(problem.shape, dtype=bool)
    over[0, 2::2] = True  # after the hour of warm-up
    start = np.where(over, exact + 1, exact)

    def scenario_of(plan: np.ndarray) -> cccsim.Scenario:
        return cccsim.scenario.apply_overrides(sc, {"agent_groups.team.staff": plan[0].tolist()})

    with open_executor("serial") as pool:
        rounds = Rounds(problem, pool, 30, 7, 0.9, 6)
        done = confirm(rounds, start, MixInfo.empty(problem), scenario_of)
    assert done.clean
    assert done.plan[0].tolist() == [exact] * 8


@pytest.mark.slow  # statistical: the plan is checked on fresh seeds (about 30 s of CPU)
@pytest.mark.parametrize(
    ("voice", "direction"),
    [
        # deterministic handle times: waits are shorter than M/M/n → fewer agents than Erlang C
        ({"handle_time": {"dist": "deterministic", "value": 120}}, -1),
        # 20 % of answered calls come back 5 min later: load Erlang C does not see → more agents
        (
            {
                "access": {
                    "resolution": {
                        "first_contact": 0.8,
                        "delay": {"dist": "exponential", "mean": "5min"},
                    }
                }
            },
            +1,
        ),
    ],
    ids=["deterministic_handle", "repeat_contacts"],
)
def test_search_refines_erlang_and_meets_targets_with_fresh_seeds(
    voice: dict[str, Any], direction: int
) -> None:
    """Where Erlang C on the arrivals (38 agents) is not exact the search moves away from it in
    the right direction; the plan is not significantly below the target in any interval in 60
    fresh replications, and one agent fewer everywhere falls below it."""
    data = stationary(**voice)
    plan = cccsim.search_staffing(data, replications=60, seed=3)
    assert plan.converged
    erlang = theory.agents_for_service_level(1000 / 3600, 120, 20, 0.8)
    shift = np.sign(measured(plan) - erlang)
    assert (shift * direction >= 0).all() and (shift == direction).any()
    values = fresh_values(plan.scenario, seed=999, n=60)
    for i in range(2, values.shape[1]):  # after the hour of warm-up
        mean, _, _, high = t_interval(values[:, i], 0.98)
        assert high >= 0.8, (i, mean)
    fewer = cccsim.scenario.apply_overrides(
        cccsim.load_scenario(data), {"agent_groups.team.staff": (plan.staff.required - 1).tolist()}
    )
    worse = fresh_values(fewer, seed=999, n=60).mean(axis=0)[2:]
    assert (worse < 0.8).sum() >= 2


@pytest.mark.slow
def test_stationary_erlang_a_plan_is_the_exact_number() -> None:
    """With exponential patience of 5 minutes (Erlang A) the plan is the exact Erlang A number
    (36: 83.0 %; 35 gives 77.0 %), below the Erlang C start (38), in at least 90 % of the
    intervals and never more than one off."""
    exact = exact_agents(1000 / 3600, 120, 300, 0.8)
    assert exact == 36
    data = stationary(patience={"dist": "exponential", "mean": "5min"})
    plan = cccsim.search_staffing(data, seed=2)
    got = measured(plan)
    assert (plan.staff.erlang == 38).all()
    assert (got == exact).mean() >= 0.9
    assert (np.abs(got - exact) <= 1).all()


@pytest.mark.slow
def test_the_confidence_bound_costs_agents_on_a_near_miss() -> None:
    """At 77 %, 37 agents fall just short in a steady state (76.6 %) and 38 clear it (84.7 %):
    a sample of 30 replications often shows 37 enough by its mean. Held with 90 % confidence,
    the plan keeps more agents than held on the mean (confidence 0.5: the bound is the mean),
    and every interval's bound on fresh seeds meets the target."""
    data = stationary()
    data["targets"][0]["at_least"] = 0.77
    assert exact_agents(1000 / 3600, 120, math.inf, 0.77) == 38
    sure = cccsim.search_staffing(data, seed=4)
    mean_only = cccsim.search_staffing(data, seed=4, confidence=0.5)
    assert measured(sure).sum() > measured(mean_only).sum()
    judged = sure.kpis[sure.kpis.contacts > 0]
    assert (judged.ci_low >= 0.77).all()
    assert (judged.ci_low < judged["mean"]).all()


# ------------------------------------------------------------------ a time-varying day


def day(**extra: Any) -> dict[str, Any]:
    data = stationary(interval="1h", horizon="1d", warmup="0s")
    data["contact_types"]["voice"].update(
        arrivals={
            "per_interval": [0] * 8 + [300, 500, 600, 600, 500, 400, 400, 500, 400, 200] + [0] * 6
        },
        handle_time={"dist": "lognormal", "mean": "4min", "cv": 0.8},
        patience={"dist": "exponential", "mean": "3min"},
    )
    data.update(extra)
    return data


@pytest.mark.slow
def test_time_varying_day_holds_on_fresh_seeds_and_each_agent_is_needed() -> None:
    """Lognormal calls, impatient callers, a peaked day. On 80 replications with seeds the
    search never used, no interval is significantly below 80/20; and, as the guide states, one
    agent fewer in any single interval leaves its target (or the next interval's) not shown to
    hold at 90 % confidence on fresh seeds."""
    data = day()
    plan = cccsim.search_staffing(data, seed=3)
    assert plan.converged
    values = fresh_values(plan.scenario, seed=999, n=80)
    for i in np.flatnonzero(np.isfinite(values).any(axis=0)):
        _, _, _, high = t_interval(values[:, i], 0.98)
        assert high >= 0.8, i
    required = plan.staff.required.to_numpy()
    base = cccsim.load_scenario(data)
    for i in np.flatnonzero(required > plan.staff.floor.to_numpy()):
        fewer = required.copy()
        fewer[i] -= 1
        sc = cccsim.scenario.apply_overrides(base, {"agent_groups.team.staff": fewer.tolist()})
        values = fresh_values(sc, seed=4321, n=40)
        shown = [
            t_interval(values[:, j], 0.8)[2] >= 0.8
            for j in (i, i + 1)
            if j < values.shape[1] and np.isfinite(values[:, j]).any()
        ]
        assert not all(shown), i


# ------------------------------------------------------------------ deferred work


def email_office(**target: Any) -> dict[str, Any]:
    return {
        "name": "email desk",
        "horizon": "5d",
        "interval": "1h",
        "start_weekday": "mon",
        "contact_types": {
            "email": {
                "channel": "email",
                "arrivals": {"per_hour": 12},
                "handle_time": {"dist": "exponential", "mean": "10min"},
            }
        },
        "agent_groups": {"desk": {"skills": ["email"], "staff": 1}},
        "targets": [
            {
                "contact_type": "email",
                "kpi": "service_level",
                "threshold": "4h",
                "clock": "business_hours",
                "business_hours": {"mon-fri": "08:00-18:00"},
                "at_least": 0.9,
                **target,
            }
        ],
    }


@pytest.mark.slow
def test_email_is_staffed_by_the_backlog_its_deadlines_leave() -> None:
    """Email around the clock, answered within 4 business hours (08–18): the search staffs the
    business hours only, enough to work off each morning's backlog and the day's mail in time
    (at least the day's work over the open hours: 24 h × 12 × 10 min ÷ 10 h = 4.8 agents on
    average), and the target holds for the contacts due in every interval on fresh seeds."""
    plan = cccsim.search_staffing(email_office(), seed=1)
    staff = plan.staff.set_index("interval")
    hour = (staff.interval_start % 86400) / 3600
    open_hours = (hour >= 8) & (hour < 18)
    assert (staff.required[~open_hours] == 0).all()
    assert staff.required[open_hours].mean() >= 24 * 12 * 10 / 60 / 10 - 1e-9
    assert plan.kpis[plan.kpis.contacts > 0].held.all()
    assert plan.kpis.counted_by.eq("due").all()
    assert plan.result.target_summary.attained.iloc[0] >= 0.9


# ------------------------------------------------------------------ interface


def test_search_needs_a_target_and_known_groups() -> None:
    data = stationary()
    data["targets"] = []
    with pytest.raises(ExperimentError, match="needs a service_level"):
        cccsim.search_staffing(data)
    with pytest.raises(ExperimentError, match="unknown agent group"):
        cccsim.search_staffing(stationary(), groups=["nobody"])


def test_the_plan_is_the_same_on_every_backend() -> None:
    """Each round's replications may run on worker processes: same seeds, same plan."""
    data = stationary(horizon="3h")
    serial = cccsim.search_staffing(data, replications=6, seed=4, max_rounds=3, backend="serial")
    pooled = cccsim.search_staffing(
        data, replications=6, seed=4, max_rounds=3, backend="processes", workers=2
    )
    pd.testing.assert_frame_equal(serial.staff, pooled.staff)
    pd.testing.assert_frame_equal(serial.kpis, pooled.kpis)


def test_staff_command_writes_tables_and_a_runnable_plan(tmp_path: Path) -> None:
    file = tmp_path / "sc.yaml"
    file.write_text(yaml.safe_dump(stationary(horizon="3h")))
    plan = tmp_path / "plans" / "staffed.yaml"
    args = ["staff", str(file), "-r", "10", "--max-rounds", "3", "--out", str(tmp_path / "o")]
    result = runner.invoke(app, [*args, "--plan", str(plan)])
    assert result.exit_code == 0, result.output
    assert "staffing search" in result.output and "required" in result.output
    staff = pd.read_csv(tmp_path / "o" / "staff.csv")
    assert list(staff.columns[:6]) == [
        "agent_group",
        "interval",
        "interval_start",
        "required",
        "agents",
        "on_duty",
    ]
    kpis = pd.read_csv(tmp_path / "o" / "kpis.csv")
    assert {"held", "p_meet", "ci_low"} <= set(kpis.columns)
    staffed = cccsim.load_scenario(plan)
    assert isinstance(staffed.agent_groups["team"].staff, list)
    assert runner.invoke(app, ["run", str(plan)]).exit_code == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--group", "nobody"], "unknown agent group"),
        (["--group", "team,nobody"], "unknown agent group"),
        (["--shift-length", "9 parsecs"], "--shift-length"),
        (["--shift-length", "30h"], "up to 24h"),
    ],
)
def test_staff_command_bad_input_exits_2(tmp_path: Path, args: list[str], words: str) -> None:
    file = tmp_path / "sc.yaml"
    file.write_text(yaml.safe_dump(stationary()))
    result = runner.invoke(app, ["staff", str(file), *args])
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.stderr


def test_staff_command_without_targets_exits_2(tmp_path: Path) -> None:
    data = stationary()
    data["targets"] = []
    file = tmp_path / "sc.yaml"
    file.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["staff", str(file)])
    assert result.exit_code == 2 and "needs a service_level" in result.stderr
