"""Figures of comparisons, sweeps, costs and journeys: tidy frames → plotly figures.

Pure functions like those of ``figures.py`` (same palette and layout), for the parts of a report
that compare options or follow customers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.report.figures import PALETTE, _layout

KEY_KPIS = {"service_level": "service level", "asa": "ASA (s)", "abandon_rate": "abandon rate"}


def option_bars(summary: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Key KPIs per option (scenario) with 95 % confidence intervals, one panel per KPI."""
    fig = make_subplots(rows=1, cols=len(KEY_KPIS), subplot_titles=list(KEY_KPIS.values()))
    for col, kpi in enumerate(KEY_KPIS, start=1):
        part = summary[summary.kpi == kpi]
        for ctype in dict.fromkeys(part["contact_type"].astype(str)):
            rows = part[part.contact_type == ctype]
            err = (rows["ci_high"] - rows["mean"]).fillna(0)
            fig.add_trace(
                go.Bar(
                    x=rows["scenario"],
                    y=rows["mean"],
                    name=ctype,
                    legendgroup=ctype,
                    showlegend=col == 1,
                    marker={"color": colours[ctype]},
                    error_y={"type": "data", "array": err},
                ),
                row=1,
                col=col,
            )
    sl = summary[summary.kpi == "service_level"]
    title = "Options side by side"
    if len(sl):
        first = str(sl["contact_type"].iloc[0])
        levels = (
            sl[sl.contact_type == first].set_index("scenario")["mean"].sort_values(ascending=False)
        )
        title += f" — {first} service level: " + ", ".join(
            f"{n} {v:.1%}" for n, v in levels.items()
        )
    return _layout(fig, title, "option", "", 420)


def differences_forest(differences: pd.DataFrame) -> go.Figure:
    """Paired differences against the baseline with 95 % CIs, one panel per KPI (own units)."""
    shown = differences[differences.kpi.isin(list(KEY_KPIS))].copy()
    shown["label"] = shown["scenario"] + " · " + shown["contact_type"].astype(str)
    colours = {
        "better": "#1a9850",
        "worse": "#d73027",
        "no clear difference": "#fdae61",
        "": "#888888",
    }
    kpis = [k for k in KEY_KPIS if k in set(shown["kpi"])]
    fig = make_subplots(
        rows=1,
        cols=max(len(kpis), 1),
        subplot_titles=[KEY_KPIS[k] for k in kpis],
        shared_yaxes=True,
        horizontal_spacing=0.06,
    )
    seen: set[str] = set()
    for col, kpi in enumerate(kpis, start=1):
        for verdict, part in shown[shown.kpi == kpi].groupby("verdict", sort=False):
            name = str(verdict) or "–"
            fig.add_trace(
                go.Scatter(
                    x=part["mean_difference"],
                    y=part["label"],
                    mode="markers",
                    name=name,
                    legendgroup=name,
                    showlegend=name not in seen,
                    marker={"color": colours.get(str(verdict), "#888"), "size": 9},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": part["ci_high"] - part["mean_difference"],
                        "arrayminus": part["mean_difference"] - part["ci_low"],
                    },
                ),
                row=1,
                col=col,
            )
            seen.add(name)
        fig.add_vline(x=0, line={"color": "black", "width": 1}, row=1, col=col)
    n_better = int((shown["verdict"] == "better").sum())
    baseline = str(shown["baseline"].iloc[0]) if len(shown) else "baseline"
    title = f"Paired differences against {baseline}: {n_better} of {len(shown)} better with 95 % confidence"
    return _layout(fig, title, "option − baseline", "", 220 + 30 * shown["label"].nunique())


