"""Agents on duty per agent group and interval: from an agent-state log, or a lower bound.

With an agent-state log (one row per period an agent is on duty), the staff of an interval is
the mean number of agents on duty in it, rounded to a whole agent. Without one, the contact log
only shows when agents were *busy*: the most agents busy at once in an interval is a lower bound
on those on duty (agents who were on duty but idle are not seen), and the simulated centre is
then at best as well staffed as the real one — its service level a pessimistic estimate. The
mean number busy (busy time ÷ interval) is reported beside it.

Agents are counted by ``agent_id`` where the log has it (an agent busy with several chats counts
once); otherwise each contact in service counts one agent, or 1/``max_concurrent`` for chat and
messaging.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.levels import integrate_spans

CONCURRENT = ("chat", "messaging")


def staffing(
    contacts: pd.DataFrame,
    sessions: pd.DataFrame | None,
    *,
    horizon: float,
    interval: float,
    groups: list[str],
) -> pd.DataFrame:
    """Per agent group × interval of the log's period: ``agent_group``, ``interval``,
    ``interval_start``, ``busy_agents`` (mean busy), ``peak_busy`` (most busy at once),
    ``on_duty`` (mean on duty, from the agent-state log; NaN without one) and ``staff`` (the
    whole agents the scenario uses: rounded ``on_duty``, else ``peak_busy``)."""
    n = int(np.ceil(horizon / interval - 1e-9))
    edges = np.minimum(np.arange(n + 1) * interval, horizon)
    width = np.diff(edges)
    frames = []
    served = contacts[contacts["outcome"] == "answered"]
    caps = max_concurrent(contacts)
    for g in groups:
        named = served["agent_group"].notna().any()
        mine = served[served["agent_group"] == g] if named else served
        start = mine["answered_at"].to_numpy(dtype=float)
        end = np.minimum(mine["ended_at"].to_numpy(dtype=float), horizon)
        weight = np.where(mine["channel"].isin(CONCURRENT).to_numpy(), 1.0 / caps.get(g, 1), 1.0)
        busy = integrate_spans(start, end, edges, weight) / width
        agents = mine["agent_id"]
        if agents.notna().all() and len(mine):
            start, end = _merged_per_agent(agents.to_numpy(), start, end)
            weight = np.ones_like(start)
        peak = np.ceil(peak_levels(start, end, weight, edges) - 1e-9)
        on_duty = np.full(n, np.nan)
        if sessions is not None:
            s = sessions[sessions["agent_group"] == g]
            on_duty = (
                integrate_spans(s["started_at"].to_numpy(), s["ended_at"].to_numpy(), edges) / width
            )
        staff = np.floor(on_duty + 0.5) if sessions is not None else peak
        frames.append(
            pd.DataFrame(
                {
                    "agent_group": g,
                    "interval": np.arange(n),
                    "interval_start": edges[:-1],
                    "busy_agents": busy,
                    "peak_busy": peak.astype(np.int64),
                    "on_duty": on_duty,
                    "staff": staff.astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def max_concurrent(contacts: pd.DataFrame) -> dict[str, int]:
    """Per agent group serving chat or messaging: the most contacts one agent held at once
    (from ``agent_id``; groups without agent ids count 1)."""
    served = contacts[(contacts["outcome"] == "answered") & contacts["channel"].isin(CONCURRENT)]
    served = served[served["agent_id"].notna() & served["agent_group"].notna()]
    caps: dict[str, int] = {}
    for (group, _agent), spans in served.groupby(["agent_group", "agent_id"], sort=False):
        start = spans["answered_at"].to_numpy(dtype=float)
        end = spans["ended_at"].to_numpy(dtype=float)
        most = int(peak_levels(start, end, np.ones_like(start), np.array([0.0, np.inf]))[0])
        caps[str(group)] = min(max(caps.get(str(group), 1), most), 20)
    return caps


def peak_levels(
    start: np.ndarray, end: np.ndarray, weight: np.ndarray, edges: np.ndarray
) -> np.ndarray:
    """Most weighted spans active at once within each [edges[k], edges[k+1]).

    A span ending when another starts does not overlap it (ends are taken first at a tie).
    """
    n = edges.size - 1
    keep = np.isfinite(start) & np.isfinite(end) & (end > start)
    times = np.concatenate([start[keep], end[keep], edges[:-1]])
    steps = np.concatenate([weight[keep], -weight[keep], np.zeros(n)])
    order = np.lexsort((steps, times))  # by time, then ends (−) before edges (0) before starts
    level = np.cumsum(steps[order])
    bucket = np.searchsorted(edges, times[order], side="right") - 1
    inside = (bucket >= 0) & (bucket < n)
    peak = np.zeros(n)
    np.maximum.at(peak, bucket[inside], level[inside])
    return peak


def _merged_per_agent(
    agents: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each agent's busy spans merged where they overlap (an agent with two chats is one agent)."""
    order = np.lexsort((start, agents))
    a, s, e = agents[order], start[order], end[order]
    frame = pd.DataFrame({"a": a, "s": s, "e": e})
    reach = frame.groupby("a", sort=False)["e"].cummax().to_numpy()
    previous = np.roll(reach, 1)
    new_block = np.ones(a.size, dtype=bool)
    new_block[1:] = (a[1:] != a[:-1]) | (s[1:] > previous[1:])
    block = np.cumsum(new_block)
    merged = (
        frame.assign(b=block, r=reach).groupby("b", sort=False).agg(s=("s", "min"), e=("r", "max"))
    )
    return merged["s"].to_numpy(dtype=float), merged["e"].to_numpy(dtype=float)
