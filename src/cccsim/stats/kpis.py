"""KPIs of one replication, as tidy DataFrames (columns documented in docs/reference/results.md),
computed from a ``Tally`` (``stats.tally``) of its records — the whole records or the sum of the
parts streamed during the run.

Definitions (docs/reference/results.md): offered = arrivals in the measurement window [warmup,
horizon); *reached* = offered − blocked − closed − callbacks and voicemails − offline forms (the
contacts that joined the live queue); service_level = answered within the threshold ÷ reached,
both counting only contacts due by the horizon (arrived at least the threshold before it; the
rest are ``not_due``); asa = mean wait of answered; p_wait = share of reached that waited more
than zero; abandon_rate = abandoned ÷ reached; block_rate = blocked ÷ offered.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.model.build import Model
from cccsim.records import ANSWERED, KINDS, OUTCOMES, Records, wait_times
from cccsim.stats.costs import customer_costs, group_bill, paid_time
from cccsim.stats.tally import Tally, as_tally, ratio
from cccsim.stats.waits import wait_curves, wait_grid

COST_COLUMNS: tuple[str, ...] = (
    "operating_cost",
    "telephony_cost",
    "cost_per_answered",
    "cost_per_resolved_customer",
    "customer_cost",
    "customer_cost_per_contact",
    "customer_wait_minutes",
)
"""Cost columns of ``summary`` (in the scenario's currency)."""

OUTCOME_COUNTS: tuple[str, ...] = (
    "answered",
    "abandoned",
    "blocked",
    "balked",
    "closed",
    "callbacks",
    "offline_forms",
    "open",
)
"""The accounting identity: every contact customers made (``offered``) ends as exactly one of
these, so ``offered`` = answered + abandoned + blocked + balked + closed + callbacks +
offline_forms + open, per contact type and interval (docs/reference/results.md)."""

KPI_COLUMNS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "blocked",
    "open",
    "closed",
    "balked",
    "callbacks",
    "offline_forms",
    "voicemails",
    "service_level",
    "asa",
    "p_wait",
    "abandon_rate",
    "block_rate",
    "closed_rate",
    "balk_rate",
    "aht",
    "mean_wait",
    "mean_queue",
    "callback_offered",
    "callbacks_completed",
    "time_to_callback",
    "callback_promise_kept",
    "not_due",
)
"""Per-contact-type KPI columns of ``summary`` and ``intervals`` (after the key columns)."""


Coded = tuple[np.ndarray, list[str]]
"""A categorical column: codes (−1 for none) into the names."""


def contacts_frame(rec: Records) -> pd.DataFrame:
    """One row per contact that arrived within the horizon (warm-up included, flagged)."""
    return pd.DataFrame(
        {
            name: pd.Categorical.from_codes(v[0], categories=pd.Index(v[1]))
            if isinstance(v, tuple)
            else v
            for name, v in contact_columns(rec).items()
        }
    )


def contact_columns(rec: Records) -> dict[str, np.ndarray | Coded]:
    """The columns of ``contacts_frame``, categorical ones as codes and names (the contacts
    stream writes them to Parquet without building the pandas frame)."""
    m = rec.model
    channels = sorted({t.channel for t in m.types})  # fixed, so streamed parts share them
    served = rec.outcome == ANSWERED
    return {
        "contact_id": rec.contact_id
        if rec.contact_id is not None
        else np.arange(rec.n_contacts, dtype=np.int64),
        "contact_type": (rec.contact_type, [t.name for t in m.types]),
        "channel": (
            np.array([channels.index(t.channel) for t in m.types], dtype=np.int8)[rec.contact_type],
            channels,
        ),
        "arrived_at": rec.arrived_at,
        "answered_at": rec.answered_at,
        "ended_at": rec.ended_at,
        "wait_time": wait_times(rec),
        "handle_time": np.where(served, rec.handle_time, np.nan),
        "outcome": (rec.outcome, list(OUTCOMES)),
        "agent_group": (rec.group, [g.name for g in m.groups]),
        "agent": rec.agent,
        "interval": (rec.arrived_at // m.interval).astype(np.int32),
        "measured": rec.arrived_at >= m.warmup,
        "customer_cost": customer_costs(rec),
        "kind": (
            rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, dtype=np.int8),
            list(KINDS),
        ),
        "customer": rec.customer if rec.customer is not None else np.arange(rec.n_contacts),
        "attempt": rec.attempt if rec.attempt is not None else np.ones(rec.n_contacts, np.int16),
        "entered_at": rec.entered_at if rec.entered_at is not None else rec.arrived_at,
        "resolved": rec.resolved if rec.resolved is not None else rec.outcome == ANSWERED,
        "callback_offered": rec.offered_callback
        if rec.offered_callback is not None
        else np.zeros(rec.n_contacts, dtype=bool),
    }


