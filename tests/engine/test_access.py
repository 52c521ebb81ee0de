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


def test_the_announced_wait_counts_the_agents_on_duty_now() -> None:
    """Staff per 60 s interval [1, 2, 2], handle 100 s. c0 at 0 and c1 at 70 (the second agent
    came at 60) are answered; c2 at 80 hears (0 + 1) × 100 ÷ 2 agents = 50 s, c3 at 85 hears
    (1 + 1) × 100 ÷ 2 = 100 s, c4 at 86 hears 150 s: nobody balks at a curve that is 0 up to
    150 s and 1 from 151 s. Counting the one agent of the start, c3 (200 s) and c4 would balk."""
    access = {"announcement": {"balking": [[0, 0], ["150s", 0.0], ["151s", 1.0]]}}
    r = run(
        scenario(
            {"voice": voice([0, 70, 80, 85, 86], access=access)},
            {"team": {"skills": ["voice"], "staff": [1, 2, 2]}},
            horizon=180,
        )
    )
    assert r.contacts.outcome.tolist()[:2] == ["answered", "answered"]
    assert "balked" not in r.contacts.outcome.tolist()


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


@pytest.mark.parametrize(("over", "offered"), [(100.0, 0), (99.9, 1)])
def test_a_callback_is_offered_only_when_the_wait_is_over_the_threshold(
    over: float, offered: int
) -> None:
    """c1 at 10 finds c0 in service: announced wait (0 + 1) × 100 s ÷ 1 agent = 100 s. A threshold
    of exactly 100 s offers nothing (the wait must be over it); 99.9 s offers the callback."""
    cb = {"offer_when_wait_over": over, "acceptance": 1.0}
    r = run(
        scenario(
            {"voice": voice([0, 10], access={"callback": cb})},
            {"team": {"skills": ["voice"], "staff": 1}},
        )
    )
    assert summary(r).callback_offered == offered
    assert r.contacts.outcome.iloc[1] == ("callback" if offered else "answered")


