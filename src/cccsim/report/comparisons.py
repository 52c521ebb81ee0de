"""Figures of comparisons, sweeps, costs and journeys: tidy frames → plotly figures.

Pure functions like those of ``figures.py`` (same palette and layout), for the parts of a report
that compare options or follow customers.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.report.layout import PALETTE, Unit, layout, titled

SHARES = {"service_level": "service level", "abandon_rate": "abandon rate"}


def key_kpis(
    summary: pd.DataFrame,
    target_summary: pd.DataFrame | None,
    sl_targets: dict[str, str],
    units: dict[str, Unit],
    keys: tuple[str, ...] = ("scenario",),
) -> tuple[pd.DataFrame, list[str]]:
    """The key KPIs per option and contact type in one long frame (``panel``, ``contact_type``,
    ``keys``, ``mean``, ``ci_low``, ``ci_high``), and the panels in order: service level (as
    each type's service-level target defines it, else at the type's threshold) and abandon rate
    as shares, then ASA in each channel's unit (one panel per unit)."""
    parts = []
    sl = summary[summary.kpi == "service_level"]
    ts = target_summary if target_summary is not None else pd.DataFrame()
    for ctype, part in sl.groupby("contact_type", sort=False, observed=True):
        label = sl_targets.get(str(ctype))
        if label is not None and len(ts):
            part = ts[ts["target"] == label].rename(columns={"attained": "mean"})
            part = part.assign(contact_type=ctype)
        parts.append(part.assign(panel="service level"))
    parts.append(summary[summary.kpi == "abandon_rate"].assign(panel="abandon rate"))
    asa = summary[summary.kpi == "asa"]
    by_size = sorted({(u.seconds, f"ASA ({u.label})") for u in units.values()})
    panels = ["service level", "abandon rate", *dict.fromkeys(name for _, name in by_size)]
    for ctype, part in asa.groupby("contact_type", sort=False, observed=True):
        unit = units.get(str(ctype))
        if unit is None:
            continue
        name = f"ASA ({unit.label})"
        scaled = {c: unit(part[c]) for c in ("mean", "ci_low", "ci_high")}
        parts.append(part.assign(panel=name, **scaled))
    columns = ["panel", "contact_type", *keys, "mean", "ci_low", "ci_high"]
    frame = pd.concat([p[[c for c in columns if c in p]] for p in parts], ignore_index=True)
    return frame, [p for p in panels if (frame["panel"] == p).any()]


def _format_panels(fig: go.Figure, panels: list[str], axis: str) -> None:
    """Shares in %, one axis per panel."""
    for col, panel in enumerate(panels, start=1):
        if not panel.startswith("ASA"):
            if axis == "y":
                fig.update_yaxes(tickformat=".0%", row=1, col=col)
            else:
                fig.update_xaxes(tickformat=".1%", row=1, col=col)


