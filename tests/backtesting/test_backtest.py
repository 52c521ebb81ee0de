"""Back-tests: the log's KPIs follow the simulator's definitions, a log simulated from a known
scenario is covered by its prediction intervals, and misfits are flagged."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.backtesting import backtest
from cccsim.backtesting.compare import flags
from cccsim.backtesting.observe import busy_time, type_sums
from cccsim.backtesting.patience import patience_check, patience_flags
from cccsim.fit import fit_scenario, read_log
from cccsim.fit.export import contacts_as_log, staff_as_agent_log

DAY_PROFILE = [0] * 16 + [50] * 20 + [30] * 8 + [0] * 4
STAFF = [0] * 16 + [10] * 20 + [7] * 8 + [0] * 4


def centre(days: int = 7, patience: str = "3min") -> dict[str, Any]:
    """A voice centre open 08:00–22:00: 100 contacts an hour by day with 10 agents, 60 in the
    evening with 7; lognormal handle times of 5 min, exponential patience."""
    return {
        "name": "known centre",
        "horizon": f"{days}d",
        "interval": "30min",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_interval": DAY_PROFILE},
                "handle_time": {"dist": "lognormal", "mean": "5min", "cv": 1.0},
                "patience": {"dist": "exponential", "mean": patience},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": STAFF}},
    }


def test_the_logs_kpis_follow_the_simulators_definitions() -> None:
    """A replication's contacts written as a log and read back give, interval by interval, the
    KPIs the simulator's own statistics computed (offered, service level, ASA, abandonment and
    busy time) — blocked contacts and a finite queue included."""
    data = centre(days=2)
    data["contact_types"]["voice"]["access"] = {"queue_capacity": 4}
    sc = cccsim.load_scenario(data)
    rep = cccsim.run_replication(sc, seed=3)
    assert (rep.summary["blocked"] > 0).all() and (rep.summary["abandoned"] > 0).all()
    log = read_log(contacts_as_log(rep.contacts))
    sums = type_sums(log, {"voice": 20.0}, sc.interval).set_index("interval")
    own = rep.intervals.set_index("interval")
    assert (sums["offered"] == own["offered"]).all()
    reached = sums["reached"].where(sums["reached"] > 0)
    assert np.allclose(sums["within"] / reached, own["service_level"], equal_nan=True)
    assert np.allclose(sums["abandoned"] / reached, own["abandon_rate"], equal_nan=True)
    answered = sums["answered"].where(sums["answered"] > 0)
    assert np.allclose(sums["wait_answered"] / answered, own["asa"], equal_nan=True)
    busy = busy_time(log, {"team": 1}, {"voice": True}, sc.interval)
    assert busy is not None
    assert np.allclose(busy["busy_time"], rep.group_intervals["busy_time"])


def test_patience_check_counts_expected_abandonments_by_hand() -> None:
    """Exponential patience of mean 300 s has cumulative hazard w/300: waits of 60, 120 and
    180 s (answered) and 240 s (abandoned) expect 600/300 = 2 abandonments; one is seen. Thirty
    such blocks: O = 30, E = 60, z = −30/√60 = −3.9 and O/E = 0.5 — flagged."""
    block = pd.DataFrame(
        {
            "contact_type": "voice",
            "arrived_at": pd.Timestamp("2024-01-01 09:00"),
            "wait": [60, 120, 180, 240],
            "outcome": ["answered", "answered", "answered", "abandoned"],
        }
    )
    frame = pd.concat([block] * 30, ignore_index=True)
    frame["arrived_at"] += pd.to_timedelta(np.arange(len(frame)) * 600, unit="s")
    frame["answered_at"] = (frame["arrived_at"] + pd.to_timedelta(frame["wait"], unit="s")).where(
        frame["outcome"] == "answered"
    )
    frame["ended_at"] = frame["arrived_at"] + pd.to_timedelta(frame["wait"] + 60, unit="s")
    frame.loc[frame["outcome"] == "abandoned", "ended_at"] = frame["arrived_at"] + pd.Timedelta(
        seconds=240
    )
    sc = cccsim.load_scenario(centre(days=1, patience="300s"))
    check = patience_check(read_log(frame.drop(columns="wait")), sc, ["voice"])
    period = check.set_index("part").loc["period"]
    assert period["observed"] == 30 and period["expected"] == pytest.approx(60.0)
    assert period["z"] == pytest.approx((30 - 60) / np.sqrt(60))
    flagged = patience_flags(check)
    assert "more patient" in flagged.set_index("part").loc["period", "message"]


def test_a_gap_is_flagged_only_outside_the_range_and_material() -> None:
    parts = pd.DataFrame(
        {
            "contact_type": "voice",
            "part": ["evening", "morning", "afternoon"],
            "kpi": "abandon_rate",
            "observed": [0.04, 0.068, 0.0705],
            "simulated": [0.07, 0.07, 0.07],
            "sd": [0.005, 0.0005, 0.0001],
            "pi_low": [0.06, 0.069, 0.0698],
            "pi_high": [0.08, 0.071, 0.0702],
            "z": [-6.0, -4.0, 5.0],
        }
    )
    intervals = pd.DataFrame(
        {
            "contact_type": "voice",
            "interval": [36, 37, 38],
            "kpi": "abandon_rate",
            "observed": [0.0, 0.05, 0.1],
            "pi_low": [0.02, 0.02, 0.02],
            "pi_high": [0.12, 0.12, 0.12],
        }
    )
    found = flags(parts, intervals, "contact_type", 1800.0)
    # evening: outside, 3 points (43 %) below: flagged; morning: 0.2 points, not material;
    # afternoon: outside and many sds away but 0.05 points: not material
    assert list(found["part"]) == ["evening"]
    assert found.loc[0, "message"].startswith(
        "voice: abandonment over-predicted in the evening (18:00–24:00): observed 4.0% vs simulated 7.0%"
    )
    assert "1 of 3 intervals below" in found.loc[0, "message"]


@pytest.mark.slow
def test_backtest_of_a_log_from_the_known_scenario_covers_its_intervals() -> None:
    """The known scenario against a log it simulated (another seed): at least 90 % of the
    intervals' observed service levels (and other KPIs) lie inside the 95 % prediction
    intervals of 40 replications, and nothing is flagged."""
    log = contacts_as_log(cccsim.run_replication(cccsim.load_scenario(centre()), 5).contacts)
    bt = backtest(log, centre(), replications=40, seed=1, backend="serial")
    cover = bt.coverage.set_index("kpi")["share_inside"]
    assert cover["service_level"] >= 0.90
    assert (cover >= 0.90).all(), cover
    assert bt.flags.empty, bt.flags["message"].tolist()
    assert len(bt.intervals[bt.intervals["kpi"] == "service_level"]) == 7 * 28


def spliced_log(seed: int) -> pd.DataFrame:
    """Contacts arriving before 18:00 from the centre with 3-minute patience, those arriving
    after from the same centre (same seed: same arrivals and handle times) with 6 minutes."""
    short = cccsim.run_replication(cccsim.load_scenario(centre()), seed).contacts
    data = copy.deepcopy(centre())
    data["contact_types"]["voice"]["patience"]["mean"] = "6min"
    long = cccsim.run_replication(cccsim.load_scenario(data), seed).contacts

    def evening(c: pd.DataFrame) -> pd.Series:
        return (c["arrived_at"] % 86400) >= 18 * 3600

    contacts = pd.concat([short[~evening(short)], long[evening(long)]])
    return contacts_as_log(contacts.sort_values("arrived_at"))


@pytest.mark.slow
def test_doubled_patience_in_the_evening_is_flagged_and_a_clean_log_is_not() -> None:
    """Fit each log (with the real staffing from an agent-state log) and back-test the fitted
    scenario: the evening's abandonments fall far short of what the fitted (all-day) patience
    predicts for the waits customers had; on the clean log no patience flag appears."""
    agents = staff_as_agent_log({"team": STAFF * 7}, interval=1800.0)
    results = {}
    for name, log in (
        (
            "clean",
            contacts_as_log(cccsim.run_replication(cccsim.load_scenario(centre()), 5).contacts),
        ),
        ("evening", spliced_log(5)),
    ):
        fit = fit_scenario(log, agent_log=agents)
        results[name] = backtest(log, fit.scenario, replications=40, seed=2, backend="serial")
    flagged = results["evening"].flags
    evening = flagged[(flagged["kpi"] == "patience") & (flagged["part"] == "evening")]
    assert len(evening) == 1
    assert evening.iloc[0]["direction"] == "over-predicted"
    assert "patience differs by time of day" in evening.iloc[0]["message"]
    assert results["clean"].flags.empty, results["clean"].flags["message"].tolist()


def test_prediction_interval_ranks_are_p_times_r_plus_one() -> None:
    """R = 39 values 1..39: the 95 % interval is ranks 0.025·40 = 1 and 0.975·40 = 39, i.e. the
    extremes, which a new draw falls between with probability 38/40 = 95 %; the ordinary
    interpolated quantiles (1.95, 38.05) would cover only 36.1/40 = 90 %."""
    from cccsim.backtesting.compare import spread

    mean, sd, low, high = spread(np.arange(1.0, 40.0)[None, :], 0.025, 0.975)
    assert (low[0], high[0]) == (1.0, 39.0)
    assert mean[0] == 20.0 and sd[0] == pytest.approx(np.std(np.arange(1, 40), ddof=1))


def test_replayed_arrivals_reproduce_the_offered_contacts() -> None:
    """Without retrials or repeats every contact is a first contact, so replaying them makes the
    simulated offered contacts of each interval exactly the observed ones, in every replication."""
    data = centre(days=2)
    log = contacts_as_log(cccsim.run_replication(cccsim.load_scenario(data), 4).contacts)
    bt = backtest(log, data, replications=10, replay_arrivals=True, backend="serial")
    offered = bt.intervals[bt.intervals["kpi"] == "offered"]
    assert len(offered) == 2 * 28
    assert (offered["pi_low"] == offered["observed"]).all()
    assert (offered["pi_high"] == offered["observed"]).all()
