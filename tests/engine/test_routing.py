"""Routing policies on hand-worked traces: conditional overflow, agent selection, priorities with
ageing, reservation, blending, chat slow-down, data residency and custom policies; then
metamorphic checks under common random numbers."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import cccsim
from tests.conftest import ROOT, scenario, voice

TWO_GROUPS = {
    "inhouse": {"skills": ["voice"], "staff": 1},
    "outsourcer": {"skills": ["voice"], "staff": 1},
}


def contacts(data: dict[str, Any], seed: int = 0) -> pd.DataFrame:
    return cccsim.run_replication(cccsim.load_scenario(data), seed=seed).contacts


def by_arrival(c: pd.DataFrame) -> pd.DataFrame:
    return c.sort_values(["arrived_at", "contact_type"]).reset_index(drop=True)


# ------------------------------------------------------------------ conditional overflow


def test_overflow_when_queue_over() -> None:
    """In-house 1 agent; the outsourcer takes voice only while more than 1 call waits; handle 100.

    c0 at 0 → in-house (0–100). c1 at 5: 1 waiting (itself) → queues. c2 at 10: 2 waiting → the
    outsourcer opens and takes the *oldest*, c1, at 10; c2 waits for in-house at 100.
    """
    data = scenario(
        {"voice": voice([0, 5, 10])},
        TWO_GROUPS,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "when_queue_over": 1}]},
    )
    c = contacts(data)
    assert c.answered_at.tolist() == [0, 10, 100]
    assert c.agent_group.tolist() == ["inhouse", "outsourcer", "inhouse"]


def test_overflow_closed_below_the_threshold() -> None:
    """Same trace with when_queue_over: 2: the queue never passes 2, so the outsourcer stays idle."""
    data = scenario(
        {"voice": voice([0, 5, 10])},
        TWO_GROUPS,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "when_queue_over": 2}]},
    )
    c = contacts(data)
    assert c.answered_at.tolist() == [0, 100, 200]
    assert set(c.agent_group) == {"inhouse"}


@pytest.mark.parametrize(("bound", "answered"), [(150, [0, 10, 100]), (250, [0, 100, 200])])
def test_overflow_when_expected_wait_over(bound: float, answered: list[float]) -> None:
    """Expected wait = waiting × 100 s ÷ 1 in-house agent: 200 s when c2 arrives (c1 and c2
    waiting). A 150 s bound opens the outsourcer then (it takes c1 at 10); a 250 s bound never does."""
    data = scenario(
        {"voice": voice([0, 5, 10])},
        TWO_GROUPS,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "when_wait_over": bound}]},
    )
    assert contacts(data).answered_at.tolist() == answered


def test_conditional_overflow_respects_its_delay() -> None:
    """when_queue_over: 0 and after: 30s: c1 at 5 waits; the outsourcer may take it only at 35."""
    data = scenario(
        {"voice": voice([0, 5])},
        TWO_GROUPS,
        routing={
            "voice": [
                {"group": "inhouse"},
                {"group": "outsourcer", "after": 30, "when_queue_over": 0},
            ]
        },
    )
    c = contacts(data)
    assert c.answered_at.tolist() == [0, 35]
    assert c.agent_group.tolist() == ["inhouse", "outsourcer"]


# ------------------------------------------------------------------ agent selection


@pytest.mark.parametrize(
    ("selection", "groups"),
    [
        ("group_order", ["b", "b", "a"]),  # b is listed first; at 250 it is busy (200–300)
        ("longest_idle", ["a", "b", "a"]),
        ("cheapest", ["a", "a", "b"]),  # a is paid per staffed hour: no extra cost per call
    ],
)
def test_agent_selection(selection: str, groups: list[str]) -> None:
    """Groups a and b (1 agent each), routing [b, a]; calls at 0, 200, 250, handle 100.

    longest_idle: at 0 both idle since 0 — a logged on first → a (0–100). At 200 a is idle since
    100, b since 0 → b (200–300). At 250 only a is idle → a. cheapest: a while it is free.
    """
    data = scenario(
        {"voice": voice([0, 200, 250])},
        {
            "a": {"skills": ["voice"], "staff": 1, "cost": {"per_staffed_hour": 30}},
            "b": {"skills": ["voice"], "staff": 1, "cost": {"per_handled_minute": 0.8}},
        },
        routing={"voice": [{"group": "b"}, {"group": "a"}]},
        routing_policy={"agent_selection": selection},
    )
    assert contacts(data).agent_group.tolist() == groups


# ------------------------------------------------------------------ priorities and ageing


def priority_case(**policy: Any) -> pd.DataFrame:
    """One agent, skills [email, voice]; voice v0 at 0 (handle 200), email e0 at 1, voice v1 at 150."""
    data = scenario(
        {
            "voice": voice([0, 150], handle=200),
            "email": voice([1], handle=10, channel="email"),
        },
        {"team": {"skills": ["email", "voice"], "staff": 1}},
        routing_policy=policy,
    )
    return by_arrival(contacts(data)).set_index("arrived_at")


def test_skill_order_without_priorities() -> None:
    """Default: the group's skill order — email first at 200 (200–210), then v1 at 210."""
    c = priority_case()
    assert (c.loc[1, "answered_at"], c.loc[150, "answered_at"]) == (200, 210)


