"""Benchmark workloads: cccsim and its peers on the same queueing models.

Each function simulates one workload and returns a dict of measurements; ``run.py`` calls them
in separate child processes so that peak memory is measured cleanly.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np

import cccsim
from cccsim.engine import run, run_into
from cccsim.engine.columns import MemorySink
from cccsim.model import build_model
from cccsim.records import ABANDONED, ANSWERED, Records

ROOT = Path(__file__).resolve().parents[2]

# M/M/50+M: ρ = 0.95, mean handle 300 s, mean patience 600 s
AGENTS, RHO, HANDLE, PATIENCE = 50, 0.95, 300.0, 600.0
RATE = RHO * AGENTS / HANDLE


def mm50m_scenario(contacts: int, policy: str = "standard") -> cccsim.Scenario:
    """The M/M/50+M workload as a cccsim scenario whose horizon holds ``contacts`` arrivals;
    ``policy`` other than standard routes every decision through that ``RoutingPolicy``."""
    return cccsim.load_scenario(
        {
            "name": "M/M/50+M",
            "routing_policy": {"policy": policy},
            "horizon": contacts / RATE,
            "interval": "1h",
            "contact_types": {
                "voice": {
                    "channel": "voice",
                    "arrivals": {"per_hour": RATE * 3600},
                    "handle_time": {"dist": "exponential", "mean": HANDLE},
                    "patience": {"dist": "exponential", "mean": PATIENCE},
                }
            },
            "agent_groups": {"team": {"skills": ["voice"], "staff": AGENTS}},
        }
    )


def cccsim_mm50m(contacts: int, seed: int, policy: str = "standard") -> dict[str, Any]:
    """cccsim's engine with its full columnar contact records."""
    model = build_model(mm50m_scenario(contacts, policy))
    start, cpu = time.perf_counter(), time.process_time()
    rec = run(model, seed)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    answered = rec.outcome == ANSWERED
    return {
        "seconds": seconds,
        "contacts": rec.n_contacts,
        "abandon_rate": float((rec.outcome == ABANDONED).mean()),
        "asa": float((rec.answered_at[answered] - rec.arrived_at[answered]).mean()),
        "record_bytes": rec.nbytes(),
        "events": rec.n_events,
        "cpu_seconds": cpu_seconds,
    }


def cccsim_mm50m_kpis(contacts: int, seed: int) -> dict[str, Any]:
    """cccsim end to end: engine, records and every KPI frame (contacts, intervals, summary)."""
    sc = mm50m_scenario(contacts)
    start = time.perf_counter()
    result = cccsim.run_replication(sc, seed)
    seconds = time.perf_counter() - start
    s = result.summary.iloc[0]
    return {
        "seconds": seconds,
        "contacts": int(s.offered),
        "abandon_rate": float(s.abandon_rate),
        "asa": float(s.asa),
    }


def textbook_mm50m(contacts: int, seed: int) -> dict[str, Any]:
    """The textbook simpy model: one process per contact, ``Resource``, ``req | timeout``."""
    import simpy

    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / RATE, contacts)
    handles = rng.exponential(HANDLE, contacts)
    patiences = rng.exponential(PATIENCE, contacts)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    records: list[tuple[float, float, bool]] = []

    def contact(i: int):  # type: ignore[no-untyped-def]
        arrived = env.now
        with agents.request() as request:
            result = yield request | env.timeout(patiences[i])
            if request in result:
                records.append((arrived, env.now - arrived, True))
                yield env.timeout(handles[i])
            else:
                records.append((arrived, env.now - arrived, False))

    def source():  # type: ignore[no-untyped-def]
        for i in range(contacts):
            yield env.timeout(gaps[i])
            env.process(contact(i))

    env.process(source())
    start = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - start
    waits = np.array([w for _, w, ok in records if ok])
    return {
        "seconds": seconds,
        "contacts": len(records),
        "abandon_rate": 1 - waits.size / len(records),
        "asa": float(waits.mean()),
    }


