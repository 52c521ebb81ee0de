"""Access-strategy levers (ISO 18295-2, 5.4), each on a hand-worked trace, plus metamorphic checks
under common random numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from tests.conftest import scenario, voice

HOUR = 3600.0
OPEN_8_20 = {"mon-fri": "08:00-20:00"}


def run(data: dict[str, Any], seed: int = 0) -> cccsim.ReplicationResult:
    return cccsim.run_replication(cccsim.load_scenario(data), seed=seed)


def summary(r: cccsim.ReplicationResult, ctype: str = "voice") -> pd.Series:
    return r.summary.set_index("contact_type").loc[ctype]


def test_out_of_hours_refused_as_closed() -> None:
    """Open 08–20: a call at 07:00 is refused (closed, not abandoned); one at 09:00 is answered."""
    r = run(
        scenario(
            {"voice": voice([7 * HOUR, 9 * HOUR], access={"hours": OPEN_8_20})},
            {"team": {"skills": ["voice"], "staff": 1}},
            horizon=86400,
        )
    )
    assert r.contacts.outcome.tolist() == ["closed", "answered"]
    s = summary(r)
    assert (s.closed, s.abandoned, s.closed_rate, s.service_level) == (1, 0, 0.5, 1.0)


def test_closed_day_refuses_everything() -> None:
    r = run(
        scenario(
            {"voice": voice([9 * HOUR, 86400 + 9 * HOUR], access={"closed_days": [1]})},
            {"team": {"skills": ["voice"], "staff": 1}},
            horizon=2 * 86400,
        )
    )
    assert r.contacts.outcome.tolist() == ["closed", "answered"]


def test_voicemail_becomes_a_callback_at_the_next_opening() -> None:
    """A call at 07:00 leaves a voicemail; the callback joins the queue at 08:00 and the idle agent
    calls back at once: time to callback 1 h, promise (2 h) kept."""
    r = run(
        scenario(
            {
                "voice": voice(
                    [7 * HOUR],
                    access={
                        "hours": OPEN_8_20,
                        "out_of_hours": "voicemail",
                        "callback": {"acceptance": 0},
                    },
                )
            },
            {"team": {"skills": ["voice"], "staff": 1}},
            horizon=86400,
        )
    )
    c = r.contacts
    assert c.outcome.tolist() == ["voicemail", "answered"]
    assert c.kind.tolist() == ["inbound", "callback"]
    assert c.answered_at.iloc[1] == 8 * HOUR and c.customer.nunique() == 1
    s = summary(r)
    assert (s.callbacks, s.callbacks_completed, s.time_to_callback, s.callback_promise_kept) == (
        1,
        1,
        HOUR,
        1.0,
    )


def test_offline_chat_form_becomes_an_email() -> None:
    data = scenario(
        {
            "chat": voice(
                [7 * HOUR],
                channel="chat",
                access={
                    "hours": OPEN_8_20,
                    "out_of_hours": "offline_form",
                    "offline_form_type": "email",
                },
            ),
            "email": voice([], channel="email"),
        },
        {"team": {"skills": ["chat", "email"], "staff": 1}},
        horizon=86400,
    )
    data["contact_types"]["email"].pop("arrivals")
    r = run(data)
    c = r.contacts.set_index("contact_type")
    assert c.loc["chat", "outcome"] == "offline_form"
    assert c.loc["email", "kind"] == "offline_form" and c.loc["email", "answered_at"] == 7 * HOUR


def test_ivr_time_containment_and_choice() -> None:
    """Every caller spends 30 s in the IVR; none is contained; all choose voice: a call at 100 joins
    the queue at 130 and the customer's journey starts at 100."""
    data = scenario({"voice": voice([])}, {"team": {"skills": ["voice"], "staff": 1}})
    data["contact_types"]["voice"].pop("arrivals")
    data["ivr"] = {
        "main": {
            "arrivals": {"trace": [100]},
            "time": {"dist": "deterministic", "value": 30},
            "choices": {"voice": 1.0},
        }
    }
    r = run(data)
    assert r.contacts.arrived_at.tolist() == [130] and r.contacts.entered_at.tolist() == [100]
    assert r.ivr.iloc[0][["calls", "contained"]].tolist() == [1, 0]
    data["ivr"]["main"]["containment"] = 1.0
    contained = run(data)
    assert len(contained.contacts) == 0 and contained.ivr.contained.iloc[0] == 1


