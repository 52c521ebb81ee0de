"""Waiting-time curves and targets per interval: hand-worked, and against brute force over the
contacts frame with a business clock written out in the test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from tests.conftest import ROOT, scenario, voice

HOUR, DAY = 3600.0, 86400.0


def business_seconds(t: np.ndarray) -> np.ndarray:
    """Open seconds of Mon–Fri 08:00–20:00 in [0, t), day 1 a Monday (written out by hand)."""
    t = np.asarray(t, dtype=float)
    days, within = np.divmod(t, DAY)
    weekday = days % 7
    full_weeks, rest = np.divmod(days, 7)
    # open days before day `days` in its week: min(rest, 5)
    before = full_weeks * 5 + np.minimum(rest, 5)
    today = np.where(weekday < 5, np.clip(within - 8 * HOUR, 0, 12 * HOUR), 0.0)
    return before * 12 * HOUR + today


def curve(frame: pd.DataFrame, subject: str, target: str = "") -> pd.DataFrame:
    part = frame[(frame.subject == subject) & (frame.target == target)]
    assert len(part), f"no curve for {subject!r} {target!r}"
    return part.sort_values("wait")


def test_a_hand_worked_curve_counts_each_contact_only_while_it_is_due() -> None:
    """One agent, handle 100 s, arrivals at 0, 10 and 20 s, horizon 300 s: waits 0, 90 and 180 s;
    each can be seen waiting up to 300, 290 and 280 s. At x = 20 s (the threshold) 1 of 3 was
    answered within x; at 90 s 2 of 3; at 180 s all 3; at 300 s only the first is due, 1 of 1."""
    data = scenario(
        {"voice": voice([0.0, 10.0, 20.0], handle=100.0, service_level_threshold=20)},
        {"team": {"skills": ["voice"], "staff": 1}},
        horizon=300.0,
    )
    rep = cccsim.run_replication(data, 1)
    c = curve(rep.waits, "voice").set_index("wait")
    assert c.loc[0.0, ["within", "base"]].tolist() == [1, 3]
    assert c.loc[20.0, ["within", "base"]].tolist() == [1, 3]
    assert c.loc[20.0, "share"] == pytest.approx(1 / 3)
    waits, seen = np.array([0.0, 90.0, 180.0]), np.array([300.0, 290.0, 280.0])
    for x, row in c.iterrows():
        due = x <= seen
        assert row["base"] == due.sum(), x
        assert row["within"] == (due & (waits <= x)).sum(), x
    assert c.loc[300.0, ["within", "base"]].tolist() == [1, 1]  # the grid ends at the horizon


@pytest.fixture(scope="module")
def bank() -> Any:
    """A Monday and Tuesday morning of the retail bank: emails arriving after Tuesday 04:00 are
    not due within 8 business hours by the horizon (Tuesday 12:00)."""
    sc = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml", overrides={"horizon": "36h"})
    return cccsim.run_replication(sc, 3)


def test_the_email_targets_curve_reads_business_hours_and_leaves_out_contacts_not_due(
    bank: Any,
) -> None:
    c = bank.contacts
    email = c[(c.contact_type == "email") & (c.kind != "callback") & c.measured]
    reached = email[~email.outcome.isin(["blocked", "closed", "callback", "voicemail"])]
    arrived = reached.arrived_at.to_numpy()
    end = np.where(reached.outcome == "answered", reached.answered_at, reached.ended_at)
    end = np.where(reached.outcome == "open", 36 * HOUR, end)
    wait = business_seconds(end) - business_seconds(arrived)
    seen = business_seconds(np.array(36 * HOUR)) - business_seconds(arrived)
    answered = (reached.outcome == "answered").to_numpy()
    target = next(t for t in bank.waits.target.unique() if t.startswith("email service level"))
    got = curve(bank.waits, "email", target)
    assert (got["clock"] == "business hours").all()
    for _, row in got.iterrows():
        x = row["wait"]
        due = seen >= x - 1e-6
        assert row["base"] == due.sum(), x
        assert row["within"] == (due & answered & (wait <= x + 1e-6)).sum(), x
    at_promise = got[got.wait == 8 * HOUR].iloc[0]
    not_due = (seen < 8 * HOUR).sum()
    assert not_due > 50  # Tuesday's emails: not due by the horizon, so not counted as missed
    assert at_promise["base"] == len(reached) - not_due


def test_each_types_own_curve_at_its_threshold_is_its_service_level_from_the_contacts(
    bank: Any,
) -> None:
    c = bank.contacts
    for ctype, threshold in (("voice", 20.0), ("chat", 60.0)):
        mine = c[(c.contact_type == ctype) & (c.kind != "callback") & c.measured]
        reached = mine[
            ~mine.outcome.isin(["blocked", "closed", "callback", "voicemail", "offline_form"])
        ]
        reached = reached[reached.arrived_at + threshold <= 36 * HOUR]  # due by the horizon
        within = ((reached.outcome == "answered") & (reached.wait_time <= threshold)).sum()
        row = curve(bank.waits, ctype).set_index("wait").loc[threshold]
        assert (row["within"], row["base"]) == (within, len(reached))


def test_targets_per_interval_are_recomputed_from_the_contacts(bank: Any) -> None:
    """Voice 80/20 per arrival interval, and the abandon rate with abandons under 5 s left out."""
    c = bank.contacts
    voice_ = c[(c.contact_type == "voice") & (c.kind != "callback") & c.measured]
    reached = voice_[~voice_.outcome.isin(["blocked", "closed", "callback", "voicemail"])]
    ti = bank.target_intervals
    sl = ti[ti.target.str.startswith("voice service level") & ~ti.target.str.contains("intervals")]
    sl = sl.set_index("interval")
    assert len(sl) == 72  # every half-hour of the 36 h, open or not
    reached = reached[reached.interval < 71]  # the last interval holds contacts not yet due
    by = reached.groupby("interval")
    within = by.apply(lambda p: ((p.outcome == "answered") & (p.wait_time <= 20)).sum())
    idx = within.index.astype(int)
    np.testing.assert_array_equal(sl.loc[idx, "numerator"], within.to_numpy())
    np.testing.assert_array_equal(sl.loc[idx, "denominator"], by.size().to_numpy())
    assert np.isnan(sl.loc[[i for i in range(71) if i not in set(idx)], "value"]).all()
    ab = ti[ti.target.str.startswith("voice abandon rate")].set_index("interval")
    short = (reached.outcome == "abandoned") & (reached.wait_time < 5)
    kept = reached[~short]
    rate = kept.groupby("interval").apply(lambda p: (p.outcome == "abandoned").mean())
    np.testing.assert_allclose(ab.loc[rate.index.astype(int), "value"], rate.to_numpy())
