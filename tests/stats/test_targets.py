"""Target definitions on hand-built records (waits worked on paper), and across replications."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from cccsim.model import build_model
from cccsim.records import ABANDONED, ANSWERED, BLOCKED, OPEN, Records
from cccsim.stats.targets import evaluate_targets, target_summary
from tests.conftest import poisson_voice

HOUR, DAY = 3600.0, 86400.0


def scenario(targets: list[dict[str, Any]], horizon: float = DAY, **extra: Any) -> dict[str, Any]:
    return {
        "name": "targets",
        "horizon": horizon,
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"trace": []},
                "handle_time": {"dist": "deterministic", "value": 60},
                "service_level_threshold": "20s",
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 1}},
        "targets": targets,
        **extra,
    }


def records(
    data: dict[str, Any],
    rows: list[tuple[float, str, float | None, float | None]],
    sessions: list[tuple[float, float]] = ((0.0, DAY),),
) -> Records:  # type: ignore[assignment]
    """Records from (arrived_at, outcome, answered_at, ended_at) rows, served by agent 0."""
    model = build_model(cccsim.load_scenario(data))
    codes = {"open": OPEN, "answered": ANSWERED, "abandoned": ABANDONED, "blocked": BLOCKED}
    outcome = np.array([codes[r[1]] for r in rows], dtype=np.int8)
    answered = np.array([np.nan if r[2] is None else r[2] for r in rows])
    ended = np.array([np.nan if r[3] is None else r[3] for r in rows])
    served = outcome == ANSWERED
    return Records(
        model=model,
        contact_type=np.zeros(len(rows), dtype=np.int16),
        arrived_at=np.array([r[0] for r in rows]),
        answered_at=answered,
        ended_at=ended,
        handle_time=np.full(len(rows), 60.0),
        outcome=outcome,
        agent=np.where(served, 0, -1).astype(np.int32),
        group=np.where(served, 0, -1).astype(np.int16),
        session_agent=np.zeros(len(sessions), dtype=np.int32),
        session_group=np.zeros(len(sessions), dtype=np.int16),
        session_start=np.array([s for s, _ in sessions]),
        session_end=np.array([e for _, e in sessions]),
        n_events=0,
    )


# Five voice contacts at 00:00: answered after 0, 10 and 30 s; abandoned after 3 s and 40 s.
FIVE = [
    (0.0, "answered", 0.0, 60.0),
    (0.0, "answered", 10.0, 70.0),
    (0.0, "answered", 30.0, 90.0),
    (0.0, "abandoned", None, 3.0),
    (0.0, "abandoned", None, 40.0),
]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ({"kpi": "service_level", "at_least": 0.8}, 2 / 5),  # waits 0 and 10 ≤ 20 s of 5 offered
        (
            {"kpi": "service_level", "at_least": 0.8, "short_abandon": "5s"},
            2 / 4,
        ),  # the 3 s abandon ignored
        ({"kpi": "service_level", "at_least": 0.8, "over": "answered"}, 2 / 3),
        ({"kpi": "service_level", "at_least": 0.8, "threshold": "30s"}, 3 / 5),
        ({"kpi": "abandon_rate", "at_most": 0.1}, 2 / 5),
        ({"kpi": "abandon_rate", "at_most": 0.1, "short_abandon": "5s"}, 1 / 4),
        ({"kpi": "wait_over", "threshold": "20s", "at_most": 0.1}, 2 / 5),  # waits 30 and 40
        ({"kpi": "asa", "at_most": 20}, 40 / 3),
        ({"kpi": "p_wait", "at_most": 0.5}, 4 / 5),
    ],
)
def test_definitions_by_hand(target: dict[str, Any], expected: float) -> None:
    rows = evaluate_targets(records(scenario([{"contact_type": "voice", **target}]), FIVE))
    assert rows.attained.iloc[0] == pytest.approx(expected)


def test_business_hours_clock_across_a_weekend() -> None:
    """An email arriving Fri 17:00 and answered Mon 09:00 with business hours Mon–Fri 08–18 waited
    2 business hours (Fri 17–18, Mon 08–09) but 64 calendar hours."""
    fri17, mon09 = 4 * DAY + 17 * HOUR, 7 * DAY + 9 * HOUR
    rows = [(fri17, "answered", mon09, mon09 + 60)]
    targets = [
        {
            "contact_type": "voice",
            "kpi": "service_level",
            "threshold": "4h",
            "at_least": 0.9,
            "clock": "business_hours",
            "business_hours": {"mon-fri": "08:00-18:00"},
        },
        {"contact_type": "voice", "kpi": "service_level", "threshold": "4h", "at_least": 0.9},
    ]
    result = evaluate_targets(records(scenario(targets, horizon=8 * DAY), rows))
    assert result.attained.tolist() == [1.0, 0.0]
    assert "of business hours" in result.target.iloc[0]


def test_share_of_intervals_meeting_the_bound() -> None:
    """Hour 0: both answered at once (SL 1). Hour 1: one of two within 20 s (0.5). Hour 2: 1.
    Hours without contacts do not count: 2 of 3 hours meet 80 %."""
    rows = [
        (0.0, "answered", 0.0, 60.0),
        (10.0, "answered", 10.0, 70.0),
        (HOUR, "answered", HOUR, HOUR + 60),
        (HOUR, "answered", HOUR + 60, HOUR + 120),
        (2 * HOUR, "answered", 2 * HOUR + 5, 2 * HOUR + 65),
    ]
    base = {"contact_type": "voice", "kpi": "service_level", "at_least": 0.8, "per": "interval"}
    result = evaluate_targets(
        records(
            scenario([{**base, "share_of_periods": 0.6}, {**base, "share_of_periods": 0.7}, base]),
            rows,
        )
    )
    assert result.attained.tolist() == pytest.approx([2 / 3] * 3)
    assert result.met.tolist() == [True, False, False]
    assert result.worst_period.iloc[0] == 0.5
    assert (
        "in 60% of intervals" in result.target.iloc[0]
        and "in every interval" in result.target.iloc[2]
    )


def test_occupancy_range_of_a_group() -> None:
    """One agent on duty 0–4 h, busy 3 × 60 s → occupancy 180 / 14,400 = 1.25 %."""
    rows = [
        (0.0, "answered", 0.0, 60.0),
        (100.0, "answered", 100.0, 160.0),
        (200.0, "answered", 200.0, 260.0),
    ]
    data = scenario(
        [{"agent_group": "team", "kpi": "occupancy", "at_least": 0.5, "at_most": 0.9}],
        horizon=4 * HOUR,
    )
    result = evaluate_targets(records(data, rows, sessions=[(0.0, 4 * HOUR)]))
    assert result.attained.iloc[0] == pytest.approx(180 / 14400)
    assert not result.met.iloc[0]
    assert result.target.iloc[0] == "team occupancy 50%–90%"


def test_penalty_per_point_flat_and_cap_and_bonus() -> None:
    """SL 40 % against ≥ 80 %: 40 points short × 100 + flat 500 = 4,500, capped at 3,000.
    Abandon rate 40 % against ≤ 50 %: met with 10 points to spare × 20 = 200 bonus."""
    targets = [
        {
            "contact_type": "voice",
            "kpi": "service_level",
            "at_least": 0.8,
            "penalty": {"per_point": 100, "flat": 500, "cap": 3000},
        },
        {
            "contact_type": "voice",
            "kpi": "abandon_rate",
            "at_most": 0.5,
            "bonus": {"per_point": 20},
            "penalty": {"per_point": 1000},
        },
    ]
    result = evaluate_targets(records(scenario(targets), FIVE))
    assert result.penalty.tolist() == [3000.0, 0.0]
    assert result.bonus.tolist() == [0.0, pytest.approx(200.0)]
    assert result.shortfall.iloc[0] == pytest.approx(0.4)


def per_replication(attained: list[float], penalty: list[float]) -> pd.DataFrame:
    """Per-replication target rows of "service level ≥ 80 %" with the given values."""
    return pd.DataFrame(
        {
            "target": "t",
            "definition": "t",
            "contact_type": "voice",
            "agent_group": None,
            "kpi": "service_level",
            "per": "period",
            "at_least": 0.8,
            "at_most": None,
            "required_share": None,
            "attained": attained,
            "met": [a >= 0.8 for a in attained],
            "penalty": penalty,
            "bonus": 0.0,
        }
    )


def test_summary_probability_verdict_and_penalty_percentile() -> None:
    """Ten periods, seven meet 80 %: P(met) = 7/10. The mean (0.82) meets the bound and its CI
    straddles it, but a 70 % chance is not "met" at the default confidence 0.9: at risk.
    Penalties 0 ×7, 500, 1,000, 2,000: expected 3,500/10 = 350; the 90th percentile sits at
    rank 0.9 × 9 = 8.1 of the sorted values: 1,000 + 0.1 × (2,000 − 1,000) = 1,100."""
    attained = [0.85] * 7 + [0.75] * 3
    s = target_summary(per_replication(attained, [0.0] * 7 + [500.0, 1000.0, 2000.0])).iloc[0]
    assert s.probability_met == pytest.approx(0.7)
    assert s.verdict == "at risk" and s.mean_meets_bound
    assert s.expected_penalty == pytest.approx(350.0) and s.penalty_p90 == pytest.approx(1100.0)


@pytest.mark.parametrize(
    ("n_met", "confidence", "expected"),
    [
        (9, 0.9, "met"),  # P = 0.9 ≥ 0.9
        (8, 0.9, "at risk"),
        (2, 0.9, "at risk"),
        (1, 0.9, "missed"),  # P = 0.1 ≤ 1 − 0.9
        (0, 0.9, "missed"),
        (7, 0.7, "met"),
        (3, 0.7, "missed"),
        (4, 0.7, "at risk"),
        (10, 0.95, "met"),
        (9, 0.95, "at risk"),
    ],
)
def test_verdict_is_read_from_the_probability_of_meeting(
    n_met: int, confidence: float, expected: str
) -> None:
    """P(met) = met periods / 10 (by hand), judged against the study's confidence."""
    attained = [0.9] * n_met + [0.7] * (10 - n_met)
    s = target_summary(per_replication(attained, [0.0] * 10), confidence).iloc[0]
    assert s.probability_met == pytest.approx(n_met / 10)
    assert s.verdict == expected


