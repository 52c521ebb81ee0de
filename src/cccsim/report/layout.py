"""What every figure of a report shares: colours, the layout, the time axis over the whole
horizon with closed hours, and one unit per channel for waits.

The time axis (``Clock``) holds every measured interval of the horizon, so a chart built on it
has no hidden columns and no lines drawn across closed hours: values missing in an interval are
gaps (NaN), and intervals when the contact types of a chart are all closed are shaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from cccsim.model.build import Model, TypeModel
from cccsim.model.calendar import WeeklyCalendar
from cccsim.units import DAY, HOUR, MINUTE, format_duration

PALETTE = qualitative.Safe + qualitative.Vivid
TIME = "time of the simulated week"
MONDAY = pd.Timestamp("2024-01-01")  # a Monday: day 1 of the simulated week
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSED_FILL = "rgba(120, 120, 120, 0.12)"
REAL_TIME = ("voice", "chat")


def colour_map(names: list[str]) -> dict[str, str]:
    """A stable colour for each contact type (or option)."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def timestamps(seconds: np.ndarray, week_start: str = "mon") -> pd.DatetimeIndex:
    """Simulated seconds → timestamps of a reference week, so axes read "Mon 08:00"."""
    day1 = MONDAY + pd.Timedelta(days=WEEKDAYS.index(week_start))
    return day1 + pd.to_timedelta(np.asarray(seconds, dtype=float), unit="s")


def when(seconds: float, week_start: str = "mon") -> str:
    """An instant as the axes show it: "Tue 08:30" (with the week number after a week)."""
    stamp = timestamps(np.array([seconds]), week_start)[0]
    week = int(seconds // (7 * DAY))
    return stamp.strftime("%a %H:%M") + (f" (week {week + 1})" if week else "")


def titled(title: str, findings: list[str]) -> str:
    """A figure title: what it shows, then one finding per line (titles never run off the
    figure, and one line per finding keeps them readable)."""
    if not findings:
        return title
    return f"{title}<br>" + "<br>".join(
        f"<span style='font-size:12px'>{f}</span>" for f in findings
    )


def layout(fig: go.Figure, title: str, x: str, y: str, height: int = 380) -> go.Figure:
    """The report's layout: the title (with its findings) above, the legend below."""
    lines = title.count("<br>")
    fig.update_layout(
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 18},
            "font": {"size": 15},
        },
        height=height + 18 * lines,
        margin={"l": 60, "r": 20, "t": 56 + 18 * lines, "b": 50},
        legend={"orientation": "h", "y": -0.22},
        template="plotly_white",
    )
    fig.update_xaxes(title_text=x)
    if x == TIME:
        fig.update_xaxes(tickformat="%a %H:%M", hoverformat="%a %H:%M")
    fig.update_yaxes(title_text=y)
    return fig


@dataclass(frozen=True)
class Clock:
    """The report's time axis: the start of every measured interval up to the horizon."""

    starts: np.ndarray
    width: float
    horizon: float
    week_start: str = "mon"

    @classmethod
    def of(cls, m: Model, week_start: str = "mon") -> Clock:
        first = np.floor(m.warmup / m.interval) * m.interval
        starts = np.arange(first, m.horizon, m.interval)
        return cls(starts.astype(float), float(m.interval), float(m.horizon), week_start)

    def x(self, seconds: np.ndarray | None = None) -> pd.DatetimeIndex:
        """Timestamps of ``seconds`` (default: every interval start)."""
        return timestamps(self.starts if seconds is None else seconds, self.week_start)

    def full(self, series: pd.Series) -> np.ndarray:
        """``series`` (indexed by interval start) on every interval, NaN where it has no value."""
        return series.reindex(pd.Index(self.starts)).to_numpy(dtype=float)

    def range(self) -> list[pd.Timestamp]:
        """The x range of the whole horizon."""
        return list(timestamps(np.array([self.starts[0], self.horizon]), self.week_start))


