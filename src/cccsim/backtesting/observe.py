"""The log's own KPIs, as sums per contact type (or agent group) × interval.

Definitions are the simulator's (docs/reference/results.md): a contact counts in the interval in
which it joined the queue; *reached* contacts are those that waited in the live queue (answered,
abandoned, balked or still waiting), the base of the service level and abandonment; the service
level counts answered contacts whose wait was at most the type's threshold; ASA is the mean wait
of answered contacts; occupancy is busy time ÷ staffed time. Sums rather than ratios are kept so
that intervals can be pooled (a day part, the whole period) as ratios of sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.fit.log import ContactLog
from cccsim.levels import integrate_spans

REACHED = ("answered", "abandoned", "balked", "open")
SUMS = ("offered", "reached", "within", "answered", "wait_answered", "abandoned")
"""Per contact type × interval: the sums every contact-type KPI is a ratio of."""


def type_sums(log: ContactLog, thresholds: dict[str, float], interval: float) -> pd.DataFrame:
    """Per contact type × interval of the log's period: the ``SUMS`` columns."""
    c = log.contacts
    n = int(np.ceil(log.horizon / interval - 1e-9))
    slot = np.clip((c["queue_at"].to_numpy() // interval).astype(np.int64), 0, n - 1)
    answered = (c["outcome"] == "answered").to_numpy()
    threshold = c["contact_type"].map(thresholds).to_numpy(dtype=float)
    wait = c["wait_time"].to_numpy(dtype=float)
    values = {
        "offered": np.ones(len(c)),
        "reached": c["outcome"].isin(REACHED).to_numpy(dtype=float),
        "within": (answered & (wait <= threshold)).astype(float),
        "answered": answered.astype(float),
        "wait_answered": np.where(answered, wait, 0.0),
        "abandoned": (c["outcome"] == "abandoned").to_numpy(dtype=float),
    }
    frames = []
    for t in thresholds:
        mine = (c["contact_type"] == t).to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "contact_type": t,
                    "interval": np.arange(n),
                    **{
                        k: np.bincount(slot[mine], weights=v[mine], minlength=n)
                        for k, v in values.items()
                    },
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def busy_time(
    log: ContactLog, groups: dict[str, int], exclusive: dict[str, bool], interval: float
) -> pd.DataFrame | None:
    """Per agent group × interval: ``busy_time`` (agent-seconds; a chat counts 1/``max_concurrent``
    of its agent). ``groups`` maps each group to its ``max_concurrent``; ``exclusive`` says which
    contact types take a whole agent. ``None`` when the log cannot say which group served whom
    (no ``agent_group`` and several groups)."""
    c = log.contacts
    served = c[c["outcome"] == "answered"]
    named = served["agent_group"].notna().any()
    if not named and len(groups) != 1:
        return None
    n = int(np.ceil(log.horizon / interval - 1e-9))
    edges = np.minimum(np.arange(n + 1) * interval, log.horizon)
    frames = []
    for g, cap in groups.items():
        mine = served[served["agent_group"] == g] if named else served
        whole = mine["contact_type"].map(exclusive).fillna(True).to_numpy(dtype=bool)
        weight = np.where(whole, 1.0, 1.0 / cap)
        busy = integrate_spans(
            mine["answered_at"].to_numpy(dtype=float),
            np.minimum(mine["ended_at"].to_numpy(dtype=float), log.horizon),
            edges,
            weight,
        )
        frames.append(pd.DataFrame({"agent_group": g, "interval": np.arange(n), "busy_time": busy}))
    return pd.concat(frames, ignore_index=True)
