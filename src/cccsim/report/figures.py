"""Figures over the time of the run: pure functions from tidy result frames to plotly figures,
titled by their finding.

Every function takes frames (with a ``replication`` column when there are several) and returns
a ``go.Figure``; nothing here reads files or knows about HTML. Time axes run over every interval
of the horizon (``layout.Clock``): a KPI with no value in an interval is a gap, never a line drawn
across it, and intervals when the chart's contact types are all closed are shaded. Shares are
in %, waits in their channel's unit (``layout.channel_units``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.model.build import Model
from cccsim.report.layout import (
    REAL_TIME,
    TIME,
    Clock,
    Unit,
    closed_marker,
    due_until,
    interval_band,
    layout,
    open_seconds,
    promise,
    shade_closed,
    titled,
    when,
)
from cccsim.stats.ci import t_quantile
from cccsim.units import format_duration


def band(frame: pd.DataFrame, value: str, confidence: float) -> pd.DataFrame:
    """Per interval start: the mean of ``value`` over replications (NaN ignored) and its
    Student-t interval at ``confidence`` (NaN with fewer than two values)."""
    by = frame.groupby("interval_start", sort=True)[value]
    out = pd.DataFrame({"mean": by.mean(), "std": by.std(ddof=1), "n": by.count()})
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = t_quantile(confidence, np.where(n >= 2, n - 1, np.nan))
        half = t * out["std"].to_numpy(dtype=float) / np.sqrt(n)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


def _interval_band(
    fig: go.Figure,
    clock: Clock,
    stats_: pd.DataFrame,
    colour: str,
    name: str,
    row: int | None = None,
    col: int | None = None,
) -> None:
    """``band``'s interval as a shaded band on the clock."""
    low, high = clock.full(stats_["low"]), clock.full(stats_["high"])
    interval_band(fig, clock, low, high, colour, name, row=row, col=col)


@dataclass(frozen=True)
class Series:
    """One service level drawn per interval: as a target defines it, or the type's own."""

    name: str  # "voice within 20s", "email within 8h of business hours"
    contact_type: str  # for its colour
    types: tuple[str, ...]  # the internal types it measures (for closed hours)
    values: pd.DataFrame  # interval_start, value (and replication)
    bounds: tuple[tuple[str, float], ...] = ()  # (target, at least) drawn as lines
    due_until: float = np.inf  # contacts arriving later are not due by the end of the run


def service_level_series(
    m: Model, intervals: pd.DataFrame, target_intervals: pd.DataFrame | None
) -> list[Series]:
    """Each service-level target's KPI per interval (targets that differ only in their period
    share one line with each bound), then each contact type no such target measures, at its
    own threshold."""
    out: list[Series] = []
    keys: dict[tuple[object, ...], int] = {}
    covered: set[int] = set()
    ti = target_intervals if target_intervals is not None else pd.DataFrame()
    for t in m.targets:
        if t.kpi != "service_level" or t.at_least is None or not len(ti):
            continue
        key = (t.measured_types, t.threshold, t.calendar, t.short_abandon, t.over)
        if key in keys:
            s = out[keys[key]]
            out[keys[key]] = replace(s, bounds=(*s.bounds, (t.label, t.at_least)))
            continue
        covered.update(t.measured_types)
        ctype = m.types[t.type_index or t.measured_types[0]].name
        words = f"{ctype} within {promise(t.threshold or 0.0, t.calendar is not None)}"
        if t.short_abandon:
            words += f", abandons < {format_duration(t.short_abandon)} left out"
        if t.over == "answered":
            words += " ÷ answered"
        keys[key] = len(out)
        out.append(
            Series(
                words,
                ctype,
                tuple(m.types[i].name for i in t.measured_types),
                ti[ti["target"] == t.label],
                ((t.label, t.at_least),),
                due_until(t.calendar, t.threshold or 0.0, m.horizon),
            )
        )
    for ct in m.types:
        if ct.index in covered or not len(intervals):
            continue
        own = intervals[intervals["contact_type"] == ct.name]
        if len(own) and own["offered"].sum() > 0:
            values = own.rename(columns={"service_level": "value"})
            name = f"{ct.name} within {format_duration(ct.threshold)}"
            due = due_until(None, ct.threshold, m.horizon)
            out.append(Series(name, ct.name, (ct.name,), values, due_until=due))
    return out


