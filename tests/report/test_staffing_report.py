"""The staffing report's plan section: per interval the agents required, planned and on duty,
each target's probability of being met on the fresh seeds, and the roster's heads explained —
checked against numbers counted here from the plan's shifts and its simulation's frames."""

from __future__ import annotations

import re

import numpy as np
import pytest

import cccsim
from cccsim.model import build_model
from cccsim.report.layout import Clock
from cccsim.report.staffing import staffing_lines, staffing_summary_html, target_bands
from tests.test_staffing import stationary

SHRINKAGE = 0.3


@pytest.fixture(scope="module")
def plan() -> cccsim.StaffingPlan:
    """A 4-hour queue on generated 2-hour shifts at 30 % shrinkage."""
    data = stationary(per_hour=240, horizon="4h", warmup="0s")
    data["agent_groups"]["team"]["shrinkage"] = SHRINKAGE
    return cccsim.search_staffing(
        data,
        replications=6,
        seed=2,
        max_rounds=4,
        shifts=True,
        shift_length=2 * 3600,
        backend="serial",
    )


def clock(plan: cccsim.StaffingPlan) -> Clock:
    return Clock.of(build_model(plan.scenario), plan.scenario.start_weekday)


def on_duty_by_hand(plan: cccsim.StaffingPlan) -> np.ndarray:
    """Σ over the shifts working in each half hour of round(agents × (1 − shrinkage))."""
    assert plan.shifts is not None
    out = np.zeros(8)
    for row in plan.shifts.to_dict("records"):
        hours, minutes = (int(x) for x in str(row["start"]).split(":"))
        first = (hours * 60 + minutes) // 30
        for i in range(first, first + int(row["length"] // 1800)):
            if i < 8:
                out[i] += round(row["agents"] * (1 - SHRINKAGE))
    return out


def test_agents_figure_shows_required_planned_and_on_duty(plan: cccsim.StaffingPlan) -> None:
    figure = staffing_lines(plan.staff, clock(plan))
    traces = {t.name: np.asarray(t.y, dtype=float) for t in figure.data}
    np.testing.assert_array_equal(traces["team: required on duty"], plan.staff.required)
    np.testing.assert_array_equal(traces["team: on duty as simulated"], on_duty_by_hand(plan))
    scheduled = traces["team: planned (scheduled)"]
    assert (scheduled >= traces["team: on duty as simulated"]).all()
    assert (traces["team: on duty as simulated"] >= traces["team: required on duty"]).all()


def test_p_meet_is_the_share_of_fresh_replications_meeting_the_target(
    plan: cccsim.StaffingPlan,
) -> None:
    """P(meet) per interval, counted from the plan's own simulation (the fresh seeds it was
    judged on): the share of replications whose interval service level is at least 80 %."""
    intervals = plan.result.intervals
    voice = intervals[intervals.contact_type == "voice"]
    by_hand = (voice.service_level >= 0.8).groupby(voice.interval).mean()
    figure = target_bands(plan.kpis, clock(plan), {str(plan.kpis.target.iloc[0])})
    shown = next(t for t in figure.data if t.name.endswith("P(meet)"))
    np.testing.assert_allclose(np.asarray(shown.y, dtype=float), by_hand.to_numpy())
    assert plan.kpis.p_meet.between(0, 1).all()


def test_summary_explains_holding_p_meet_and_the_rosters_heads(plan: cccsim.StaffingPlan) -> None:
    assert plan.shifts is not None
    text = re.sub(r"<[^>]+>", "", staffing_summary_html(plan))
    assert "P(meet)" in text and "fresh" in text and "one agent fewer" in text
    heads = int(plan.shifts.agents.sum())
    hand = on_duty_by_hand(plan)
    assert f"team: {heads} agents on the roster" in text
    assert f"of those at most {hand.max():.0f} are on duty" in text
    assert f"against at most {plan.staff.required.max():.0f} required" in text
    for status in plan.staff.status.unique():
        assert str(status) in text