def test_one_replication_gives_no_probability() -> None:
    s = target_summary(per_replication([0.95], [0.0])).iloc[0]
    assert s.verdict == "one run: no probability" and np.isnan(s.probability_met)


def test_probability_of_meeting_matches_a_known_answer() -> None:
    """One agent on duty for an hour, Poisson arrivals with mean 1 per hour: "occupancy ≤ 0" is
    met exactly when nobody arrives, so P(met) = e^{-1} = 0.368. With 400 replications the
    standard error is 0.024; the check allows 4 of them."""
    data = {
        "name": "known",
        "horizon": "1h",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 1},
                "handle_time": {"dist": "deterministic", "value": 60},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 1}},
        "targets": [{"agent_group": "team", "kpi": "occupancy", "at_most": 0}],
    }
    exp = cccsim.replicate(data, 400, seed=3, backend="serial")
    p = exp.target_summary.probability_met.iloc[0]
    assert abs(p - np.exp(-1)) < 4 * np.sqrt(np.exp(-1) * (1 - np.exp(-1)) / 400)


def test_targets_point_at_the_right_type_when_internal_types_exist() -> None:
    """A callback queue (voice/callbacks) sits between voice and chat internally: a chat target must
    still measure chat (regression: it once measured the callback queue)."""
    data = {
        "name": "t",
        "horizon": "2h",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 60},
                "handle_time": {"dist": "deterministic", "value": 60},
                "access": {"callback": {"acceptance": 0.5, "priority": "after_inbound"}},
                "segments": {"vip": {"share": 0.2}},
            },
            "chat": {
                "channel": "chat",
                "arrivals": {"per_hour": 30},
                "handle_time": {"dist": "deterministic", "value": 60},
            },
        },
        "agent_groups": {"team": {"skills": ["voice", "chat"], "staff": 3}},
        "targets": [
            {"contact_type": "chat", "kpi": "service_level", "at_least": 0.5},
            {"contact_type": "voice", "segment": "vip", "kpi": "service_level", "at_least": 0.5},
        ],
    }
    rep = cccsim.run_replication(cccsim.load_scenario(data), seed=1)
    by_type = rep.summary.set_index("contact_type")
    assert rep.targets.attained.tolist() == [
        by_type.loc["chat", "service_level"],
        by_type.loc["voice/vip", "service_level"],
    ]


