"""KPIs of one replication, as tidy DataFrames (columns documented in docs/reference/results.md).

Definitions (DESIGN.md §5): offered = arrivals in the measurement window [warmup, horizon);
service_level = answered within the threshold ÷ (offered − blocked); asa = mean wait of answered;
p_wait = share of (offered − blocked) that waited more than zero; abandon_rate = abandoned ÷
(offered − blocked); block_rate = blocked ÷ offered.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cccsim.levels import integrate_spans
from cccsim.records import (
    ABANDONED,
    ANSWERED,
    BALKED,
    BLOCKED,
    CALLBACK,
    CLOSED,
    KINDS,
    NOT_REACHED,
    OPEN,
    OUTCOMES,
    VOICEMAIL,
    Records,
    busy_spans,
    inbound,
    wait_times,
)
from cccsim.stats.costs import contact_minutes, customer_costs, operating_costs, telephony_costs

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

KPI_COLUMNS: tuple[str, ...] = (
    "offered",
    "answered",
    "abandoned",
    "blocked",
    "open",
    "closed",
    "balked",
    "callbacks",
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
)
"""Per-contact-type KPI columns of ``summary`` and ``intervals`` (after the key columns)."""


def contacts_frame(rec: Records) -> pd.DataFrame:
    """One row per contact that arrived within the horizon (warm-up included, flagged)."""
    m = rec.model
    type_names = [t.name for t in m.types]
    group_names = [g.name for g in m.groups]
    served = rec.outcome == ANSWERED
    return pd.DataFrame(
        {
            "contact_id": np.arange(rec.n_contacts),
            "contact_type": pd.Categorical.from_codes(
                rec.contact_type, categories=pd.Index(type_names)
            ),
            "channel": pd.Categorical(np.array([t.channel for t in m.types])[rec.contact_type]),
            "arrived_at": rec.arrived_at,
            "answered_at": rec.answered_at,
            "ended_at": rec.ended_at,
            "wait_time": wait_times(rec),
            "handle_time": np.where(served, rec.handle_time, np.nan),
            "outcome": pd.Categorical.from_codes(rec.outcome, categories=pd.Index(list(OUTCOMES))),
            "agent_group": pd.Categorical.from_codes(rec.group, categories=pd.Index(group_names)),
            "agent": rec.agent,
            "interval": (rec.arrived_at // m.interval).astype(np.int32),
            "measured": rec.arrived_at >= m.warmup,
            "customer_cost": customer_costs(rec),
            "kind": pd.Categorical.from_codes(
                rec.kind if rec.kind is not None else np.zeros(rec.n_contacts, dtype=np.int8),
                categories=pd.Index(list(KINDS)),
            ),
            "customer": rec.customer if rec.customer is not None else np.arange(rec.n_contacts),
            "attempt": rec.attempt
            if rec.attempt is not None
            else np.ones(rec.n_contacts, dtype=np.int16),
            "entered_at": rec.entered_at if rec.entered_at is not None else rec.arrived_at,
            "resolved": rec.resolved if rec.resolved is not None else rec.outcome == ANSWERED,
            "callback_offered": rec.offered_callback
            if rec.offered_callback is not None
            else np.zeros(rec.n_contacts, dtype=bool),
        }
    )


def _kpis(
    rec: Records, idx: np.ndarray, wait: np.ndarray, threshold: float, live_all: np.ndarray
) -> dict[str, float]:
    """KPIs of the contacts ``idx`` (indices): inbound ones for the queue KPIs, callbacks for theirs."""
    live = live_all[idx]
    outcome, w, handle = rec.outcome[idx][live], wait[idx][live], rec.handle_time[idx][live]
    offered = outcome.size
    answered = outcome == ANSWERED
    n_answered = int(answered.sum())
    count = {
        code: int((outcome == code).sum()) for code in (ABANDONED, BLOCKED, OPEN, CLOSED, BALKED)
    }
    left = int(np.isin(outcome, (CALLBACK, VOICEMAIL)).sum())
    reached = offered - int(np.isin(outcome, NOT_REACHED).sum())
    within = int((answered & (w <= threshold)).sum())
    waited = int((~np.isin(outcome, NOT_REACHED) & (w > 0)).sum())
    callbacks = _callback_kpis(rec, idx, ~live)

    def ratio(a: float, b: float) -> float:
        return a / b if b > 0 else np.nan

    return {
        "offered": offered,
        "answered": n_answered,
        "abandoned": count[ABANDONED],
        "blocked": count[BLOCKED],
        "open": count[OPEN],
        "closed": count[CLOSED],
        "balked": count[BALKED],
        "callbacks": left,
        "service_level": ratio(within, reached),
        "asa": float(w[answered].mean()) if n_answered else np.nan,
        "p_wait": ratio(waited, reached),
        "abandon_rate": ratio(count[ABANDONED], reached),
        "block_rate": ratio(count[BLOCKED], offered),
        "closed_rate": ratio(count[CLOSED], offered),
        "balk_rate": ratio(count[BALKED], reached),
        "aht": float(handle[answered].mean()) if n_answered else np.nan,
        "mean_wait": float(w[~np.isin(outcome, NOT_REACHED)].mean()) if reached else np.nan,
        **callbacks,
    }


def _callback_kpis(rec: Records, idx: np.ndarray, is_callback: np.ndarray) -> dict[str, float]:
    """Offered, completed, time to callback and promise kept for the callbacks among ``idx``."""
    offered = int(rec.offered_callback[idx].sum()) if rec.offered_callback is not None else 0
    if not is_callback.any() or rec.entered_at is None:
        return {
            "callback_offered": offered,
            "callbacks_completed": 0,
            "time_to_callback": np.nan,
            "callback_promise_kept": np.nan,
        }
    idx = idx[is_callback]
    done = rec.outcome[idx] == ANSWERED
    delay = rec.answered_at[idx] - rec.entered_at[idx]
    promise = np.array([t.callback.promise if t.callback else np.inf for t in rec.model.types])[
        rec.contact_type[idx]
    ]
    return {
        "callback_offered": offered,
        "callbacks_completed": int(done.sum()),
        "time_to_callback": float(delay[done].mean()) if done.any() else np.nan,
        "callback_promise_kept": float((done & (delay <= promise)).mean()),
    }


def _queue_areas(rec: Records, wait: np.ndarray, edges: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """∫ contacts waiting dt over each interval, for the contacts in ``mask``."""
    start = rec.arrived_at[mask]
    end = start + wait[mask]
    return integrate_spans(start, end, edges)


def summary_frame(rec: Records) -> pd.DataFrame:
    """One row per contact type over the measurement window."""
    m = rec.model
    wait = wait_times(rec)
    measured = rec.arrived_at >= m.warmup
    window = np.array([m.warmup, m.horizon])
    live_all = inbound(rec)
    rows = []
    _, split = operating_costs(rec)
    customer, telephony = customer_costs(rec), telephony_costs(rec)
    _, waiting_minutes, _ = contact_minutes(rec)
    resolved = rec.resolved if rec.resolved is not None else rec.outcome == ANSWERED
    for t in m.types:
        sel = measured & (rec.contact_type == t.index)
        row: dict[str, Any] = {"contact_type": t.name, "channel": t.channel}
        row.update(_kpis(rec, np.flatnonzero(sel), wait, t.threshold, live_all))
        reached = sel & ~np.isin(rec.outcome, NOT_REACHED)
        operating, phone = float(split[:, t.index].sum()), float(telephony[sel].sum())
        row.update(
            {
                "operating_cost": operating,
                "telephony_cost": phone,
                "cost_per_answered": (operating + phone) / row["answered"]
                if row["answered"]
                else np.nan,
                # a customer counts as resolved where the resolving contact was handled
                "cost_per_resolved_customer": (operating + phone) / n_resolved
                if (n_resolved := int((sel & resolved).sum()))
                else np.nan,
                "customer_cost": float(customer[sel].sum()),
                "customer_cost_per_contact": float(customer[reached].mean())
                if reached.any()
                else np.nan,
                # only real-time customers wait on the line or in the chat window
                "customer_wait_minutes": float(waiting_minutes[reached].sum())
                if t.channel in ("voice", "chat")
                else 0.0,
            }
        )
        of_type = rec.contact_type == t.index
        row["mean_queue"] = float(
            _queue_areas(rec, wait, window, of_type)[0] / (m.horizon - m.warmup)
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=["contact_type", "channel", *KPI_COLUMNS, *COST_COLUMNS])


def intervals_frame(rec: Records) -> pd.DataFrame:
    """One row per contact type × reporting interval (contacts counted in their arrival interval)."""
    m = rec.model
    wait = wait_times(rec)
    interval = (rec.arrived_at // m.interval).astype(np.int64)
    edges = np.minimum(np.arange(m.n_intervals + 1) * m.interval, m.horizon)
    live_all = inbound(rec)
    rows = []
    for t in m.types:
        of_type = rec.contact_type == t.index
        order = np.flatnonzero(of_type)
        bounds = np.searchsorted(interval[order], np.arange(m.n_intervals + 1))
        areas = _queue_areas(rec, wait, edges, of_type)
        for k in range(m.n_intervals):
            sel = order[bounds[k] : bounds[k + 1]]
            row: dict[str, Any] = {
                "contact_type": t.name,
                "channel": t.channel,
                "interval": k,
                "interval_start": float(edges[k]),
            }
            row.update(_kpis(rec, sel, wait, t.threshold, live_all))
            row["mean_queue"] = float(areas[k] / (edges[k + 1] - edges[k]))
            rows.append(row)
    frame = pd.DataFrame(
        rows, columns=["contact_type", "channel", "interval", "interval_start", *KPI_COLUMNS]
    )
    frame["measured"] = frame["interval_start"] >= m.warmup
    return frame


def _group_areas(rec: Records, edges: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    m = rec.model
    staffed, busy = [], []
    for g in m.groups:
        s = rec.session_group == g.index
        staffed.append(integrate_spans(rec.session_start[s], rec.session_end[s], edges))
        start, end, w = busy_spans(rec, g.index)
        busy.append(integrate_spans(start, end, edges, w))
    return staffed, busy


def scheduled_agents(rec: Records, group: int) -> np.ndarray:
    """Agents scheduled (before shrinkage and adherence) in each reporting interval."""
    m = rec.model
    changes = m.groups[group].scheduled or m.groups[group].staff_changes
    starts = np.array([at for at, _ in changes])
    counts = np.array([n for _, n in changes], dtype=float)
    k = np.searchsorted(starts, np.arange(m.n_intervals) * m.interval, side="right") - 1
    return counts[np.maximum(k, 0)]


def groups_frame(rec: Records) -> pd.DataFrame:
    """One row per agent group over the measurement window."""
    m = rec.model
    staffed, busy = _group_areas(rec, np.array([m.warmup, m.horizon]))
    per_group, _ = operating_costs(rec)
    measured = rec.arrived_at >= m.warmup
    answered = (rec.outcome == ANSWERED) & measured
    total = max(int(answered.sum()), 1)
    rows = []
    for g in m.groups:
        n = int((answered & (rec.group == g.index)).sum())
        st, bt = float(staffed[g.index][0]), float(busy[g.index][0])
        rows.append(
            {
                "agent_group": g.name,
                "provider": g.provider,
                "site": g.site,
                "staffed_time": st,
                "busy_time": bt,
                "occupancy": bt / st if st > 0 else np.nan,
                "mean_agents": st / (m.horizon - m.warmup),
                "scheduled_agents": float(
                    scheduled_agents(rec, g.index)[
                        np.arange(m.n_intervals) * m.interval >= m.warmup - 1e-9
                    ].mean()
                ),
                "answered": n,
                "answered_share": n / total,
                "operating_cost": float(per_group[g.index]),
            }
        )
    return pd.DataFrame(rows)


def group_intervals_frame(rec: Records) -> pd.DataFrame:
    """One row per agent group × reporting interval."""
    m = rec.model
    edges = np.minimum(np.arange(m.n_intervals + 1) * m.interval, m.horizon)
    staffed, busy = _group_areas(rec, edges)
    length = np.diff(edges)
    frames = []
    for g in m.groups:
        st, bt = staffed[g.index], busy[g.index]
        with np.errstate(invalid="ignore", divide="ignore"):
            occ = np.where(st > 0, bt / st, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "agent_group": g.name,
                    "interval": np.arange(m.n_intervals),
                    "interval_start": edges[:-1],
                    "staffed_time": st,
                    "busy_time": bt,
                    "occupancy": occ,
                    "mean_agents": st / length,
                    "scheduled_agents": scheduled_agents(rec, g.index),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out["measured"] = out["interval_start"] >= m.warmup
    return out