def unaccounted(frame: pd.DataFrame) -> pd.Series:
    """offered − the sum of ``OUTCOME_COUNTS`` per row of ``summary`` or ``intervals`` (0 when
    every contact is accounted for)."""
    return frame["offered"] - frame[list(OUTCOME_COUNTS)].sum(axis=1)


def _kpi_columns(s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The KPI columns from the sums of some contacts (any shape, element by element)."""
    count = {k: s[k].round().astype(np.int64) for k in ("offered", *OUTCOME_COUNTS)}
    return {
        **{k: count[k] for k in KPI_COLUMNS[: len(count)]},
        "voicemails": s["voicemails"].round().astype(np.int64),
        "service_level": ratio(s["within"], s["due"]),
        "asa": ratio(s["wait_answered"], s["answered"]),
        "p_wait": ratio(s["waited"], s["reached"]),
        "abandon_rate": ratio(s["abandoned"], s["reached"]),
        "block_rate": ratio(s["blocked"], s["offered"]),
        "closed_rate": ratio(s["closed"], s["offered"]),
        "balk_rate": ratio(s["balked"], s["reached"]),
        "aht": ratio(s["handle_answered"], s["answered"]),
        "mean_wait": ratio(s["wait_reached"], s["reached"]),
        "callback_offered": s["callback_offered"].round().astype(np.int64),
        "callbacks_completed": s["cb_done"].round().astype(np.int64),
        "time_to_callback": ratio(s["cb_delay"], s["cb_done"]),
        "callback_promise_kept": ratio(s["cb_kept"], s["cb_made"]),
        "not_due": s["not_due"].round().astype(np.int64),
    }


def paid_times(tl: Tally) -> tuple[np.ndarray, np.ndarray]:
    """(paid, overtime) agent-seconds per group over the measurement window (``costs.paid_time``)."""
    paid, overtime = paid_time(tl.model, tl.staffed, tl.bins.edges)
    measured = tl.bins.measured
    return paid[:, measured].sum(axis=1), overtime[:, measured].sum(axis=1)


def operating_costs(tl: Tally) -> tuple[np.ndarray, np.ndarray]:
    """(cost per group, cost per group × contact type) over the measurement window.

    Each group is billed by ``costs.group_bill``; a group paid per staffed hour is allocated to
    contact types by its busy time on each (equally over its skills if never busy). The per-type
    costs add up to the group's bill, except for a group no contact type is routed to (billed,
    allocated to none).
    """
    m = tl.model
    paid, _ = paid_times(tl)
    per_group = np.zeros(len(m.groups))
    split = np.zeros((len(m.groups), len(m.types)))
    for g in m.groups:
        minutes, answered = tl.group_handled_minutes[g.index], tl.group_answered[g.index]
        per_group[g.index] = group_bill(g, paid[g.index], minutes.sum(), answered.sum())
        if g.cost_basis == "handled_minute":
            split[g.index] = group_bill(g, 0.0, 1.0, 0.0) * minutes
        elif g.cost_basis == "handled_contact":
            split[g.index] = group_bill(g, 0.0, 0.0, 1.0) * answered
        elif g.cost_basis == "staffed_hour":
            busy = tl.group_busy[g.index]
            if busy.sum() > 0:
                split[g.index] = per_group[g.index] * busy / busy.sum()
            elif g.skills:
                split[g.index, list(g.skills)] = per_group[g.index] / len(g.skills)
    return per_group, split


def summary_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per contact type over the measurement window."""
    tl = as_tally(source)
    m, bins = tl.model, tl.bins
    sums = {name: v[:, bins.measured].sum(axis=1) for name, v in tl.types.items()}
    frame = pd.DataFrame(
        {
            "contact_type": [t.name for t in m.types],
            "channel": [t.channel for t in m.types],
            **_kpi_columns(sums),
        }
    )
    frame["mean_queue"] = tl.queue_area[:, bins.measured].sum(axis=1) / (m.horizon - m.warmup)
    _, split = operating_costs(tl)
    operating = split.sum(axis=0) if split.size else np.zeros(len(m.types))
    total = operating + sums["telephony_cost"]
    frame["operating_cost"] = operating
    frame["telephony_cost"] = sums["telephony_cost"]
    frame["cost_per_answered"] = ratio(total, sums["answered"])
    # a customer counts as resolved where the resolving contact was handled
    frame["cost_per_resolved_customer"] = ratio(total, sums["resolved"])
    frame["customer_cost"] = sums["customer_cost"]
    # every contact customers made (callbacks are free to them, and not offered)
    frame["customer_cost_per_contact"] = ratio(sums["customer_cost"], sums["offered"])
    # only real-time customers wait on the line or in the chat window
    real_time = np.array([t.channel in ("voice", "chat") for t in m.types], dtype=bool)
    frame["customer_wait_minutes"] = np.where(real_time, sums["wait_minutes_reached"], 0.0)
    return frame[["contact_type", "channel", *KPI_COLUMNS, *COST_COLUMNS]]


