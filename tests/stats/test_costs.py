"""Costs add up: groups' operating costs = the per-type costs; customers' costs = tariff × minutes."""

from __future__ import annotations

from typing import Any

import pytest

import cccsim
from tests.conftest import scenario, voice


def test_staffed_hour_handled_minute_and_customer_costs_by_hand() -> None:
    """In-house (€30/staffed hour) answers c0 at 0 (handle 120 s); the outsourcer (€1 per handled
    minute, after 20 s) answers c1, which arrived at 5, at 25 (waited 20 s). Horizon 1 h.

    In-house: 1 h × 30 = €30; outsourcer: 2 min × 1 = €2. Customers pay €0.10/min for waiting and
    talking: c0 = 2 min → €0.20, c1 = 20 s + 2 min → €0.2333. Telephony €0.02/min on the same
    4.3333 minutes → €0.0867.
    """
    data = scenario(
        {
            "voice": voice(
                [0, 5],
                handle=120,
                costs={"customer_per_minute": 0.10, "telephony_per_minute": 0.02},
            )
        },
        {
            "inhouse": {"skills": ["voice"], "staff": 1, "cost": {"per_staffed_hour": 30}},
            "outsourcer": {"skills": ["voice"], "staff": 1, "cost": {"per_handled_minute": 1.0}},
        },
        horizon=3600,
        routing={"voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": 20}]},
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    g = rep.groups.set_index("agent_group").operating_cost
    assert g["inhouse"] == pytest.approx(30.0) and g["outsourcer"] == pytest.approx(2.0)
    s = rep.summary.iloc[0]
    assert s.operating_cost == pytest.approx(32.0)
    assert s.customer_cost == pytest.approx(0.10 * (2 + 20 / 60 + 2))
    assert rep.contacts.customer_cost.tolist() == pytest.approx([0.20, 0.10 * (20 / 60 + 2)])
    assert s.telephony_cost == pytest.approx(0.02 * (2 + 20 / 60 + 2))
    assert s.cost_per_answered == pytest.approx((32.0 + s.telephony_cost) / 2)
    assert s.customer_wait_minutes == pytest.approx(20 / 60)