def test_unreached_callback_retries_then_gives_up() -> None:
    """Nobody picks up: the callback is dialled at 100 (30 s of agent time), again 60 s after that
    call ends (at 190), then given up after its one retry: 2 calls, outcome unreached. It keeps
    its arrival at 10 (when it joined the queue), though it joined it again at 190."""
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
    assert (callback.arrived_at, callback.ended_at) == (10, 190 + 30)
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
    is answered first (100–200), the regular contact after it (200). Seed 1 is one where the
    contacts at 10 and 20 are a regular and a VIP customer; seed 7 gives the reverse order of
    arrival, where the VIP at 10 is first anyway and the regular one at 20 follows."""
    data = scenario(
        {"voice": voice([0, 10, 20], handle=100)}, {"team": {"skills": ["voice"], "staff": 1}}
    )
    data["contact_types"]["voice"]["segments"] = {"vip": {"share": 0.5, "priority": 1}}
    c = run(data, seed=1).contacts.set_index("arrived_at")
    assert c.loc[[10, 20], "contact_type"].tolist() == ["voice", "voice/vip"]
    assert c.loc[[10, 20], "answered_at"].tolist() == [200, 100]
    c = run(data, seed=7).contacts.set_index("arrived_at")
    assert c.loc[[10, 20], "contact_type"].tolist() == ["voice/vip", "voice"]
    assert c.loc[[10, 20], "answered_at"].tolist() == [100, 200]


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


def test_every_follow_up_has_its_cause_and_every_cause_its_follow_up() -> None:
    """Journeys from the contacts frame alone, on a busy day with callbacks (answered 70 % of the
    time, one retry), retrials (always, 300 s later, 3 attempts) and repeats (20 % unresolved,
    1 h later). In each customer's chain (by creation): a retrial follows a failure with fewer
    than 3 attempts exactly 300 s after it ended; a repeat follows an unresolved answer exactly
    1 h after its end; a callback follows an accepted offer at the same instant. Conversely every
    such cause within the horizon has its follow-up, and nothing else creates a contact."""
    retrial = {"probability": 1.0, "delay": {"dist": "deterministic", "value": 300}}
    r = run(
        busy_centre(
            callback={
                "offer_when_wait_over": "30s",
                "acceptance": 0.5,
                "reach_probability": 0.7,
                "retries": 1,
            },
            retrial=retrial,
            resolution={"first_contact": 0.8, "delay": {"dist": "deterministic", "value": 3600}},
        ),
        2,
    )
    c = r.contacts.sort_values("contact_id").reset_index(drop=True)
    horizon = 86400.0
    failed = c.outcome.isin(["abandoned", "blocked", "closed", "balked", "unreached"])
    causes = {
        "inbound": failed & (c.attempt < 3) & (c.ended_at + 300 < horizon),
        "repeat": (c.outcome == "answered") & ~c.resolved & (c.ended_at + 3600 < horizon),
        "callback": c.outcome == "callback",
    }
    assert all(cause.sum() > 20 for cause in causes.values())  # every kind of cause occurs
    nxt = c.groupby("customer").contact_id.shift(-1)  # the next contact of the same customer
    by_id = c.set_index("contact_id")
    for kind, cause in causes.items():
        assert nxt[cause].notna().all(), kind  # every cause has its follow-up ...
        succ = by_id.loc[nxt[cause].astype(int)]
        assert (succ.kind == kind).all(), kind  # ... of its kind, at its instant
        delay = {"inbound": 300.0, "repeat": 3600.0, "callback": 0.0}[kind]
        np.testing.assert_array_equal(succ.arrived_at.to_numpy(), c.ended_at[cause] + delay)
        added = 0 if kind == "callback" else 1  # a callback is not another attempt
        np.testing.assert_array_equal(succ.attempt.to_numpy(), c.attempt[cause] + added)
    # nothing else creates a contact
    assert (nxt.notna() == (causes["inbound"] | causes["repeat"] | causes["callback"])).all()
    first = c.groupby("customer").head(1)
    assert (first.contact_id == first.customer).all() and (first.attempt == 1).all()
    assert (first.kind == "inbound").all()
    j = r.journeys.set_index("first_contact_type").loc["all"]
    assert j.customers == len(first)
    assert np.isclose(j.attempts_per_customer, (c.kind != "callback").sum() / len(first))


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


# ------------------------------------------------------------------ follow-ups of callbacks


@pytest.mark.parametrize("priority", ["with_inbound", "before_inbound", "after_inbound"])
def test_a_callbacks_repeat_is_an_inbound_contact_of_the_customers_type(priority: str) -> None:
    """One agent, skills [voice, sales], handle 100 s; voice resolves nothing and comes back
    1,000 s after each answer. A sales contact at 0 keeps the agent busy until 100; voice c1 at
    10 hears an estimated wait of (0 + 1) × 100 s ÷ 1 = 100 s > 50 s and accepts a callback,
    answered at 100 (100–200). Its repeat arrives at 1,200 as an inbound ``voice`` contact —
    not in the callback queue — finds the agent idle and is answered at once, without a callback
    offer. The callback queue is offered nothing; voice is offered c1 and the repeat."""
    cb = {"offer_when_wait_over": 50, "acceptance": 1.0, "priority": priority}
    access = {
        "callback": cb,
        "resolution": {"first_contact": 0.0, "delay": {"dist": "deterministic", "value": 1000}},
    }
    r = run(
        scenario(
            {"voice": voice([10], access=access), "sales": voice([0])},
            {"team": {"skills": ["voice", "sales"], "staff": 1}},
            horizon=2000,
        )
    )
    c = r.contacts.set_index("kind")
    queue = "voice" if priority == "with_inbound" else "voice/callbacks"
    assert c.loc["callback", ["contact_type", "answered_at"]].tolist() == [queue, 100]
    repeat = c.loc["repeat"]
    assert (repeat.contact_type, repeat.arrived_at, repeat.answered_at) == ("voice", 1200, 1200)
    assert not repeat.callback_offered and repeat.attempt == 2
    s = r.summary.set_index("contact_type")
    assert s.loc["voice", "offered"] == 2 and s.offered.sum() - s.loc["sales", "offered"] == 2


@pytest.mark.parametrize("priority", ["before_inbound", "after_inbound"])
def test_a_retrial_after_an_unreached_callback_is_inbound(priority: str) -> None:
    """As the ``unreached`` case above with the callback in its own queue: unreached at 07:02:10,
    the retrial at 07:03:50 is an inbound ``voice`` contact answered at once (the agent is idle)."""
    data = one_failure("unreached", ["unreached"])
    data["contact_types"]["voice"]["access"]["callback"]["priority"] = priority
    c = run(data).contacts
    assert c[c.kind == "callback"].contact_type.tolist() == ["voice/callbacks"]
    retrial = c[c.attempt == 2]
    assert retrial.contact_type.tolist() == ["voice"]
    assert retrial.answered_at.tolist() == [7 * HOUR + 230]
    assert not retrial.callback_offered.any()


def test_a_redialled_callback_does_not_jump_the_queue() -> None:
    """Open from 08:00 with voicemail; voice goes to in-house, or to the outsourcer after 20 s;
    handle 1,000 s; calls never answered (90 s each), one retry 60 s later. A sales contact keeps
    the in-house agent busy 07:59:50–08:24:50; the outsourcer is on duty 08:00–08:01 only.

    The voicemail of 07:00 becomes a callback due at 08:00: it waits (in-house busy, the
    outsourcer not yet allowed), then live calls at 08:00:05 and 08:00:10 queue behind it. At
    08:00:20 the outsourcer dials the callback (08:00:20–08:01:50; its queue entry stays
    behind), goes off duty at 08:01 and leaves after the call without looking at the queue. The
    callback is redialled at 08:02:50 and joins the back of the queue. At 08:24:50 the in-house
    agent takes the first live call — not the callback, whose old entry would have put it first.
    """
    eight = 8 * HOUR
    access = {
        "hours": OPEN_8_20,
        "out_of_hours": "voicemail",
        "callback": {
            "acceptance": 0.0,
            "reach_probability": 0.0,
            "retries": 1,
            "retry_delay": 60,
            "attempt_time": 90,
        },
    }
    outsourcer = [0] * 480 + [1] + [0] * 29  # per 60 s interval: 08:00–08:01
    data = scenario(
        {
            "voice": voice([7 * HOUR, eight + 5, eight + 10], handle=1000, access=access),
            "sales": voice([eight - 10], handle=1500),
        },
        {
            "inhouse": {"skills": ["voice", "sales"], "staff": 1},
            "outsourcer": {"skills": ["voice"], "staff": outsourcer},
        },
        horizon=eight + 1800,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": 20}]},
    )
    c = run(data).contacts.set_index("arrived_at")
    assert c.loc[eight + 5, "answered_at"] == eight + 1490
    assert c.loc[eight + 10, "outcome"] == "open"
    callback = c[c.kind == "callback"].iloc[0]
    assert (callback.name, callback.outcome) == (eight, "open")  # waiting, behind both


# ------------------------------------------------------------------ queue capacity: lines


def test_capacity_counts_every_segment_of_the_type() -> None:
    """Capacity 2, one agent busy 0–1,000 with the first contact, no patience: of five more
    contacts at 1 … 5, alternately of a segment and not, two wait and three are blocked — the
    segments share the type's lines (counted per segment, four would wait)."""
    data = scenario(
        {
            "voice": voice(
                [0, 1, 2, 3, 4, 5],
                handle=1000,
                access={"queue_capacity": 2},
                segments={"vip": {"share": 0.5, "priority": 1}},
            )
        },
        {"team": {"skills": ["voice"], "staff": 1}},
        horizon=500,
    )
    c = run(data, seed=2).contacts
    # the seed is one where the segments alternate (per segment, three would wait)
    assert c.contact_type.tolist() == ["voice", "voice/vip"] * 3
    assert c.outcome.tolist() == ["answered", "open", "open", "blocked", "blocked", "blocked"]


