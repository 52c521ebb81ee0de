"""Hand-worked traces: replayed arrivals, deterministic handle times, waits computed on paper."""

from __future__ import annotations

import numpy as np
import pandas as pd

import cccsim
from tests.conftest import scenario, voice


def contacts(data: dict) -> pd.DataFrame:
    return cccsim.run_replication(cccsim.load_scenario(data), seed=0).contacts


def test_overflow_delay() -> None:
    """One in-house agent, one outsourcer agent that may take a call after 20 s; handle 100 s.

    c0 at 0 → in-house (0–100). c1 at 5 waits; at 25 it may overflow and the outsourcer is idle →
    answered at 25. c2 at 10 waits; eligible for the outsourcer at 30 but it is busy (25–125);
    the in-house agent frees at 100 → c2 answered at 100 by in-house.
    """
    data = scenario(
        {"voice": voice([0, 5, 10])},
        {
            "inhouse": {"skills": ["voice"], "staff": 1},
            "outsourcer": {"skills": ["voice"], "staff": 1},
        },
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": "20s"}]},
    )
    c = contacts(data)
    assert c.answered_at.tolist() == [0, 25, 100]
    assert c.agent_group.tolist() == ["inhouse", "outsourcer", "inhouse"]
    assert c.wait_time.tolist() == [0, 20, 90]


def test_overflow_group_never_takes_contact_before_its_delay() -> None:
    """Only the outsourcer (after 60 s) is staffed: a call at 0 is answered at exactly 60."""
    data = scenario(
        {"voice": voice([0])},
        {
            "inhouse": {"skills": ["voice"], "staff": 0},
            "outsourcer": {"skills": ["voice"], "staff": 1},
        },
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": 60}]},
    )
    assert contacts(data).answered_at.tolist() == [60]


def test_freed_overflow_agent_waits_for_the_delay() -> None:
    """In-house and outsourcer (after 20 s) have one agent each; handle 100 s.

    c0 at 0 → in-house (0–100). c1 at 1 overflows at 21 → outsourcer (21–121). c2 at 110 → the
    idle in-house agent (110–210). c3 at 115 waits; the outsourcer frees at 121, but c3 has
    waited only 6 s, so it stays queued until its delay passes at 135 → outsourcer at 135.
    """
    data = scenario(
        {"voice": voice([0, 1, 110, 115])},
        {
            "inhouse": {"skills": ["voice"], "staff": 1},
            "outsourcer": {"skills": ["voice"], "staff": 1},
        },
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": 20}]},
    )
    c = contacts(data)
    assert c.answered_at.tolist() == [0, 21, 110, 135]
    assert c.agent_group.tolist() == ["inhouse", "outsourcer", "inhouse", "outsourcer"]


def test_skill_priority_beats_age() -> None:
    """One agent with skills [a, b], handle 10 s. a0 at 0 (0–10); b0 at 1 and a1 at 2 wait.

    At 10 the agent takes a1 (its first skill) although b0 waited longer: a1 10–20, b0 20–30.
    """
    data = scenario(
        {"a": voice([0, 2], handle=10), "b": voice([1], handle=10)},
        {"team": {"skills": ["a", "b"], "staff": 1}},
    )
    c = contacts(data).set_index("arrived_at")
    assert c.loc[0, "answered_at"] == 0
    assert c.loc[2, "answered_at"] == 10
    assert c.loc[1, "answered_at"] == 20


def test_chat_concurrency_and_occupancy() -> None:
    """One chat agent with max_concurrent 2; chats of 100 s at 0, 10 and 20; horizon 300 s.

    c0 and c1 share the agent at once; c2 waits for the first free slot at 100. Busy time counts
    each chat as half the agent: 3 × 100 × ½ = 150 of 300 staffed seconds → occupancy 0.5.
    """
    data = scenario(
        {"chat": voice([0, 10, 20], channel="chat")},
        {"team": {"skills": ["chat"], "staff": 1, "max_concurrent": 2}},
        horizon=300,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data), seed=0)
    assert rep.contacts.answered_at.tolist() == [0, 10, 100]
    assert rep.contacts.agent.nunique() == 1
    g = rep.groups.iloc[0]
    assert g.staffed_time == 300
    assert g.busy_time == 150
    assert g.occupancy == 0.5


