"""Compose the fitted pieces into a scenario (a plain dict, validated by ``load_scenario``) and
write it as readable YAML.

The scenario covers the log's period — its horizon is the log's whole days, day 1 its first
day — with each agent group's staff per interval of that period, so that simulating it replays
the period the log describes (``cccsim backtest``). Change the horizon, staffing and arrivals
to ask what-if questions about the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cccsim.fit.arrivals import ArrivalFit
from cccsim.fit.journeys import JourneyFit
from cccsim.fit.laws import LawChoice
from cccsim.fit.log import ContactLog
from cccsim.fit.staffing import max_concurrent, peak_levels
from cccsim.fit.survival import PatienceFit
from cccsim.units import DAY, format_duration, format_time_of_day


@dataclass
class Pieces:
    """Everything fitted, per contact type, ready to be written as a scenario."""

    log: ContactLog
    interval: float
    types: list[str]
    channels: dict[str, str]
    arrivals: dict[str, ArrivalFit]
    handle: dict[str, LawChoice]
    patience: dict[str, PatienceFit]
    journeys: JourneyFit
    staffing: pd.DataFrame
    staffing_source: str
    thresholds: dict[str, float]


def compose(p: Pieces, name: str | None = None) -> dict[str, Any]:
    """The scenario as a dict (loadable with ``cccsim.load_scenario``)."""
    log = p.log
    first = log.start.strftime("%Y-%m-%d")
    last = (log.start + pd.Timedelta(days=log.days - 1)).strftime("%Y-%m-%d")
    staffing_note = (
        "Staff per interval: mean agents on duty in the agent-state log."
        if p.staffing_source == "agent-state log"
        else "Staff per interval: a LOWER BOUND — the most agents busy at once in the log "
        "(idle agents are not in a contact log); give an agent-state log for the real staffing."
    )
    data: dict[str, Any] = {
        "name": name or f"Fitted from {_basename(log.source)}",
        "description": (
            f"Fitted by cccsim fit from {log.n_rows - log.n_bad:,} usable contacts of "
            f"{_basename(log.source)} ({first} to {last}, {log.n_bad:,} bad rows dropped). "
            + staffing_note
        ),
        "horizon": f"{log.days}d",
        "interval": format_duration(p.interval).replace(" ", ""),
        "start_weekday": log.start_weekday,
        "contact_types": {t: _contact_type(p, t) for t in p.types},
        "agent_groups": _groups(p),
    }
    return data


def _contact_type(p: Pieces, t: str) -> dict[str, Any]:
    channel = p.channels[t]
    spec: dict[str, Any] = {"channel": channel}
    if t in p.arrivals:
        spec["arrivals"] = p.arrivals[t].spec()
    spec["handle_time"] = p.handle[t].spec() if t in p.handle else _fallback_handle(p)
    if t in p.patience and channel != "email":
        spec["patience"] = p.patience[t].choice.spec()
    if t in p.thresholds:
        spec["service_level_threshold"] = p.thresholds[t]
    access: dict[str, Any] = {}
    mine = p.log.contacts[p.log.contacts["contact_type"] == t]
    capacity = _queue_capacity(mine, p.log.horizon)
    if capacity is not None:
        access["queue_capacity"] = capacity
    hours = _hours(mine, p.log) if channel in ("voice", "chat") else None
    if hours is not None:
        access["hours"] = hours
    retrial = p.journeys.retrial_spec(t)
    if retrial is not None:
        access["retrial"] = retrial
    resolution = p.journeys.resolution_spec(t)
    if resolution is not None:
        access["resolution"] = resolution
    if access:
        spec["access"] = access
    return spec


def _fallback_handle(p: Pieces) -> dict[str, Any]:
    """A type never answered in the log: the mean handle time of all answered contacts."""
    answered = p.log.contacts["handle_time"].dropna()
    mean = float(answered.mean()) if len(answered) else 300.0
    return {"dist": "exponential", "mean": round(max(mean, 1.0), 1)}


def _groups(p: Pieces) -> dict[str, Any]:
    c = p.log.contacts
    served = c[c["outcome"] == "answered"]
    caps = max_concurrent(c)
    groups: dict[str, Any] = {}
    for g, table in p.staffing.groupby("agent_group", sort=False):
        mine = served[served["agent_group"] == g] if served["agent_group"].notna().any() else served
        skills = [str(t) for t in mine["contact_type"].value_counts().index if t in p.types]
        if not skills:
            continue  # on duty in the agent-state log, but answered nothing
        spec: dict[str, Any] = {"skills": skills, "staff": [int(v) for v in table["staff"]]}
        if caps.get(str(g), 1) > 1:
            spec["max_concurrent"] = caps[str(g)]
        groups[str(g)] = spec
    unserved = [t for t in p.types if not any(t in g["skills"] for g in groups.values())]
    for spec in groups.values():  # types nobody answered: every group may take them, last
        spec["skills"] += unserved
    return groups


def _queue_capacity(mine: pd.DataFrame, horizon: float) -> int | None:
    """With blocked contacts: the most contacts of the type seen waiting at once (else no cap)."""
    if not (mine["outcome"] == "blocked").any():
        return None
    waited = mine[mine["outcome"].isin(["answered", "abandoned", "open"])]
    start = waited["queue_at"].to_numpy(dtype=float)
    end = start + waited["wait_time"].to_numpy(dtype=float)
    peak = peak_levels(start, end, np.ones_like(start), np.array([0.0, horizon]))
    return int(peak[0])


def _hours(mine: pd.DataFrame, log: ContactLog) -> dict[str, list[str]] | None:
    """With contacts refused out of hours: open in the half hours of each weekday where fewer
    than half of the log's contacts were refused (closed where the log has no contact)."""
    closed = mine["outcome"] == "closed"
    if not closed.any():
        return None
    step = 1800.0
    day = (mine["queue_at"] // DAY).astype(np.int64)
    weekday = (day + log.start.weekday()) % 7
    slot = ((mine["queue_at"] % DAY) // step).astype(np.int64)
    share = closed.groupby([weekday.to_numpy(), slot.to_numpy()]).mean()
    open_pairs = {(int(d), int(s)) for (d, s) in share.index[share.to_numpy() < 0.5]}
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    hours: dict[str, list[str]] = {}
    for w in range(7):
        open_slots = [s for d, s in open_pairs if d == w]
        ranges = _ranges(sorted(open_slots))
        hours[names[w]] = [
            f"{format_time_of_day(a * step)}-{format_time_of_day(b * step)}" for a, b in ranges
        ] or ["closed"]
    return hours


def _ranges(slots: list[int]) -> list[tuple[int, int]]:
    """Consecutive slots as [first, last + 1) ranges."""
    ranges: list[tuple[int, int]] = []
    for s in slots:
        if ranges and ranges[-1][1] == s:
            ranges[-1] = (ranges[-1][0], s + 1)
        else:
            ranges.append((s, s + 1))
    return ranges


def _basename(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]


# ----------------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for lists of numbers and small leaf maps."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> Any:
    flow = all(isinstance(v, int | float | str) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> Any:
    leaf = len(data) <= 4 and all(isinstance(v, int | float | str) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=leaf)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def to_yaml(data: dict[str, Any]) -> str:
    """The scenario as YAML: the structure in block style, numbers and laws on one line."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