def test_closed_balk_and_callback_promise_targets() -> None:
    """Open 08–20, one agent busy with c0 (09:00, 100 s): a call at 07:00 leaves a voicemail →
    callback at 08:00, answered at once (promise 2 h kept: 1 h). c1 at 09:00:10 hears 100 s and takes
    a callback, answered when the agent frees at 09:01:40 (kept). A call at 06:00 on a refusing
    type is closed."""
    hour = 3600.0
    data = {
        "name": "t",
        "horizon": "1d",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"trace": [7 * hour, 9 * hour, 9 * hour + 10]},
                "handle_time": {"dist": "deterministic", "value": 100},
                "access": {
                    "hours": {"mon-fri": "08:00-20:00"},
                    "out_of_hours": "voicemail",
                    "callback": {"offer_when_wait_over": 50, "acceptance": 1.0},
                },
            },
            "sales": {
                "channel": "voice",
                "arrivals": {"trace": [6 * hour, 9 * hour]},
                "handle_time": {"dist": "deterministic", "value": 10},
                "access": {"hours": {"mon-fri": "08:00-20:00"}},
            },
        },
        "agent_groups": {"team": {"skills": ["voice", "sales"], "staff": 2}},
        "targets": [
            {"contact_type": "voice", "kpi": "callback_promise_kept", "at_least": 0.9},
            {"contact_type": "sales", "kpi": "closed_rate", "at_most": 0.1},
            {"contact_type": "voice", "kpi": "balk_rate", "at_most": 0.1, "per": "month"},
        ],
    }
    t = cccsim.run_replication(cccsim.load_scenario(data)).targets.set_index("kpi")
    assert t.loc["callback_promise_kept", "attained"] == 1.0
    assert t.loc["closed_rate", "attained"] == 0.5 and not t.loc["closed_rate", "met"]
    assert t.loc["balk_rate", "attained"] == 1.0  # the one month has no balks: share of months met