def test_voice_takes_the_whole_agent_of_a_chat_group() -> None:
    """A blended agent (voice + chat, concurrency 3) busy on a chat cannot take a voice call.

    chat at 0 (0–100); voice at 10 waits until the chat ends: answered at 100.
    """
    data = scenario(
        {"voice": voice([10], handle=50), "chat": voice([0], channel="chat")},
        {"team": {"skills": ["voice", "chat"], "staff": 1, "max_concurrent": 3}},
    )
    c = contacts(data).set_index("contact_type")
    assert c.loc["voice", "answered_at"] == 100


def test_staff_drop_finishes_contact_then_leaves() -> None:
    """Staff per 60 s interval [1, 0, 1]; handle 90 s; contacts at 0 and 30.

    The agent serves c0 0–90 though its shift ends at 60 (no pre-emption), then logs off; c1
    waits until an agent is back at 120. Staffed time = 0–90 + 120–180 = 150 s.
    """
    data = scenario(
        {"voice": voice([0, 30], handle=90)},
        {"team": {"skills": ["voice"], "staff": [1, 0, 1]}},
        horizon=180,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data), seed=0)
    assert rep.contacts.answered_at.tolist() == [0, 120]
    assert rep.groups.iloc[0].staffed_time == 150
    gi = rep.group_intervals
    assert gi.staffed_time.tolist() == [60, 30, 60]


def test_staff_rise_recalls_a_leaving_agent_before_adding_one() -> None:
    """Staff [1, 0, 1] with a 200 s contact at 0: the agent is still finishing at 120, so the
    rise at 120 cancels its departure instead of logging on a second agent."""
    data = scenario(
        {"voice": voice([0, 130], handle=200)},
        {"team": {"skills": ["voice"], "staff": [1, 0, 1]}},
        horizon=180,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data), seed=0)
    assert rep.contacts.agent.tolist()[0] == 0
    assert np.isnan(rep.contacts.answered_at.iloc[1])  # the only agent is still busy
    assert rep.groups.iloc[0].staffed_time == 180


def test_recalled_agent_leaves_again_at_the_next_drop() -> None:
    """Staff [1, 0, 1, 0] with a 200 s contact at 0: the agent is marked leaving at 60, recalled
    at 120, and marked leaving again at 180 (still busy); it logs off when the contact ends at
    200. Staffed time = 0–200 = 200 s (an agent still counted as leaving after its recall would
    be kept on at 180, until the horizon: 240 s)."""
    data = scenario(
        {"voice": voice([0], handle=200)},
        {"team": {"skills": ["voice"], "staff": [1, 0, 1, 0]}},
        horizon=240,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data), seed=0)
    assert rep.groups.iloc[0].staffed_time == 200


def test_email_backlog_waits_overnight() -> None:
    """Emails at 20:00 and 21:00 on day 1, one agent on duty 08:00–10:00, handle 10 min.

    Both wait for the morning: answered at day 2 08:00 and 08:10.
    """
    hour = 3600
    staff = [0] * 24
    staff[8] = staff[9] = 1
    data = scenario(
        {
            "email": voice(
                [20 * hour, 21 * hour], handle=600, channel="email", service_level_threshold="24h"
            )
        },
        {"backoffice": {"skills": ["email"], "staff": staff}},
        horizon=2 * 86400,
        interval="1h",
    )
    c = contacts(data)
    day2 = 86400
    assert c.answered_at.tolist() == [day2 + 8 * hour, day2 + 8 * hour + 600]
    assert c.outcome.tolist() == ["answered", "answered"]


def test_queue_capacity_blocks() -> None:
    """One agent, handle 100, arrivals 0, 1, 2. Capacity 1: c1 queues, c2 is blocked.
    Capacity 0 (Erlang B): both c1 and c2 are blocked."""
    groups = {"team": {"skills": ["voice"], "staff": 1}}
    one = contacts(scenario({"voice": voice([0, 1, 2], access={"queue_capacity": 1})}, groups))
    assert one.outcome.tolist() == ["answered", "answered", "blocked"]
    zero = contacts(scenario({"voice": voice([0, 1, 2], access={"queue_capacity": 0})}, groups))
    assert zero.outcome.tolist() == ["answered", "blocked", "blocked"]
    rep = cccsim.run_replication(
        cccsim.load_scenario(
            scenario({"voice": voice([0, 1, 2], access={"queue_capacity": 0})}, groups)
        )
    )
    assert rep.summary.block_rate.iloc[0] == 2 / 3


