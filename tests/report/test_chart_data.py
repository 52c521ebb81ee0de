"""The data behind each chart of a real report (the retail bank over Monday and Tuesday, three
replications), recomputed here from the contacts and the frames: time axes cover the horizon in
order, closed hours are gaps, and every value is the number the frames give."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import cccsim
from cccsim.report.html import build_sections
from cccsim.theory import agents_for_service_level
from tests.conftest import ROOT
from tests.stats.test_waits import business_seconds

HOUR, HALF, HORIZON = 3600.0, 1800.0, 2 * 86400.0
STARTS = np.arange(0.0, HORIZON, HALF)
NOT_REACHED = ["blocked", "closed", "callback", "voicemail", "offline_form"]
OUT_OF_HOURS = ["closed", "voicemail", "offline_form"]


@pytest.fixture(scope="module")
def bank() -> Any:
    sc = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml", overrides={"horizon": "2d"})
    return cccsim.replicate(sc, 3, seed=2, backend="serial", keep_contacts=True)


@pytest.fixture(scope="module")
def figures(bank: Any) -> dict[str, go.Figure]:
    return {name: f for s in build_sections(bank) for name, f in s.figures.items()}


def open_voice() -> np.ndarray:
    """Voice and chat are open Mon–Fri 08:00–20:00 (the scenario, read by hand)."""
    hour = STARTS % 86400 / HOUR
    return (hour >= 8) & (hour < 20)


def trace(fig: go.Figure, name: str) -> Any:
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def y(t: Any) -> np.ndarray:
    return np.array(t.y, dtype=float)


def inbound(bank: Any, ctype: str) -> pd.DataFrame:
    c = bank.contacts
    return c[(c.contact_type == ctype) & (c.kind != "callback") & c.measured]


def per_interval(frame: pd.DataFrame, value: Any, count: bool = False) -> np.ndarray:
    """Per replication and arrival interval, then the mean over replications: a ratio over the
    replications that have contacts there (NaN where none has), a count over all of them."""
    table = frame.groupby(["replication", "interval"]).apply(value).unstack("replication")
    table = table.reindex(index=range(STARTS.size), columns=range(3))
    if count:
        table = table.fillna(0)
    return table.mean(axis=1, skipna=True).to_numpy(dtype=float)


def test_every_time_axis_covers_the_horizon_in_time_order(figures: dict[str, go.Figure]) -> None:
    want = pd.date_range("2024-01-01", periods=STARTS.size, freq="30min")
    for name in ("service_level", "volume", "asa", "staffing", "backlog"):
        lines = [
            t
            for t in figures[name].data
            if t.x is not None and len(t.x) > 2 and getattr(t, "fill", None) != "toself"
        ]
        assert lines, name
        for t in lines:
            assert (pd.DatetimeIndex(t.x) == want).all(), (name, t.name)
    heat = figures["occupancy"].data[0]
    assert (pd.DatetimeIndex(heat.x) == want + pd.Timedelta("15min")).all()
    assert figures["occupancy"].layout.xaxis.range[1] == pd.Timestamp("2024-01-03")


def test_service_level_per_interval_is_the_contacts_and_a_gap_when_closed(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    fig = figures["service_level"]
    voice = inbound(bank, "voice")
    reached = voice[~voice.outcome.isin(NOT_REACHED)]
    want = per_interval(reached, lambda p: ((p.outcome == "answered") & (p.wait_time <= 20)).mean())
    got = y(trace(fig, "voice within 20s"))
    np.testing.assert_allclose(got, want, equal_nan=True)
    assert np.isnan(got[~open_voice()]).all()  # nights: gaps, not ramps
    # email as its target defines it: within 8 business hours, counted where due by the end
    email = inbound(bank, "email")
    reached = email[~email.outcome.isin(NOT_REACHED)]
    end = np.where(reached.outcome == "answered", reached.answered_at, HORIZON)
    wait = business_seconds(end) - business_seconds(reached.arrived_at.to_numpy())
    reached = reached.assign(kept=(reached.outcome == "answered") & (wait <= 8 * HOUR))
    due = business_seconds(np.array(HORIZON)) - 8 * HOUR  # Tuesday 12:00 on the business clock
    last = STARTS[business_seconds(STARTS + HALF) <= due]
    got = y(trace(fig, "email within 8h of business hours"))
    want = per_interval(reached, lambda p: p.kept.mean())
    np.testing.assert_allclose(got[: last.size], want[: last.size])
    assert last[-1] == 35 * HOUR + HALF  # Tue 11:30: every email arriving before noon is due
    assert np.isnan(got[STARTS >= 36 * HOUR]).all()  # not due by the end: a gap, not a miss
    bounds = {t.name: t.y[0] for t in fig.data if t.name and "target" in t.name}
    assert bounds == {
        "voice target ≥ 80%": 0.8,
        "chat target ≥ 80%": 0.8,
        "email target ≥ 90%": 0.9,
    }


def test_asa_is_the_mean_wait_of_the_answered_in_seconds(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    answered = inbound(bank, "voice")
    answered = answered[answered.outcome == "answered"]
    want = per_interval(answered, lambda p: p.wait_time.mean())
    got = y(trace(figures["asa"], "voice"))
    np.testing.assert_allclose(got, want, equal_nan=True)
    assert np.isnan(got[~open_voice()]).all()
    assert figures["asa"].layout.yaxis.title.text == "ASA (s)"


def test_occupancy_is_busy_over_on_duty_time_with_no_one_on_duty_left_blank(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    gi = bank.group_intervals
    heat = figures["occupancy"].data[0]
    assert list(heat.y) == ["inhouse", "chat_team", "outsourcer"]
    for row, group in enumerate(heat.y):
        mine = gi[gi.agent_group == group]
        ratio = (mine.busy_time / mine.staffed_time).where(mine.staffed_time > 0)
        want = ratio.groupby(mine.interval_start).mean().reindex(STARTS).to_numpy()
        got = np.array(heat.z[row], dtype=float)
        np.testing.assert_allclose(got, want, equal_nan=True)
        nobody = mine.groupby("interval_start").staffed_time.sum().reindex(STARTS) == 0
        assert nobody.sum() >= 40 and np.isnan(got[nobody.to_numpy()]).all()  # blank, not busy


def test_the_erlang_line_counts_only_contacts_that_came_while_open(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    """Demand = inbound voice and chat contacts less those taken out of hours (closed,
    voicemail, offline form), as the mean over replications; Erlang C per type at its 80 %
    target (chat handle time over its two slots), summed; nothing at all while closed."""
    need = np.zeros(STARTS.size)
    for ctype, aht, threshold in (("voice", 240.0, 20.0), ("chat", 480.0 / 2, 60.0)):
        mine = inbound(bank, ctype)
        asked = per_interval(mine, lambda p: (~p.outcome.isin(OUT_OF_HOURS)).sum(), count=True)
        for k in np.flatnonzero(open_voice() & (np.nan_to_num(asked) > 0)):
            need[k] += agents_for_service_level(asked[k] / HALF, aht, threshold, 0.8)
    line = next(t for t in figures["staffing"].data if (t.name or "").startswith("required"))
    got = y(line)
    assert np.isnan(got[~open_voice()]).all()
    np.testing.assert_array_equal(got[open_voice()], need[open_voice()])
    voice = inbound(bank, "voice")
    mon_2000 = voice[(voice.outcome == "voicemail") & (voice.interval == 40)]
    assert len(mon_2000) > 30 and np.isnan(got[40])  # voicemails left at night ask for no one


def test_contacts_per_interval_are_the_inbound_contacts(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    for ctype in ("voice", "chat", "email"):
        want = per_interval(inbound(bank, ctype), len, count=True)
        got = y(trace(figures["volume"], f"{ctype} offered"))
        np.testing.assert_allclose(got, want)


def test_waiting_and_response_curves_against_the_contacts(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    waits = figures["waits"]
    for ctype, threshold in (("voice", 20.0), ("chat", 60.0)):
        mine = inbound(bank, ctype)
        reached = mine[~mine.outcome.isin(NOT_REACHED) & (mine.arrived_at + threshold <= HORIZON)]
        share = reached.groupby("replication").apply(
            lambda p, t=threshold: ((p.outcome == "answered") & (p.wait_time <= t)).mean()
        )
        curve = trace(waits, ctype)
        at = list(curve.x).index(threshold)
        assert curve.y[at] == pytest.approx(share.mean())
    promise = trace(
        figures["deferred_response"], "email promise: ≥ 90% within 8h of business hours"
    )
    assert list(promise.x) == [0, 8, 8] and list(promise.y) == [0.9, 0.9, 0]
    email = inbound(bank, "email")
    reached = email[~email.outcome.isin(NOT_REACHED)]
    arrived = business_seconds(reached.arrived_at.to_numpy())
    due = business_seconds(np.array(HORIZON)) - arrived >= 8 * HOUR
    end = np.where(reached.outcome == "answered", reached.answered_at, HORIZON)
    kept = (reached.outcome == "answered") & (business_seconds(end) - arrived <= 8 * HOUR)
    share = (kept & due).groupby(reached.replication).sum() / pd.Series(due).groupby(
        reached.replication.to_numpy()
    ).sum()
    curve = trace(figures["deferred_response"], "email (business hours)")
    assert curve.y[list(curve.x).index(8.0)] == pytest.approx(share.mean())


def test_the_backlog_is_the_time_average_of_emails_waiting(
    bank: Any, figures: dict[str, go.Figure]
) -> None:
    c = bank.contacts
    email = c[c.contact_type == "email"]
    start = email.arrived_at.to_numpy()
    end = np.minimum(start + email.wait_time.fillna(0).to_numpy(), HORIZON)
    want = np.zeros(STARTS.size)
    for rep in range(3):
        mine = (email.replication == rep).to_numpy()
        for k, s in enumerate(STARTS):
            overlap = np.clip(np.minimum(end[mine], s + HALF) - np.maximum(start[mine], s), 0, None)
            want[k] += overlap.sum() / HALF / 3
    np.testing.assert_allclose(y(trace(figures["backlog"], "email")), want, rtol=1e-9)
