"""What things cost: each contact's telephony and customer cost, and what the client pays an agent
group under its pricing (the per-type split is ``stats.kpis.operating_costs``).

Customers pay their tariff for the minutes they pay for (waiting, talking) — ISO 18295-2, 5.5.

Agent groups are billed as paid (docs/reference/results.md, "Costs"):
- ``per_staffed_hour``: paid agent-hours = the scheduled agents' time (before shrinkage and
  adherence: absence, training and non-adherence are paid), less unpaid breaks, plus the time
  agents stay on duty past the schedule (finishing a contact after their shift or into a break);
- ``per_handled_minute``: handle minutes of the contacts the group answered;
- ``per_handled_contact``: contacts the group answered.
"""

from __future__ import annotations

import numpy as np

from cccsim.levels import integrate_spans
from cccsim.model.build import GroupModel, Model
from cccsim.records import ANSWERED, BLOCKED, CALLBACK_KIND, Records, wait_times

Minutes = tuple[np.ndarray, np.ndarray, np.ndarray]


def contact_minutes(rec: Records, waits: np.ndarray | None = None) -> Minutes:
    """(IVR, waiting, talking) minutes of each contact; talking only for answered contacts, IVR
    only for contacts that came through an IVR (callbacks are outbound: no IVR, no queue).
    ``waits``: ``wait_times(rec)``, when the caller has it."""
    waits = wait_times(rec) if waits is None else waits
    wait = np.where(rec.outcome == BLOCKED, 0.0, waits) / 60.0
    talk = np.where(rec.outcome == ANSWERED, rec.handle_time, 0.0) / 60.0
    ivr = np.zeros(rec.n_contacts)
    if rec.entered_at is not None and rec.kind is not None:
        inbound = rec.kind != CALLBACK_KIND
        ivr = np.where(inbound, np.maximum(rec.arrived_at - rec.entered_at, 0.0), 0.0) / 60.0
        wait = np.where(inbound, wait, 0.0)
    return ivr, wait, talk


def customer_costs(rec: Records, minutes: Minutes | None = None) -> np.ndarray:
    """What each contact cost its customer (tariff × the minutes the customer pays for);
    ``minutes``: ``contact_minutes(rec)``, when the caller has them."""
    ivr, wait, talk = minutes or contact_minutes(rec)
    types = rec.model.types
    rate = np.array([t.customer_per_minute for t in types])[rec.contact_type]
    pays_ivr = np.array([t.customer_pays_ivr for t in types])[rec.contact_type]
    pays_wait = np.array([t.customer_pays_waiting for t in types])[rec.contact_type]
    pays_talk = np.array([t.customer_pays_talking for t in types])[rec.contact_type]
    paid = rate * (
        np.where(pays_ivr, ivr, 0.0)
        + np.where(pays_wait, wait, 0.0)
        + np.where(pays_talk, talk, 0.0)
    )
    # callbacks are the client's calls: free to the customer (ISO 18295-2, 5.5)
    return np.where(rec.kind == CALLBACK_KIND, 0.0, paid) if rec.kind is not None else paid


def telephony_costs(rec: Records, minutes: Minutes | None = None) -> np.ndarray:
    """What each contact cost the client in telephony (IVR, queue and talk minutes)."""
    ivr, wait, talk = minutes or contact_minutes(rec)
    rate = np.array([t.telephony_per_minute for t in rec.model.types])[rec.contact_type]
    return rate * (ivr + wait + talk)


def schedule_time(
    changes: tuple[tuple[float, int], ...], edges: np.ndarray, horizon: float
) -> np.ndarray:
    """∫ agents dt of a schedule given as change points (instant, agents from then) over each
    [edges[k], edges[k+1]) — agent-seconds."""
    at = np.array([c[0] for c in changes] + [horizon], dtype=float)
    level = np.array([c[1] for c in changes], dtype=float)
    return integrate_spans(at[:-1], np.minimum(at[1:], horizon), edges, level)


def paid_time(m: Model, staffed: np.ndarray, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(paid, overtime) agent-seconds per group × period [edges[k], edges[k+1]).

    ``staffed`` is the agents' time on duty in each period (groups × periods, as simulated).
    Overtime is the time on duty beyond the on-duty schedule — agents finish the contact in hand
    before leaving — and is paid on top of the scheduled paid time.
    """
    paid = np.zeros((len(m.groups), edges.size - 1))
    overtime = np.zeros_like(paid)
    for g in m.groups:
        planned = schedule_time(g.staff_changes, edges, m.horizon)
        # on duty ≥ the schedule at every instant; the clip only absorbs rounding
        overtime[g.index] = np.maximum(staffed[g.index] - planned, 0.0)
        paid[g.index] = schedule_time(g.paid or g.scheduled or g.staff_changes, edges, m.horizon)
    return paid + overtime, overtime


def group_bill(
    g: GroupModel, paid_seconds: float, handled_minutes: float, answered: float
) -> float:
    """What the client pays group ``g`` for paid agent-seconds, handle minutes and contacts
    answered, under its pricing (0 when it is not costed)."""
    if g.cost_basis == "staffed_hour":
        return g.cost_rate * paid_seconds / 3600.0
    if g.cost_basis == "handled_minute":
        return g.cost_rate * handled_minutes
    if g.cost_basis == "handled_contact":
        return g.cost_rate * answered
    return 0.0