def test_announcement_and_balking() -> None:
    """One agent, handle 100 s. c1 at 1 hears (0 waiting + 1) × 100 s ÷ 1 agent = 100 s; the balking
    curve gives P(leave | 100 s) = 1: c1 balks. A curve at 0 keeps it."""
    access = {"announcement": {"balking": [[0, 0], ["100s", 1.0]]}}
    r = run(
        scenario(
            {"voice": voice([0, 1], access=access)}, {"team": {"skills": ["voice"], "staff": 1}}
        )
    )
    assert r.contacts.outcome.tolist() == ["answered", "balked"]
    assert summary(r).balk_rate == 0.5
    access["announcement"]["balking"] = [[0, 0], ["100s", 0.0]]
    kept = run(
        scenario(
            {"voice": voice([0, 1], access=access)}, {"team": {"skills": ["voice"], "staff": 1}}
        )
    )
    assert kept.contacts.outcome.tolist() == ["answered", "answered"]


def test_callback_keeps_the_customers_place() -> None:
    """Offer when the estimated wait exceeds 50 s, always accepted: c1 at 10 (estimate 100 s) leaves
    the line; its callback waits in c1's place and is answered when the agent frees at 100."""
    cb = {"offer_when_wait_over": 50, "acceptance": 1.0}
    r = run(
        scenario(
            {"voice": voice([0, 10], access={"callback": cb})},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
    )
    c = r.contacts
    assert c.outcome.tolist() == ["answered", "callback", "answered"]
    assert c.kind.tolist() == ["inbound", "inbound", "callback"]
    assert c.answered_at.iloc[2] == 100
    s = summary(r)
    assert (s.callback_offered, s.callbacks, s.time_to_callback) == (1, 1, 90)
    assert s.offered == 2 and s.service_level == 1.0  # the callback left the live queue


def test_unreached_callback_retries_then_gives_up() -> None:
    """Nobody picks up: the callback is dialled at 100 (30 s of agent time), again 60 s after that
    call ends (at 190), then given up after its one retry: 2 calls, outcome unreached."""
    cb = {
        "offer_when_wait_over": 50,
        "acceptance": 1.0,
        "reach_probability": 0.0,
        "retries": 1,
        "retry_delay": 60,
        "attempt_time": 30,
    }
    r = run(
        scenario(
            {"voice": voice([0, 10], access={"callback": cb})},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
    )
    callback = r.contacts[r.contacts.kind == "callback"].iloc[0]
    assert callback.outcome == "unreached"
    assert callback.ended_at == 190 + 30
    # the unanswered calls kept the agent busy: 100 s of service + 2 × 30 s of calls
    assert r.groups.busy_time.iloc[0] == 160


def test_retrials_up_to_the_attempt_cap() -> None:
    """No agent; patience 10 s; every failure retries after 100 s, 3 attempts at most: attempts at
    0, 110 and 220, all abandoned, one customer."""
    retrial = {
        "probability": 1.0,
        "delay": {"dist": "deterministic", "value": 100},
        "max_attempts": 3,
    }
    r = run(
        scenario(
            {"voice": voice([0], patience=10, access={"retrial": retrial})},
            {"team": {"skills": ["voice"], "staff": 0}},
        )
    )
    c = r.contacts
    assert c.arrived_at.tolist() == [0, 110, 220] and c.attempt.tolist() == [1, 2, 3]
    assert set(c.outcome) == {"abandoned"} and c.customer.nunique() == 1
    j = r.journeys.set_index("first_contact_type").loc["voice"]
    assert (j.customers, j.attempts_per_customer, j.served) == (1, 3, 0.0)


def test_retrial_switches_channel() -> None:
    retrial = {
        "probability": 1.0,
        "delay": {"dist": "deterministic", "value": 100},
        "max_attempts": 2,
        "switch": {"chat": 1.0},
    }
    data = scenario(
        {
            "voice": voice([0], patience=10, access={"retrial": retrial}),
            "chat": voice([], channel="chat"),
        },
        {"phones": {"skills": ["voice"], "staff": 0}, "chats": {"skills": ["chat"], "staff": 1}},
    )
    r = run(data)
    c = r.contacts
    assert c.contact_type.tolist() == ["voice", "chat"] and c.outcome.tolist() == [
        "abandoned",
        "answered",
    ]
    j = r.journeys.set_index("first_contact_type").loc["voice"]
    assert (j.channel_switches_per_customer, j.served, j.customer_service_level) == (1, 1.0, 0.0)


def test_unresolved_contacts_come_back() -> None:
    """First-contact resolution 0: every answered contact returns 1,000 s after it ends; horizon
    2,500 s: contacts at 0, 1,100 and 2,200, none resolved."""
    access = {
        "resolution": {"first_contact": 0.0, "delay": {"dist": "deterministic", "value": 1000}}
    }
    r = run(
        scenario(
            {"voice": voice([0], access=access)},
            {"team": {"skills": ["voice"], "staff": 1}},
            horizon=2500,
        )
    )
    c = r.contacts
    assert c.arrived_at.tolist() == [0, 1100, 2200] and c.kind.tolist() == [
        "inbound",
        "repeat",
        "repeat",
    ]
    assert not c.resolved.any()
    assert r.journeys.resolved.iloc[0] == 0.0 and r.journeys.attempts_per_customer.iloc[0] == 3


def test_segment_routing_priority_and_handle_time() -> None:
    """Vulnerable customers (all of them here) go to the specialist group only, with 1.5 × handle."""
    data = scenario(
        {
            "voice": voice(
                [0, 5],
                handle=100,
                segments={
                    "vulnerable": {
                        "share": 1.0,
                        "routing": [{"group": "specialist"}],
                        "handle_time_factor": 1.5,
                    }
                },
            )
        },
        {
            "general": {"skills": ["voice"], "staff": 5},
            "specialist": {"skills": ["voice"], "staff": 1},
        },
        targets=[
            {
                "contact_type": "voice",
                "segment": "vulnerable",
                "kpi": "wait_over",
                "threshold": "5min",
                "at_most": 0.02,
            }
        ],
    )
    r = run(data)
    c = r.contacts
    assert set(c.contact_type) == {"voice/vulnerable"} and set(c.agent_group) == {"specialist"}
    assert c.answered_at.tolist() == [0, 150]  # the second waits for the specialist (150 s handle)
    assert (
        r.targets.target.iloc[0] == "voice/vulnerable P(wait > 5min) ≤ 2%" and r.targets.met.iloc[0]
    )


def test_segment_priority_serves_vip_first() -> None:
    """One agent busy until 100; a regular contact at 10 and a VIP (priority 1) at 20 wait: the VIP
    is answered first."""
    data = scenario(
        {"voice": voice([0, 10, 20], handle=100)}, {"team": {"skills": ["voice"], "staff": 1}}
    )
    data["contact_types"]["voice"]["segments"] = {"vip": {"share": 0.5, "priority": 1}}
    r = run(data, seed=3)
    c = r.contacts.sort_values("answered_at")
    later = c[c.arrived_at > 0]
    if set(later.contact_type) == {"voice", "voice/vip"}:
        assert later.iloc[0].contact_type == "voice/vip"
    assert set(c.contact_type) <= {"voice", "voice/vip"}


# ------------------------------------------------------------------ metamorphic, common random numbers


def busy_centre(**access: Any) -> dict[str, Any]:
    return {
        "name": "busy",
        "horizon": "1d",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 300},
                "handle_time": {"dist": "exponential", "mean": 240},
                "patience": {"dist": "exponential", "mean": 120},
                "access": access,
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 19}},
    }