def test_priorities_override_skill_order() -> None:
    """priorities {voice: 1, email: 0}: at 200 v1 goes first (200–400), e0 at 400."""
    c = priority_case(priorities={"voice": 1, "email": 0})
    assert (c.loc[150, "answered_at"], c.loc[1, "answered_at"]) == (200, 400)


def test_ageing_lets_old_low_priority_work_through() -> None:
    """Email ages one level per 100 s: at 200 e0 has waited 199 s → 0 + 1.99 > voice's 1 + 0 (no
    ageing) → e0 at 200 (200–210), v1 at 210. With ageing of 300 s: 0.66 < 1 → v1 first."""
    c = priority_case(priorities={"voice": 1, "email": 0}, ageing={"email": "100s"})
    assert (c.loc[1, "answered_at"], c.loc[150, "answered_at"]) == (200, 210)
    c = priority_case(priorities={"voice": 1, "email": 0}, ageing={"email": "300s"})
    assert (c.loc[150, "answered_at"], c.loc[1, "answered_at"]) == (200, 400)


def overtakes(c: pd.DataFrame, first: str) -> tuple[int, int]:
    """(times a ``first`` contact was answered before an older waiting other one, times another
    contact was answered while a ``first`` one waited) — one agent, so answers are decisions."""
    answered = c[c.outcome == "answered"].sort_values("answered_at")
    ahead = wrong = 0
    for _, a in answered.iterrows():
        waiting = c[(c.arrived_at < a.answered_at) & (c.answered_at > a.answered_at)]
        if a.contact_type == first:
            ahead += int((waiting.arrived_at < a.arrived_at).any())
        else:
            wrong += int((waiting.contact_type == first).any())
    return ahead, wrong


@pytest.mark.parametrize(
    ("priorities", "first"),
    [
        ({"voice": 1}, "voice/vip"),  # the segment's +1 offsets the type's priority
        ({"voice": 1, "voice/vip": 0}, "voice"),  # a segment named in priorities: exactly that
    ],
)
def test_ageing_on_the_parent_keeps_segment_priority(
    priorities: dict[str, int], first: str
) -> None:
    """One agent, calls every 30 s for 100 s each, 40 % VIP (segment priority 1), ageing of one
    level per hour on voice. VIP = voice's priority + 1, so a VIP that waited less than an hour
    more is taken before any standard call; waits stay far below an hour, so no standard call is
    ever answered while a VIP waits, and VIPs overtake older standard calls."""
    data = scenario(
        {"voice": voice([30.0 * k for k in range(40)], segments={"vip": {"share": 0.4}})},
        {"team": {"skills": ["voice"], "staff": 1}},
        horizon=3000,
        routing_policy={"priorities": priorities, "ageing": {"voice": "1h"}},
    )
    c = contacts(data, seed=3)
    assert set(c.contact_type) == {"voice", "voice/vip"}
    ahead, wrong = overtakes(c, first)
    assert wrong == 0 and ahead >= 3