def test_customer_pays_only_for_the_minutes_configured() -> None:
    data = scenario(
        {
            "voice": voice(
                [0, 0],
                handle=60,
                costs={"customer_per_minute": 1.0, "customer_pays_for": ["waiting"]},
            )
        },
        {"team": {"skills": ["voice"], "staff": 1}},
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.customer_cost.tolist() == pytest.approx([0.0, 1.0])  # c1 waited 60 s


def test_costs_add_up_on_the_example() -> None:
    """Sum over contact types = sum over groups; sum over contacts = customers' total."""
    sc = cccsim.load_scenario("scenarios/retail_bank.yaml", overrides={"horizon": "1d"})
    rep = cccsim.run_replication(sc, seed=2)
    assert rep.summary.operating_cost.sum() == pytest.approx(rep.groups.operating_cost.sum())
    assert rep.groups.operating_cost.sum() > 0
    measured = rep.contacts[rep.contacts.measured]
    assert rep.summary.customer_cost.sum() == pytest.approx(measured.customer_cost.sum())


def test_ivr_minutes_are_charged_and_resolved_customers_costed() -> None:
    """A caller spends 60 s in the IVR, waits 0 s, talks 120 s: the customer pays €0.10/min for
    3 minutes = €0.30, telephony €0.01/min × 3 = €0.03. Staffed hour €30 over 1 h = €30 for one
    resolved customer."""
    data = scenario(
        {
            "voice": voice(
                [], handle=120, costs={"customer_per_minute": 0.10, "telephony_per_minute": 0.01}
            )
        },
        {"team": {"skills": ["voice"], "staff": 1, "cost": {"per_staffed_hour": 30}}},
        horizon=3600,
    )
    data["contact_types"]["voice"].pop("arrivals")
    data["ivr"] = {
        "line": {
            "arrivals": {"trace": [0]},
            "time": {"dist": "deterministic", "value": 60},
            "choices": {"voice": 1.0},
        }
    }
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    s = rep.summary.iloc[0]
    assert s.customer_cost == pytest.approx(0.30)
    assert s.telephony_cost == pytest.approx(0.03)
    assert s.cost_per_resolved_customer == pytest.approx(30.03)
    data["contact_types"]["voice"]["costs"]["customer_pays_for"] = ["talking"]
    talk_only = cccsim.run_replication(cccsim.load_scenario(data)).summary.iloc[0]
    assert talk_only.customer_cost == pytest.approx(0.20)


def test_customer_cost_per_journey() -> None:
    """One customer: abandons after 10 s (no agent before 120 s), retries 150 s later (at 160) into
    a free agent and talks 120 s. Tariff €0.60/min: 10 s + 120 s → €1.30 for the whole journey."""
    retrial = {
        "probability": 1.0,
        "delay": {"dist": "deterministic", "value": 150},
        "max_attempts": 2,
    }
    data = scenario(
        {
            "voice": voice(
                [0],
                handle=120,
                patience=10,
                costs={"customer_per_minute": 0.60},
                access={"retrial": retrial},
            )
        },
        {"team": {"skills": ["voice"], "staff": [0, 0] + [1] * 8}},
        horizon=600,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.outcome.tolist() == ["abandoned", "answered"]
    j = rep.journeys.set_index("first_contact_type").loc["all"]
    assert j.customer_cost_per_customer == pytest.approx(0.60 * (10 + 120) / 60)
    assert j.customer_cost_per_resolved_customer == pytest.approx(1.30)


def _paid(groups: dict[str, Any], types: dict[str, Any] | None = None, **extra: Any) -> Any:
    data = scenario(types or {"voice": voice([])}, groups, **extra)
    return cccsim.run_replication(cccsim.load_scenario(data)).groups.set_index("agent_group")


def test_staffed_hour_pricing_bills_shrinkage_and_non_adherence() -> None:
    """10 agents scheduled for 10 h at €30/h with 30 % shrinkage and 90 % adherence: only
    round(10 × 0.7 × 0.9) = 6 are on duty, but all 10 are paid: 10 × 10 h × €30 = €3,000
    (not 6 × 10 × 30 = €1,800)."""
    g = _paid(
        {
            "team": {
                "skills": ["voice"],
                "staff": 10,
                "shrinkage": 0.3,
                "adherence": 0.9,
                "cost": {"per_staffed_hour": 30},
            }
        },
        horizon=36000,
    ).loc["team"]
    assert g.mean_agents == pytest.approx(6.0)
    assert g.paid_time == pytest.approx(10 * 36000)
    assert g.operating_cost == pytest.approx(3000.0)


def test_finishing_a_contact_after_the_shift_is_paid() -> None:
    """2 agents scheduled 0–300 s at 50 % shrinkage: 1 on duty. A contact arriving at 200 with a
    200 s handle time keeps that agent until 400: paid 2 × 300 s + 100 s overtime = 700 s,
    at €36/h = €7.00."""
    g = _paid(
        {
            "team": {
                "skills": ["voice"],
                "staff": [2] * 5 + [0] * 5,
                "shrinkage": 0.5,
                "cost": {"per_staffed_hour": 36},
            }
        },
        {"voice": voice([200], handle=200)},
        horizon=600,
    ).loc["team"]
    assert g.overtime == pytest.approx(100.0)
    assert g.paid_time == pytest.approx(700.0)
    assert g.operating_cost == pytest.approx(7.0)


@pytest.mark.parametrize(("paid", "hours"), [(True, 8.5), (False, 8.0)])
def test_unpaid_breaks_are_not_billed(paid: bool, hours: float) -> None:
    """3 agents on an 8.5 h shift with a 30 min lunch, 20 % shrinkage, €20/h, one day: a paid
    lunch bills 3 × 8.5 h = €510, an unpaid one 3 × 8 h = €480."""
    shift = {
        "start": "08:00",
        "length": "8.5h",
        "days": ["mon"],
        "agents": 3,
        "breaks": [{"start": "12:00", "length": "30min", "paid": paid}],
    }
    g = _paid(
        {
            "team": {
                "skills": ["voice"],
                "shifts": {"day": shift},
                "shrinkage": 0.2,
                "cost": {"per_staffed_hour": 20},
            }
        },
        horizon=86400,
    ).loc["team"]
    assert g.paid_time == pytest.approx(3 * hours * 3600)
    assert g.operating_cost == pytest.approx(3 * hours * 20)


def test_customer_cost_per_contact_is_over_every_contact_customers_made() -> None:
    """customer_cost ÷ offered, recomputed from the contacts frame: every measured contact that
    is not an outbound callback counts, voicemails and balks included."""
    sc = cccsim.load_scenario("scenarios/retail_bank.yaml", overrides={"horizon": "1d"})
    rep = cccsim.run_replication(sc, seed=3)
    c = rep.contacts[rep.contacts.measured & (rep.contacts.kind != "callback")]
    voice = c[c.contact_type == "voice"]
    assert voice.outcome.isin(["voicemail"]).any() and voice.outcome.isin(["balked"]).any()
    s = rep.summary.set_index("contact_type").loc["voice"]
    assert s.customer_cost_per_contact == pytest.approx(voice.customer_cost.sum() / len(voice))


def test_the_staffing_search_prices_shifts_less_their_unpaid_breaks() -> None:
    """The shift optimiser's paid hours use the same rule: a Monday 8.5 h shift with an unpaid
    30 min lunch and a paid 15 min break, over a Monday-to-Wednesday horizon, pays 8 h once."""
    from cccsim.staffing.shifts import paid_hours

    sc = cccsim.load_scenario(
        scenario({"voice": voice([])}, {"t": {"skills": ["voice"], "staff": 1}}, horizon=3 * 86400)
    )
    shift = {
        "start": "08:00",
        "length": "8.5h",
        "days": ["mon"],
        "agents": 1,
        "breaks": [
            {"start": "10:00", "length": "15min"},
            {"start": "12:00", "length": "30min", "paid": False},
        ],
    }
    from cccsim.scenario.schema import Shift

    assert paid_hours(sc, Shift.model_validate(shift)) == pytest.approx(8.0)


def test_a_staffed_hour_bill_is_split_by_busy_time_inside_the_window() -> None:
    """One agent (€36/staffed hour) answers both types; warm-up 600 s, horizon 3600 s. Sales
    calls at 0 and 3300 and service at 1000, each 900 s long: inside [600, 3600) sales keeps
    agents busy 300 + 300 s (the first call's warm-up part and the last call's part past the
    horizon left out), service 900 s. The bill over the 50 measured minutes, €30, is split
    600 : 900 — €12 and €18 (€17.14 and €12.86 if the warm-up were counted)."""
    data = scenario(
        {"sales": voice([0, 3300], handle=900), "service": voice([1000], handle=900)},
        {"team": {"skills": ["sales", "service"], "staff": 1, "cost": {"per_staffed_hour": 36}}},
        horizon=3600,
        warmup=600,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.groups.set_index("agent_group").operating_cost["team"] == pytest.approx(30.0)
    by_type = rep.summary.set_index("contact_type").operating_cost
    assert by_type["sales"] == pytest.approx(12.0) and by_type["service"] == pytest.approx(18.0)


def test_a_staffed_hour_bill_is_split_by_each_chat_s_share_of_its_agent() -> None:
    """One agent (€36/staffed hour, up to 2 chats at once) serves both types in one hour: a
    600 s call at 0, and two 600 s chats at 1000 and 1010 sharing the agent. Each chat takes half
    the agent, so each type keeps it busy 600 s and the €36 bill is split €18 : €18 (€12 : €24
    if every chat counted as a whole agent)."""
    data = scenario(
        {"voice": voice([0], handle=600), "chat": voice([1000, 1010], handle=600, channel="chat")},
        {
            "team": {
                "skills": ["voice", "chat"],
                "staff": 1,
                "max_concurrent": 2,
                "cost": {"per_staffed_hour": 36},
            }
        },
        horizon=3600,
    )
    rep = cccsim.run_replication(cccsim.load_scenario(data))
    assert rep.contacts.answered_at.tolist() == [0, 1000, 1010]
    by_type = rep.summary.set_index("contact_type").operating_cost
    assert by_type["voice"] == pytest.approx(18.0) and by_type["chat"] == pytest.approx(18.0)