def test_offering_callbacks_never_increases_abandonment() -> None:
    for seed in range(3):
        plain = summary(run(busy_centre(), seed))
        offered = summary(
            run(busy_centre(callback={"offer_when_wait_over": "30s", "acceptance": 0.5}), seed)
        )
        assert offered.abandoned <= plain.abandoned
        assert offered.callbacks > 0


def test_more_ivr_containment_never_raises_occupancy() -> None:
    def centre(containment: float) -> dict[str, Any]:
        data = busy_centre()
        data["contact_types"]["voice"].pop("arrivals")
        data["ivr"] = {
            "line": {
                "arrivals": {"per_hour": 300},
                "time": {"dist": "exponential", "mean": 40},
                "containment": containment,
                "choices": {"voice": 1.0},
            }
        }
        return data

    for seed in range(3):
        occupancy = [run(centre(c), seed).groups.occupancy.iloc[0] for c in (0.0, 0.2, 0.4)]
        assert occupancy[0] >= occupancy[1] >= occupancy[2]


def test_nothing_arrives_into_the_queue_while_closed() -> None:
    data = busy_centre(hours={"mon-fri": "09:00-17:00"})
    r = run(data, 1)
    c = r.contacts
    hour = (c.arrived_at % 86400) / HOUR
    answered = c[c.outcome == "answered"]
    assert ((hour[answered.index] >= 9) & (hour[answered.index] < 17)).all()
    assert (c[(hour < 9) | (hour >= 17)].outcome == "closed").all()


def test_journeys_conserve_customers() -> None:
    retrial = {"probability": 0.7, "delay": {"dist": "exponential", "mean": 300}, "switch": {}}
    r = run(
        busy_centre(
            retrial=retrial,
            resolution={"first_contact": 0.8, "delay": {"dist": "exponential", "mean": 3600}},
        ),
        2,
    )
    c = r.contacts
    assert c.customer.nunique() == int((c.attempt == 1).sum())  # customers = first attempts
    j = r.journeys.set_index("first_contact_type").loc["all"]
    assert j.customers == c[c.attempt == 1].shape[0]
    assert np.isclose(j.attempts_per_customer, len(c) / c.customer.nunique())


