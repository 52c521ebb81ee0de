"""Several groups at least cost: two groups answering the same calls at once (the routing as
written: the agent idle longest takes the call, so together they are one M/M/n queue); the
cheapest mix is worked out by hand from Erlang C and the groups' prices."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import cccsim
from cccsim import theory
from tests.test_staffing import stationary


def two_groups(inhouse: dict[str, float], outsourcer: dict[str, float]) -> dict[str, Any]:
    data = stationary(horizon="4h")
    data["agent_groups"] = {
        "inhouse": {"skills": ["voice"], "staff": 1, "cost": inhouse},
        "outsourcer": {"skills": ["voice"], "staff": 1, "cost": outsourcer},
    }
    data["routing"] = {"voice": [{"group": "inhouse"}, {"group": "outsourcer"}]}
    return data


def required(plan: cccsim.StaffingPlan, group: str) -> np.ndarray:
    staff = plan.staff[(plan.staff.agent_group == group) & (plan.staff.status != "warm-up")]
    return staff.required.to_numpy()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("inhouse", "outsourcer", "cheaper"),
    [
        # per staffed hour: every agent costs its hourly price, so the cheaper group takes all
        ({"per_staffed_hour": 40}, {"per_staffed_hour": 30}, "outsourcer"),
        ({"per_staffed_hour": 30}, {"per_staffed_hour": 40}, "inhouse"),
        # 1000 calls/h × 2 min × 0.50 = 500 per half hour for every call at the outsourcer,
        # against 38 in-house agents × 36/h × 0.5 h = 684: the outsourcer's minutes are
        # cheaper, and an in-house agent (18 a half hour) saves only its share of them,
        # 500/38 = 13.2 — so every agent goes to the outsourcer
        ({"per_staffed_hour": 36}, {"per_handled_minute": 0.5}, "outsourcer"),
        # at 20/h an in-house agent (10 a half hour) costs less than the minutes it takes over
        ({"per_staffed_hour": 20}, {"per_handled_minute": 0.5}, "inhouse"),
    ],
    ids=["hour-40-30", "hour-30-40", "minute-cheaper", "hour-cheaper"],
)
def test_the_cheaper_group_takes_every_agent(
    inhouse: dict[str, float], outsourcer: dict[str, float], cheaper: str
) -> None:
    """Pooled, identical agents: the service level depends on the total alone, so the cheapest
    mix is the Erlang C number (38 for 1000 calls/h, 2 min, 80/20), all in the group whose
    agent costs less (by the prices above). The plan puts the measured intervals there (within
    one agent of 38), and its simulated operating cost is what that mix costs by hand."""
    n = theory.agents_for_service_level(1000 / 3600, 120, 20, 0.8)
    assert n == 38
    plan = cccsim.search_staffing(two_groups(inhouse, outsourcer), groups=["all"], seed=3)
    other = "inhouse" if cheaper == "outsourcer" else "outsourcer"
    assert (required(plan, other) == 0).all()
    assert (np.abs(required(plan, cheaper) - n) <= 1).all()
    assert (required(plan, cheaper) == n).mean() >= 0.8
    if "per_staffed_hour" in (inhouse if cheaper == "inhouse" else outsourcer):
        price = (inhouse if cheaper == "inhouse" else outsourcer)["per_staffed_hour"]
        groups = plan.result.group_summary
        row = groups[(groups.agent_group == cheaper) & (groups.kpi == "operating_cost")]
        hand = required(plan, cheaper).sum() * price * 0.5
        assert float(row["mean"].iloc[0]) == pytest.approx(hand, rel=1e-6)
