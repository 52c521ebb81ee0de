"""Figures: pure functions from tidy result frames to plotly figures, titled by their finding.

Every function takes frames (with a ``replication`` column when there are several) and returns
a ``go.Figure``; nothing here reads files or knows about HTML. One colour per contact type
(``colours``) is kept across all figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from cccsim.units import format_duration

PALETTE = qualitative.Safe + qualitative.Vivid
TIME = "time of the simulated week"


def colour_map(names: list[str]) -> dict[str, str]:
    """A stable colour for each contact type (or option)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


MONDAY = pd.Timestamp("2024-01-01")  # a Monday: day 1 of the simulated week
REAL_TIME = ("voice", "chat")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hours(seconds: np.ndarray, week_start: str = "mon") -> pd.DatetimeIndex:
    """Simulated seconds → timestamps of a reference week, so axes read "Mon 08:00"."""
    day1 = MONDAY + pd.Timedelta(days=WEEKDAYS.index(week_start))
    return day1 + pd.to_timedelta(np.asarray(seconds, dtype=float), unit="s")


def _peak(series: pd.Series) -> float:
    """The index value (an interval start) where ``series`` is largest."""
    return float(series.index[int(np.nanargmax(series.to_numpy(dtype=float)))])


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the runs of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _when(seconds: float, week_start: str = "mon") -> str:
    """An instant as the axes show it: "Tue 08:30" (with the day number after a week)."""
    stamp = _hours(np.array([seconds]), week_start)[0]
    week = int(seconds // (7 * 86400))
    return stamp.strftime("%a %H:%M") + (f" (week {week + 1})" if week else "")


def _layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}},
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "y": -0.22},
        template="plotly_white",
    )
    fig.update_xaxes(title_text=x)
    if x == TIME:
        fig.update_xaxes(tickformat="%a %H:%M", hoverformat="%a %H:%M")
    fig.update_yaxes(title_text=y)
    return fig


