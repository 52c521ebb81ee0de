"""The customer's view: journeys of attempts (retrials, channel switches, repeats, callbacks) and
the IVR in front of the queues.

A journey is every contact of one customer: the first attempt, retrials, repeats of unresolved
contacts and callbacks. Contact-basis KPIs count attempts; customer-basis KPIs count customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.records import Records
from cccsim.stats.tally import JOURNEY_SUMS, Tally, as_tally, first_types, ratio

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


def journeys_frame(source: Records | Tally) -> pd.DataFrame:
    """Per first contact type (and ``all``): customers whose journey began in the window, mean
    attempts, share served (answered at some point), share resolved, channel switches per customer,
    mean time from the first attempt to the end of the resolving contact, and the customer-basis
    service level (customers answered within the threshold at their first attempt)."""
    tl = as_tally(source)
    if tl.n_contacts == 0:
        return pd.DataFrame(columns=JOURNEY_COLUMNS)
    names = first_types(tl.model)
    have = tl.journeys[:, 0] > 0
    table = np.vstack([tl.journeys[have], tl.journeys.sum(axis=0)])
    s = dict(zip(JOURNEY_SUMS, table.T, strict=True))
    return pd.DataFrame(
        {
            "first_contact_type": [n for n, h in zip(names, have, strict=True) if h] + ["all"],
            "customers": s["customers"].round().astype(np.int64),
            "attempts_per_customer": ratio(s["attempts"], s["customers"]),
            "served": ratio(s["served"], s["customers"]),
            "resolved": ratio(s["resolved"], s["customers"]),
            "channel_switches_per_customer": ratio(s["switches"], s["customers"]),
            "mean_time_to_resolution": ratio(s["to_resolution"], s["resolved"]),
            "customer_service_level": ratio(s["quick"], s["customers"]),
            "customer_cost_per_customer": ratio(s["cost"], s["customers"]),
            "customer_cost_per_resolved_customer": ratio(s["cost_resolved"], s["resolved"]),
        },
        columns=JOURNEY_COLUMNS,
    )


def ivr_frame(source: Records | Tally) -> pd.DataFrame:
    """Per IVR entry point: calls in the window, contained in self-service, mean IVR time, and the
    share of callers choosing each contact type."""
    tl = as_tally(source)
    rows = []
    for entry, sums in zip(tl.model.ivr, tl.ivr, strict=True):
        calls, contained, ivr_time, routed = sums[:4].tolist()
        row = {
            "entry": entry.name,
            "calls": int(calls),
            "contained": int(contained),
            "containment_rate": contained / calls if calls else np.nan,
            "mean_ivr_time": ivr_time / calls if calls else np.nan,
        }
        for k, (choice, _) in enumerate(entry.choices):
            row[f"chose_{choice}"] = float(sums[4 + k] / routed) if routed else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
