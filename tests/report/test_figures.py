"""Figure functions on small hand-made frames: the data behind each trace (x over the whole
horizon in time order, gaps where nothing happened or the line is closed, values worked out by
hand) and the finding in the title."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.model import build_model
from cccsim.report import agent_figures as A
from cccsim.report import comparisons as C
from cccsim.report import figures as F
from cccsim.report import layout as L
from cccsim.report import waits as W
from cccsim.theory import agents_for_service_level
from tests.conftest import ROOT, scenario, voice

COLOURS = L.colour_map(["voice", "chat", "email"])
HALF = 1800.0
CLOCK = L.Clock(np.arange(8) * HALF, HALF, 8 * HALF)  # Mon 00:00 … 03:30, horizon 04:00


def test_the_clock_holds_every_interval_from_the_warm_up_to_the_horizon() -> None:
    sc = cccsim.load_scenario(
        scenario({"voice": voice([1.0])}, {"g": {"skills": ["voice"], "staff": 1}}, 600.0)
        | {"warmup": 125.0}
    )
    clock = L.Clock.of(build_model(sc))
    assert clock.starts.tolist() == [120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0, 540.0]
    assert clock.horizon == 600.0


def test_occupancy_heatmap_keeps_empty_nights_and_time_order_across_replications() -> None:
    """Two replications whose rows come out of time order, group b off duty at 01:00–02:30
    (staffed 0: NaN, not dropped), nobody at all at 01:30 (a column of its own, blank) and rows
    missing for 03:00 in replication 1. Columns: all 8 intervals in time order; a at 00:30 = mean(0.5, 0.7) = 0.6; b NaN where no one was on duty."""
    rows = []
    for rep, order in ((0, [5, 6, 0, 1, 2, 3, 4, 7]), (1, [7, 2, 5, 0, 1, 4, 3])):
        for k in order:
            a = np.nan if k == 3 else 0.5 + 0.2 * rep  # 01:30: no one on duty at all
            for g, occ in (("a", a), ("b", np.nan if 2 <= k <= 4 else 0.25)):
                staffed = 0.0 if np.isnan(occ) else 1800.0
                rows.append(
                    {
                        "replication": rep,
                        "agent_group": g,
                        "interval_start": k * HALF,
                        "occupancy": occ,
                        "busy_time": 0.0 if np.isnan(occ) else occ * staffed,
                        "staffed_time": staffed,
                    }
                )
    heat = A.occupancy_heatmap(pd.DataFrame(rows), CLOCK)
    trace = heat.data[0]
    x = pd.DatetimeIndex(trace.x)
    assert x.is_monotonic_increasing and len(x) == 8
    assert x[0] == pd.Timestamp("2024-01-01 00:15") and x[-1] == pd.Timestamp("2024-01-01 03:45")
    z = np.array(trace.z, dtype=float)
    np.testing.assert_allclose(z[0], [0.6, 0.6, 0.6, np.nan, 0.6, 0.6, 0.5, 0.6])
    np.testing.assert_allclose(z[1], [0.25, 0.25, np.nan, np.nan, np.nan, 0.25, 0.25, 0.25])
    assert "grey: no agent on duty" in heat.layout.title.text
    assert heat.layout.xaxis.range[1] == pd.Timestamp("2024-01-01 04:00")


def sl_frame(values: list[float], replications: int = 1, shift: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "replication": r,
                "interval_start": k * HALF,
                "value": v + (shift * r if np.isfinite(v) else 0.0),
            }
            for r in range(replications)
            for k, v in enumerate(values)
            if np.isfinite(v) or r == 0
        ]
    )


def test_service_level_line_has_gaps_where_closed_and_bounds_in_the_legend() -> None:
    """Voice open 00:00–01:00 and 02:30–04:00 (closed 01:00–02:30: no rows at all, so nothing to
    draw); target 80 %: 0.9, 0.5 / 0.7, 0.85, 0.6 → below in 3 of 5 intervals, worst 00:30."""
    series = [
        F.Series(
            "voice within 20s",
            "voice",
            ("voice",),
            sl_frame([0.9, 0.5, np.nan, np.nan, np.nan, 0.7, 0.85, 0.6]).dropna(),
            (("voice service level ≥ 80%", 0.8), ("… in 75% of intervals", 0.8)),
        ),
        F.Series(
            "chat within 1min", "chat", ("chat",), sl_frame([0.95] * 8), (("chat ≥ 80%", 0.8),)
        ),
    ]
    closed = np.array([False, False, True, True, True, False, False, False])
    fig = F.service_level_by_interval(series, CLOCK, COLOURS, closed, 0.8)
    voice_ = next(t for t in fig.data if t.name == "voice within 20s")
    assert len(voice_.x) == 8 and pd.DatetimeIndex(voice_.x).is_monotonic_increasing
    y = np.array(voice_.y, dtype=float)
    np.testing.assert_allclose(y[[0, 1, 5, 6, 7]], [0.9, 0.5, 0.7, 0.85, 0.6])
    assert np.isnan(y[2:5]).all() and voice_.connectgaps is False
    bounds = [t for t in fig.data if t.name and "target" in t.name]
    assert {t.name for t in bounds} == {"voice target ≥ 80%", "chat target ≥ 80%"}
    assert not fig.layout.annotations  # labels live in the legend: they cannot overlap
    title = fig.layout.title.text
    assert "voice within 20s: below 80% in 3 of 5 intervals (worst Mon 00:30)" in title
    assert "chat within 1min: at least 80% in every interval" in title
    shapes = [s for s in fig.layout.shapes if s.fillcolor == L.CLOSED_FILL]
    assert [(s.x0, s.x1) for s in shapes] == [
        (pd.Timestamp("2024-01-01 01:00"), pd.Timestamp("2024-01-01 02:30"))
    ]


def test_service_level_band_at_the_runs_confidence_never_bridges_a_gap() -> None:
    values = [0.9, 0.8, np.nan, 0.7, 0.75, 0.8, 0.9, 0.95]
    series = [F.Series("voice within 20s", "voice", ("voice",), sl_frame(values, 3, 0.02))]
    fig = F.service_level_by_interval(series, CLOCK, COLOURS, np.zeros(8, bool), 0.8)
    bands = [t for t in fig.data if t.fill == "toself"]
    assert {t.name for t in bands} == {"voice within 20s: 80% CI"}
    assert [len(t.x) for t in bands] == [4, 10]  # 00:00–00:30, then 01:30–03:30
    mean = np.array(next(t for t in fig.data if t.name == "voice within 20s").y, dtype=float)
    np.testing.assert_allclose(mean[0], 0.92)  # 0.9, 0.92, 0.94


def test_asa_has_one_panel_per_unit_and_gaps_where_nothing_was_answered() -> None:
    rows = []
    for k in range(8):
        for ctype, asa in (("voice", 12.0 + k), ("chat", 600.0)):
            answered = 0 if 2 <= k <= 4 else 5
            rows.append(
                {
                    "contact_type": ctype,
                    "channel": ctype,
                    "interval_start": k * HALF,
                    "answered": answered,
                    "asa": asa if answered else np.nan,
                }
            )
    units = {"voice": L.SECONDS, "chat": L.MINUTES}
    closed = {n: np.array([False] * 2 + [True] * 3 + [False] * 3) for n in units}
    fig = F.asa_by_interval(pd.DataFrame(rows), CLOCK, COLOURS, units, closed, 0.9)
    voice_ = next(t for t in fig.data if t.name == "voice")
    chat = next(t for t in fig.data if t.name == "chat")
    assert voice_.yaxis != chat.yaxis  # seconds and minutes do not share an axis
    np.testing.assert_allclose(np.array(voice_.y, dtype=float)[[0, 7]], [12.0, 19.0])
    np.testing.assert_allclose(np.array(chat.y, dtype=float)[[0, 7]], [10.0, 10.0])  # 600 s
    assert np.isnan(np.array(voice_.y, dtype=float)[2:5]).all()
    assert fig.layout.yaxis.title.text == "ASA (s)" and fig.layout.yaxis2.title.text == "ASA (min)"
    assert "longest for chat: 10min at Mon 00:00" in fig.layout.title.text


def test_the_erlang_requirement_counts_no_out_of_hours_contact() -> None:
    """Voice open 08:15–09:00, measured from 07:00 in 30 min intervals. 07:00 and 07:30 hold only
    voicemails (100 each) and need no one. At 08:00, 100 contacts of which 40 voicemails left
    before 08:15: 60 asked for an agent in the 900 s the line was open, 12 erlangs → 16 agents
    (Erlang C by hand: 80/20 holds at 86.9 % with 16, not at 77.1 % with 15). At 08:30, 100 calls in
    30 min at 180 s AHT, 80/20 → 14 agents (published Erlang C tables). 12 on duty throughout:
    short in 2 of 2 open intervals (counting the voicemails as demand would say 4 of 4)."""
    sc = cccsim.load_scenario(
        scenario(
            {
                "voice": voice(
                    [1.0],
                    handle=180.0,
                    service_level_threshold=20,
                    access={"hours": {"mon": "08:15-09:00"}, "out_of_hours": "voicemail"},
                )
            },
            {"g": {"skills": ["voice"], "staff": 12}},
            horizon=9 * 3600.0,
        )
        | {"interval": 1800, "warmup": 7 * 3600}
    )
    m = build_model(sc)
    clock = L.Clock.of(m)
    assert clock.starts.tolist() == [25200.0, 27000.0, 28800.0, 30600.0]
    frame = pd.DataFrame(
        {
            "contact_type": "voice",
            "channel": "voice",
            "interval_start": clock.starts,
            "offered": [100, 100, 100, 100],
            "closed": 0,
            "offline_forms": 0,
            "voicemails": [100, 100, 40, 0],
        }
    )
    need = A.required_agents(m, frame, clock, {"voice": 0.8})
    at_0800 = agents_for_service_level(60 / 900, 180.0, 20.0, 0.8)
    assert at_0800 == 16  # 12 erlangs while open: SL(15) = 77.1 %, SL(16) = 86.9 % (Erlang C)
    assert need.agents.tolist() == [0, 0, at_0800, 14]
    assert need.open.tolist() == [False, False, True, True]
    staffed = pd.DataFrame(
        {"agent_group": "g", "interval_start": clock.starts, "mean_agents": 12.0}
    )
    fig = A.staffing_by_interval(staffed, clock, need, ~need.open.to_numpy())
    assert "below the real-time Erlang C requirement in 2 of 2 open intervals" in (
        fig.layout.title.text
    )
    line = next(t for t in fig.data if t.name and t.name.startswith("required"))
    assert np.isnan(np.array(line.y, dtype=float)[:2]).all()


def waits_frame(
    rows: list[tuple[str, str, str, str, float, list[float], list[float]]],
) -> pd.DataFrame:
    parts = []
    for subject, target, channel, clock, threshold, grid, shares in rows:
        parts.append(
            pd.DataFrame(
                {
                    "subject": subject,
                    "target": target,
                    "channel": channel,
                    "clock": clock,
                    "threshold": threshold,
                    "wait": grid,
                    "within": 1,
                    "base": 1,
                    "share": shares,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def test_waiting_times_put_seconds_and_hours_in_panels_of_their_own() -> None:
    frame = waits_frame(
        [
            ("voice", "", "voice", "calendar", 20.0, [0, 10, 20, 60], [0.3, 0.6, 0.8, 0.9]),
            ("email", "", "email", "calendar", 86400.0, [0, 3600, 86400], [0.1, 0.5, 1.0]),
        ]
    )
    units = {"voice": L.SECONDS, "email": L.HOURS}
    fig = W.wait_distribution(frame, COLOURS, units)
    voice_ = next(t for t in fig.data if t.name == "voice")
    email = next(t for t in fig.data if t.name == "email")
    assert voice_.xaxis != email.xaxis
    assert list(voice_.x) == [0, 10, 20, 60] and list(email.x) == [0, 1, 24]
    assert fig.layout.xaxis.title.text == "time to answer (s)"
    assert fig.layout.xaxis2.title.text == "time to answer (h)"
    assert "voice: 80% answered within 20s" in fig.layout.title.text
    assert "email: 100% answered within 1d" in fig.layout.title.text


def test_deferred_work_is_drawn_against_its_promise_on_the_promises_clock() -> None:
    """The email target (8 business hours, ≥ 90 %) replaces the type's own 24 h curve; 85 %
    within 8 h: not kept; the promise is the point (8 h, 90 %)."""
    target = "email service level ≥ 90% (answered within 8h of business hours ÷ offered)"
    frame = waits_frame(
        [
            ("voice", "", "voice", "calendar", 20.0, [0, 20], [0.5, 0.8]),
            ("email", "", "email", "calendar", 86400.0, [0, 28800, 86400], [0.1, 0.8, 1.0]),
            ("email", target, "email", "business hours", 28800.0, [0, 28800], [0.2, 0.85]),
        ]
    )
    fig = W.deferred_response(frame, {target: 0.9}, COLOURS, {"email": L.HOURS, "voice": L.SECONDS})
    assert fig is not None
    names = [t.name for t in fig.data]
    assert names == ["email (business hours)", "email promise: ≥ 90% within 8h of business hours"]
    promise = fig.data[1]
    assert list(promise.x) == [0, 8, 8] and list(promise.y) == [0.9, 0.9, 0]
    assert "email: 85% answered within 8h of business hours (promise ≥ 90%: not kept)" in (
        fig.layout.title.text
    )
    assert W.deferred_response(frame[frame.channel == "voice"], {}, COLOURS, {}) is None


@pytest.mark.parametrize("confidence", [0.8, 0.95])
def test_comparison_figures_say_the_runs_confidence_and_show_shares_in_percent(
    confidence: float,
) -> None:
    diff = pd.DataFrame(
        {
            "scenario": ["b"] * 4,
            "baseline": ["a"] * 4,
            "contact_type": ["voice", "voice", "email", "target"],
            "kpi": ["service_level", "asa", "asa", "email 8h"],
            "mean_difference": [0.1, -5.0, -7200.0, 0.02],
            "ci_low": [0.05, -7.0, -9000.0, 0.01],
            "ci_high": [0.15, -3.0, -3600.0, 0.03],
            "verdict": ["better"] * 4,
        }
    )
    units = {"voice": L.SECONDS, "email": L.HOURS}
    fig = C.differences_forest(diff, {"email": "email 8h"}, units, confidence)
    assert fig.layout.title.text == (
        f"Paired differences against a: 4 of 4 better with {confidence:.0%} confidence"
    )
    panels = [a.text for a in fig.layout.annotations]
    assert panels == ["service level", "ASA (s)", "ASA (h)"]
    assert fig.layout.xaxis.tickformat == ".1%"
    email_asa = next(t for t in fig.data if t.xaxis == "x3")
    assert list(email_asa.x) == [-2.0]  # hours
    sl = next(t for t in fig.data if t.xaxis == "x")
    assert sorted(sl.x) == [0.02, 0.1] and "b · email" in list(sl.y)  # the target's definition


def test_one_unit_per_channel_from_its_longest_promise() -> None:
    sc = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    units = L.channel_units(build_model(sc))
    assert (units["voice"].label, units["chat"].label, units["email"].label) == ("s", "s", "h")
