"""Costs of one replication: the client's operating and telephony costs, the customers' costs.

Operating cost per group follows its pricing (per staffed hour over the measurement window, per
handled minute, or per handled contact) and is allocated to contact types by busy time (staffed
hours) or directly (handled pricing), so the per-type costs add up to the groups' total.
Customers pay their tariff for the minutes they pay for (waiting, talking) — ISO 18295-2, 5.5.
"""

from __future__ import annotations

import numpy as np

from cccsim.levels import integrate_spans
from cccsim.records import ANSWERED, BLOCKED, CALLBACK_KIND, Records, wait_times


def contact_minutes(rec: Records) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IVR, waiting, talking) minutes of each contact; talking only for answered contacts, IVR
    only for contacts that came through an IVR (callbacks are outbound: no IVR, no queue)."""
    wait = np.where(rec.outcome == BLOCKED, 0.0, wait_times(rec)) / 60.0
    talk = np.where(rec.outcome == ANSWERED, rec.handle_time, 0.0) / 60.0
    ivr = np.zeros(rec.n_contacts)
    if rec.entered_at is not None and rec.kind is not None:
        inbound = rec.kind != CALLBACK_KIND
        ivr = np.where(inbound, np.maximum(rec.arrived_at - rec.entered_at, 0.0), 0.0) / 60.0
        wait = np.where(inbound, wait, 0.0)
    return ivr, wait, talk


def customer_costs(rec: Records) -> np.ndarray:
    """What each contact cost its customer (tariff × the minutes the customer pays for)."""
    ivr, wait, talk = contact_minutes(rec)
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


def telephony_costs(rec: Records) -> np.ndarray:
    """What each contact cost the client in telephony (IVR, queue and talk minutes)."""
    ivr, wait, talk = contact_minutes(rec)
    rate = np.array([t.telephony_per_minute for t in rec.model.types])[rec.contact_type]
    return rate * (ivr + wait + talk)


def operating_costs(rec: Records) -> tuple[np.ndarray, np.ndarray]:
    """(cost per group, cost per group × contact type) over the measurement window."""
    m = rec.model
    window = np.array([m.warmup, m.horizon])
    n_types = len(m.types)
    per_group = np.zeros(len(m.groups))
    split = np.zeros((len(m.groups), n_types))
    measured = rec.arrived_at >= m.warmup
    answered = (rec.outcome == ANSWERED) & measured
    weight = rec.busy_weight()
    for g in m.groups:
        mine = answered & (rec.group == g.index)
        if g.cost_basis is None:
            continue
        if g.cost_basis == "handled_minute":
            by_type = np.bincount(
                rec.contact_type[mine], weights=rec.handle_time[mine] / 60.0, minlength=n_types
            )
            split[g.index] = g.cost_rate * by_type
        elif g.cost_basis == "handled_contact":
            split[g.index] = g.cost_rate * np.bincount(rec.contact_type[mine], minlength=n_types)
        else:  # staffed hours, allocated to contact types by busy time (equally if never busy)
            s = rec.session_group == g.index
            staffed = float(integrate_spans(rec.session_start[s], rec.session_end[s], window)[0])
            total = g.cost_rate * staffed / 3600.0
            busy = np.array(
                [
                    float(
                        integrate_spans(
                            rec.answered_at[b],
                            np.minimum(rec.ended_at[b], m.horizon),
                            window,
                            weight[b],
                        )[0]
                    )
                    for b in (
                        (rec.group == g.index) & (rec.outcome == ANSWERED) & (rec.contact_type == t)
                        for t in range(n_types)
                    )
                ]
            )
            if busy.sum() > 0:
                split[g.index] = total * busy / busy.sum()
            elif g.skills:
                split[g.index, list(g.skills)] = total / len(g.skills)
        per_group[g.index] = split[g.index].sum()
    return per_group, split