def closed_for(m: Model, clock: Clock, types: list[str]) -> np.ndarray:
    """Intervals in which every one of ``types`` is closed."""
    if not types:
        return np.zeros(clock.starts.size, dtype=bool)
    by_name = {t.name: t for t in m.types}
    return np.logical_and.reduce([open_seconds(by_name[n], clock) <= 0 for n in types])


def service_level_by_interval(
    series: list[Series],
    clock: Clock,
    colours: dict[str, str],
    closed: np.ndarray,
    confidence: float,
) -> go.Figure:
    """Each service level per interval as its target defines it (mean over replications and
    its interval), each target's bound as a dashed line, closed hours shaded."""
    fig = go.Figure()
    shade_closed(fig, clock, closed)
    findings = []
    for s in series:
        colour = colours[s.contact_type]
        if s.due_until < clock.horizon - clock.width:  # a long promise: say why the line stops
            x0, x1 = clock.x(np.array([max(s.due_until, clock.starts[0]), clock.horizon]))
            fig.add_vrect(x0=x0, x1=x1, fillcolor=colour, opacity=0.1, line_width=0, layer="below")
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    marker={"symbol": "square", "size": 12, "color": colour, "opacity": 0.3},
                    name=f"{s.contact_type}: not due by the end of the run",
                    hoverinfo="skip",
                )
            )
        st = band(s.values, "value", confidence)
        # an interval starting after the last due arrival holds no contact the level counts
        st = st[st.index < s.due_until]
        _interval_band(fig, clock, st, colour, f"{s.name}: {confidence:.0%} CI")
        y = clock.full(st["mean"])
        fig.add_trace(
            go.Scatter(
                x=clock.x(),
                y=y,
                name=s.name,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": colour},
                connectgaps=False,
                hovertemplate="%{x}: %{y:.1%}<extra>" + s.name + "</extra>",
            )
        )
        for bound in sorted({b for _, b in s.bounds}):
            labels = "; ".join(label for label, b in s.bounds if b == bound)
            fig.add_trace(
                go.Scatter(
                    x=clock.range(),
                    y=[bound, bound],
                    mode="lines",
                    name=f"{s.contact_type} target ≥ {bound:.0%}",
                    line={"color": colour, "dash": "dash", "width": 1},
                    hovertemplate=f"{labels}<extra></extra>",
                    legendgroup=f"{s.name} target",
                )
            )
        if s.bounds:
            bound = max(b for _, b in s.bounds)
            known = np.isfinite(y)
            short = known & (y < bound - 1e-12)
            if short.any():
                worst = float(clock.starts[np.nanargmin(np.where(short, y, np.nan))])
                findings.append(
                    f"{s.name}: below {bound:.0%} in {int(short.sum())} of {int(known.sum())} "
                    f"intervals (worst {when(worst, clock.week_start)})"
                )
            elif known.any():
                findings.append(f"{s.name}: at least {bound:.0%} in every interval")
    if closed.any():
        fig.add_trace(closed_marker())
    fig = layout(fig, titled("Service level per interval", findings), TIME, "service level")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(range=clock.range())
    return fig


def volume_by_interval(intervals: pd.DataFrame, clock: Clock, colours: dict[str, str]) -> go.Figure:
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
        x = clock.x()
        offered = clock.full(mean["offered"])
        for column, dash in (("offered", None), ("answered", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=clock.full(mean[column]),
                    name=f"{ctype} {column}",
                    line={"color": colours[ctype], "dash": dash},
                ),
                row=row,
                col=1,
            )
        fig.add_trace(
            go.Bar(
                x=x,
                y=clock.full(mean["abandoned"]),
                name=f"{ctype} abandoned",
                marker={"color": colours[ctype], "opacity": 0.45},
            ),
            row=row,
            col=1,
        )
        if np.nanmax(offered, initial=0.0) > 0:
            peak = float(clock.starts[int(np.nanargmax(offered))])
            peaks.append(f"{ctype} peaks at {when(peak, clock.week_start)}")
    title = titled("Contacts per interval", ["; ".join(peaks)] if peaks else [])
    fig = layout(fig, title, TIME, "contacts per interval", 220 + 160 * len(types))
    fig.update_xaxes(title_text=None, range=clock.range())
    fig.update_xaxes(title_text=TIME, row=len(types), col=1)
    return fig