def _by_interval(intervals: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """Mean (and 95 % t-interval) of ``kpi`` per contact type × interval across replications."""
    from cccsim.stats.ci import t_interval

    rows = []
    for (ctype, start), part in intervals.groupby(
        ["contact_type", "interval_start"], sort=False, observed=True
    ):
        mean, _, low, high = t_interval(part[kpi].to_numpy(dtype=float))
        rows.append(
            {
                "contact_type": ctype,
                "interval_start": start,
                "mean": mean,
                "low": low,
                "high": high,
                "offered": float(part["offered"].mean()),
            }
        )
    return pd.DataFrame(
        rows, columns=["contact_type", "interval_start", "mean", "low", "high", "offered"]
    )


def volume_by_interval(
    intervals: pd.DataFrame, colours: dict[str, str], *, week_start: str = "mon"
) -> go.Figure:
    """Offered, answered and abandoned contacts per interval, one panel per contact type."""
    types = list(dict.fromkeys(intervals["contact_type"].astype(str)))
    fig = make_subplots(
        rows=len(types), cols=1, shared_xaxes=True, subplot_titles=types, vertical_spacing=0.08
    )
    peaks = []
    for row, ctype in enumerate(types, start=1):
        part = intervals[intervals.contact_type == ctype]
        mean = part.groupby("interval_start", sort=True)[
            ["offered", "answered", "abandoned"]
        ].mean()
        x = _hours(mean.index.to_numpy(), week_start)
        fig.add_trace(
            go.Scatter(
                x=x, y=mean["offered"], name=f"{ctype} offered", line={"color": colours[ctype]}
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=mean["answered"],
                name=f"{ctype} answered",
                line={"color": colours[ctype], "dash": "dot"},
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Bar(
                x=x,
                y=mean["abandoned"],
                name=f"{ctype} abandoned",
                marker={"color": colours[ctype], "opacity": 0.45},
            ),
            row=row,
            col=1,
        )
        if len(mean) and mean["offered"].max() > 0:
            peaks.append(f"{ctype} peaks at {_when(_peak(mean['offered']), week_start)}")
    title = "Contacts per interval" + (f": {'; '.join(peaks)}" if peaks else "")
    fig = _layout(fig, title, TIME, "contacts per interval", 220 + 160 * len(types))
    fig.update_xaxes(title_text=None)
    fig.update_xaxes(title_text=TIME, row=len(types), col=1)
    return fig


def service_level_by_interval(
    intervals: pd.DataFrame,
    targets: dict[str, float],
    colours: dict[str, str],
    *,
    week_start: str = "mon",
) -> go.Figure:
    """Service level per interval (mean and 95 % band over replications) against each target."""
    stats = _by_interval(intervals, "service_level")  # NaN where nothing was offered: a gap
    fig = go.Figure()
    findings = []
    for ctype in dict.fromkeys(stats["contact_type"].astype(str)):
        part = stats[stats.contact_type == ctype].sort_values("interval_start")
        x = _hours(part["interval_start"].to_numpy(), week_start)
        colour = colours[ctype]
        for i, (a, b) in enumerate(_runs(part["low"].notna().to_numpy())):
            # one band per run of intervals with data, so bands never bridge a closed night
            xs, hi, lo = x[a:b], part["high"].to_numpy()[a:b], part["low"].to_numpy()[a:b]
            fig.add_trace(
                go.Scatter(
                    x=list(xs) + list(xs[::-1]),
                    y=np.concatenate([hi, lo[::-1]]),
                    fill="toself",
                    fillcolor=colour,
                    opacity=0.18,
                    line={"width": 0},
                    name=f"{ctype} 95 % CI",
                    legendgroup=f"{ctype} CI",
                    showlegend=i == 0,
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=part["mean"],
                name=ctype,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": colour},
            )
        )
        if ctype in targets:
            fig.add_hline(
                y=targets[ctype],
                line={"color": colour, "dash": "dash", "width": 1},
                annotation_text=f"{ctype} target {targets[ctype]:.0%}",
            )
            short = part[part["mean"] < targets[ctype]]
            if len(short):
                findings.append(
                    f"{ctype} misses its target in {len(short)} of {int(part['mean'].notna().sum())} intervals"
                    f" (worst {_when(float(short.sort_values('mean')['interval_start'].iloc[0]), week_start)})"
                )
            else:
                findings.append(f"{ctype} meets its target in every interval")
    title = "; ".join(findings) if findings else "Service level per interval"
    fig = _layout(fig, title, TIME, "service level")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def asa_by_interval(
    intervals: pd.DataFrame, colours: dict[str, str], *, week_start: str = "mon"
) -> go.Figure:
    """Average speed of answer per interval for real-time contact types (voice, chat), minutes."""
    live = intervals[(intervals["answered"] > 0) & intervals["channel"].astype(str).isin(REAL_TIME)]
    stats = _by_interval(live, "asa")
    fig = go.Figure()
    worst = None
    for ctype in dict.fromkeys(stats["contact_type"].astype(str)):
        part = stats[stats.contact_type == ctype].sort_values("interval_start")
        fig.add_trace(
            go.Scatter(
                x=_hours(part["interval_start"].to_numpy(), week_start),
                y=part["mean"] / 60,
                name=ctype,
                line={"color": colours[ctype]},
            )
        )
        if len(part):
            top = part.sort_values("mean", ascending=False).iloc[0]
            if worst is None or top["mean"] > worst[1]:
                worst = (ctype, float(top["mean"]), float(top["interval_start"]))
    title = "Average speed of answer per interval (voice and chat)"
    if worst is not None:
        title += f": longest for {worst[0]}, {format_duration(worst[1])} at {_when(worst[2], week_start)}"
    return _layout(fig, title, TIME, "ASA (minutes)")


def staffing_by_interval(
    group_intervals: pd.DataFrame, required: pd.DataFrame | None = None, *, week_start: str = "mon"
) -> go.Figure:
    """Agents on duty per group (stacked) and, if given, the Erlang C requirement per interval."""
    fig = go.Figure()
    mean = group_intervals.groupby(["agent_group", "interval_start"], sort=False, observed=True)[
        "mean_agents"
    ].mean()
    for group in dict.fromkeys(group_intervals["agent_group"].astype(str)):
        part = mean.loc[group].sort_index()
        fig.add_trace(
            go.Scatter(
                x=_hours(part.index.to_numpy(), week_start),
                y=part.to_numpy(),
                name=group,
                stackgroup="staffed",
                mode="lines",
            )
        )
    title = "Agents on duty per interval"
    if required is not None and len(required):
        fig.add_trace(
            go.Scatter(
                x=_hours(required["interval_start"].to_numpy(), week_start),
                y=required["agents"],
                name="required for voice and chat (Erlang C, per type)",
                line={"color": "black", "dash": "dash"},
            )
        )
        staffed = mean.groupby(level="interval_start").sum()
        joined = required.set_index("interval_start")["agents"].reindex(staffed.index).fillna(0)
        short = int((staffed < joined - 1e-9).sum())
        title += f": below the real-time Erlang C requirement in {short} of {len(joined)} intervals"
    return _layout(fig, title, TIME, "agents")


def wait_cdf(
    contacts: pd.DataFrame, thresholds: dict[str, float], colours: dict[str, str]
) -> go.Figure:
    """Distribution of waits (share waiting at most x) per contact type, thresholds marked."""
    fig = go.Figure()
    findings = []
    measured = contacts[(contacts["measured"]) & (contacts["outcome"] != "blocked")]
    for ctype in dict.fromkeys(measured["contact_type"].astype(str)):
        waits = np.sort(
            measured.loc[measured.contact_type == ctype, "wait_time"].to_numpy(dtype=float)
        )
        if waits.size == 0:
            continue
        share = np.arange(1, waits.size + 1) / waits.size
        step = max(1, waits.size // 2000)  # keep the page light: at most ~2,000 points per type
        fig.add_trace(
            go.Scatter(
                x=waits[::step] / 60,
                y=share[::step],
                name=ctype,
                line={"color": colours[ctype], "shape": "hv"},
            )
        )
        t = thresholds.get(ctype)
        if t is not None:
            within = float((waits <= t).mean())
            fig.add_vline(x=t / 60, line={"color": colours[ctype], "dash": "dot", "width": 1})
            p95 = float(np.quantile(waits, 0.95))
            findings.append(
                f"{ctype}: {within:.0%} wait ≤ {format_duration(t)}, 1 in 20 over {format_duration(p95)}"
            )
    fig = _layout(
        fig,
        "; ".join(findings) or "Waiting times",
        "wait (minutes)",
        "share of contacts waiting at most x",
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    if len(measured):
        fig.update_xaxes(
            range=[0, float(np.quantile(measured["wait_time"], 0.99)) / 60 * 1.05 + 1e-9]
        )
    return fig


def occupancy_heatmap(group_intervals: pd.DataFrame, *, week_start: str = "mon") -> go.Figure:
    """Occupancy per agent group × interval (mean over replications)."""
    table = group_intervals.pivot_table(
        index="agent_group",
        columns="interval_start",
        values="occupancy",
        aggfunc="mean",
        sort=False,
        observed=True,
    )
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=_hours(table.columns.to_numpy(), week_start),
            y=list(table.index),
            colorscale="YlOrRd",
            zmin=0,
            zmax=1,
            colorbar={"title": "occupancy", "tickformat": ".0%"},
        )
    )
    overall = group_intervals.groupby("agent_group", sort=False, observed=True)[
        ["busy_time", "staffed_time"]
    ].sum()
    occ = (overall["busy_time"] / overall["staffed_time"]).dropna()
    title = "Occupancy per group and interval"
    if len(occ):
        title += f": highest for {occ.idxmax()} ({occ.max():.0%} overall)"
    return _layout(fig, title, TIME, "agent group", 160 + 45 * len(table))


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
    title = "Share of answered contacts per group"
    if len(share) > 1:
        title += f": {share.idxmax()} answers {share.max():.0%}"
    fig = _layout(fig, title, "agent group", "share of answered contacts")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.1])
    return fig