def option_bars(
    kpis: pd.DataFrame, panels: list[str], colours: dict[str, str], confidence: float
) -> go.Figure:
    """Key KPIs per option (scenario) with their intervals, one panel per KPI and unit."""
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=panels)
    for col, panel in enumerate(panels, start=1):
        part = kpis[kpis.panel == panel]
        for ctype in dict.fromkeys(part["contact_type"].astype(str)):
            rows = part[part.contact_type == ctype]
            fig.add_trace(
                go.Bar(
                    x=rows["scenario"],
                    y=rows["mean"],
                    name=ctype,
                    legendgroup=ctype,
                    showlegend=ctype not in {t.name for t in fig.data},
                    marker={"color": colours[ctype]},
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
    findings = []
    sl = kpis[kpis.panel == "service level"]
    if len(sl):
        first = str(sl["contact_type"].iloc[0])
        levels = sl[sl.contact_type == first].set_index("scenario")["mean"]
        levels = levels.sort_values(ascending=False)
        findings.append(
            f"{first} service level: " + ", ".join(f"{n} {v:.1%}" for n, v in levels.items())
        )
    title = titled(f"Options side by side (bars: {confidence:.0%} intervals)", findings)
    fig = layout(fig, title, "option", "", 420)
    _format_panels(fig, panels, "y")
    return fig


def differences_forest(
    differences: pd.DataFrame,
    sl_targets: dict[str, str],
    units: dict[str, Unit],
    confidence: float,
) -> go.Figure:
    """Paired differences against the baseline with their intervals, one panel per KPI and
    unit; the service level of a type with a service-level target as that target defines it."""
    shown = differences[differences.kpi.isin(["service_level", "abandon_rate", "asa"])].copy()
    targeted = differences[
        (differences.contact_type == "target") & differences.kpi.isin(list(sl_targets.values()))
    ].copy()
    by_label = {label: ctype for ctype, label in sl_targets.items()}
    targeted["contact_type"] = targeted["kpi"].map(by_label)
    targeted["kpi"] = "service_level"
    shown = shown[~((shown.kpi == "service_level") & shown.contact_type.isin(list(sl_targets)))]
    shown = pd.concat([targeted, shown], ignore_index=True)
    shown["panel"] = shown["kpi"].map(SHARES)
    for ctype, unit in units.items():
        mine = (shown.kpi == "asa") & (shown.contact_type.astype(str) == ctype)
        shown.loc[mine, "panel"] = f"ASA ({unit.label})"
        for c in ("mean_difference", "ci_low", "ci_high"):
            shown.loc[mine, c] = unit(shown.loc[mine, c].to_numpy(dtype=float))
    shown = shown[shown["panel"].notna()]
    shown["label"] = shown["scenario"] + " · " + shown["contact_type"].astype(str)
    colours = {
        "better": "#1a9850",
        "worse": "#d73027",
        "no clear difference": "#fdae61",
        "": "#888888",
    }
    by_size = sorted({(u.seconds, f"ASA ({u.label})") for u in units.values()})
    order = ["service level", "abandon rate", *dict.fromkeys(name for _, name in by_size)]
    panels = [p for p in order if (shown.panel == p).any()]
    fig = make_subplots(
        rows=1,
        cols=max(len(panels), 1),
        subplot_titles=panels,
        shared_yaxes=True,
        horizontal_spacing=0.06,
    )
    seen: set[str] = set()
    for col, panel in enumerate(panels, start=1):
        for verdict, part in shown[shown.panel == panel].groupby("verdict", sort=False):
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
    title = (
        f"Paired differences against {baseline}: {n_better} of {len(shown)} better "
        f"with {confidence:.0%} confidence"
    )
    fig = layout(fig, title, "option − baseline", "", 220 + 30 * shown["label"].nunique())
    _format_panels(fig, panels, "x")
    return fig


def sweep_lines(
    kpis: pd.DataFrame, panels: list[str], factor: str, colours: dict[str, str], confidence: float
) -> go.Figure:
    """Key KPIs against the first sweep factor, with their intervals, per contact type."""
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=panels)
    for col, panel in enumerate(panels, start=1):
        part = kpis[kpis.panel == panel]
        for ctype in dict.fromkeys(part["contact_type"].astype(str)):
            rows = (
                part[part.contact_type == ctype]
                .groupby(factor, sort=True)[["mean", "ci_low", "ci_high"]]
                .mean()
            )
            fig.add_trace(
                go.Scatter(
                    x=rows.index.to_numpy(),
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
    title = f"Key KPIs as {factor} varies ({confidence:.0%} intervals)"
    fig = layout(fig, title, factor, "", 420)
    _format_panels(fig, panels, "y")
    return fig


def cost_service_frontier(
    kpis: pd.DataFrame, options: pd.DataFrame | None, currency: str
) -> go.Figure | None:
    """Total cost per contract period (operating + telephony + expected penalties − expected
    bonuses, ``options``) against the first contact type's service level (``key_kpis``), per
    option, with intervals; the cheapest compliant option is named — None when nothing is
    priced."""
    if options is None or options.empty or not (options["total_cost"].abs() > 0).any():
        return None
    total = options.set_index("scenario")
    sl = kpis[kpis.panel == "service level"]
    first = str(sl["contact_type"].iloc[0])
    level = sl[sl.contact_type == first].groupby("scenario").first().loc[total.index]
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
    finding = (
        f"cheapest meeting every target: {best[0]} ({total.loc[best[0], 'total_cost']:,.0f} "
        f"{currency}, ✓ = compliant)"
        if len(best)
        else "no option meets every target (✓ = compliant)"
    )
    fig = layout(
        fig,
        titled(f"Total cost against {first} service level", [finding]),
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
    fig = layout(fig, title, "first contact type", "share of customers")
    fig.update_yaxes(tickformat=".0%", range=[0, 1.15])
    return fig