# ------------------------------------------------------------------ reservation and blending


def test_reservation_keeps_an_agent_for_voice() -> None:
    """2 agents, skills [voice, email], 1 kept for voice; handle 100.

    e0 at 0: 2 idle → taken (1 stays idle). e1 at 10: taking it would leave 0 idle → waits.
    v0 at 20 → the kept agent. At 100 agent 1 frees: alone idle, it may not take e1. At 120 agent 2
    frees: 2 idle → e1 at 120. Without the reservation e1 goes at 10 and v0 waits until 100.
    """
    types = {"voice": voice([20]), "email": voice([0, 10], channel="email")}
    groups = {"team": {"skills": ["voice", "email"], "staff": 2}}
    reserved = by_arrival(
        contacts(
            scenario(
                types,
                groups,
                routing_policy={"reserve": [{"group": "team", "agents": 1, "protect": ["voice"]}]},
            )
        )
    )
    assert reserved.answered_at.tolist() == [0, 10 + 110, 20]
    plain = by_arrival(contacts(scenario(types, groups)))
    assert plain.answered_at.tolist() == [0, 10, 100]


def test_blending_caps_agents_on_email() -> None:
    """2 agents, at most 1 on email. e0 at 0 (0–100); e1 at 10 waits although an agent is idle;
    v0 at 20 → the idle agent. At 100 the email agent frees → e1 at 100."""
    data = scenario(
        {"voice": voice([20]), "email": voice([0, 10], channel="email")},
        {"team": {"skills": ["voice", "email"], "staff": 2}},
        routing_policy={"blending": {"team": {"max_agents": 1}}},
    )
    assert by_arrival(contacts(data)).answered_at.tolist() == [0, 100, 20]


def test_blending_dedicated_share_takes_email_first() -> None:
    """1 agent, skills [voice, email], min_agents 1: busy with v0 (0–100); e0 at 5 and v1 at 10
    wait. At 100 no email is in service → e0 first (100–200), then v1 at 200."""
    data = scenario(
        {"voice": voice([0, 10]), "email": voice([5], channel="email")},
        {"team": {"skills": ["voice", "email"], "staff": 1}},
        routing_policy={"blending": {"team": {"min_agents": 1}}},
    )
    assert by_arrival(contacts(data)).answered_at.tolist() == [0, 100, 200]


def test_blending_minimum_met_leaves_skill_order() -> None:
    """2 agents, skills [voice, email], min_agents 1, voice handle 50: e0 at 0 (0–100), v0 at 1
    (1–51); e1 at 10 and v1 at 20 wait. At 51 one email is in service: the minimum is met, so
    skill order holds → v1 at 51; e1 when the email agent frees at 100."""
    data = scenario(
        {"voice": voice([1, 20], handle=50), "email": voice([0, 10], channel="email")},
        {"team": {"skills": ["voice", "email"], "staff": 2}},
        routing_policy={"blending": {"team": {"min_agents": 1}}},
    )
    assert by_arrival(contacts(data)).answered_at.tolist() == [0, 1, 100, 51]


# ------------------------------------------------------------------ chat slow-down, residency


def test_chat_slows_down_with_concurrent_chats() -> None:
    """One agent, 3 chats at once, factors [1, 1.5, 2]: chats at 0, 10, 20 (handle 100) start with
    1, 2 and 3 in hand → they last 100, 150 and 200 s."""
    data = scenario(
        {"chat": voice([0, 10, 20], channel="chat")},
        {
            "team": {
                "skills": ["chat"],
                "staff": 1,
                "max_concurrent": 3,
                "concurrency_slowdown": [1, 1.5, 2],
            }
        },
    )
    c = contacts(data)
    assert c.handle_time.tolist() == [100, 150, 200]
    assert c.ended_at.tolist() == [100, 160, 220]