def open_seconds(t: TypeModel, clock: Clock) -> np.ndarray:
    """Seconds of each interval of ``clock`` during which ``t`` takes contacts."""
    edges = np.append(clock.starts, clock.starts[-1] + clock.width)
    seconds = (
        np.diff(edges)
        if t.calendar is None
        else np.diff(t.calendar.open_seconds_until(np.minimum(edges, clock.horizon)))
    )
    if t.closed_days:
        seconds = np.where(np.isin(clock.starts // DAY, list(t.closed_days)), 0.0, seconds)
    return seconds


def due_until(calendar: WeeklyCalendar | None, threshold: float, horizon: float) -> float:
    """The last arrival instant whose threshold falls within the horizon on a clock (calendar
    seconds, or the open seconds of ``calendar``; to the minute): later contacts are not due by
    the end of the run and are left out of the service level (``not_due``)."""
    if calendar is None:
        return horizon - threshold
    instants = np.append(np.arange(0.0, horizon, MINUTE), horizon)
    opened = calendar.open_seconds_until(instants)
    last = int(np.searchsorted(opened, opened[-1] - threshold, side="right")) - 1
    return float(instants[last]) if last >= 0 else 0.0


def shade_closed(fig: go.Figure, clock: Clock, closed: np.ndarray, **where: int) -> None:
    """Shade the runs of intervals in which every contact type of a chart is closed."""
    for a, b in runs(closed):
        x0, x1 = clock.x(np.array([clock.starts[a], clock.starts[b - 1] + clock.width]))
        fig.add_vrect(x0=x0, x1=x1, fillcolor=CLOSED_FILL, line_width=0, layer="below", **where)


def closed_marker() -> go.Scatter:
    """A legend entry saying what the grey bands are."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={"symbol": "square", "size": 12, "color": "rgba(120, 120, 120, 0.35)"},
        name="closed",
        hoverinfo="skip",
    )


def interval_band(
    fig: go.Figure,
    clock: Clock,
    low: np.ndarray,
    high: np.ndarray,
    colour: str,
    name: str,
    *,
    legend: bool = True,
    row: int | None = None,
    col: int | None = None,
) -> None:
    """An interval (``low``, ``high`` on every interval of ``clock``) as a shaded band, one
    polygon per run of intervals with both ends known: a band never bridges a gap."""
    x = clock.x()
    for i, (a, b) in enumerate(runs(np.isfinite(low) & np.isfinite(high))):
        fig.add_trace(
            go.Scatter(
                x=list(x[a:b]) + list(x[a:b][::-1]),
                y=np.concatenate([high[a:b], low[a:b][::-1]]),
                fill="toself",
                fillcolor=colour,
                opacity=0.18,
                line={"width": 0},
                name=name,
                legendgroup=name,
                showlegend=legend and i == 0,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index pairs of the runs of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(int), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


@dataclass(frozen=True)
class Unit:
    """A unit for waits: its label and its length in seconds."""

    label: str
    seconds: float

    def __call__(self, seconds: np.ndarray | pd.Series | float) -> np.ndarray:
        return np.asarray(seconds, dtype=float) / self.seconds


SECONDS, MINUTES, HOURS = Unit("s", 1.0), Unit("min", MINUTE), Unit("h", HOUR)


def unit_for(threshold: float) -> Unit:
    """Seconds for promises up to 10 minutes, minutes up to 10 hours, hours beyond."""
    if threshold <= 10 * MINUTE:
        return SECONDS
    if threshold <= 10 * HOUR:
        return MINUTES
    return HOURS


def channel_units(m: Model) -> dict[str, Unit]:
    """One unit per channel (from its longest threshold), given for each internal type: every
    wait of a channel is shown in the same unit across the report."""
    longest: dict[str, float] = {}
    for t in m.types:
        longest[t.channel] = max(longest.get(t.channel, 0.0), t.threshold)
    for target in m.targets:
        for i in target.measured_types:
            if target.threshold is not None and target.kpi == "service_level":
                channel = m.types[i].channel
                longest[channel] = max(longest[channel], target.threshold)
    return {t.name: unit_for(longest[t.channel]) for t in m.types}


def promise(seconds: float, business: bool = False) -> str:
    """A threshold in words ("20s", "8h of business hours")."""
    return format_duration(seconds) + (" of business hours" if business else "")