def asa_by_interval(
    intervals: pd.DataFrame,
    clock: Clock,
    colours: dict[str, str],
    units: dict[str, Unit],
    closed: dict[str, np.ndarray],
    confidence: float,
) -> go.Figure:
    """Average speed of answer per interval of the real-time contact types (voice, chat), in
    their channel's unit: one panel per unit, gaps where nothing was answered, closed hours
    shaded."""
    live = intervals[intervals["channel"].astype(str).isin(REAL_TIME)]
    types = list(dict.fromkeys(live["contact_type"].astype(str)))
    panels = list(dict.fromkeys(units[t].label for t in types)) or ["s"]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.1)
    worst: tuple[str, float, float] | None = None
    for row, label in enumerate(panels, start=1):
        mine = [t for t in types if units[t].label == label]
        shut = np.logical_and.reduce([closed[t] for t in mine]) if mine else np.zeros(0, bool)
        shade_closed(fig, clock, shut, row=row, col=1)
        for ctype in mine:
            unit = units[ctype]
            st = band(live[live.contact_type == ctype], "asa", confidence)
            st = st.assign(**{c: unit(st[c]) for c in ("mean", "low", "high")})
            _interval_band(
                fig, clock, st, colours[ctype], f"{ctype}: {confidence:.0%} CI", row=row, col=1
            )
            y = clock.full(st["mean"])
            fig.add_trace(
                go.Scatter(
                    x=clock.x(),
                    y=y,
                    name=ctype,
                    mode="lines+markers",
                    marker={"size": 3},
                    line={"color": colours[ctype]},
                    connectgaps=False,
                ),
                row=row,
                col=1,
            )
            if np.isfinite(y).any():
                k = int(np.nanargmax(y))
                seconds = float(y[k]) * unit.seconds
                if worst is None or seconds > worst[1]:
                    worst = (ctype, seconds, float(clock.starts[k]))
        fig.update_yaxes(title_text=f"ASA ({label})", rangemode="tozero", row=row, col=1)
    findings = []
    if worst is not None:
        findings.append(
            f"longest for {worst[0]}: {format_duration(worst[1])} at {when(worst[2], clock.week_start)}"
        )
    if any(closed[t].any() for t in types):
        fig.add_trace(closed_marker())
    fig = layout(
        fig,
        titled("Average speed of answer per interval (voice and chat)", findings),
        TIME,
        "",
        240 + 140 * len(panels),
    )
    for row, label in enumerate(panels, start=1):
        fig.update_yaxes(title_text=f"ASA ({label})", row=row, col=1)
    fig.update_xaxes(title_text=None, range=clock.range())
    fig.update_xaxes(title_text=TIME, row=len(panels), col=1)
    return fig


def backlog_by_interval(
    intervals: pd.DataFrame, clock: Clock, colours: dict[str, str], confidence: float
) -> go.Figure:
    """Mean number of deferred contacts (email, messaging) waiting per interval: the backlog."""
    fig = go.Figure()
    deferred = intervals[~intervals["channel"].astype(str).isin(REAL_TIME)]
    findings = []
    for ctype in dict.fromkeys(deferred["contact_type"].astype(str)):
        st = band(deferred[deferred.contact_type == ctype], "mean_queue", confidence)
        _interval_band(fig, clock, st, colours[ctype], f"{ctype}: {confidence:.0%} CI")
        y = clock.full(st["mean"])
        fig.add_trace(go.Scatter(x=clock.x(), y=y, name=ctype, line={"color": colours[ctype]}))
        if np.isfinite(y).any() and np.nanmax(y) > 0:
            k = int(np.nanargmax(y))
            findings.append(
                f"{ctype} peaks at {y[k]:,.0f} waiting ({when(float(clock.starts[k]), clock.week_start)})"
            )
    fig = layout(fig, titled("Backlog of deferred work", findings), TIME, "contacts waiting (mean)")
    fig.update_xaxes(range=clock.range())
    fig.update_yaxes(rangemode="tozero")
    return fig
