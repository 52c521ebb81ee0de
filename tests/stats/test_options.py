"""The decision: total cost per contract period from its parts, and the cheapest option that keeps
every target — recomputed by hand in each test."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.stats.options import cheapest_compliant, options_frame
from tests.conftest import poisson_voice

T90 = {2: 2.919986, 3: 2.353363}  # Student t quantile 0.95 (two-sided 90 %), by degrees of freedom


def priced(staff: int = 3) -> dict[str, Any]:
    """Voice over 2 h, one team at €30 per staffed hour (20 % shrinkage), telephony €0.02/min,
    a service-level target with a penalty and an abandon-rate target with a bonus."""
    return {
        "name": "priced",
        "horizon": "2h",
        "interval": "1h",
        "contact_types": {
            "voice": poisson_voice(60, patience="2min", costs={"telephony_per_minute": 0.02})
        },
        "agent_groups": {
            "team": {
                "skills": ["voice"],
                "staff": staff,
                "shrinkage": 0.2,
                "cost": {"per_staffed_hour": 30},
            }
        },
        "targets": [
            {
                "contact_type": "voice",
                "kpi": "service_level",
                "at_least": 0.8,
                "penalty": {"per_point": 10, "flat": 100},
            },
            {
                "contact_type": "voice",
                "kpi": "abandon_rate",
                "at_most": 0.3,
                "bonus": {"per_point": 5},
            },
        ],
    }


def test_total_cost_is_operating_plus_telephony_plus_penalties_minus_bonuses() -> None:
    """Per replication, by hand: operating = 3 scheduled agents × 2 h × €30 = €180 plus overtime
    (agents finishing calls as the horizon … none: the schedule never drops), telephony = €0.02 ×
    the queue and talk minutes of the contacts, penalty = 100 + 10 × points short of 80 %,
    bonus = 5 × points to spare below 30 %; the option's mean and 90 % interval by Student t."""
    exp = cccsim.replicate(priced(), 4, seed=7, backend="serial", keep_contacts=True)
    c = exp.contacts
    assert c is not None
    totals = []
    for r in range(4):
        mine = c[c.replication == r]
        minutes = (mine.wait_time.fillna(0) + mine.handle_time.fillna(0)) / 60
        telephony = 0.02 * minutes.sum()
        t = exp.targets[exp.targets.replication == r].set_index("kpi").attained
        sl, ab = t["service_level"], t["abandon_rate"]
        penalty = 0.0 if sl >= 0.8 else 100 + 10 * (80 - 100 * sl)
        bonus = 5 * (30 - 100 * ab) if ab <= 0.3 else 0.0
        total = 180 + telephony + penalty - bonus
        row = exp.costs[exp.costs.replication == r].iloc[0]
        assert row.operating_cost == pytest.approx(180)
        assert row.telephony_cost == pytest.approx(telephony)
        assert row.penalties == pytest.approx(penalty) and row.bonuses == pytest.approx(bonus)
        assert row.total_cost == pytest.approx(total)
        totals.append(total)
    assert any(exp.costs.penalties > 0) and any(exp.costs.bonuses > 0)
    x = np.array(totals)
    half = T90[3] * x.std(ddof=1) / math.sqrt(4)
    option = exp.options.iloc[0]
    assert option.total_cost == pytest.approx(x.mean())
    assert (option.ci_low, option.ci_high) == pytest.approx((x.mean() - half, x.mean() + half))
    summary = exp.cost_summary.set_index("kpi").loc["total_cost"]
    assert summary["mean"] == pytest.approx(x.mean())


def options_case(verdicts: dict[str, list[str]], totals: dict[str, list[float]]) -> pd.DataFrame:
    """Hand-made per-replication costs and per-target verdicts of some options."""
    costs = pd.DataFrame(
        [
            {"scenario": name, "replication": r, "total_cost": v}
            for name, values in totals.items()
            for r, v in enumerate(values)
        ]
    )
    ts = pd.DataFrame(
        [
            {"scenario": name, "target": f"t{i}", "verdict": v, "probability_met": p}
            for name, vs in verdicts.items()
            for i, v in enumerate(vs)
            for p in [{"met": 1.0, "at risk": 0.7, "missed": 0.0}[v]]
        ]
    )
    return options_frame(costs, ts, confidence=0.9)


def test_the_cheapest_compliant_option_is_not_the_cheapest_overall() -> None:
    """ "lean" is cheapest (about 100) but one target is only at risk; "mid" (about 150) and
    "rich" (about 200) keep both: mid is the cheapest compliant. Paired differences to mid:
    rich − mid = 40, 50, 60 → mean 50, half-width t(0.95, 2) × 10 / √3; lean − mid =
    −50, −50, −50 → exactly −50."""
    out = options_case(
        {"lean": ["met", "at risk"], "mid": ["met", "met"], "rich": ["met", "met"]},
        {"lean": [100, 110, 120], "mid": [150, 160, 170], "rich": [190, 210, 230]},
    )
    assert out.scenario.tolist() == ["mid", "rich", "lean"]
    assert cheapest_compliant(out) == "mid"
    assert out.cheapest_compliant.tolist() == [True, False, False]
    assert out.compliant.tolist() == [True, True, False]
    assert out["rank"].tolist()[:2] == [1, 2] and pd.isna(out["rank"].iloc[2])
    rich = out.set_index("scenario").loc["rich"]
    half = T90[2] * 10 / math.sqrt(3)
    assert rich.difference == pytest.approx(50)
    assert (rich.difference_ci_low, rich.difference_ci_high) == pytest.approx(
        (50 - half, 50 + half)
    )
    lean = out.set_index("scenario").loc["lean"]
    assert (lean.difference, lean.difference_ci_low) == pytest.approx((-50, -50))
    assert lean.not_met == "t1 (at risk, P(met) 70%)"
    assert (lean.targets_met, lean.targets_at_risk, lean.targets) == (1, 1, 2)


def test_no_compliant_option_names_none_and_lists_the_closest_first() -> None:
    out = options_case(
        {"a": ["missed", "missed"], "b": ["met", "missed"], "c": ["missed", "at risk"]},
        {"a": [100, 100], "b": [300, 300], "c": [50, 50]},
    )
    assert cheapest_compliant(out) is None
    assert out.scenario.tolist() == ["b", "c", "a"]  # fewest targets not met, then cost
    assert out.difference.isna().all()


def test_without_targets_every_option_is_compliant() -> None:
    costs = pd.DataFrame(
        {"scenario": ["x", "x", "y", "y"], "replication": [0, 1, 0, 1], "total_cost": [9, 11, 5, 7]}
    )
    out = options_frame(costs, None)
    assert cheapest_compliant(out) == "y" and out.compliant.all()