# ------------------------------------------------------------------ a target covers its customers

NOT_REACHED = ["blocked", "closed", "callback", "voicemail", "offline_form"]


def segmented(callback_priority: str = "with_inbound", vip: int = 1) -> dict[str, Any]:
    """Voice with a VIP segment and callbacks (60 % reached); one overloaded team; 6 hours."""
    return {
        "name": "segments",
        "horizon": "6h",
        "interval": "1h",
        "contact_types": {
            "voice": poisson_voice(
                240,
                segments={"vip": {"share": 0.3, "priority": vip}},
                access={
                    "callback": {
                        "offer_when_wait_over": "1min",
                        "acceptance": 0.5,
                        "promise": "20min",
                        "reach_probability": 0.6,
                        "retries": 0,
                        "priority": callback_priority,
                    }
                },
            )
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 7}},
        "targets": [
            {"contact_type": "voice", "kpi": "service_level", "at_least": 0.8},
            {"contact_type": "voice", "segment": "vip", "kpi": "service_level", "at_least": 0.8},
            {"contact_type": "voice", "kpi": "abandon_rate", "at_most": 0.05, "short_abandon": 5},
            {"contact_type": "voice", "kpi": "callback_promise_kept", "at_least": 0.9},
            {
                "contact_type": "voice",
                "segment": "vip",
                "kpi": "callback_promise_kept",
                "at_least": 0.9,
            },
        ],
    }


def service_level_of(
    c: pd.DataFrame, types: list[str], threshold: float, horizon: float = 6 * HOUR
) -> float:
    """Answered within the threshold ÷ customers' contacts that reached the queue (by hand), of
    those due by the horizon (arrived at least the threshold before it)."""
    due = c.arrived_at + threshold <= horizon
    mine = c[c.contact_type.isin(types) & c.measured & (c.kind != "callback") & due]
    reached = ~mine.outcome.isin(NOT_REACHED)
    within = (mine.outcome == "answered") & (mine.wait_time <= threshold)
    return within.sum() / reached.sum()


def promise_kept_of(c: pd.DataFrame, types: list[str], promise: float) -> float:
    """Callbacks answered within the promise of their acceptance ÷ callbacks (by hand)."""
    calls = c[(c.kind == "callback") & c.contact_type.isin(types)]
    kept = (calls.outcome == "answered") & (calls.answered_at - calls.entered_at <= promise)
    return kept.sum() / len(calls)