@pytest.mark.parametrize("priority", ["with_inbound", "before_inbound"])
def test_waiting_callbacks_hold_no_line(priority: str) -> None:
    """Open 08:00–20:00 with voicemail; capacity 1. Voicemails at 07:00 and 07:01 become two
    callbacks at 08:00; the only agent is busy with a sales contact 07:59–08:16:39, so both wait.
    Live calls at 08:01 and 08:02 (offered a callback, never accepted): the first takes the one
    line and waits, the second is blocked — the waiting callbacks hold no line."""
    access = {
        "hours": OPEN_8_20,
        "out_of_hours": "voicemail",
        "queue_capacity": 1,
        "callback": {"acceptance": 0.0, "priority": priority},
    }
    data = scenario(
        {
            "voice": voice([7 * HOUR, 7 * HOUR + 60, 8 * HOUR + 60, 8 * HOUR + 120], access=access),
            "sales": voice([8 * HOUR - 60], handle=999),
        },
        {"team": {"skills": ["voice", "sales"], "staff": 1}},
        horizon=8 * HOUR + 300,
    )
    c = run(data).contacts
    live = c[(c.contact_type == "voice") & (c.kind == "inbound") & (c.arrived_at >= 8 * HOUR)]
    assert live.outcome.tolist() == ["open", "blocked"]
    assert (c[c.kind == "callback"].outcome == "open").all() and (c.kind == "callback").sum() == 2
