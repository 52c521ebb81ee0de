"""The customer's view: journeys of attempts (retrials, channel switches, repeats, callbacks) and
the IVR in front of the queues.

A journey is every contact of one customer: the first attempt, retrials, repeats of unresolved
contacts and callbacks. Contact-basis KPIs count attempts; customer-basis KPIs count customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.records import ANSWERED, CALLBACK_KIND, Records
from cccsim.stats.costs import customer_costs

JOURNEY_COLUMNS = [
    "first_contact_type",
    "customers",
    "attempts_per_customer",
    "served",
    "resolved",
    "channel_switches_per_customer",
    "mean_time_to_resolution",
    "customer_service_level",
    "customer_cost_per_customer",
    "customer_cost_per_resolved_customer",
]


def journeys_frame(rec: Records) -> pd.DataFrame:
    """Per first contact type (and ``all``): customers whose journey began in the window, mean
    attempts, share served (answered at some point), share resolved, channel switches per customer,
    mean time from the first attempt to the end of the resolving contact, and the customer-basis
    service level (customers answered within the threshold at their first attempt)."""
    m = rec.model
    if rec.customer is None or rec.n_contacts == 0:
        return pd.DataFrame(columns=JOURNEY_COLUMNS)
    assert rec.kind is not None and rec.attempt is not None and rec.entered_at is not None
    assert rec.resolved is not None
    # Vectorised over customers: sort contacts by customer, then reduce each customer's run.
    order = np.lexsort((rec.arrived_at, rec.customer))
    cust = rec.customer[order]
    starts = np.flatnonzero(np.concatenate(([True], cust[1:] != cust[:-1])))
    first = order[starts]
    answered = rec.outcome[order] == ANSWERED
    inbound_contact = rec.kind[order] != CALLBACK_KIND
    channel_code = np.array(
        [["voice", "chat", "messaging", "email"].index(t.channel) for t in m.types]
    )
    channel = channel_code[rec.contact_type[order]]
    same = cust[1:] == cust[:-1]
    switch = np.concatenate(([0], ((channel[1:] != channel[:-1]) & same).astype(int)))
    resolved_end = np.where(rec.resolved[order], rec.ended_at[order], np.inf)
    threshold = np.array([t.threshold for t in m.types])[rec.contact_type[first]]
    wait_first = rec.answered_at[first] - rec.arrived_at[first]
    table = pd.DataFrame(
        {
            "first_contact_type": [m.types[t].parent for t in rec.contact_type[first]],
            "attempts": np.add.reduceat(inbound_contact.astype(int), starts),
            "served": np.maximum.reduceat(answered.astype(int), starts) > 0,
            "resolved_end": np.minimum.reduceat(resolved_end, starts),
            "switches": np.add.reduceat(switch, starts),
            "entered": rec.entered_at[first],
            "cost": np.add.reduceat(customer_costs(rec)[order], starts),
            "quick": (rec.outcome[first] == ANSWERED)
            & (wait_first <= threshold)
            & (rec.kind[first] != CALLBACK_KIND),
        }
    )
    table = table[table["entered"] >= m.warmup]
    table["resolved"] = np.isfinite(table["resolved_end"])
    table["to_resolution"] = np.where(
        table["resolved"], table["resolved_end"] - table["entered"], np.nan
    )
    rows = []
    for name, part in [*table.groupby("first_contact_type", sort=False), ("all", table)]:
        rows.append(
            {
                "first_contact_type": name,
                "customers": len(part),
                "attempts_per_customer": float(part["attempts"].mean()) if len(part) else np.nan,
                "served": float(part["served"].mean()) if len(part) else np.nan,
                "resolved": float(part["resolved"].mean()) if len(part) else np.nan,
                "channel_switches_per_customer": float(part["switches"].mean())
                if len(part)
                else np.nan,
                "mean_time_to_resolution": float(part["to_resolution"].mean())
                if part["resolved"].any()
                else np.nan,
                "customer_service_level": float(part["quick"].mean()) if len(part) else np.nan,
                "customer_cost_per_customer": float(part["cost"].mean()) if len(part) else np.nan,
                "customer_cost_per_resolved_customer": float(
                    part.loc[part["resolved"], "cost"].mean()
                )
                if part["resolved"].any()
                else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=JOURNEY_COLUMNS)


def ivr_frame(rec: Records) -> pd.DataFrame:
    """Per IVR entry point: calls in the window, contained in self-service, mean IVR time, and the
    share of callers choosing each contact type."""
    rows = []
    calls = pd.DataFrame(
        rec.ivr or [], columns=["entry", "called_at", "ivr_time", "contained", "choice"]
    )
    calls = calls[calls["called_at"] >= rec.model.warmup]
    for entry in rec.model.ivr:
        part = calls[calls["entry"] == entry.name]
        row = {
            "entry": entry.name,
            "calls": len(part),
            "contained": int(part["contained"].sum()),
            "containment_rate": float(part["contained"].mean()) if len(part) else np.nan,
            "mean_ivr_time": float(part["ivr_time"].mean()) if len(part) else np.nan,
        }
        routed = part[~part["contained"]]
        for choice, _ in entry.choices:
            row[f"chose_{choice}"] = (
                float((routed["choice"] == choice).mean()) if len(routed) else np.nan
            )
        rows.append(row)
    return pd.DataFrame(rows)
