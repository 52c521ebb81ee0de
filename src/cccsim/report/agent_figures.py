"""Figures of the agents over the run: agents on duty against the Erlang requirement, occupancy
per group and interval, and the share of work each group takes (pure functions of result frames,
like ``report/figures.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cccsim.model.build import Model
from cccsim.report.layout import (
    PALETTE,
    REAL_TIME,
    TIME,
    Clock,
    closed_marker,
    layout,
    open_seconds,
    shade_closed,
    titled,
)


def demand(intervals: pd.DataFrame) -> pd.Series:
    """Contacts of the real-time types that asked for an agent in each interval: offered less
    those taken out of hours (closed, voicemail, offline form) — never the voicemails of a closed
    night — as the mean over replications per type and interval start."""
    live = intervals[intervals["channel"].astype(str).isin(REAL_TIME)]
    asked = live.assign(
        asked=live["offered"] - live["closed"] - live["offline_forms"] - live["voicemails"]
    )
    return asked.groupby(["contact_type", "interval_start"], sort=True, observed=True)[
        "asked"
    ].mean()


def required_agents(
    m: Model,
    intervals: pd.DataFrame,
    clock: Clock,
    targets: dict[str, float],
) -> pd.DataFrame:
    """Erlang C agents per interval for each real-time type's service-level target, summed.

    A single-skill approximation (each type staffed on its own; chat handle time divided by its
    concurrency), drawn as the planner's reference line, not as an exact multi-skill optimum.
    The arrival rate is the contacts that asked for an agent (``demand``) over the seconds the
    type was open in the interval; a closed interval needs no one. Deferred work (email,
    messaging) is left out: it is meant to wait for agents.
    """
    from cccsim.theory import agents_for_service_level

    asked = demand(intervals)
    need = np.zeros(clock.starts.size, dtype=float)
    staffed_at_all = np.zeros(clock.starts.size, dtype=bool)
    for t in m.types:
        if t.channel not in REAL_TIME or t.name not in asked.index.get_level_values(0):
            continue
        seconds = open_seconds(t, clock)
        counts = clock.full(asked.xs(t.name, level="contact_type"))
        staffed_at_all |= seconds > 0
        slots = (
            1
            if t.exclusive
            else max([g.max_concurrent for g in m.groups if t.index in g.skills] or [1])
        )
        aht = t.handle.mean * t.handle_factor / slots
        goal = targets.get(t.name, 0.8)
        goal = goal if 0 < goal < 1 else 0.8
        for k in np.flatnonzero((seconds > 0) & (np.nan_to_num(counts) > 0)):
            need[k] += agents_for_service_level(counts[k] / seconds[k], aht, t.threshold, goal)
    return pd.DataFrame({"interval_start": clock.starts, "agents": need, "open": staffed_at_all})


def staffing_by_interval(
    group_intervals: pd.DataFrame,
    clock: Clock,
    required: pd.DataFrame | None = None,
    closed: np.ndarray | None = None,
) -> go.Figure:
    """Agents on duty per group (stacked) and, if given, the Erlang C requirement per interval;
    shortfalls are counted over the intervals in which a real-time type is open."""
    fig = go.Figure()
    if closed is not None:
        shade_closed(fig, clock, closed)
    mean = group_intervals.groupby(["agent_group", "interval_start"], sort=True, observed=True)[
        "mean_agents"
    ].mean()
    staffed = np.zeros(clock.starts.size)
    for i, group in enumerate(dict.fromkeys(group_intervals["agent_group"].astype(str))):
        y = np.nan_to_num(clock.full(mean.loc[group]))
        staffed += y
        fig.add_trace(
            go.Scatter(
                x=clock.x(),
                y=y,
                name=group,
                stackgroup="staffed",
                mode="lines",
                line={"color": PALETTE[(i + 4) % len(PALETTE)], "shape": "hv"},
            )
        )
    findings = []
    if required is not None and len(required):
        fig.add_trace(
            go.Scatter(
                x=clock.x(),
                y=np.where(required["open"], required["agents"], np.nan),
                name="required for voice and chat (Erlang C, per type)",
                line={"color": "black", "dash": "dash", "shape": "hv"},
                connectgaps=False,
            )
        )
        open_ = required["open"].to_numpy(dtype=bool)
        short = open_ & (staffed < required["agents"].to_numpy(dtype=float) - 1e-9)
        findings.append(
            f"below the real-time Erlang C requirement in {int(short.sum())} of "
            f"{int(open_.sum())} open intervals"
        )
    if closed is not None and closed.any():
        fig.add_trace(closed_marker())
    fig = layout(fig, titled("Agents on duty per interval", findings), TIME, "agents")
    fig.update_xaxes(range=clock.range())
    return fig


def occupancy_heatmap(group_intervals: pd.DataFrame, clock: Clock) -> go.Figure:
    """Occupancy per agent group × interval over the whole horizon, in time order (the mean over
    replications of each interval's busy ÷ on-duty time); grey where no agent was on duty."""
    groups = list(dict.fromkeys(group_intervals["agent_group"].astype(str)))
    mean = group_intervals.groupby(["agent_group", "interval_start"], sort=True, observed=True)[
        "occupancy"
    ].mean()
    z = np.array([clock.full(mean.loc[g]) for g in groups]).reshape(len(groups), -1)
    centres = clock.x(clock.starts + clock.width / 2)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=centres,
            y=groups,
            colorscale="YlOrRd",
            zmin=0,
            zmax=1,
            colorbar={"title": "occupancy", "tickformat": ".0%"},
            hoverongaps=False,
            hovertemplate="%{y} %{x}: %{z:.0%}<extra></extra>",
        )
    )
    overall = group_intervals.groupby("agent_group", sort=False, observed=True)[
        ["busy_time", "staffed_time"]
    ].sum()
    occ = (overall["busy_time"] / overall["staffed_time"]).dropna()
    findings = [f"highest for {occ.idxmax()} ({occ.max():.0%} overall)"] if len(occ) else []
    if np.isnan(z).any():
        findings.append("grey: no agent on duty")
    fig = layout(
        fig,
        titled("Occupancy per group and interval", findings),
        TIME,
        "agent group",
        180 + 45 * len(groups),
    )
    fig.update_layout(plot_bgcolor="rgb(225, 225, 225)")
    fig.update_xaxes(range=clock.range(), showgrid=False)
    fig.update_yaxes(showgrid=False)
    return fig


def work_share(groups: pd.DataFrame) -> go.Figure:
    """Share of answered contacts per agent group (how much the overflow takes)."""
    share = groups.groupby("agent_group", sort=False, observed=True)["answered_share"].mean()
    fig = go.Figure(
        go.Bar(
            x=list(share.index),
            y=share.to_numpy(),
            text=[f"{s:.0%}" for s in share],
            textposition="outside",
            marker={"color": PALETTE[5]},
        )
    )
    findings = [f"{share.idxmax()} answers {share.max():.0%}"] if len(share) > 1 else []
    fig = layout(
        fig,
        titled("Share of answered contacts per group", findings),
        "agent group",
        "share of answered contacts",
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.1])
    return fig
