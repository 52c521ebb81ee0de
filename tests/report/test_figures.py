"""Figure functions on small hand-made frames: traces, values and the finding in the title."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.report import comparisons as C
from cccsim.report import figures as F

COLOURS = F.colour_map(["voice", "chat"])


def intervals(sl_voice: list[float], sl_chat: list[float], replications: int = 1) -> pd.DataFrame:
    rows = []
    for r in range(replications):
        for k, (v, c) in enumerate(zip(sl_voice, sl_chat, strict=True)):
            for ctype, channel, sl in (("voice", "voice", v), ("chat", "chat", c)):
                rows.append(
                    {
                        "replication": r,
                        "contact_type": ctype,
                        "channel": channel,
                        "interval": k,
                        "interval_start": k * 1800.0,
                        "offered": 10 if not np.isnan(sl) else 0,
                        "answered": 9,
                        "abandoned": 1,
                        "service_level": sl,
                        "asa": 30.0 + k,
                        "mean_queue": 1.0,
                        "measured": True,
                    }
                )
    return pd.DataFrame(rows)


def test_service_level_title_counts_missed_intervals_and_names_the_worst() -> None:
    """Voice target 0.8: intervals at 00:00, 00:30, 01:00 with 0.9, 0.5, 0.7 → misses 2 of 3, the
    worst (0.5) at Mon 00:30; chat at 0.95 throughout meets its target everywhere."""
    fig = F.service_level_by_interval(
        intervals([0.9, 0.5, 0.7], [0.95] * 3), {"voice": 0.8, "chat": 0.8}, COLOURS
    )
    title = fig.layout.title.text
    assert "voice misses its target in 2 of 3 intervals (worst Mon 00:30)" in title
    assert "chat meets its target in every interval" in title
    voice = next(t for t in fig.data if t.name == "voice")
    assert list(voice.y) == [0.9, 0.5, 0.7]
    assert voice.line.color == COLOURS["voice"]


def test_service_level_band_from_replications_and_gaps_when_nothing_offered() -> None:
    frame = intervals([0.9, np.nan, 0.7], [0.95] * 3, replications=3)
    frame.loc[frame.replication == 1, "service_level"] += 0.02
    fig = F.service_level_by_interval(frame, {}, COLOURS, week_start="sat")
    band = next(t for t in fig.data if t.name == "voice 95 % CI")
    assert band.fill == "toself"
    voice = next(t for t in fig.data if t.name == "voice")
    assert np.isnan(voice.y[1])  # a gap, not a line across the empty interval
    assert str(voice.x[0]).startswith("2024-01-06")  # day 1 is a Saturday


def test_wait_cdf_reports_share_within_threshold_and_tail() -> None:
    waits = np.arange(100.0)  # 0..99 s: 21 of 100 wait ≤ 20 s
    contacts = pd.DataFrame(
        {"contact_type": "voice", "wait_time": waits, "outcome": "answered", "measured": True}
    )
    fig = F.wait_cdf(contacts, {"voice": 20.0}, COLOURS)
    assert "voice: 21% wait ≤ 20s" in fig.layout.title.text
    assert fig.data[0].y[-1] == 1.0


def test_occupancy_heatmap_and_work_share() -> None:
    gi = pd.DataFrame(
        {
            "agent_group": ["a", "a", "b", "b"],
            "interval_start": [0.0, 1800.0] * 2,
            "occupancy": [0.5, 1.0, 0.2, 0.4],
            "busy_time": [900, 1800, 360, 720],
            "staffed_time": [1800] * 4,
        }
    )
    heat = F.occupancy_heatmap(gi)
    np.testing.assert_allclose(heat.data[0].z, [[0.5, 1.0], [0.2, 0.4]])
    assert "highest for a (75% overall)" in heat.layout.title.text
    share = F.work_share(pd.DataFrame({"agent_group": ["a", "b"], "answered_share": [0.7, 0.3]}))
    assert "a answers 70%" in share.layout.title.text


def test_required_agents_uses_erlang_c_for_real_time_types_only() -> None:
    """100 voice contacts per 30 min, AHT 180 s, 80/20 → 14 agents (published V2); email adds 0."""
    frame = pd.DataFrame(
        {
            "contact_type": ["voice", "email"],
            "channel": ["voice", "email"],
            "interval_start": [0.0, 0.0],
            "offered": [100.0, 500.0],
        }
    )
    need = F.required_agents(
        frame,
        {"voice": 180.0, "email": 600.0},
        {"voice": 20.0, "email": 86400.0},
        {"voice": 1, "email": 1},
        {"voice": 0.8},
        1800.0,
    )
    assert need.agents.tolist() == [14]
    staffed = pd.DataFrame({"agent_group": ["g"], "interval_start": [0.0], "mean_agents": [12.0]})
    fig = F.staffing_by_interval(staffed, need)
    assert "below the real-time Erlang C requirement in 1 of 1 intervals" in fig.layout.title.text


def test_differences_forest_counts_better_options() -> None:
    diff = pd.DataFrame(
        {
            "scenario": ["b", "b"],
            "baseline": ["a", "a"],
            "contact_type": ["voice", "voice"],
            "kpi": ["service_level", "asa"],
            "mean_difference": [0.1, -5.0],
            "ci_low": [0.05, -7.0],
            "ci_high": [0.15, -3.0],
            "verdict": ["better", "better"],
        }
    )
    fig = C.differences_forest(diff)
    assert (
        fig.layout.title.text == "Paired differences against a: 2 of 2 better with 95 % confidence"
    )