def ciw_mm50m(contacts: int, seed: int) -> dict[str, Any]:
    """Ciw with ``reneging_time_distributions`` (its own records kept)."""
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=RATE)],
        service_distributions=[ciw.dists.Exponential(rate=1 / HANDLE)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1 / PATIENCE)],
    )
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    start = time.perf_counter()
    sim.simulate_until_max_customers(contacts, method="Arrive")
    records = sim.get_all_records()
    seconds = time.perf_counter() - start
    served = [r.waiting_time for r in records if r.record_type == "service"]
    reneged = sum(1 for r in records if r.record_type == "renege")
    return {
        "seconds": seconds,
        "contacts": len(served) + reneged,
        "abandon_rate": reneged / (len(served) + reneged),
        "asa": float(np.mean(served)),
    }


def _erlang_staff(per_interval: np.ndarray, handle: float, slots: int = 1) -> list[int]:
    """Agents per 30-minute interval for 80 % in 20 s (Erlang C), as a planner would staff."""
    from cccsim.theory import agents_for_service_level

    out = []
    for n in per_interval:
        rate = n / 1800
        out.append(agents_for_service_level(rate, handle / slots, 20, 0.8) if rate > 0 else 0)
    return out


def multichannel_scenario(scale: float = 1.0) -> cccsim.Scenario:
    """A large multichannel day: ~1,000 agents in four groups, ~150,000 contacts a day.

    Voice (lognormal handle, patience, outsourcer overflow after 30 s), VIP voice, chat with
    concurrency 3 and a back-office overflow, email worked from a backlog, time-varying arrivals,
    and staffing per interval from Erlang C. ``scale`` multiplies the number of days.
    """
    hours = np.arange(48) / 2
    shape = np.exp(-0.5 * ((hours - 11) / 3.0) ** 2) + 0.7 * np.exp(
        -0.5 * ((hours - 16) / 2.5) ** 2
    )
    shape = np.where((hours >= 7) & (hours < 22), shape, 0.02)
    profile = shape / shape.sum()
    per_day = 150_000
    voice = _erlang_staff(0.6 * per_day * profile, 240)
    vip = _erlang_staff(0.05 * per_day * profile, 300)
    chat = _erlang_staff(0.25 * per_day * profile, 600, slots=3)
    email_work = 0.10 * per_day * 360 / 86400 / 0.9  # agents to keep up at 90 % occupancy
    days = max(1, round(scale))
    return cccsim.load_scenario(
        {
            "name": "large multichannel day",
            "horizon": f"{days}d",
            "interval": "30min",
            "contact_types": {
                "voice": {
                    "channel": "voice",
                    "arrivals": {
                        "daily_volume": 0.6 * per_day,
                        "profile": profile.round(8).tolist(),
                    },
                    "handle_time": {"dist": "lognormal", "mean": 240, "cv": 0.9},
                    "patience": {"dist": "exponential", "mean": 300},
                },
                "vip": {
                    "channel": "voice",
                    "arrivals": {
                        "daily_volume": 0.05 * per_day,
                        "profile": profile.round(8).tolist(),
                    },
                    "handle_time": {"dist": "lognormal", "mean": 300, "cv": 0.8},
                    "patience": {"dist": "exponential", "mean": 600},
                },
                "chat": {
                    "channel": "chat",
                    "arrivals": {
                        "daily_volume": 0.25 * per_day,
                        "profile": profile.round(8).tolist(),
                    },
                    "handle_time": {"dist": "gamma", "mean": 600, "cv": 0.7},
                    "patience": {"dist": "exponential", "mean": 240},
                },
                "email": {
                    "channel": "email",
                    "arrivals": {"per_hour": 0.10 * per_day / 24},
                    "handle_time": {"dist": "gamma", "mean": 360, "cv": 0.6},
                    "service_level_threshold": "4h",
                },
            },
            "agent_groups": {
                "inhouse": {
                    "skills": ["vip", "voice"],
                    "staff": [
                        v + p for v, p in zip(vip, [round(0.8 * x) for x in voice], strict=True)
                    ],
                },
                "outsourcer": {"skills": ["voice"], "staff": [x - round(0.8 * x) for x in voice]},
                "chat_team": {"skills": ["chat"], "staff": chat, "max_concurrent": 3},
                "backoffice": {"skills": ["email", "chat"], "staff": math.ceil(email_work)},
            },
            "routing": {
                "voice": [{"group": "inhouse"}, {"group": "outsourcer", "after": "30s"}],
                "chat": [{"group": "chat_team"}, {"group": "backoffice", "after": "60s"}],
            },
        }
    )


