"""The staffing plan's part of a report: agents per interval (Erlang start, search, shifts) and
each searched target per interval with its confidence bound, before the usual sections for the
plan's own simulation."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.report.layout import PALETTE, TIME, Clock, interval_band, layout, titled, when
from cccsim.staffing import StaffingPlan


def staffing_summary_html(plan: StaffingPlan) -> str:
    """What the search did and what it found, in a few lines (and the shifts, if any)."""
    staff = plan.staff
    settled = "settled" if plan.converged else "did <b>not</b> settle"
    held = plan.kpis.met.mean() if len(plan.kpis) else float("nan")
    lines = [
        f"<p class='lead'>{plan.agent_hours:,.1f} agent-hours scheduled; the search {settled} "
        f"in {plan.rounds} rounds.</p>",
        "<p>Each round simulated the same replications (common random numbers) with one more "
        "agent where a target missed its bound, or one fewer where every target held, at "
        f"{plan.confidence:.0%} one-sided confidence; {held:.0%} of the interval checks hold "
        "at the end.</p>",
    ]
    if len(staff):
        peak = staff.to_dict("records")[int(np.argmax(staff.agents.to_numpy()))]
        lines.append(
            f"<p>Peak: {int(peak['agents'])} agents scheduled "
            f"({html.escape(str(peak['agent_group']))}, "
            f"{html.escape(when(float(peak['interval_start']), plan.scenario.start_weekday))}).</p>"
        )
    if plan.shifts is not None and len(plan.shifts):
        rows = "".join(
            f"<tr><td>{html.escape(str(r['agent_group']))}</td>"
            f"<td>{html.escape(str(r['shift']))}</td><td>{html.escape(str(r['start']))}</td>"
            f"<td>{float(r['length']) / 3600:g}h</td><td>{html.escape(str(r['days']))}</td>"
            f"<td>{int(r['agents'])}</td><td>{float(r['paid_hours']):,.1f}</td></tr>"
            for r in plan.shifts.to_dict("records")
        )
        lines.append(
            "<table><tr><th>group</th><th>shift</th><th>start</th><th>length</th><th>days</th>"
            f"<th>agents</th><th>paid hours</th></tr>{rows}</table>"
        )
    return "".join(lines)


def staffing_lines(staff: pd.DataFrame, clock: Clock) -> go.Figure:
    """Agents per interval and group: the Erlang start, the searched requirement, scheduled
    (steps over the whole horizon)."""
    fig = go.Figure()
    for i, (group, part) in enumerate(staff.groupby("agent_group", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        by = part.set_index("interval_start")
        series = [
            ("scheduled", "agents", "solid"),
            ("on duty needed", "on_duty", "dot"),
            ("Erlang start", "erlang", "dash"),
        ]
        if "covered" in part:
            series.append(("covered by shifts", "covered", "longdash"))
        for label, column, dash in series:
            fig.add_trace(
                go.Scatter(
                    x=clock.x(),
                    y=clock.full(by[column]),
                    name=f"{group}: {label}",
                    line={"shape": "hv", "color": colour, "dash": dash},
                )
            )
    peak = int(staff.agents.max()) if len(staff) else 0
    fig = layout(fig, titled("Agents per interval", [f"peak {peak} scheduled"]), TIME, "agents")
    fig.update_xaxes(range=clock.range())
    return fig


def target_bands(kpis: pd.DataFrame, clock: Clock, shares: set[str]) -> go.Figure:
    """Each searched target per interval: the mean over the search's replications and its
    one-sided bound (gaps where an interval had no contacts); intervals where it does not hold
    are marked. Targets on shares (``shares``: their labels) in %, the others in seconds, each
    kind in its own panel."""
    kinds = [
        k
        for k in ("share", "time")
        if any((t in shares) == (k == "share") for t in kpis.target.unique())
    ]
    fig = make_subplots(rows=max(len(kinds), 1), cols=1, shared_xaxes=True, vertical_spacing=0.12)
    for i, (target, part) in enumerate(kpis.groupby("target", sort=False)):
        row = kinds.index("share" if target in shares else "time") + 1
        colour = PALETTE[i % len(PALETTE)]
        by = part.set_index("interval_start")
        y = clock.full(by["mean"])
        fig.add_trace(
            go.Scatter(
                x=clock.x(), y=y, name=str(target), line={"color": colour}, connectgaps=False
            ),
            row=row,
            col=1,
        )
        low, high = clock.full(by["ci_low"]), clock.full(by["ci_high"])
        interval_band(
            fig, clock, low, high, colour, f"{target}: bounds", legend=False, row=row, col=1
        )
        missed = part[~part.met.astype(bool)]
        if len(missed):
            fig.add_trace(
                go.Scatter(
                    x=clock.x(missed.interval_start.to_numpy()),
                    y=missed["mean"],
                    mode="markers",
                    marker={"symbol": "x", "size": 9, "color": "#c62828"},
                    name=f"{target}: not held",
                ),
                row=row,
                col=1,
            )
    held = kpis.met.mean() if len(kpis) else float("nan")
    fig = layout(
        fig,
        titled("Targets per interval", [f"{held:.0%} of the interval checks held"]),
        TIME,
        "",
        240 + 160 * max(len(kinds), 1),
    )
    for row, kind in enumerate(kinds, start=1):
        if kind == "share":
            fig.update_yaxes(title_text="share", tickformat=".0%", row=row, col=1)
        else:
            fig.update_yaxes(title_text="seconds", row=row, col=1)
    fig.update_xaxes(title_text=None, range=clock.range())
    fig.update_xaxes(title_text=TIME, row=max(len(kinds), 1), col=1)
    return fig
