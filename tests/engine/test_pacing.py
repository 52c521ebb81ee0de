"""Callback pacing (access.callback.pacing): hand-worked traces, and the retail bank's mornings."""

from __future__ import annotations

from typing import Any

import pandas as pd

import cccsim
from tests.conftest import scenario, voice

HOUR = 3600.0
EIGHT = 8 * HOUR


def morning(pacing: dict[str, Any] | None, staff: Any = 2) -> pd.DataFrame:
    """Open 08:00–20:00 with voicemail; handle 100 s; voicemails at 07:00, 07:01 and 07:02 become
    callbacks due at 08:00; live calls at 08:00:10 and 08:00:20 never accept a callback."""
    callback: dict[str, Any] = {"acceptance": 0.0}
    if pacing is not None:
        callback["pacing"] = pacing
    access = {
        "hours": {"mon-fri": "08:00-20:00"},
        "out_of_hours": "voicemail",
        "callback": callback,
    }
    trace = [7 * HOUR, 7 * HOUR + 60, 7 * HOUR + 120, EIGHT + 10, EIGHT + 20]
    data = scenario(
        {"voice": voice(trace, access=access)},
        {"team": {"skills": ["voice"], "staff": staff}},
        horizon=EIGHT + 600,
    )
    c = cccsim.run_replication(cccsim.load_scenario(data), seed=0).contacts
    return c[c.arrived_at >= EIGHT].sort_values(["kind", "contact_id"]).set_index("kind")


def test_unpaced_callbacks_take_every_agent_at_opening() -> None:
    """Two agents: the callbacks due at 08:00 take both (08:00–08:01:40) and the third waits
    ahead of the live calls, which are answered at 08:01:40 and 08:03:20."""
    c = morning(None)
    assert c.loc["callback", "answered_at"].tolist() == [EIGHT, EIGHT, EIGHT + 100]
    assert c.loc["inbound", "answered_at"].tolist() == [EIGHT + 100, EIGHT + 200]


def test_paced_callbacks_leave_agents_for_the_live_queue() -> None:
    """Half of 2 agents: one callback at a time. cb1 08:00–08:01:40 (agent A); live1 at 08:00:10
    takes agent B at once; live2 at 08:00:20 waits. When cb1 ends, cb2 joins the queue behind
    live2, so A takes live2 at 08:01:40; B frees at 08:01:50 and calls cb2 (until 08:03:30),
    and cb3 joins then and A, idle since 08:03:20, calls it at 08:03:30. The callbacks keep the
    instant they were due as their arrival."""
    c = morning({"max_share_of_agents": 0.5})
    callbacks = c.loc["callback"]
    assert callbacks.answered_at.tolist() == [EIGHT, EIGHT + 110, EIGHT + 210]
    assert callbacks.arrived_at.tolist() == [EIGHT] * 3
    assert c.loc["inbound", "answered_at"].tolist() == [EIGHT + 10, EIGHT + 100]


def test_the_pacing_limit_is_at_least_one_and_follows_staffing() -> None:
    """A share of 0.1 of 2 agents rounds down to 0, but one callback may still go at a time: the
    trace is the one above. Staffed with 20 agents from 08:00 (none in the 60 s intervals
    before), a share of 0.1 lets two go at once: cb1 and cb2 at 08:00, cb3 when cb1 ends at
    08:01:40; the live calls are answered as they come."""
    c = morning({"max_share_of_agents": 0.1})
    assert c.loc["callback", "answered_at"].tolist() == [EIGHT, EIGHT + 110, EIGHT + 210]
    assert c.loc["inbound", "answered_at"].tolist() == [EIGHT + 10, EIGHT + 100]
    staff = [0] * 480 + [20] * 10  # per 60 s interval: nobody before 08:00, then 20
    c = morning({"max_share_of_agents": 0.1}, staff=staff)
    assert c.loc["callback", "answered_at"].tolist() == [EIGHT, EIGHT, EIGHT + 100]
    assert c.loc["inbound", "answered_at"].tolist() == [EIGHT + 10, EIGHT + 20]


def test_the_pacing_limit_rises_with_the_staff_while_callbacks_wait() -> None:
    """2 agents until 08:01, then 20; a share of 0.1. At 08:00 one callback may go (cb1, agent A,
    until 08:01:40); live1 takes agent B at 08:00:10, live2 waits. At 08:01 eighteen agents log
    on: one answers live2, and the limit rises to 2, so cb2 is called at once; cb3 goes when cb1
    ends at 08:01:40."""
    staff = [2] * 481 + [20] * 9
    c = morning({"max_share_of_agents": 0.1}, staff=staff)
    assert c.loc["callback", "answered_at"].tolist() == [EIGHT, EIGHT + 60, EIGHT + 100]
    assert c.loc["inbound", "answered_at"].tolist() == [EIGHT + 10, EIGHT + 60]


def test_pacing_gives_the_retail_banks_mornings_back_their_live_calls() -> None:
    """The retail bank's night voicemails become callbacks due at 08:00. Unpaced, they take
    every agent: the 08:00 half-hour of Tuesday to Friday answers (almost) no live call within
    20 s. With its pacing (30 % of the agents), most of them are. Two replications; the limits
    are far from both means (measured over 10: 0.000 unpaced, 0.42–0.55 paced)."""
    path = "scenarios/retail_bank.yaml"

    def morning_sl(**overrides: Any) -> float:
        values = []
        for seed in (1, 2):
            r = cccsim.run_replication(cccsim.load_scenario(path, overrides=overrides), seed)
            iv = r.intervals[r.intervals.contact_type == "voice"]
            start = iv.interval_start
            values += iv[(start % 86400 == EIGHT) & (start >= 86400)].service_level.tolist()
        return float(sum(values) / len(values))

    assert morning_sl(**{"contact_types.voice.access.callback.pacing": None}) < 0.05
    assert morning_sl() > 0.3
