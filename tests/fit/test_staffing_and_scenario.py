"""Staff on duty from the logs (hand-worked), and the fitted scenario as a file that runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import cccsim
from cccsim.fit import fit_scenario, read_agent_log, read_log
from cccsim.fit.staffing import staffing
from tests.fit.logs import START, patience_log, stamps


def served(
    spans: list[tuple[float, float]], channel: str = "voice", agents: list[str] | None = None
) -> pd.DataFrame:
    """Answered contacts served over the given (answered, ended) spans, no wait, group team."""
    start = np.array([a for a, _ in spans], dtype=float)
    end = np.array([b for _, b in spans], dtype=float)
    frame = pd.DataFrame(
        {
            "contact_type": channel,
            "channel": channel,
            "arrived_at": stamps(start),
            "answered_at": stamps(start),
            "ended_at": stamps(end),
            "outcome": "answered",
            "agent_group": "team",
        }
    )
    if agents is not None:
        frame["agent_id"] = agents
    # pad with one-at-a-time contacts the next day so that the log is long enough to be read
    pad = frame.iloc[[0] * 60].copy()
    shift = pd.Timedelta(days=1) + pd.to_timedelta(np.arange(60) * 600, unit="s")
    for column in ("arrived_at", "answered_at", "ended_at"):
        pad[column] = pad[column].to_numpy() + shift
    return pd.concat([frame, pad], ignore_index=True)


def test_busy_lower_bound_is_the_most_agents_busy_at_once() -> None:
    """Spans [0, 100), [50, 150), [100, 200) in the first half hour: at most two overlap (one
    ending at 100 as another starts does not); busy time 300 s of 1800 s = 1/6 agent."""
    log = read_log(served([(0, 100), (50, 150), (100, 200)]))
    table = staffing(log.contacts, None, horizon=log.horizon, interval=1800.0, groups=["team"])
    first = table.iloc[0]
    assert first["peak_busy"] == 2 and first["staff"] == 2
    assert first["busy_agents"] == pytest.approx(300 / 1800)
    assert np.isnan(first["on_duty"])
    assert table.iloc[1]["staff"] == 0  # nobody busy in the next half hour


def test_an_agent_with_two_chats_counts_once_and_sets_max_concurrent() -> None:
    log = read_log(served([(0, 600), (100, 700), (200, 300)], "chat", ["a", "a", "b"]))
    fit = fit_scenario(log)
    assert fit.staffing.iloc[0]["peak_busy"] == 2  # agents a and b
    assert fit.scenario.agent_groups["team"].max_concurrent == 2  # a held two chats at once


def test_agent_log_gives_mean_agents_on_duty_rounded() -> None:
    """Sessions [0, 45 min) and [15, 30 min): the first half hour has 1.5 agents on average
    (rounded half up to 2), the second 0.5 (to 1)."""
    log = read_log(served([(0, 100)]))
    sessions = read_agent_log(
        pd.DataFrame(
            {
                "agent_group": ["team", "team"],
                "started_at": [START, START + pd.Timedelta(minutes=15)],
                "ended_at": [START + pd.Timedelta(minutes=45), START + pd.Timedelta(minutes=30)],
            }
        ),
        log,
    )
    table = staffing(log.contacts, sessions, horizon=log.horizon, interval=1800.0, groups=["team"])
    assert list(table["on_duty"][:3]) == pytest.approx([1.5, 0.5, 0.0])
    assert list(table["staff"][:3]) == [2, 1, 0]


def test_the_fitted_scenario_is_written_loads_and_runs(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    log = patience_log(rng, rng.exponential(300.0, 2000), 130.0)
    fit = fit_scenario(log, thresholds={"voice": "30s"}, name="My centre")
    path = fit.write(tmp_path / "fitted.yaml")
    data = yaml.safe_load(path.read_text())
    assert data["name"] == "My centre" and data["horizon"] == "28d"
    assert data["contact_types"]["voice"]["service_level_threshold"] == 30.0
    assert "LOWER BOUND" in data["description"]  # no agent-state log: said as such
    sc = cccsim.load_scenario(path)
    assert sc.start_weekday == "mon" and sc.horizon == 28 * 86400
    staff = sc.agent_groups["agents"].staff
    assert isinstance(staff, list) and len(staff) == 28 * 48
    result = cccsim.run_replication(sc, seed=1)
    assert result.summary.loc[0, "offered"] > 0
