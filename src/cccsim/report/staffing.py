"""The staffing plan's part of a report: agents per interval (Erlang start, search, shifts) and
each searched target per interval with its confidence bound, before the usual sections for the
plan's own simulation."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cccsim.report.figures import PALETTE, TIME, _hours, _layout, _when
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
            f"{html.escape(_when(float(peak['interval_start']), plan.scenario.start_weekday))}).</p>"
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


def staffing_lines(staff: pd.DataFrame, week_start: str = "mon") -> go.Figure:
    """Agents per interval and group: the Erlang start, the searched requirement, scheduled."""
    fig = go.Figure()
    for i, (group, part) in enumerate(staff.groupby("agent_group", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        x = _hours(part.interval_start.to_numpy(), week_start)
        series = [
            ("scheduled", part.agents, "solid"),
            ("on duty needed", part.on_duty, "dot"),
            ("Erlang start", part.erlang, "dash"),
        ]
        if "covered" in part:
            series.append(("covered by shifts", part.covered, "longdash"))
        for label, values, dash in series:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=values,
                    name=f"{group}: {label}",
                    line={"shape": "hv", "color": colour, "dash": dash},
                )
            )
    peak = int(staff.agents.max()) if len(staff) else 0
    return _layout(fig, f"Agents per interval (peak {peak} scheduled)", TIME, "agents")


def target_bands(kpis: pd.DataFrame, week_start: str = "mon") -> go.Figure:
    """Each searched target per interval: the mean over the search's replications and its
    one-sided bound; intervals where it does not hold are marked."""
    fig = go.Figure()
    for i, (target, part) in enumerate(kpis.groupby("target", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        x = _hours(part.interval_start.to_numpy(), week_start)
        fig.add_trace(go.Scatter(x=x, y=part["mean"], name=str(target), line={"color": colour}))
        low = part.ci_low.to_numpy(dtype=float)
        high = part.ci_high.to_numpy(dtype=float)
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([high, low[::-1]]),
                fill="toself",
                fillcolor=colour,
                opacity=0.15,
                line={"width": 0},
                name=f"{target}: bounds",
                showlegend=False,
                hoverinfo="skip",
            )
        )
        missed = part[~part.met]
        if len(missed):
            fig.add_trace(
                go.Scatter(
                    x=_hours(missed.interval_start.to_numpy(), week_start),
                    y=missed["mean"],
                    mode="markers",
                    marker={"symbol": "x", "size": 9, "color": "#c62828"},
                    name=f"{target}: not held",
                )
            )
    held = kpis.met.mean() if len(kpis) else float("nan")
    return _layout(fig, f"Targets per interval ({held:.0%} of checks held)", TIME, "value")