def test_callbacks_before_or_after_inbound() -> None:
    """One agent busy 0–100 (handle 100 s); c1 at 10 accepts a callback, c2 at 20 declines and waits.
    With callbacks before inbound, the agent calls c1 back at 100 and answers c2 at 200; after
    inbound, c2 is answered at 100 and the callback at 200. (Acceptance is 0.5; the seed is one
    where c1 accepts and c2 declines — the same customers under both priorities.)"""

    def outcome(priority: str, seed: int) -> pd.DataFrame:
        cb = {"offer_when_wait_over": 50, "acceptance": 0.5, "priority": priority}
        data = scenario(
            {"voice": voice([0, 10, 20], access={"callback": cb})},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
        return run(data, seed).contacts

    seed = next(
        s
        for s in range(200)
        if outcome("before_inbound", s).outcome.tolist()[:3] == ["answered", "callback", "answered"]
    )
    before, after = outcome("before_inbound", seed), outcome("after_inbound", seed)
    for frame in (before, after):
        assert frame[frame.kind == "callback"].contact_type.tolist() == ["voice/callbacks"]
    assert before[before.kind == "callback"].answered_at.tolist() == [100]
    assert before[(before.kind == "inbound") & (before.arrived_at == 20)].answered_at.tolist() == [
        200
    ]
    assert after[(after.kind == "inbound") & (after.arrived_at == 20)].answered_at.tolist() == [100]
    assert after[after.kind == "callback"].answered_at.tolist() == [200]


# ------------------------------------------------------------------ retrials: which failures retry

RETRY_AFTER_100 = {"probability": 1.0, "delay": {"dist": "deterministic", "value": 100}}
FAILURES = ("abandoned", "blocked", "closed", "balked", "unreached")


def one_failure(outcome: str, after: list[str]) -> dict[str, Any]:
    """A scenario whose customer fails once with ``outcome`` at a known instant (see below)."""
    access: dict[str, Any] = {"retrial": {**RETRY_AFTER_100, "max_attempts": 2, "after": after}}
    trace, staff, patience = [7 * HOUR], 0, None
    if outcome == "abandoned":  # no agent, patience 10 s: gives up at 07:00:10
        patience = 10
    elif outcome == "blocked":  # no place to wait, no agent: blocked at 07:00
        access["queue_capacity"] = 0
    elif outcome == "closed":  # open from 08:00: refused at 07:00
        access["hours"] = OPEN_8_20
    elif outcome == "balked":  # announced (0 + 1) × 100 s ÷ 1: P(leave | 100 s) = 1 at 07:00
        access["announcement"] = {"balking": [[0, 1.0], ["100s", 1.0]]}
    else:  # c0 at 07:00 is served until 07:01:40; c1 at 07:00:10 takes a callback (100 s > 50 s),
        # dialled at 07:01:40 for 30 s, nobody answers, no retries: unreached at 07:02:10
        trace, staff = [7 * HOUR, 7 * HOUR + 10], 1
        access["callback"] = {
            "offer_when_wait_over": 50,
            "acceptance": 1.0,
            "reach_probability": 0.0,
            "retries": 0,
            "attempt_time": 30,
        }
    return scenario(
        {"voice": voice(trace, patience=patience, access=access)},
        {"team": {"skills": ["voice"], "staff": staff}},
        horizon=86400,
    )


FAILED_AT = {
    "abandoned": 7 * HOUR + 10,
    "blocked": 7 * HOUR,
    "closed": 7 * HOUR,
    "balked": 7 * HOUR,
    "unreached": 7 * HOUR + 130,
}


@pytest.mark.parametrize("outcome", FAILURES)
def test_a_retrial_follows_exactly_the_failures_named_in_after(outcome: str) -> None:
    """Each failure named in ``retrial.after`` is followed by one retrial 100 s after it (attempt
    2, the same customer, an inbound contact of the customer's type); with every *other* failure
    named, none follows. Catches a name mapped to the wrong outcome code."""
    r = run(one_failure(outcome, [outcome]))
    c = r.contacts
    failed = c[(c.attempt == 1) & (c.outcome == outcome)]
    assert failed.ended_at.tolist() == [FAILED_AT[outcome]]
    retrial = c[c.attempt == 2]
    assert retrial.arrived_at.tolist() == [FAILED_AT[outcome] + 100]
    assert retrial.kind.tolist() == ["inbound"] and retrial.contact_type.tolist() == ["voice"]
    assert retrial.customer.iloc[0] == failed.customer.iloc[0]
    others = run(one_failure(outcome, [o for o in FAILURES if o != outcome])).contacts
    assert (others.attempt == 1).all() and (others.outcome == outcome).sum() == 1