def test_abandonment_at_patience() -> None:
    """Patience 30 s, one agent busy 0–100: c1 at 10 abandons at 40 (wait 30); c2 at 95 is
    answered at 100 (wait 5 < 30). abandon_rate = 1/3; p_wait = 2/3."""
    data = scenario(
        {"voice": voice([0, 10, 95], patience=30)},
        {"team": {"skills": ["voice"], "staff": 1}},
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    c = rep.contacts
    assert c.outcome.tolist() == ["answered", "abandoned", "answered"]
    assert c.ended_at.iloc[1] == 40
    assert c.wait_time.tolist() == [0, 30, 5]
    s = rep.summary.iloc[0]
    assert s.abandon_rate == 1 / 3
    assert s.p_wait == 2 / 3


def test_longest_idle_agent_is_chosen() -> None:
    """Two agents idle from 0; handle 10. c0 at 0 → agent 0 (0–10). c1 at 20: agent 1 has been
    idle since 0, agent 0 only since 10 → agent 1 answers."""
    data = scenario(
        {"voice": voice([0, 20], handle=10)}, {"team": {"skills": ["voice"], "staff": 2}}
    )
    assert contacts(data).agent.tolist() == [0, 1]


def test_open_contacts_at_horizon() -> None:
    """No agent: a contact at 100 with horizon 300 is still waiting → outcome open, wait 200,
    counted in offered, not in answered or abandoned."""
    data = scenario(
        {"voice": voice([100])}, {"team": {"skills": ["voice"], "staff": 0}}, horizon=300
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.outcome.tolist() == ["open"]
    assert rep.contacts.wait_time.tolist() == [200]
    s = rep.summary.iloc[0]
    assert (s.offered, s.answered, s.abandoned, s.open) == (1, 0, 0, 1)


def test_service_level_threshold_is_inclusive_and_per_type() -> None:
    """Threshold 20 s; one agent, handle 20: c0 at 0 (wait 0), c1 at 0 (wait 20, counts),
    c2 at 0 (wait 40, does not) → service level 2/3."""
    data = scenario(
        {"voice": voice([0, 0, 0], handle=20)}, {"team": {"skills": ["voice"], "staff": 1}}
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.wait_time.tolist() == [0, 20, 40]
    assert rep.summary.service_level.iloc[0] == 2 / 3


def test_warmup_excludes_early_arrivals() -> None:
    """Warm-up 500 s: of arrivals at 0, 100 and 600 only the one at 600 is offered."""
    data = scenario(
        {"voice": voice([0, 100, 600], handle=10)},
        {"team": {"skills": ["voice"], "staff": 1}},
        warmup=500,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.summary.offered.iloc[0] == 1
    assert rep.contacts.measured.tolist() == [False, False, True]


def test_proficiency_slows_one_group() -> None:
    """An outsourcer 50 % slower on voice: its calls take 150 s instead of 100 s; in-house stays at
    100 s. c0 at 0 → in-house (0–100); c1 at 5 overflows at 25 to the outsourcer (25–175)."""
    data = scenario(
        {"voice": voice([0, 5])},
        {
            "inhouse": {"skills": ["voice"], "staff": 1},
            "outsourcer": {"skills": ["voice"], "staff": 1, "proficiency": {"voice": 1.5}},
        },
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": 20}]},
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    c = rep.contacts
    assert c.ended_at.tolist() == [100, 175] and c.handle_time.tolist() == [100, 150]
    assert rep.summary.aht.iloc[0] == 125


def test_shrinkage_and_adherence_reduce_agents_on_duty() -> None:
    """10 scheduled, 30 % shrinkage and 90 % adherence: round(10 × 0.7 × 0.9) = 6 on duty."""
    data = scenario(
        {"voice": voice([])},
        {"team": {"skills": ["voice"], "staff": [10, 10], "shrinkage": 0.3, "adherence": 0.9}},
        horizon=120,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    g = rep.group_intervals
    assert g.scheduled_agents.tolist() == [10, 10] and g.mean_agents.tolist() == [6, 6]
    assert rep.groups.scheduled_agents.iloc[0] == 10 and rep.groups.mean_agents.iloc[0] == 6


def test_after_contact_work_keeps_the_agent_busy() -> None:
    """Handle 100 s then 20 s of wrap-up: c0 (0–100) ends at 100, but the agent is free only at
    120, so c1 (at 10) is answered at 120. Busy time 2 × 120 s over a 300 s horizon."""
    data = scenario(
        {"voice": voice([0, 10], after_contact_work={"dist": "deterministic", "value": 20})},
        {"team": {"skills": ["voice"], "staff": 1}},
        horizon=300,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.ended_at.tolist() == [100, 220]
    assert rep.contacts.answered_at.tolist() == [0, 120]
    assert rep.groups.busy_time.iloc[0] == 240


def test_shift_with_a_fixed_break_and_a_staggered_lunch() -> None:
    """A Monday shift 08:00–16:00 of 2 agents, a 15-min break at 10:00 for both, and a 30-min lunch
    staggered over 12:00–13:00 (one agent at 12:00, the other at 12:30).

    On duty: 2 from 08:00, 0 during 10:00–10:15, 1 during 12:00–13:00, 0 after 16:00. Staffed time
    = 2 × 8 h − 2 × 15 min − 2 × 30 min = 14.5 h = 52,200 s.
    """
    hour = 3600
    data = scenario(
        {"voice": voice([10 * hour + 60])},
        {
            "team": {
                "skills": ["voice"],
                "shifts": {
                    "day": {
                        "start": "08:00",
                        "length": "8h",
                        "days": ["mon"],
                        "agents": 2,
                        "breaks": [
                            {"start": "10:00", "length": "15min"},
                            {"window": ["12:00", "13:00"], "length": "30min"},
                        ],
                    }
                },
            }
        },
        horizon=86400,
        interval="1h",
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.groups.staffed_time.iloc[0] == 52200
    on_duty = rep.group_intervals.set_index("interval").mean_agents
    assert on_duty[8] == 2 and on_duty[10] == 2 - 2 * 0.25 and on_duty[12] == 1 and on_duty[16] == 0
    # the call at 10:01 waits for the break to end
    assert rep.contacts.answered_at.tolist() == [10 * hour + 15 * 60]


def test_night_shift_runs_past_midnight_and_only_on_its_days() -> None:
    """A Sunday-night shift 22:00–06:00 (1 agent) with day 1 = Monday: it started the day before,
    so the agent is on duty 00:00–06:00 of day 1 and not again until Sunday."""
    data = scenario(
        {"voice": voice([])},
        {
            "team": {
                "skills": ["voice"],
                "shifts": {
                    "night": {"start": "22:00", "length": "8h", "days": ["sun"], "agents": 1}
                },
            }
        },
        horizon=2 * 86400,
        interval="1h",
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.groups.staffed_time.iloc[0] == 6 * 3600


def test_journeys_cross_midnight_intact() -> None:
    """A call at 23:59:00 abandons after 30 s (the only agent is busy until 00:01:40 on day 2);
    its retrial, 5 minutes later on day 2, is answered. The daily flush at midnight keeps the
    unfinished journey together: both attempts share a customer and the retrial is attempt 2."""
    day = 86400.0
    data = scenario(
        {
            "voice": voice(
                [day - 160, day - 60],
                handle=200,
                patience=30,
                access={
                    "retrial": {
                        "probability": 1.0,
                        "delay": {"dist": "deterministic", "value": 300},
                        "max_attempts": 2,
                    }
                },
            )
        },
        {"team": {"skills": ["voice"], "staff": 1}},
        horizon=2 * day,
    )
    c = contacts(data).sort_values("arrived_at").reset_index(drop=True)
    assert c.outcome.tolist() == ["answered", "abandoned", "answered"]
    assert c.arrived_at.tolist() == [day - 160, day - 60, day - 30 + 300]
    assert c.customer[1] == c.customer[2] != c.customer[0]
    assert c.attempt.tolist() == [1, 1, 2]
    assert c.answered_at[2] == day + 270
