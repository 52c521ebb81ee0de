"""Known answers for access levers that a plausible wrong implementation would get wrong: IVR
containment and menu shares, linear balking, the last-wait announcement, callbacks scheduled
later, repeats on another channel, least-loaded chat placement, segment patience.

Statistical checks compare a share with its exact value within 4.5 binomial standard errors
(a false alarm about once in 150,000 runs; the faults they guard against move the share by far
more)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

import cccsim
from tests.conftest import scenario, voice

HOUR = 3600.0


def run(data: dict[str, Any], seed: int = 0) -> cccsim.ReplicationResult:
    return cccsim.run_replication(cccsim.load_scenario(data), seed=seed)


def within(observed: float, p: float, n: int) -> bool:
    """``observed`` share of ``n`` is within 4.5 standard errors of ``p``."""
    return abs(observed - p) <= 4.5 * math.sqrt(p * (1 - p) / n)


def test_ivr_containment_and_menu_shares() -> None:
    """12,000 calls expected (1,000 an hour for 12 h), 30 % contained, the rest choosing voice,
    chat and email 50/30/20. From the contacts frame alone: the share of calls that became
    contacts, and the share of those on each type, match the scenario."""
    data = scenario(
        {
            "voice": voice([]),
            "chat": voice([], channel="chat"),
            "email": voice([], channel="email"),
        },
        {"team": {"skills": ["voice", "chat", "email"], "staff": 0}},
        horizon=12 * HOUR,
        interval="1h",
    )
    for spec in data["contact_types"].values():
        spec.pop("arrivals")
    data["ivr"] = {
        "line": {
            "arrivals": {"per_hour": 1000},
            "time": {"dist": "deterministic", "value": 1},
            "containment": 0.3,
            "choices": {"voice": 0.5, "chat": 0.3, "email": 0.2},
        }
    }
    r = run(data, seed=5)
    calls = int(r.ivr.calls.iloc[0])
    assert abs(calls - 12000) <= 4.5 * math.sqrt(12000)  # Poisson
    c = r.contacts
    assert within(len(c) / calls, 0.7, calls)
    shares = c.contact_type.value_counts()
    for name, p in {"voice": 0.5, "chat": 0.3, "email": 0.2}.items():
        assert within(shares[name] / len(c), p, len(c)), name
    assert within(r.ivr.containment_rate.iloc[0], 0.3, calls)


def test_balking_interpolates_linearly() -> None:
    """No agent, handle 100 s, patience 0: each contact leaves the queue at once, so every one
    hears (0 + 1) × 100 s ÷ 1 = 100 s. The curve [[0, 0], [200 s, 1]] gives P(leave | 100 s)
    = 0.5 by linear interpolation (a step function would give 0 or 1)."""
    access = {"announcement": {"balking": [[0, 0], ["200s", 1.0]]}}
    data = scenario(
        {"voice": voice([], patience=0, access=access)},
        {"team": {"skills": ["voice"], "staff": 0}},
        horizon=5 * HOUR,
    )
    data["contact_types"]["voice"]["arrivals"] = {"per_hour": 1000}
    c = run(data, seed=2).contacts
    assert set(c.outcome) == {"balked", "abandoned"}
    assert within((c.outcome == "balked").mean(), 0.5, len(c))


def test_last_wait_announces_the_wait_of_the_last_answered_contact() -> None:
    """One agent, handle 100 s; balking 0 below 95 s and 1 from 96 s. c0 at 0 is answered at once
    (its wait, 0, is now the last). c1 at 1 hears 0 s: stays, answered at 100 after 99 s. c2 at
    150 hears 99 s: balks. (The queue estimator would announce 100 s to both: c1 would balk and
    c2 be answered at 150.)"""
    balking = [[0, 0], ["95s", 0.0], ["96s", 1.0]]

    def outcomes(estimator: str) -> pd.DataFrame:
        access = {"announcement": {"estimator": estimator, "balking": balking}}
        data = scenario(
            {"voice": voice([0, 1, 150], access=access)},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
        return run(data).contacts

    c = outcomes("last_wait")
    assert c.outcome.tolist() == ["answered", "answered", "balked"]
    assert c.answered_at.tolist()[:2] == [0, 100]
    q = outcomes("queue")
    assert q.outcome.tolist() == ["answered", "balked", "answered"]
    assert q.answered_at.tolist()[2] == 150


def test_a_callback_scheduled_later_joins_the_queue_after_its_delay() -> None:
    """One agent, handle 100 s. c1 at 10 hears 100 s > 50 s and accepts a callback scheduled
    5 min later: it joins the queue at 310 and the idle agent calls at once (keeping its place
    it would have been called at 100). Time to callback 300 s from the acceptance."""
    cb = {
        "offer_when_wait_over": 50,
        "acceptance": 1.0,
        "schedule": "later",
        "delay": {"dist": "deterministic", "value": 300},
    }
    r = run(
        scenario(
            {"voice": voice([0, 10], access={"callback": cb})},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
    )
    callback = r.contacts[r.contacts.kind == "callback"].iloc[0]
    assert (callback.entered_at, callback.arrived_at, callback.answered_at) == (10, 310, 310)
    assert r.summary.set_index("contact_type").loc["voice", "time_to_callback"] == 300


def test_an_unresolved_contact_may_come_back_on_another_channel() -> None:
    """Resolution 0, the repeat 1,000 s after the end, always by email: the voice call answered
    0–100 comes back as an email at 1,100, answered at once by the blended agent."""
    access = {
        "resolution": {
            "first_contact": 0.0,
            "delay": {"dist": "deterministic", "value": 1000},
            "switch": {"email": 1.0},
        }
    }
    data = scenario(
        {"voice": voice([0], access=access), "email": voice([], channel="email")},
        {"team": {"skills": ["voice", "email"], "staff": 1}},
        horizon=1500,
    )
    data["contact_types"]["email"].pop("arrivals")
    c = run(data).contacts
    assert c.contact_type.tolist() == ["voice", "email"]
    assert c.kind.tolist() == ["inbound", "repeat"] and c.answered_at.tolist() == [0, 1100]
    assert c.customer.nunique() == 1


def test_a_chat_goes_to_the_least_loaded_agent() -> None:
    """Two chat agents holding up to 3 chats; chats of 100 s at 0, 10 and 20. c0 → agent 0 (both
    idle, agent 0 logged on first). c1 → agent 1, idle (not agent 0, which holds one). c2 → both
    hold one: the one at that load longest, agent 0."""
    data = scenario(
        {"chat": voice([0, 10, 20], channel="chat")},
        {"team": {"skills": ["chat"], "staff": 2, "max_concurrent": 3}},
    )
    c = run(data).contacts
    assert c.agent.tolist() == [0, 1, 0] and c.answered_at.tolist() == [0, 10, 20]


def test_a_segments_patience_factor_applies_to_every_attempt() -> None:
    """No agent; patience 30 s, doubled for the segment (all customers); a retrial 100 s after
    abandoning: the first attempt abandons at 60, the retrial (at 160) at 220."""
    data = scenario(
        {
            "voice": voice(
                [0],
                patience=30,
                segments={"patient": {"share": 1.0, "patience_factor": 2.0}},
                access={
                    "retrial": {
                        "probability": 1.0,
                        "delay": {"dist": "deterministic", "value": 100},
                        "max_attempts": 2,
                    }
                },
            )
        },
        {"team": {"skills": ["voice"], "staff": 0}},
    )
    c = run(data).contacts
    assert c.contact_type.tolist() == ["voice/patient"] * 2
    assert c.outcome.tolist() == ["abandoned"] * 2
    assert c.arrived_at.tolist() == [0, 160] and c.ended_at.tolist() == [60, 220]