def intervals_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per contact type × reporting interval (contacts counted in their arrival interval)."""
    tl = as_tally(source)
    m, bins = tl.model, tl.bins
    edges = bins.interval_edges
    n = m.n_intervals
    sums = {name: bins.per_interval(v).reshape(-1) for name, v in tl.types.items()}
    area = bins.per_interval(tl.queue_area) / np.diff(edges)
    frame = pd.DataFrame(
        {
            "contact_type": np.repeat([t.name for t in m.types], n),
            "channel": np.repeat([t.channel for t in m.types], n),
            "interval": np.tile(np.arange(n), len(m.types)),
            "interval_start": np.tile(edges[:-1], len(m.types)),
            **_kpi_columns(sums),
        }
    )
    frame["mean_queue"] = area.reshape(-1)
    frame = frame[["contact_type", "channel", "interval", "interval_start", *KPI_COLUMNS]]
    frame["measured"] = frame["interval_start"] >= m.warmup
    return frame


def scheduled_agents(m: Model, group: int) -> np.ndarray:
    """Agents scheduled (before shrinkage and adherence) in each reporting interval."""
    changes = m.groups[group].scheduled or m.groups[group].staff_changes
    starts = np.array([at for at, _ in changes])
    counts = np.array([n for _, n in changes], dtype=float)
    k = np.searchsorted(starts, np.arange(m.n_intervals) * m.interval, side="right") - 1
    return counts[np.maximum(k, 0)]


def groups_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per agent group over the measurement window."""
    tl = as_tally(source)
    m, bins = tl.model, tl.bins
    per_group, _ = operating_costs(tl)
    paid, overtime = paid_times(tl)
    answered = tl.group_answered.sum(axis=1)
    total = max(round(float(answered.sum())), 1)
    in_window = bins.interval_edges[1:] > m.warmup + 1e-9  # intervals overlapping the window
    rows = []
    for g in m.groups:
        st = float(tl.staffed[g.index, bins.measured].sum())
        bt = float(tl.busy[g.index, bins.measured].sum())
        n = round(float(answered[g.index]))
        rows.append(
            {
                "agent_group": g.name,
                "provider": g.provider,
                "site": g.site,
                "staffed_time": st,
                "busy_time": bt,
                "occupancy": bt / st if st > 0 else np.nan,
                "mean_agents": st / (m.horizon - m.warmup),
                "scheduled_agents": float(scheduled_agents(m, g.index)[in_window].mean()),
                "answered": n,
                "answered_share": n / total,
                "paid_time": float(paid[g.index]),
                "overtime": float(overtime[g.index]),
                "operating_cost": float(per_group[g.index]),
            }
        )
    return pd.DataFrame(rows)


def group_intervals_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per agent group × reporting interval."""
    tl = as_tally(source)
    m, bins = tl.model, tl.bins
    edges = bins.interval_edges
    staffed, busy = bins.per_interval(tl.staffed), bins.per_interval(tl.busy)
    frames = []
    for g in m.groups:
        st, bt = staffed[g.index], busy[g.index]
        frames.append(
            pd.DataFrame(
                {
                    "agent_group": g.name,
                    "interval": np.arange(m.n_intervals),
                    "interval_start": edges[:-1],
                    "staffed_time": st,
                    "busy_time": bt,
                    "occupancy": ratio(bt, st),
                    "mean_agents": st / np.diff(edges),
                    "scheduled_agents": scheduled_agents(m, g.index),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["measured"] = out["interval_start"] >= m.warmup
    return out


def waits_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per waiting-time curve × grid point: the share of contacts answered within
    ``wait`` (``stats.waits``: per contact type on the calendar clock, and per threshold target
    on its own clock, rules and base; contacts not yet due at ``wait`` left out)."""
    tl = as_tally(source)
    m = tl.model
    curves, grid = wait_curves(m), wait_grid(m)
    channel = {t.index: t.channel for t in m.types}
    frames = [
        pd.DataFrame(
            {
                "subject": c.subject,
                "target": c.target,
                "channel": channel[c.types[0]],
                "clock": "calendar" if c.calendar is None else "business hours",
                "threshold": c.threshold,
                "wait": grid,
                "within": sums[0].round().astype(np.int64),
                "base": sums[1].round().astype(np.int64),
                "share": ratio(sums[0], sums[1]),
            }
        )
        for c, sums in zip(curves, tl.waits, strict=True)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