def backlog_by_interval(
    intervals: pd.DataFrame,
    channels: dict[str, str],
    colours: dict[str, str],
    *,
    week_start: str = "mon",
) -> go.Figure:
    """Mean number of deferred contacts (email, messaging) waiting per interval: the backlog."""
    fig = go.Figure()
    deferred = [t for t, c in channels.items() if c in ("email", "messaging")]
    title = "Backlog of deferred work"
    for ctype in deferred:
        part = (
            intervals[intervals.contact_type == ctype]
            .groupby("interval_start")["mean_queue"]
            .mean()
        )
        fig.add_trace(
            go.Scatter(
                x=_hours(part.index.to_numpy(), week_start),
                y=part.to_numpy(),
                name=ctype,
                line={"color": colours[ctype]},
            )
        )
        if len(part):
            title = f"Backlog of deferred work: {ctype} peaks at {part.max():,.0f} waiting ({_when(_peak(part), week_start)})"
    return _layout(fig, title, TIME, "contacts waiting")


def required_agents(
    intervals: pd.DataFrame,
    handle: dict[str, float],
    thresholds: dict[str, float],
    slots: dict[str, int],
    targets: dict[str, float],
    interval: float,
) -> pd.DataFrame:
    """Erlang C agents per interval for each real-time type's service-level target, summed.

    A single-skill approximation (each type staffed on its own; chat handle time divided by its
    concurrency), drawn as the planner's reference line, not as an exact multi-skill optimum.
    Deferred work (email, messaging) is left out: it is meant to wait for agents.
    """
    from cccsim.theory import agents_for_service_level

    live = intervals[intervals["channel"].astype(str).isin(REAL_TIME)]
    mean = live.groupby(["contact_type", "interval_start"], sort=False, observed=True)[
        "offered"
    ].mean()
    need: dict[float, int] = {}
    for ctype, start, offered in mean.reset_index().itertuples(index=False):
        rate = float(offered) / interval
        if rate <= 0 or str(ctype) not in handle:
            need.setdefault(float(start), 0)
            continue
        aht = handle[str(ctype)] / slots.get(str(ctype), 1)
        goal = targets.get(str(ctype), 0.8)
        if not 0 < goal < 1:
            goal = 0.8
        n = agents_for_service_level(rate, aht, thresholds.get(str(ctype), 20.0), goal)
        need[float(start)] = need.get(float(start), 0) + n
    frame = pd.DataFrame({"interval_start": list(need), "agents": list(need.values())})
    return frame.sort_values("interval_start").reset_index(drop=True) if len(frame) else frame
