"""Costs add up: groups' operating costs = the per-type costs; customers' costs = tariff × minutes."""

from __future__ import annotations

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
