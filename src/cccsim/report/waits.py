"""Waiting-time figures from the ``waits`` frame: the share of contacts answered within x, per
contact type and per service-level promise, in each channel's unit.

The curves come from additive sums (``stats.waits``), so they exist for one run or many, kept
contacts or not; contacts not yet due at x by the end of the run are left out, never counted as
answered late. Channels whose waits differ by orders of magnitude (voice seconds, email hours)
get panels of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.report.layout import REAL_TIME, Unit, layout, titled
from cccsim.units import format_duration


@dataclass(frozen=True)
class Curve:
    """One curve to draw: whose waits, on which clock, against which promise."""

    subject: str  # the contact type (its colour and unit)
    target: str  # the target's label ("" for the type's own curve)
    threshold: float
    business: bool  # waits in business hours
    values: pd.DataFrame  # rows of ``waits`` (every replication)
    bound: float | None = None  # the promise: at least this share within the threshold

    @property
    def promise(self) -> str:
        return format_duration(self.threshold) + (" of business hours" if self.business else "")

    def mean(self) -> pd.Series:
        """The share answered within each grid point, mean over replications (NaN ignored)."""
        return self.values.groupby("wait", sort=True)["share"].mean()


def curves_of(waits: pd.DataFrame, bounds: dict[str, float], deferred: bool) -> list[Curve]:
    """The types' own curves (``deferred=False``: every type that had contacts), or the deferred
    types' promises (``deferred=True``: each service-level target of an email or messaging type,
    and such a type without one at its own threshold)."""
    target = waits["target"].fillna("").astype(str)
    real_time = waits["channel"].astype(str).isin(REAL_TIME)
    rows = waits[~real_time] if deferred else waits[target == ""]
    rows_target = target[rows.index]
    targeted = set(rows.loc[rows_target != "", "subject"].astype(str))
    out = []
    for (subject, label), part in rows.groupby(
        [rows["subject"].astype(str), rows_target], sort=False
    ):
        if deferred and not label and subject in targeted:
            continue  # its promise is drawn instead
        if part["base"].sum() == 0:
            continue
        out.append(
            Curve(
                str(subject),
                str(label),
                float(part["threshold"].iloc[0]),
                bool((part["clock"] == "business hours").any()),
                part,
                bounds.get(str(label)),
            )
        )
    return out


def _right_end(curve: pd.Series, threshold: float) -> float:
    """Where a curve has (almost) reached its plateau, and at least twice its threshold."""
    known = curve.dropna()
    if known.empty:
        return 2 * threshold
    at = known.index[known.to_numpy() >= 0.99 * float(known.max())]
    return max(2 * threshold, float(at[0]) * 1.3)


def curves_figure(
    curves: list[Curve], title: str, colours: dict[str, str], units: dict[str, Unit]
) -> go.Figure:
    """The curves in one panel per unit; each promise drawn as the point (threshold, bound) a
    curve must pass above, or the threshold alone as a dotted line."""
    panels = list(dict.fromkeys(units[c.subject].label for c in curves))
    fig = make_subplots(rows=max(len(panels), 1), cols=1, vertical_spacing=0.2)
    findings = []
    for row, label in enumerate(panels, start=1):
        right, seconds = 0.0, 1.0
        for c in (c for c in curves if units[c.subject].label == label):
            unit, colour = units[c.subject], colours[c.subject]
            seconds = unit.seconds
            mean = c.mean()
            right = max(right, _right_end(mean, c.threshold))
            name = c.subject + (" (business hours)" if c.business else "")
            fig.add_trace(
                go.Scatter(
                    x=unit(mean.index.to_numpy()),
                    y=mean.to_numpy(),
                    name=name,
                    line={"color": colour, "shape": "hv"},
                    hovertemplate=f"%{{y:.1%}} within %{{x:.3g}} {label}<extra>{name}</extra>",
                ),
                row=row,
                col=1,
            )
            x = float(unit(c.threshold))
            if c.bound is None:
                marker = {"x": [x, x], "y": [0, 1], "mode": "lines"}
                name = f"{c.subject} threshold {c.promise}"
            else:
                marker = {
                    "x": [0, x, x],
                    "y": [c.bound, c.bound, 0],
                    "mode": "lines+markers",
                    "marker": {"size": [0, 12, 0], "symbol": "diamond", "color": colour},
                }
                name = f"{c.subject} promise: ≥ {c.bound:.0%} within {c.promise}"
            fig.add_trace(
                go.Scatter(
                    **marker,
                    line={"color": colour, "dash": "dash" if c.bound else "dot", "width": 1},
                    name=name,
                    hovertemplate=f"{c.target or name}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            at = float(mean.get(c.threshold, np.nan))
            if np.isfinite(at):
                words = f"{c.subject}: {at:.0%} answered within {c.promise}"
                if c.bound is not None:
                    kept = "kept" if at >= c.bound - 1e-12 else "not kept"
                    words += f" (promise ≥ {c.bound:.0%}: {kept})"
                findings.append(words)
        fig.update_xaxes(range=[0, right / seconds], row=row, col=1)
    fig = layout(fig, titled(title, findings), "", "", 240 + 170 * max(len(panels), 1))
    for row, label in enumerate(panels, start=1):
        fig.update_xaxes(title_text=f"time to answer ({label})", row=row, col=1)
        fig.update_yaxes(
            title_text="answered within x", tickformat=".0%", range=[0, 1.02], row=row, col=1
        )
    return fig


def wait_distribution(
    waits: pd.DataFrame, colours: dict[str, str], units: dict[str, Unit]
) -> go.Figure:
    """Per contact type: the share of the contacts that joined the queue answered within x (the
    service level at every threshold x), each type's threshold marked."""
    return curves_figure(
        curves_of(waits, {}, deferred=False),
        "Waiting times: share answered within x",
        colours,
        units,
    )


def deferred_response(
    waits: pd.DataFrame,
    bounds: dict[str, float],
    colours: dict[str, str],
    units: dict[str, Unit],
) -> go.Figure | None:
    """Deferred work (email, messaging): the share answered within x on each promise's own clock
    and rules, against the promise; None without deferred work."""
    curves = curves_of(waits, bounds, deferred=True)
    if not curves:
        return None
    return curves_figure(curves, "Deferred work: response time against the promise", colours, units)
