"""Costs of each contact: the client's telephony, the customer's own (operating costs are
computed from the tallies, ``stats.kpis.operating_costs``).

Customers pay their tariff for the minutes they pay for (waiting, talking) — ISO 18295-2, 5.5.
"""

from __future__ import annotations

import numpy as np

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