def test_a_target_on_a_segmented_type_covers_every_segment() -> None:
    """Recomputed from the contacts frame: "voice" targets count the VIP segment too, a
    "voice/vip" target only the segment; the short-abandon rule and the callbacks of the type
    as their definitions say."""
    rep = cccsim.run_replication(cccsim.load_scenario(segmented()), seed=4)
    c = rep.contacts
    t = rep.targets.attained.tolist()
    whole = service_level_of(c, ["voice", "voice/vip"], 20)
    assert t[0] == pytest.approx(whole)
    assert t[1] == pytest.approx(service_level_of(c, ["voice/vip"], 20))
    rest = rep.summary.set_index("contact_type").loc["voice", "service_level"]
    assert abs(whole - rest) > 0.01  # the type's customers outside the segment are not the type
    mine = c[c.contact_type.isin(["voice", "voice/vip"]) & (c.kind != "callback")]
    short = (mine.outcome == "abandoned") & (mine.wait_time < 5)
    reached = ~mine.outcome.isin(NOT_REACHED) & ~short
    assert t[2] == pytest.approx(((mine.outcome == "abandoned") & ~short).sum() / reached.sum())
    assert (c.kind == "callback").sum() > 20
    assert t[3] == pytest.approx(promise_kept_of(c, ["voice", "voice/vip"], 1200))
    assert t[4] == pytest.approx(promise_kept_of(c, ["voice/vip"], 1200))
    assert "voice (all segments) service level" in rep.targets.target.iloc[0]


def test_a_segment_target_on_a_shared_callback_queue_counts_its_own_customers() -> None:
    """Callbacks before inbound sit in one queue (voice/callbacks) for every segment: the VIP
    target counts the callbacks of customers whose journey began as VIP (from the contacts)."""
    rep = cccsim.run_replication(cccsim.load_scenario(segmented("before_inbound", 0)), seed=4)
    c = rep.contacts
    first = c.set_index("contact_id").contact_type
    vip = c[(c.kind == "callback") & (c.customer.map(first) == "voice/vip")]
    assert len(vip) > 20 and set(vip.contact_type) == {"voice/callbacks"}
    kept = (vip.outcome == "answered") & (vip.answered_at - vip.entered_at <= 1200)
    t = rep.targets.attained.tolist()
    assert t[4] == pytest.approx(kept.sum() / len(vip))
    assert t[3] == pytest.approx(promise_kept_of(c, ["voice/callbacks"], 1200))
    assert t[3] != pytest.approx(t[4])


@pytest.mark.parametrize(
    ("target", "label"),
    [
        (
            {"kpi": "service_level", "at_least": 0.8},
            "voice service level ≥ 80% (answered within 20s ÷ offered)",
        ),
        (
            {"kpi": "service_level", "at_least": 0.8, "over": "answered", "threshold": "30s"},
            "voice service level ≥ 80% (answered within 30s ÷ answered)",
        ),
        (
            {"kpi": "abandon_rate", "at_most": 0.05, "short_abandon": "5s"},
            "voice abandon rate ≤ 5% (abandons < 5s excluded)",
        ),
        (
            {
                "kpi": "asa",
                "at_most": "1min",
                "clock": "business_hours",
                "business_hours": {"mon-fri": "08:00-18:00"},
            },
            "voice ASA ≤ 1min (waits in business hours)",
        ),
        (
            {"kpi": "service_level", "at_least": 0.8, "per": "day", "share_of_periods": 0.9},
            "voice service level ≥ 80% (answered within 20s ÷ offered) in 90% of days",
        ),
        (
            {"segment": "vip", "kpi": "wait_over", "threshold": "5min", "at_most": 0.02},
            "voice/vip P(wait > 5min) ≤ 2%",
        ),
    ],
)
def test_labels_state_the_definition(target: dict[str, Any], label: str) -> None:
    """The generated label says what is measured, the threshold, the base, the clock and the
    exclusions (so a target row can be told apart from the KPI table's row)."""
    data = scenario([{"contact_type": "voice", **target}])
    data["contact_types"]["voice"]["segments"] = {"vip": {"share": 0.1}}
    model = build_model(cccsim.load_scenario(data))
    expected = label if "segment" in target else label.replace("voice ", "voice (all segments) ", 1)
    assert model.targets[0].label == model.targets[0].definition == expected
