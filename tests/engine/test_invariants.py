"""Invariants over randomly generated valid scenarios (hypothesis).

Every contact ends exactly once; waits and handle times are ≥ 0; no contact is answered by a
group without the skill or before its overflow delay; no agent holds more than its capacity; no
agent starts work while off duty; the same seed gives identical records; offered contacts add up
to their outcomes (the accounting identity) and agents are never on duty less than scheduled.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cccsim
from cccsim.engine import run
from cccsim.engine.source import Source
from cccsim.model import Model, build_model
from cccsim.records import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CONTACT_FIELDS,
    OPEN,
    OUTCOMES,
    wait_times,
)
from cccsim.rng import Streams
from cccsim.stats.costs import schedule_time
from cccsim.stats.kpis import OUTCOME_COUNTS, unaccounted
from cccsim.units import DAY

CHANNELS = ["voice", "chat", "messaging", "email"]
DISTS = ["exponential", "lognormal", "deterministic", "uniform", "gamma"]


def dist(draw: st.DrawFn, mean: float) -> dict[str, Any]:
    kind = draw(st.sampled_from(DISTS))
    if kind == "deterministic" or mean == 0:  # zero patience: a valid degenerate case
        return {"dist": "deterministic", "value": mean}
    if kind == "uniform":
        return {"dist": kind, "low": 0, "high": 2 * mean}
    if kind == "exponential":
        return {"dist": kind, "mean": mean}
    return {"dist": kind, "mean": mean, "cv": draw(st.floats(0.2, 2.0))}


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    hours = draw(st.sampled_from([2, 3, 4, 5, 30, 53]))  # some runs span days (flushes)
    n_types = draw(st.integers(1, 3))
    n_groups = draw(st.integers(1, 3))
    types: dict[str, Any] = {}
    for i in range(n_types):
        channel = draw(st.sampled_from(CHANNELS))
        spec: dict[str, Any] = {
            "channel": channel,
            "arrivals": {"per_hour": draw(st.floats(0, 150))},
            "handle_time": dist(draw, draw(st.floats(20, 600))),
            "service_level_threshold": draw(st.integers(0, 60)),
        }
        if channel != "email" and draw(st.booleans()):
            spec["patience"] = dist(draw, draw(st.floats(0, 400)))
        access: dict[str, Any] = {}
        if draw(st.booleans()):
            access["queue_capacity"] = draw(st.integers(0, 5))
        if channel in ("voice", "chat") and draw(st.booleans()):
            access["hours"] = {
                "all": draw(st.sampled_from(["00:30-01:30", "01:00-03:00", "00:00-24:00"]))
            }
            if channel == "voice" and draw(st.booleans()):
                access["out_of_hours"] = "voicemail"
        if channel == "voice" and draw(st.booleans()):
            access["callback"] = {
                "offer_when_wait_over": draw(st.sampled_from([0, 30, 120])),
                "acceptance": draw(st.floats(0, 1)),
                "reach_probability": draw(st.floats(0, 1)),
                "retries": draw(st.integers(0, 2)),
                "retry_delay": 120,
                "attempt_time": 20,
            }
            if draw(st.booleans()):
                share = draw(st.sampled_from([0.05, 0.3, 1.0]))
                access["callback"]["pacing"] = {"max_share_of_agents": share}
            access["announcement"] = {"balking": [[0, 0], [300, draw(st.floats(0, 1))]]}
        if draw(st.booleans()):
            access["retrial"] = {
                "probability": draw(st.floats(0, 1)),
                "max_attempts": draw(st.integers(2, 4)),
                "delay": {"dist": "exponential", "mean": draw(st.floats(10, 600))},
            }
        if draw(st.booleans()):
            access["resolution"] = {
                "first_contact": draw(st.floats(0, 1)),
                "delay": {"dist": "exponential", "mean": draw(st.floats(10, 3600))},
            }
        if access:
            spec["access"] = access
        types[f"t{i}"] = spec
    names = list(types)
    emails = [n for n in names if types[n]["channel"] == "email"]
    for spec in types.values():  # chat out of hours: an offline form that becomes an email
        opening = spec.get("access", {}).get("hours")
        if spec["channel"] == "chat" and opening and emails and draw(st.booleans()):
            spec["access"]["out_of_hours"] = "offline_form"
            spec["access"]["offline_form_type"] = emails[0]
    groups: dict[str, Any] = {}
    for g in range(n_groups):
        own = [n for i, n in enumerate(names) if i % n_groups == g] or [names[g % n_types]]
        extra = draw(st.lists(st.sampled_from(names), max_size=2))
        skills = list(dict.fromkeys(draw(st.permutations(list(dict.fromkeys(own + extra))))))
        staff: Any = draw(st.integers(0, 5))
        if draw(st.booleans()):
            staff = draw(st.lists(st.integers(0, 5), min_size=hours, max_size=hours))
        groups[f"g{g}"] = {
            "skills": skills,
            "staff": staff,
            "max_concurrent": draw(st.integers(1, 3)),
            "site": draw(st.sampled_from(["dublin", "manila"])),
        }
        if draw(st.booleans()):
            k = groups[f"g{g}"]["max_concurrent"]
            groups[f"g{g}"]["concurrency_slowdown"] = [1 + 0.2 * i for i in range(k)]
    # data residency: bar a site for a type when another group with the skill stays allowed
    for name in names:
        able = {groups[g]["site"] for g in groups if name in groups[g]["skills"]}
        if len(able) > 1 and draw(st.booleans()):
            types[name]["data_residency"] = {"barred_sites": ["manila"]}
    routing: dict[str, Any] = {}
    for name in names:
        able = [g for g, spec in groups.items() if name in spec["skills"]]
        if len(able) > 1 and draw(st.booleans()):
            order = draw(st.permutations(able))
            steps = []
            for g in order:
                if types[name].get("data_residency") and groups[g]["site"] == "manila":
                    continue
                step: dict[str, Any] = {"group": g, "after": draw(st.sampled_from([0, 0, 5, 30]))}
                if steps and draw(st.booleans()):  # conditional overflow
                    if draw(st.booleans()):
                        step["when_queue_over"] = draw(st.integers(0, 3))
                    else:
                        step["when_wait_over"] = draw(st.sampled_from([10, 60, 300]))
                steps.append(step)
            if steps:
                routing[name] = steps
    policy: dict[str, Any] = {}
    if draw(st.booleans()):
        policy["agent_selection"] = draw(
            st.sampled_from(["longest_idle", "group_order", "cheapest"])
        )
        if draw(st.booleans()):
            policy["priorities"] = {n: draw(st.integers(0, 3)) for n in names}
            if draw(st.booleans()):
                policy["ageing"] = {names[0]: draw(st.sampled_from([30, 600]))}
        g0 = next(iter(groups))
        if draw(st.booleans()):
            policy["reserve"] = [
                {
                    "group": g0,
                    "agents": draw(st.integers(1, 2)),
                    "protect": groups[g0]["skills"][:1],
                }
            ]
        if draw(st.booleans()):
            for g, spec in groups.items():
                if any(types[s]["channel"] == "email" for s in spec["skills"]):
                    low = draw(st.integers(0, 2))
                    policy["blending"] = {g: {"min_agents": low, "max_agents": low + 1}}
                    break
    return {
        "name": "generated",
        "horizon": f"{hours}h",
        "interval": "1h",
        "contact_types": types,
        "agent_groups": groups,
        "routing": routing,
        "routing_policy": policy,
    }


def check_invariants(data: dict[str, Any], seed: int) -> None:
    sc = cccsim.load_scenario(data)
    model = build_model(sc)
    rec = run(model, seed)
    h = model.horizon
    out = rec.outcome
    # every contact ends in one of the outcomes, and every contact the source drew (a day at a
    # time, as the engine does) is in the records exactly once: none lost or doubled by the
    # daily flush and renumbering
    assert np.isin(out, range(len(OUTCOMES))).all()
    source = Source(model, Streams(seed))
    drawn = [source.draw(start, min(start + DAY, h)) for start in np.arange(0.0, h, DAY)]
    expected = np.sort(np.concatenate([d.arrived for d in drawn]))
    initial = (rec.kind == 0) & (rec.attempt == 1)
    np.testing.assert_array_equal(np.sort(rec.arrived_at[initial]), expected)
    # customers = first attempts
    assert np.unique(rec.customer).size == int(
        ((rec.attempt == 1) & (rec.kind != 1)).sum()
    )  # 1 = callback
    ans = out == ANSWERED
    assert (rec.arrived_at >= 0).all() and (rec.arrived_at < h).all()
    assert (rec.answered_at[ans] >= rec.arrived_at[ans]).all()
    assert (rec.ended_at[ans] >= rec.answered_at[ans]).all()
    assert (rec.handle_time >= 0).all()
    ab = out == ABANDONED
    assert (rec.ended_at[ab] >= rec.arrived_at[ab]).all() and (rec.ended_at[ab] <= h).all()
    assert (rec.ended_at[out == BLOCKED] == rec.arrived_at[out == BLOCKED]).all()
    assert np.isnan(rec.answered_at[~ans]).all() and (rec.agent[~ans] == -1).all()
    assert np.isnan(rec.ended_at[out == OPEN]).all()
    # nothing enters a queue while its channel is closed (refused, voicemail or offline form)
    for t in model.types:
        if t.calendar is not None:
            live = (
                (rec.contact_type == t.index)
                & (rec.kind != 1)
                & np.isin(out, [ANSWERED, ABANDONED, OPEN])
            )
            assert t.is_open(rec.arrived_at[live]).all()
    # channels without patience never abandon; blocking needs a queue capacity
    for t in model.types:
        of_t = rec.contact_type == t.index
        if t.patience is None:
            assert not (ab & of_t).any()
        if t.queue_capacity < 0:
            assert not ((out == BLOCKED) & of_t).any()
    # skills and overflow delays
    for c in np.flatnonzero(ans):
        t, g = int(rec.contact_type[c]), int(rec.group[c])
        assert t in model.groups[g].skills
        assert g in [grp for grp, _ in model.routes[t]]  # routed there (data residency kept)
        assert rec.answered_at[c] >= rec.arrived_at[c] + model.after(t, g) - 1e-9
    # capacity: sweep each agent's slots over time (ends before starts at equal instants)
    for a in np.unique(rec.agent[ans]):
        # zero-length services (a handle time that underflows to 0) hold no capacity
        mine = np.flatnonzero((rec.agent == a) & (rec.ended_at > rec.answered_at))
        if mine.size == 0:
            continue
        g = int(rec.group[mine[0]])
        cap = model.groups[g].max_concurrent
        slots = np.where([model.types[int(t)].exclusive for t in rec.contact_type[mine]], cap, 1)
        events = sorted(
            [(float(rec.answered_at[c]), 1, int(s)) for c, s in zip(mine, slots, strict=True)]
            + [
                (min(float(rec.ended_at[c]), h), 0, -int(s))
                for c, s in zip(mine, slots, strict=True)
            ]
        )
        level = 0
        for _, _, delta in events:
            level += delta
            assert 0 <= level <= cap
        # every contact started while its agent was on duty
        sessions = rec.session_agent == a
        starts, ends = rec.session_start[sessions], rec.session_end[sessions]
        for c in mine:
            t0 = rec.answered_at[c]
            assert ((starts <= t0) & (t0 <= ends)).any()
    # busy agents (service, unanswered callback calls, after-contact work) never outnumber the
    # agents on duty in a group
    weight = rec.busy_weight()
    for g in model.groups:
        served = np.flatnonzero(ans & (rec.group == g.index))
        extra = rec.extra_busy[rec.extra_busy[:, 0] == g.index]
        sessions = rec.session_group == g.index
        # at one instant: services end, agents log on, services start, agents log off
        events = sorted(
            [(min(float(rec.ended_at[c]), h), 0, -float(weight[c])) for c in served]
            + [(min(float(e[2]), h), 0, -float(e[3])) for e in extra]
            + [(float(t), 1, 0.0) for t in rec.session_start[sessions]]
            + [(float(rec.answered_at[c]), 2, float(weight[c])) for c in served]
            + [(float(e[1]), 2, float(e[3])) for e in extra]
            + [(float(t), 3, 0.0) for t in rec.session_end[sessions]]
        )
        busy = on_duty = 0.0
        for _, order, delta in events:
            busy += delta
            on_duty += {1: 1.0, 3: -1.0}.get(order, 0.0)
            assert busy <= on_duty + 1e-9
    # queue capacity: the live contacts of a type (every segment) waiting at once
    waits = wait_times(rec)
    for parent in dict.fromkeys(t.parent for t in model.types):
        members = [t.index for t in model.types_of(parent) if t.segment != "callbacks"]
        limit = model.types[members[0]].queue_capacity
        if limit < 0:
            continue
        waiting = np.flatnonzero(np.isin(rec.contact_type, members) & (rec.kind != 1) & (waits > 0))
        events = sorted(
            [(float(rec.arrived_at[c]), 1) for c in waiting]
            + [(float(rec.arrived_at[c] + waits[c]), -1) for c in waiting]
        )
        level = 0
        for _, delta in events:
            level += delta
            assert level <= limit
    # same seed, same records
    again = run(model, seed)
    for name in ("arrived_at", "answered_at", "ended_at", "outcome", "agent"):
        np.testing.assert_array_equal(getattr(rec, name), getattr(again, name))
    # the KPI layer accepts every generated case and its counts agree
    result = cccsim.run_replication(sc, seed)
    assert int(result.summary.offered.sum()) == int(
        (rec.kind != 1).sum()
    )  # callbacks are not offered
    occupancy = result.groups.occupancy.dropna()
    assert ((occupancy >= 0) & (occupancy <= 1 + 1e-9)).all()
    check_accounting(result, model)


def check_accounting(result: Any, model: Any) -> None:
    """offered = answered + abandoned + blocked + balked + closed + callbacks + offline_forms +
    open per contact type and interval, each term counted again from the contacts frame; agents
    are never on duty less than the on-duty schedule (overtime is never negative)."""
    for frame in (result.summary, result.intervals):
        assert (unaccounted(frame) == 0).all()
    c = result.contacts[result.contacts.measured & (result.contacts.kind != "callback")]
    by_hand = c.groupby("contact_type", observed=False).outcome.value_counts().unstack()
    s = result.summary.set_index("contact_type")
    names = {"callbacks": ["callback", "voicemail"], "offline_forms": ["offline_form"]}
    for column in ("offered", *OUTCOME_COUNTS):
        outcomes = names.get(column, [column])
        counted = by_hand.sum(axis=1) if column == "offered" else by_hand[outcomes].sum(axis=1)
        np.testing.assert_array_equal(
            s[column].to_numpy(), counted.reindex(s.index).to_numpy(), err_msg=column
        )
    assert not (set(c.outcome) & {"unreached", "scheduled"})  # callbacks' own outcomes
    gi = result.group_intervals
    edges = np.append(np.arange(model.n_intervals) * model.interval, model.horizon)
    for g in model.groups:
        planned = schedule_time(g.staff_changes, edges, model.horizon)
        staffed = gi[gi.agent_group == g.name].staffed_time.to_numpy()
        assert (staffed >= planned - 1e-6 * np.maximum(planned, 1)).all()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_invariants_hold_on_generated_scenarios(data: dict[str, Any], seed: int) -> None:
    check_invariants(data, seed)


# Found by the test below: a callback served by an overflow left a stale queue entry that came
# back to life when the call went unanswered and the callback waited again (it jumped the queue).
REDIALLED_OVERFLOW: dict[str, Any] = {
    "name": "generated",
    "horizon": "3h",
    "interval": "1h",
    "contact_types": {
        "t0": {
            "channel": "voice",
            "arrivals": {"per_hour": 111.0},
            "handle_time": {"dist": "exponential", "mean": 226.0},
            "service_level_threshold": 0,
            "access": {
                "hours": {"all": "01:00-03:00"},
                "out_of_hours": "voicemail",
                "callback": {
                    "offer_when_wait_over": 0,
                    "acceptance": 0.6328125,
                    "reach_probability": 0.0,
                    "retries": 2,
                    "retry_delay": 120,
                    "attempt_time": 20,
                },
                "announcement": {"balking": [[0, 0], [300, 0.28125]]},
                "resolution": {
                    "first_contact": 0.0,
                    "delay": {"dist": "exponential", "mean": 1799.0},
                },
            },
        }
    },
    "agent_groups": {
        "g0": {"skills": ["t0"], "staff": 1},
        "g1": {"skills": ["t0"], "staff": [0, 4, 0]},
    },
    "routing": {"t0": [{"group": "g0", "after": 30}, {"group": "g1", "after": 30}]},
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1), st.sampled_from(["longest_idle", "group_order"]))
@example(REDIALLED_OVERFLOW, 18455, "longest_idle")
def test_policy_path_equals_the_built_in_path(
    data: dict[str, Any], seed: int, selection: str
) -> None:
    """Without policy options the engine skips the policy; running the same rules through the
    ``RoutingPolicy`` protocol (the standard policy named by import path) gives identical records."""
    plain = dict(data)
    plain["routing"] = {
        t: [{k: v for k, v in step.items() if not k.startswith("when_")} for step in steps]
        for t, steps in data["routing"].items()
    }
    plain["routing_policy"] = {"agent_selection": selection}
    through = dict(plain)
    through["routing_policy"] = {
        "agent_selection": selection,
        "policy": "cccsim.engine.policy:StandardPolicy",
    }
    fast_model = build_model(cccsim.load_scenario(plain))
    policy_model = build_model(cccsim.load_scenario(through))
    assert fast_model.policy.is_default and not policy_model.policy.is_default
    a, b = run(fast_model, seed), run(policy_model, seed)
    for name in ("arrived_at", "answered_at", "ended_at", "outcome", "agent", "handle_time"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_daily_flush_changes_nothing(data: dict[str, Any], seed: int) -> None:
    """Moving finished contacts out of the engine's lists each day (and renumbering the rest)
    gives exactly the records of a run that keeps every contact in its lists."""
    data = {**data, "horizon": "53h"}
    for name, group in data["agent_groups"].items():
        if isinstance(group["staff"], list):
            data["agent_groups"][name] = {**group, "staff": max(group["staff"])}
    _same_records_with(build_model(cccsim.load_scenario(data)), seed, "FLUSH", False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_levers_plugged_in_only_where_used_change_nothing(data: dict[str, Any], seed: int) -> None:
    """The engine plugs a lever (callbacks and pacing, announcements, opening hours) into its
    core only where the scenario uses it; plugging every lever in everywhere gives exactly the
    same records (the fast paths skip work, never change a result)."""
    _same_records_with(build_model(cccsim.load_scenario(data)), seed, "EVERY_LEVER", True)


def _same_records_with(model: Model, seed: int, switch: str, value: bool) -> None:
    """The engine's records of ``model`` are exactly the same with its module-level ``switch``
    set to ``value`` as without."""
    # the module (``import cccsim.engine.run as engine`` would give the function ``run``, which
    # ``cccsim.engine`` re-exports under the same name, and set the switch on it: a no-op)
    engine = importlib.import_module("cccsim.engine.run")
    assert hasattr(engine, switch)
    usual = run(model, seed)
    before = getattr(engine, switch)
    setattr(engine, switch, value)
    try:
        switched = run(model, seed)
    finally:
        setattr(engine, switch, before)
    for name in CONTACT_FIELDS:
        np.testing.assert_array_equal(getattr(usual, name), getattr(switched, name), err_msg=name)
    np.testing.assert_array_equal(usual.extra_busy, switched.extra_busy)
    assert usual.n_events == switched.n_events