def test_data_residency_bars_a_site_from_default_routing() -> None:
    """Two groups with the skill; the offshore site is barred for the type: it takes nothing,
    even though it is idle and the onshore agent is busy."""
    data = scenario(
        {"voice": voice([0, 5], data_residency={"barred_sites": ["manila"]})},
        {
            "onshore": {"skills": ["voice"], "staff": 1, "site": "dublin"},
            "offshore": {"skills": ["voice"], "staff": 1, "site": "manila", "provider": "bpo"},
        },
    )
    c = contacts(data)
    assert c.agent_group.tolist() == ["onshore", "onshore"]
    assert c.answered_at.tolist() == [0, 100]


def test_data_residency_bars_a_provider_for_one_segment() -> None:
    """Only the vip segment bars the outsourcer: vips wait for in-house, the rest overflow."""
    types = {
        "voice": voice(
            [0, 1, 2],
            segments={"vip": {"share": 0.5, "data_residency": {"barred_providers": ["bpo"]}}},
        )
    }
    sc = cccsim.load_scenario(
        scenario(
            types,
            {
                "inhouse": {"skills": ["voice"], "staff": 1},
                "bpo": {"skills": ["voice"], "staff": 5, "provider": "bpo"},
            },
        )
    )
    c = cccsim.run_replication(sc, seed=3).contacts
    vip = c[c.contact_type == "voice/vip"]
    assert (vip.agent_group == "inhouse").all()
    assert (c[c.agent_group == "bpo"].contact_type == "voice").all()


# ------------------------------------------------------------------ custom policies

CUSTOM = '''
from cccsim import RoutingPolicy, RoutingView


class LastGroup:
    """Sends every arrival to the last admitting group; otherwise skill order."""

    def __init__(self, model):
        self.model = model

    def admits(self, view: RoutingView, t: int, g: int) -> bool:
        return True

    def rank(self, view: RoutingView, g: int, t: int, waited: float) -> float:
        return -self.model.groups[g].skills.index(t)

    def choose_group(self, view: RoutingView, t: int, candidates) -> int:
        return candidates[-1][0]
'''