def cccsim_multichannel(scale: float, seed: int) -> dict[str, Any]:
    """cccsim's engine on the large multichannel day (× scale)."""
    model = build_model(multichannel_scenario(scale))
    start = time.perf_counter()
    rec = run(model, seed)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "contacts": rec.n_contacts,
        "abandon_rate": float((rec.outcome == ABANDONED).mean()),
        "record_bytes": rec.nbytes(),
        "agents": int(np.unique(rec.session_agent).size),
    }


def cccsim_mm50m_policy(contacts: int, seed: int) -> dict[str, Any]:
    """The same rules through the ``RoutingPolicy`` protocol (what conditional overflow,
    priorities, reservation, blending and custom policies cost): the standard policy by path."""
    return cccsim_mm50m(contacts, seed, policy="cccsim.engine.policy:StandardPolicy")


def cccsim_horizon(days: int, seed: int, streamed: bool) -> dict[str, Any]:
    """M/M/50+M over ``days`` days end to end (every KPI frame), with the contacts kept in
    memory or streamed to a Parquet file during the run."""
    import tempfile
    from pathlib import Path

    sc = mm50m_scenario(round(RATE * days * 86400))
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        file = Path(folder) / "contacts.parquet" if streamed else None
        result = cccsim.run_replication(sc, seed, contacts_to=file)
        seconds = time.perf_counter() - start
        on_disk = file.stat().st_size if file is not None else 0
    return {
        "seconds": seconds,
        "contacts": int(result.provenance["n_contacts"]),
        "file_bytes": on_disk,
        "abandon_rate": float(result.summary.abandon_rate.iloc[0]),
    }


WORKLOADS = {
    "cccsim": cccsim_mm50m,
    "cccsim (policy path)": cccsim_mm50m_policy,
    "cccsim+kpis": cccsim_mm50m_kpis,
    "simpy-textbook": textbook_mm50m,
    "ciw": ciw_mm50m,
    "multichannel": cccsim_multichannel,
    "horizon (in memory)": lambda days, seed: cccsim_horizon(days, seed, streamed=False),
    "horizon (streamed)": lambda days, seed: cccsim_horizon(days, seed, streamed=True),
}


SCENARIOS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def example_scenario(name: str, days: int = 0) -> cccsim.Scenario:
    """The example scenario ``scenarios/<name>.yaml``, over ``days`` days if given."""
    from cccsim.scenario.load import apply_overrides

    sc = cccsim.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    return apply_overrides(sc, {"horizon": f"{days}d"}) if days else sc


class _TimedSink(MemorySink):
    """``run``'s own sink, noting the CPU clock at each simulated midnight's hand-over."""

    def __init__(self) -> None:
        super().__init__()
        self.day_cpu: list[float] = []
        self.day_contacts: list[int] = []

    def add(self, part: Records) -> None:
        self.day_cpu.append(time.process_time())
        self.day_contacts.append(part.n_contacts)
        super().add(part)


def cccsim_scenario(name: str, days: int, seed: int) -> dict[str, Any]:
    """The engine alone (``run``: records in memory, no KPIs) on an example scenario; with the
    CPU seconds and finished contacts of each simulated day (one part per midnight)."""
    model = build_model(example_scenario(name, days))
    sink = _TimedSink()
    start, cpu = time.perf_counter(), time.process_time()
    n_events = run_into(model, seed, sink)
    rec = sink.records(model, n_events)  # what ``engine.run`` does
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "contacts": rec.n_contacts,
        "events": rec.n_events,
        "days": model.horizon / 86400,
        "record_bytes": rec.nbytes(),
        "day_cpu": [float(x) for x in np.diff([cpu, *sink.day_cpu])],
        "day_contacts": sink.day_contacts,
    }
