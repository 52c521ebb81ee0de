"""Write simulated contacts as a contact log: the format ``fit`` and ``backtest`` read.

Useful to check the fitting on a centre whose parameters are known (simulate a scenario, export
its contacts, fit them, compare) and to make example logs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.fit.log import OUTCOMES


def contacts_as_log(
    contacts: pd.DataFrame, *, start: str = "2024-01-01", resolution: str | None = None
) -> pd.DataFrame:
    """The ``contacts`` frame of a replication as a contact log, time 0 being ``start`` 00:00.

    Inbound contacts with a log outcome (answered, abandoned, blocked, closed, balked, open) are
    kept, in arrival order; callbacks and contacts turned into callbacks or forms are left out.
    ``customer_id`` is the journey (``c<customer>``), ``agent_id`` the agent (``a<agent>``).
    ``resolution`` (e.g. ``"1s"``) rounds the times, for a smaller file.
    """
    kept = contacts[(contacts["kind"] != "callback") & contacts["outcome"].isin(OUTCOMES)]
    kept = kept.sort_values("arrived_at", kind="stable")
    origin = pd.Timestamp(start)

    def instant(seconds: pd.Series) -> pd.Series:
        times = origin + pd.to_timedelta(seconds.to_numpy(dtype=float), unit="s")
        series = pd.Series(times, index=seconds.index)
        return series.dt.round(resolution) if resolution else series

    agent = kept["agent"].to_numpy()
    return pd.DataFrame(
        {
            "contact_type": kept["contact_type"].astype(str),
            "channel": kept["channel"].astype(str),
            "customer_id": "c" + kept["customer"].astype(str),
            "arrived_at": instant(kept["arrived_at"]),
            "answered_at": instant(kept["answered_at"]),
            "ended_at": instant(kept["ended_at"]),
            "outcome": kept["outcome"].astype(str),
            "agent_group": kept["agent_group"].astype(object),
            "agent_id": np.where(agent >= 0, "a" + pd.Series(agent).astype(str).to_numpy(), None),
        }
    ).reset_index(drop=True)


def staff_as_agent_log(
    staff: dict[str, list[int]], *, interval: float, start: str = "2024-01-01"
) -> pd.DataFrame:
    """An agent-state log from staff per interval (``{group: [agents per interval, ...]}``): one
    row per agent and run of consecutive intervals on duty (agents numbered from 1 per group)."""
    origin = pd.Timestamp(start)
    rows = []
    for group, levels in staff.items():
        levels = list(levels)
        for k in range(1, max(levels, default=0) + 1):
            on = np.array([n >= k for n in levels] + [False])
            edges = np.flatnonzero(np.diff(np.concatenate([[False], on])))
            for first, last in zip(edges[::2], edges[1::2], strict=True):
                rows.append(
                    {
                        "agent_group": group,
                        "agent_id": f"{group}-{k}",
                        "started_at": origin + pd.Timedelta(seconds=float(first * interval)),
                        "ended_at": origin + pd.Timedelta(seconds=float(last * interval)),
                    }
                )
    return pd.DataFrame(rows, columns=["agent_group", "agent_id", "started_at", "ended_at"])
