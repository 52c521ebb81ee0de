"""Common random numbers keyed to the customer: two strategies that differ only in an access lever
see the same customers, with the same attributes, at every step of their journeys."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import cccsim
from cccsim.engine import run
from cccsim.engine.source import Source
from cccsim.model import build_model
from cccsim.rng import Streams
from cccsim.units import DAY


def ivr_centre(containment: float, **access: Any) -> dict[str, Any]:
    """An IVR routing to voice (with a segment) and chat; voice also has its own arrivals."""
    return {
        "name": "crn",
        "horizon": "1d",
        "interval": "1h",
        "ivr": {
            "line": {
                "arrivals": {"per_hour": 240},
                "time": {"dist": "exponential", "mean": 40},
                "containment": containment,
                "choices": {"voice": 0.7, "chat": 0.3},
            }
        },
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 30},
                "handle_time": {"dist": "lognormal", "mean": 240, "cv": 1.0},
                "patience": {"dist": "exponential", "mean": 120},
                "after_contact_work": {"dist": "exponential", "mean": 30},
                "segments": {"vip": {"share": 0.3, "handle_time_factor": 1.5}},
                "access": access,
            },
            "chat": {
                "channel": "chat",
                "handle_time": {"dist": "gamma", "mean": 400, "cv": 0.5},
                "patience": {"dist": "exponential", "mean": 300},
            },
        },
        "agent_groups": {
            "phones": {"skills": ["voice"], "staff": 12},
            "chats": {"skills": ["chat"], "staff": 4, "max_concurrent": 2},
        },
    }


def first_day(data: dict[str, Any], seed: int = 4) -> pd.DataFrame:
    """The source's first day of contacts, one row per customer, by the instant it called."""
    day = Source(build_model(cccsim.load_scenario(data)), Streams(seed)).draw(0.0, DAY)
    return pd.DataFrame(
        {
            "entered": day.entered,
            "kind": day.kind,
            "handle": day.handle,
            "patience": day.patience,
            "wrap": day.wrap,
            "u_balk": day.decide[:, 0],
            "u_accept": day.decide[:, 1],
            "u_resolve": day.decide[:, 2],
            "key": day.key,
        }
    ).set_index("entered")


def test_ivr_containment_keeps_every_routed_customers_attributes() -> None:
    """Containment 0 → 0.25: the callers who still reach a queue are the same customers — same
    type and segment, handle time, patience, after-contact work, decision uniforms and key — and
    the voice type's own arrivals are untouched. (Drawn in arrival order from one stream per
    type, as before, 1 in about 4,800 customers kept its handle time.)"""
    plain, contained = first_day(ivr_centre(0.0)), first_day(ivr_centre(0.25))
    assert plain.index.is_unique and 0.2 < 1 - len(contained) / len(plain) < 0.3
    assert set(contained.index) <= set(plain.index)
    pd.testing.assert_frame_equal(contained, plain.loc[contained.index])


def test_containment_keeps_handle_times_end_to_end() -> None:
    """The same through the engine: every first contact routed under both containments has the
    same type and drawn handle time (matched by when its customer called)."""

    def firsts(containment: float) -> pd.DataFrame:
        rec = run(build_model(cccsim.load_scenario(ivr_centre(containment))), 4)
        first = (rec.attempt == 1) & (rec.kind == 0)
        return pd.DataFrame(
            {"type": rec.contact_type[first], "handle": rec.handle_time[first]},
            index=rec.entered_at[first],
        )

    plain, contained = firsts(0.0), firsts(0.2)
    assert len(contained) > 3000
    pd.testing.assert_frame_equal(contained, plain.loc[contained.index])


CALLBACKS = {"offer_when_wait_over": "30s", "acceptance": 0.5}


def test_a_callback_keeps_its_customers_handle_time() -> None:
    """Within a run, each callback's handle time is that of the contact that asked for it; and
    it is the handle time the same customer has when no callback is offered (same arrival)."""
    plain_rec = run(build_model(cccsim.load_scenario(ivr_centre(0.0))), 7)
    rec = run(build_model(cccsim.load_scenario(ivr_centre(0.0, callback=CALLBACKS))), 7)
    c = pd.DataFrame(
        {
            "id": rec.contact_id,
            "customer": rec.customer,
            "kind": rec.kind,
            "outcome": rec.outcome,
            "arrived": rec.arrived_at,
            "handle": rec.handle_time,
        }
    ).sort_values("id")
    asked = c[c.outcome == 6]  # outcome callback
    callbacks = c[c.kind == 1].set_index("customer")
    assert len(asked) > 100 and len(callbacks) == len(asked)
    np.testing.assert_array_equal(callbacks.loc[asked.customer, "handle"], asked.handle)
    plain = pd.Series(plain_rec.handle_time, index=plain_rec.arrived_at)
    plain = plain[(plain_rec.attempt == 1) & (plain_rec.kind == 0)]
    np.testing.assert_array_equal(plain.loc[asked.arrived].to_numpy(), asked.handle.to_numpy())


def journeys(containment: float) -> pd.DataFrame:
    """Every contact of a day with retrials and repeats, with its customer's call instant and its
    place in the journey (0 = the first contact)."""
    access = {
        "retrial": {"probability": 0.8, "delay": {"dist": "exponential", "mean": 600}},
        "resolution": {"first_contact": 0.7, "delay": {"dist": "exponential", "mean": 3600}},
    }
    data = ivr_centre(containment, **access)
    data["agent_groups"]["phones"]["staff"] = 9  # busy: many abandon and retry
    rec = run(build_model(cccsim.load_scenario(data)), 11)
    c = pd.DataFrame(
        {
            "id": rec.contact_id,
            "customer": rec.customer,
            "called": rec.entered_at,
            "kind": rec.kind,
            "type": rec.contact_type,
            "arrived": rec.arrived_at,
            "ended": rec.ended_at,
            "handle": rec.handle_time,
        }
    ).sort_values("id")
    c["step"] = c.groupby("customer").cumcount()
    c["called"] = c.groupby("customer").called.transform("first")
    c["delay"] = c.arrived - c.groupby("customer").ended.shift(1)
    return c.set_index(["called", "step"])


def test_follow_ups_are_keyed_to_the_customer() -> None:
    """Containment 0 → 0.3 with retrials and repeats: the customers routed under both get, at
    each step of their journeys where both runs create a contact of the same kind and type, the
    same handle time and the same delay since the previous contact ended."""
    plain, contained = journeys(0.0), journeys(0.3)
    both = contained.index.intersection(plain.index)
    a, b = contained.loc[both], plain.loc[both]
    same = (a.kind == b.kind) & (a.type == b.type)
    later = same & (a.index.get_level_values("step") > 0)
    assert later.sum() > 500  # many follow-ups to compare
    np.testing.assert_array_equal(a.handle[same], b.handle[same])
    np.testing.assert_allclose(a.delay[later], b.delay[later], rtol=0, atol=1e-6)
