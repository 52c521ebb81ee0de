"""``backtest``: simulate a scenario over a log's period and compare it with what happened.

The scenario is aligned with the log first — its horizon becomes the log's whole days, day 1
the log's first day (for weekday factors), no warm-up — and given the log's staffing when an
agent-state log is passed (otherwise the scenario's own staffing is used: a scenario from
``cccsim fit`` already carries the log's). With ``replay_arrivals`` the log's first contacts are
replayed as traces, so only the service side (staffing, handle times, patience, retrials) is
tested. Then ``replications`` independent replications give each interval's prediction interval.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccsim import __version__
from cccsim.backtesting import compare as C
from cccsim.backtesting.observe import SUMS, busy_time, type_sums
from cccsim.backtesting.patience import patience_check, patience_flags
from cccsim.errors import ExperimentError, LogError
from cccsim.experiment.replicate import replicate
from cccsim.experiment.runner import Progress
from cccsim.fit.journeys import fit_journeys
from cccsim.fit.log import ContactLog, read_logs
from cccsim.fit.staffing import staffing
from cccsim.model import build_model
from cccsim.scenario import Scenario, load_scenario
from cccsim.units import parse_duration

TYPE_KPIS = ["offered", "service_level", "asa", "abandon_rate"]
GROUP_KPIS = ["occupancy"]


@dataclass
class Backtest:
    """Simulated vs observed KPIs of a log's period.

    ``intervals``: per contact type (or agent group, for occupancy) × interval × KPI, the
    ``observed`` value, the ``simulated`` mean, the prediction interval ``pi_low``–``pi_high``
    and whether the observed value is ``inside``. ``parts``: the same pooled per part of the
    day and over the ``period``, with the replications' ``sd`` and ``z``. ``patience``: per
    contact type × part, abandonments observed and expected under the scenario's patience law
    for the waits customers had. ``coverage``: per contact type (group) × KPI, the share of
    intervals inside. ``flags``: systematic gaps, each with a ``message``.
    """

    scenario: Scenario
    log: ContactLog
    intervals: pd.DataFrame
    parts: pd.DataFrame
    patience: pd.DataFrame
    coverage: pd.DataFrame
    flags: pd.DataFrame
    replications: int
    level: float
    staffing_source: str
    notes: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    def period(self) -> pd.DataFrame:
        """Observed vs simulated over the whole period (one row per contact type or group × KPI)."""
        return self.parts[self.parts["part"] == "period"].reset_index(drop=True)


def backtest(
    log: str | Path | pd.DataFrame | ContactLog,
    scenario: Scenario | str | Path | Mapping[str, Any],
    *,
    agent_log: str | Path | pd.DataFrame | None = None,
    replications: int = 40,
    seed: int = 1,
    level: float = 0.95,
    replay_arrivals: bool = False,
    backend: str = "auto",
    workers: int | None = None,
    columns: Mapping[str, str] | None = None,
    agent_columns: Mapping[str, str] | None = None,
    outcomes: Mapping[str, str] | None = None,
    timezone: str | None = None,
    log_timezone: str | None = None,
    time_format: str | None = None,
    max_bad: float = 0.5,
    retrial_window: str | float = "1d",
    repeat_window: str | float = "7d",
    progress: Progress | None = None,
) -> Backtest:
    """Simulate ``scenario`` over the period of ``log`` and compare KPIs per interval.

    Args:
        log: the contact log (or one already read).
        scenario: the scenario to test (a fitted one, or any other with the log's contact types).
        agent_log: an agent-state log: its staffing replaces the scenario's.
        replications: simulated copies of the period (at least 10; 40 gives steady 95 % ranges).
        level: the prediction intervals' level.
        replay_arrivals: replay the log's first contacts instead of drawing arrivals.
        retrial_window, repeat_window: how first contacts are told from retrials and repeats
            (``replay_arrivals`` only).
        Other arguments read the logs as in ``fit_scenario``.

    Raises:
        LogError: an unusable log, or contact types the scenario lacks.
    """
    started = time.perf_counter()
    if replications < 10:
        raise ExperimentError("a back-test needs at least 10 replications")
    if not 0.5 <= level < 1:
        raise ExperimentError("level must be between 0.5 and 1")
    contact_log, sessions = read_logs(
        log,
        agent_log,
        columns=columns,
        agent_columns=agent_columns,
        outcomes=outcomes,
        timezone=timezone,
        log_timezone=log_timezone,
        time_format=time_format,
        max_bad=max_bad,
    )
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    traces = None
    if replay_arrivals:
        traces = _first_contacts(contact_log, retrial_window, repeat_window)
    sc, notes = align(base, contact_log, sessions, traces)
    exp = replicate(sc, replications, seed, backend=backend, workers=workers, progress=progress)
    model = build_model(sc)
    simulated = {t.name for t in model.types}
    log_types = [str(t) for t in contact_log.contacts["contact_type"].value_counts().index]
    types = [t for t in log_types if t in simulated]
    if not types:
        raise LogError(f"the scenario has none of the log's contact types ({', '.join(log_types)})")
    notes += [
        f"{t}: in the log but not in the scenario (not compared)"
        for t in log_types
        if t not in simulated
    ]
    thresholds = {t.name: t.threshold for t in model.types if t.name in types}
    observed = type_sums(contact_log, thresholds, sc.interval)
    sim = _type_sums(exp.intervals, types)
    frames = [C.compare_intervals(observed, sim, "contact_type", TYPE_KPIS, level)]
    parts = [C.compare_parts(observed, sim, "contact_type", TYPE_KPIS, sc.interval, level)]
    flags = [C.flags(parts[0], frames[0], "contact_type", sc.interval, level)]
    patience = patience_check(contact_log, sc, types)
    flags.append(patience_flags(patience))
    caps = {g.name: g.max_concurrent for g in model.groups}
    exclusive = {t.name: t.exclusive for t in model.types}
    busy = busy_time(contact_log, caps, exclusive, sc.interval)
    if busy is not None:
        gi = exp.group_intervals
        means = gi.groupby(["agent_group", "interval"], sort=False)[
            ["staffed_time", "scheduled_agents"]
        ].mean()
        # where nobody is scheduled, agents on duty are only finishing contacts: occupancy 1
        # by definition in the simulation, and unknowable from the log — not compared
        scheduled = means.index[means["scheduled_agents"] > 0]
        busy = busy.join(means["staffed_time"], on=["agent_group", "interval"])
        busy = busy.set_index(["agent_group", "interval"]).loc[scheduled].reset_index()
        gi = gi.set_index(["agent_group", "interval"]).loc[scheduled].reset_index()
        gi = gi[["replication", "agent_group", "interval", "busy_time", "staffed_time"]]
        frames.append(C.compare_intervals(busy, gi, "agent_group", GROUP_KPIS, level))
        parts.append(C.compare_parts(busy, gi, "agent_group", GROUP_KPIS, sc.interval, level))
        flags.append(C.flags(parts[-1], frames[-1], "agent_group", sc.interval, level))
    else:
        notes.append("occupancy not compared: the log does not say which agent group served whom")
    intervals = pd.concat(frames, ignore_index=True)
    intervals["interval_start"] = intervals["interval"] * sc.interval
    cover = pd.concat(
        [C.coverage(f, "contact_type" if "contact_type" in f else "agent_group") for f in frames],
        ignore_index=True,
    )
    keys = ["contact_type", "agent_group"]
    intervals, cover, parts_frame, flag_frame = (
        _with_keys(frame, keys)
        for frame in (
            intervals,
            cover,
            pd.concat(parts, ignore_index=True),
            pd.concat([f for f in flags if len(f)] or flags[:1], ignore_index=True),
        )
    )
    return Backtest(
        scenario=sc,
        log=contact_log,
        intervals=intervals,
        parts=parts_frame,
        patience=patience,
        coverage=cover,
        flags=flag_frame,
        replications=replications,
        level=level,
        staffing_source="agent-state log" if sessions is not None else "scenario",
        notes=notes,
        provenance={
            "scenario": sc.name,
            "log": contact_log.source,
            "seed": seed,
            "replications": replications,
            "level": level,
            "cccsim_version": __version__,
            "wall_time": time.perf_counter() - started,
        },
    )


def align(
    sc: Scenario,
    log: ContactLog,
    sessions: pd.DataFrame | None,
    traces: dict[str, np.ndarray] | None,
) -> tuple[Scenario, list[str]]:
    """The scenario over the log's period: its horizon, first weekday, no warm-up, and (given)
    the agent-state log's staffing and replayed arrivals."""
    overrides: dict[str, Any] = {
        "horizon": log.horizon,
        "start_weekday": log.start_weekday,
        "warmup": 0.0,
    }
    notes = []
    if sessions is not None:
        unknown = sorted(set(sessions["agent_group"]) - set(sc.agent_groups))
        if unknown:
            raise LogError(
                f"agent-state log: agent group {', '.join(unknown)} not in the scenario "
                f"({', '.join(sc.agent_groups)})"
            )
        named = [g for g in sc.agent_groups if g in set(sessions["agent_group"])]
        table = staffing(
            log.contacts, sessions, horizon=log.horizon, interval=sc.interval, groups=named
        )
        for g, part in table.groupby("agent_group", sort=False):
            overrides[f"agent_groups.{g}.staff"] = [int(v) for v in part["staff"]]
            if sc.agent_groups[str(g)].shifts:
                overrides[f"agent_groups.{g}.shifts"] = {}
        notes += [
            f"{g}: not in the agent-state log, its own staffing kept"
            for g in sc.agent_groups
            if g not in named
        ]
    if traces is not None:
        if sc.ivr:
            raise LogError("replaying arrivals is not supported for scenarios with an IVR")
        for t, instants in traces.items():
            if t in sc.contact_types:
                overrides[f"contact_types.{t}.arrivals"] = {"trace": [float(v) for v in instants]}
    return load_scenario(sc, overrides=overrides), notes


def _first_contacts(
    log: ContactLog, retrial_window: str | float, repeat_window: str | float
) -> dict[str, np.ndarray]:
    """Queue-entry instants of each type's first contacts (not retrials or repeats)."""
    journeys = fit_journeys(
        log.contacts,
        horizon=log.horizon,
        retrial_window=parse_duration(retrial_window),
        repeat_window=parse_duration(repeat_window),
    )
    first = log.contacts[journeys.link == "first"]
    return {
        str(t): np.sort(part["queue_at"].to_numpy(dtype=float))
        for t, part in first.groupby("contact_type", sort=False)
    }


def _type_sums(intervals: pd.DataFrame, types: list[str]) -> pd.DataFrame:
    """The simulated ``SUMS`` per replication × contact type × interval from the KPI columns."""
    s = intervals[intervals["contact_type"].astype(str).isin(types)]
    reached = s["answered"] + s["abandoned"] + s["balked"] + s["open"]
    sums = pd.DataFrame(
        {
            "replication": s["replication"].to_numpy(),
            "contact_type": s["contact_type"].astype(str).to_numpy(),
            "interval": s["interval"].to_numpy(),
            "offered": s["offered"].to_numpy(dtype=float),
            "reached": reached.to_numpy(dtype=float),
            "within": (s["service_level"].fillna(0.0) * reached).to_numpy(dtype=float),
            "answered": s["answered"].to_numpy(dtype=float),
            "wait_answered": (s["asa"].fillna(0.0) * s["answered"]).to_numpy(dtype=float),
            "abandoned": s["abandoned"].to_numpy(dtype=float),
        }
    )
    assert list(sums.columns[3:]) == list(SUMS)
    return sums


def _with_keys(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``frame`` with both key columns (contact type, agent group) first, missing ones empty."""
    for k in keys:
        if k not in frame:
            frame[k] = pd.Series(np.nan, index=frame.index, dtype=object)
    return frame[keys + [c for c in frame.columns if c not in keys]]