def test_custom_policy_by_import_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A class named as package.module:Class decides: the call goes to the last group listed."""
    (tmp_path / "my_routing.py").write_text(textwrap.dedent(CUSTOM))
    monkeypatch.syspath_prepend(str(tmp_path))
    data = scenario(
        {"voice": voice([0])},
        TWO_GROUPS,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer"}]},
        routing_policy={"policy": "my_routing:LastGroup"},
    )
    assert contacts(data).agent_group.tolist() == ["outsourcer"]
    sys.modules.pop("my_routing", None)


def test_standard_policy_satisfies_the_protocol() -> None:
    model = cccsim.build_model(cccsim.load_scenario(scenario({"voice": voice([0])}, TWO_GROUPS)))
    assert isinstance(cccsim.StandardPolicy(model), cccsim.RoutingPolicy)


# ------------------------------------------------------------------ metamorphic (common random numbers)


def busy_day(**group: Any) -> dict[str, Any]:
    return {
        "name": "metamorphic",
        "horizon": "4h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 100},
                "handle_time": {"dist": "lognormal", "mean": "4min", "cv": 1.0},
            },
            "email": {
                "channel": "email",
                "arrivals": {"per_hour": 40},
                "handle_time": {"dist": "exponential", "mean": "5min"},
            },
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 8, **group}},
    }


@pytest.mark.parametrize("seed", range(6))
def test_a_faster_group_never_raises_waits(seed: int) -> None:
    """FIFO, no abandonment, same arrivals and drawn handle times (CRN): a group 20 % faster
    gives every contact a wait no longer than before (Kiefer–Wolfowitz monotonicity)."""
    data = busy_day()
    data["contact_types"] = {"voice": data["contact_types"]["voice"]}
    faster = busy_day(proficiency={"voice": 0.8})
    faster["contact_types"] = data["contact_types"]
    base, quick = contacts(data, seed), contacts(faster, seed)
    assert base.arrived_at.tolist() == quick.arrived_at.tolist()
    waits = base.wait_time.to_numpy()
    assert np.all(quick.wait_time.to_numpy() <= waits + 1e-9)
    assert quick.wait_time.mean() < waits.mean()


@pytest.mark.parametrize("seed", range(6))
def test_reservation_never_raises_the_protected_wait(seed: int) -> None:
    """Keeping 2 agents for voice (CRN): voice's ASA does not rise, email's does not fall."""
    plain = busy_day(skills=["voice", "email"])
    reserved = busy_day(skills=["voice", "email"])
    reserved["routing_policy"] = {"reserve": [{"group": "team", "agents": 2, "protect": ["voice"]}]}
    base, kept = contacts(plain, seed), contacts(reserved, seed)
    v0 = base[base.contact_type == "voice"].wait_time
    v1 = kept[kept.contact_type == "voice"].wait_time
    e0 = base[base.contact_type == "email"].wait_time
    e1 = kept[kept.contact_type == "email"].wait_time
    assert v1.mean() <= v0.mean() + 1e-9
    assert e1.mean() >= e0.mean() - 1e-9


def test_groups_frame_names_provider_and_site() -> None:
    """Costs per provider come from the groups frame (operating cost by provider)."""
    r = cccsim.run_replication(
        cccsim.load_scenario(ROOT / "scenarios" / "telecom_offshore.yaml"), seed=1
    )
    g = r.groups.set_index("agent_group")
    assert g.loc["offshore_manila", "provider"] == "offshore_bpo"
    assert g.loc["offshore_manila", "site"] == "manila"
    assert g.loc["inhouse_onshore", "provider"] == "inhouse"
    by_provider = r.groups.groupby("provider").operating_cost.sum()
    assert set(by_provider.index) == {"inhouse", "nearshore_bpo", "offshore_bpo"}
    assert (by_provider > 0).all()
    # fraud never reaches a barred site
    fraud = r.contacts[r.contacts.contact_type == "fraud"]
    assert set(fraud.agent_group.dropna()) == {"inhouse_onshore"}


VIEWER = '''
SEEN = []


class Viewer:
    """Standard skill order; notes what the view shows when a freed agent ranks its work."""

    def __init__(self, model):
        self.model = model

    def admits(self, view, t, g):
        return True

    def rank(self, view, g, t, waited):
        SEEN.append({
            "now": view.now, "waited": waited, "waiting": view.waiting(t),
            "oldest_wait": view.oldest_wait(t), "expected_wait": view.expected_wait(t),
            "on_duty": view.on_duty(g), "idle": view.idle(g), "serving": view.serving(g, t),
            "taker_load": view.taker_load,
        })
        return 0.0

    def choose_group(self, view, t, candidates):
        return candidates[0][0]
'''


def test_routing_view_reports_the_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two agents, calls at 0, 1, 2 (handle 100). At 100 the first agent frees and ranks the one
    waiting call (arrived at 2): it has waited 98 s, 1 call waits, the expected wait is 1 × 100 s
    ÷ 2 agents, both agents are on duty, the freed one is idle and the other serves one call."""
    (tmp_path / "viewer.py").write_text(textwrap.dedent(VIEWER))
    monkeypatch.syspath_prepend(str(tmp_path))
    data = scenario(
        {"voice": voice([0, 1, 2])},
        {"team": {"skills": ["voice"], "staff": 2}},
        routing_policy={"policy": "viewer:Viewer"},
    )
    assert contacts(data).answered_at.tolist() == [0, 1, 100]
    import viewer  # type: ignore[import-not-found]

    assert viewer.SEEN[0] == {
        "now": 100.0,
        "waited": 98.0,
        "waiting": 1,
        "oldest_wait": 98.0,
        "expected_wait": 50.0,
        "on_duty": 2,
        "idle": 1,
        "serving": 1,
        "taker_load": 0,
    }
    sys.modules.pop("viewer", None)