def sweep_lines(summary: pd.DataFrame, factor: str, colours: dict[str, str]) -> go.Figure:
    """Key KPIs against the first sweep factor, with 95 % bands, per contact type."""
    fig = make_subplots(rows=1, cols=len(KEY_KPIS), subplot_titles=list(KEY_KPIS.values()))
    for col, kpi in enumerate(KEY_KPIS, start=1):
        part = summary[summary.kpi == kpi]
        for ctype in dict.fromkeys(part["contact_type"].astype(str)):
            rows = (
                part[part.contact_type == ctype]
                .groupby(factor, sort=True)[["mean", "ci_low", "ci_high"]]
                .mean()
            )
            x = rows.index.to_numpy()
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=rows["mean"],
                    name=ctype,
                    legendgroup=ctype,
                    showlegend=col == 1,
                    line={"color": colours[ctype]},
                    error_y={
                        "type": "data",
                        "symmetric": False,
                        "array": (rows["ci_high"] - rows["mean"]).fillna(0),
                        "arrayminus": (rows["mean"] - rows["ci_low"]).fillna(0),
                    },
                ),
                row=1,
                col=col,
            )
    return _layout(fig, f"Key KPIs as {factor} varies", factor, "", 420)


def cost_service_frontier(
    summary: pd.DataFrame, options: pd.DataFrame | None, currency: str
) -> go.Figure | None:
    """Total cost per contract period (operating + telephony + expected penalties − expected
    bonuses, ``options``) against the first contact type's service level, per option, with
    intervals; the cheapest compliant option is named — None when nothing is priced."""
    if options is None or options.empty or not (options["total_cost"].abs() > 0).any():
        return None
    total = options.set_index("scenario")
    sl = summary[summary.kpi == "service_level"]
    first = str(sl["contact_type"].iloc[0])
    level = sl[sl.contact_type == first].set_index("scenario").loc[total.index]
    fig = go.Figure(
        go.Scatter(
            x=total["total_cost"].to_numpy(),
            y=level["mean"],
            mode="markers+text",
            text=[f"{n} ✓" if ok else str(n) for n, ok in total["compliant"].items()],
            textposition="top center",
            marker={
                "size": 11,
                "color": [PALETTE[2] if ok else PALETTE[1] for ok in total["compliant"]],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (total["ci_high"] - total["total_cost"]).fillna(0),
                "arrayminus": (total["total_cost"] - total["ci_low"]).fillna(0),
            },
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (level["ci_high"] - level["mean"]).fillna(0),
                "arrayminus": (level["mean"] - level["ci_low"]).fillna(0),
            },
        )
    )
    best = total.index[total["cheapest_compliant"]]
    title = (
        f"Total cost against {first} service level: cheapest meeting every target is {best[0]} "
        f"({total.loc[best[0], 'total_cost']:,.0f} {currency})"
        if len(best)
        else f"Total cost against {first} service level: no option meets every target (✓ = compliant)"
    )
    fig = _layout(
        fig,
        title,
        f"total cost per contract period ({currency})",
        f"{first} service level",
    )
    fig.update_yaxes(tickformat=".0%")
    return fig


def journey_bars(journeys: pd.DataFrame) -> go.Figure:
    """Per first contact type: share of customers served, resolved, and served within the
    threshold at their first attempt (customer basis), with attempts per customer in the title."""
    mean = journeys.groupby("first_contact_type", sort=False)[
        ["served", "resolved", "customer_service_level", "attempts_per_customer"]
    ].mean()
    fig = go.Figure()
    names = {
        "served": "served at some attempt",
        "resolved": "resolved",
        "customer_service_level": "answered in time at the first attempt",
    }
    for i, (column, label) in enumerate(names.items()):
        fig.add_trace(
            go.Bar(
                x=list(mean.index),
                y=mean[column],
                name=label,
                marker={"color": PALETTE[i + 2]},
                text=[f"{v:.0%}" for v in mean[column]],
                textposition="outside",
            )
        )
    overall = mean.loc["all"] if "all" in mean.index else mean.iloc[-1]
    title = (
        f"Customer journeys: {overall['attempts_per_customer']:.2f} attempts per customer, "
        f"{overall['served']:.0%} served, {overall['resolved']:.0%} resolved"
    )
    fig = _layout(fig, title, "first contact type", "share of customers")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15])
    return fig
