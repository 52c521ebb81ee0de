"""The staffing plan's part of a report: per interval the agents required, planned and on duty,
each searched target with its bound and the probability of meeting it on fresh seeds, how each
interval's search ended, and the roster — before the usual sections of the plan's simulation."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from cccsim.report.layout import PALETTE, TIME, Clock, interval_band, layout, titled, when
from cccsim.staffing import StaffingPlan
from cccsim.staffing.frames import STATUS_TEXT
from cccsim.staffing.rounds import search_count


def staffing_summary_html(plan: StaffingPlan) -> str:
    """What the search did and found, what "held" and P(meet) mean, the intervals whose search
    did not end minimal (and why), and the roster with its heads explained."""
    staff, kpis = plan.staff, plan.kpis
    settled = "converged" if plan.converged else "did <b>not</b> converge"
    judged = kpis[kpis.contacts > 0] if len(kpis) else kpis
    held = float(judged.held.mean()) if len(judged) else float("nan")
    lines = [
        f"<p class='lead'>{plan.agent_hours:,.1f} agent-hours scheduled; the search {settled} "
        f"in {plan.rounds} rounds ({search_count(plan.replications)} replications per plan on "
        f"the search's seeds, {plan.replications} on each block of fresh seeds).</p>",
        "<p>The plan was chosen on the search's own seeds and then confirmed on seeds it never "
        "used: in every interval each target must <i>hold</i> — the one-sided "
        f"{plan.confidence:.0%} bound on the interval's expected value meets the target — and "
        "one agent fewer in any single interval must not. "
        f"{held:.0%} of the interval checks hold on the fresh seeds. <i>P(meet)</i> is "
        "different: the share of fresh replications in which that interval, on its own day, "
        "met the target. A half hour of a few hundred calls swings a lot, so an interval "
        "whose expected service level clears 80 % with room to spare still misses on some "
        "days; a contract counting missed intervals should allow for it.</p>",
        _status_table(staff, plan.scenario.start_weekday),
    ]
    if plan.shifts is not None and len(plan.shifts):
        lines.append(_roster_html(plan))
    return "".join(lines)


def _status_table(staff: pd.DataFrame, week_start: str) -> str:
    counts = staff.status.value_counts()
    rows = "".join(
        f"<tr><td>{html.escape(str(name))}</td><td>{int(n)}</td>"
        f"<td>{html.escape(STATUS_TEXT.get(str(name), ''))}</td></tr>"
        for name, n in counts.items()
    )
    odd = staff[~staff.status.isin(["minimal", "no load", "floor", "warm-up"])]
    listed = ""
    if len(odd):
        items = ", ".join(
            f"{html.escape(str(r['agent_group']))} {html.escape(when(float(r['interval_start']), week_start))}"
            f" ({html.escape(str(r['status']))})"
            for r in odd.head(40).to_dict("records")
        )
        more = f" and {len(odd) - 40} more" if len(odd) > 40 else ""
        listed = f"<p>Intervals to look at: {items}{more}.</p>"
    return f"<table><tr><th>intervals</th><th>count</th><th>meaning</th></tr>{rows}</table>{listed}"


def _roster_html(plan: StaffingPlan) -> str:
    """The shifts, and why the heads on the roster exceed the agents on duty at any time."""
    assert plan.shifts is not None
    shifts = plan.shifts
    staff = plan.staff
    rows = "".join(
        f"<tr><td>{html.escape(str(r['agent_group']))}</td>"
        f"<td>{html.escape(str(r['shift']))}</td><td>{html.escape(str(r['start']))}</td>"
        f"<td>{float(r['length']) / 3600:g}h</td><td>{html.escape(str(r['days']))}</td>"
        f"<td>{int(r['agents'])}</td><td>{float(r['paid_hours']):,.1f}</td></tr>"
        for r in shifts.to_dict("records")
    )
    notes = []
    for group, part in shifts.groupby("agent_group", sort=False):
        mine = staff[staff.agent_group == group]
        heads = int(part.agents.sum())
        days = int(
            sum(len(str(d).split(",")) * a for d, a in zip(part.days, part.agents, strict=True))
        )
        notes.append(
            f"<li><b>{html.escape(str(group))}</b>: {heads} agents on the roster "
            f"({days} agent-shifts over the days they work). At most "
            f"{mine.agents.max():.0f} are on shift at once (the others' shifts start earlier "
            f"or later, or fall on other days), and of those at most {mine.on_duty.max():.0f} "
            "are on duty — shrinkage and adherence take their share, rounded per shift as the "
            "engine does, and breaks take agents off for part of an interval — against at most "
            f"{mine.required.max():.0f} required.</li>"
        )
    return (
        "<p>The roster: agents per shift, chosen by an integer program at the least paid time, "
        "put on duty exactly as the simulation does, simulated on fresh seeds and repaired "
        "(the cheapest shift added) wherever an interval fell short.</p>"
        "<table><tr><th>group</th><th>shift</th><th>start</th><th>length</th><th>days</th>"
        f"<th>agents</th><th>paid hours</th></tr>{rows}</table><ul>{''.join(notes)}</ul>"
    )


def staffing_lines(staff: pd.DataFrame, clock: Clock) -> go.Figure:
    """Agents per interval and group (steps over the whole horizon): required on duty, planned
    (scheduled), on duty as simulated, and the Erlang C start."""
    fig = go.Figure()
    for i, (group, part) in enumerate(staff.groupby("agent_group", sort=False)):
        colour = PALETTE[i % len(PALETTE)]
        by = part.set_index("interval_start")
        for label, column, dash in (
            ("required on duty", "required", "solid"),
            ("planned (scheduled)", "agents", "dot"),
            ("on duty as simulated", "on_duty", "longdash"),
            ("Erlang C start", "erlang", "dash"),
        ):
            fig.add_trace(
                go.Scatter(
                    x=clock.x(),
                    y=clock.full(by[column]),
                    name=f"{group}: {label}",
                    line={"shape": "hv", "color": colour, "dash": dash},
                )
            )
    peak = int(staff.required.max()) if len(staff) else 0
    title = titled("Agents per interval", [f"peak {peak} required on duty"])
    fig = layout(fig, title, TIME, "agents")
    fig.update_xaxes(range=clock.range())
    return fig


def target_bands(kpis: pd.DataFrame, clock: Clock, shares: set[str]) -> go.Figure:
    """Each searched target per interval on the fresh seeds: the estimate and its one-sided
    bound (gaps where an interval had no contacts; intervals where it does not hold marked),
    targets on shares (``shares``: their labels) in %, the others in seconds, each kind in its
    own panel; below, each target's probability of being met in an interval."""
    kinds = [
        k
        for k in ("share", "time")
        if any((t in shares) == (k == "share") for t in kpis.target.unique())
    ]
    panels = max(len(kinds), 1) + 1
    fig = make_subplots(rows=panels, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    for i, (target, part) in enumerate(kpis.groupby("target", sort=False)):
        row = kinds.index("share" if target in shares else "time") + 1
        colour = PALETTE[i % len(PALETTE)]
        by = part[part.contacts > 0].set_index("interval_start")
        fig.add_trace(
            go.Scatter(
                x=clock.x(),
                y=clock.full(by["mean"]),
                name=str(target),
                line={"color": colour},
                connectgaps=False,
            ),
            row=row,
            col=1,
        )
        low, high = clock.full(by["ci_low"]), clock.full(by["ci_high"])
        interval_band(
            fig, clock, low, high, colour, f"{target}: bounds", legend=False, row=row, col=1
        )
        fig.add_trace(
            go.Scatter(
                x=clock.x(),
                y=clock.full(by["p_meet"]),
                name=f"{target}: P(meet)",
                line={"color": colour, "dash": "dot", "shape": "hv"},
                showlegend=False,
                connectgaps=False,
            ),
            row=panels,
            col=1,
        )
        missed = by[~by.held.astype(bool)]
        if len(missed):
            fig.add_trace(
                go.Scatter(
                    x=clock.x(missed.index.to_numpy(dtype=float)),
                    y=missed["mean"],
                    mode="markers",
                    marker={"symbol": "x", "size": 9, "color": "#c62828"},
                    name=f"{target}: not held",
                ),
                row=row,
                col=1,
            )
    judged = kpis[kpis.contacts > 0]
    held = judged.held.mean() if len(judged) else float("nan")
    title = titled("Targets per interval", [f"{held:.0%} of the interval checks held"])
    fig = layout(fig, title, TIME, "", 240 + 160 * panels)
    for row, kind in enumerate(kinds, start=1):
        if kind == "share":
            fig.update_yaxes(title_text="share", tickformat=".0%", row=row, col=1)
        else:
            fig.update_yaxes(title_text="seconds", row=row, col=1)
    fig.update_yaxes(title_text="P(meet)", tickformat=".0%", range=[0, 1], row=panels, col=1)
    fig.update_xaxes(title_text=None, range=clock.range())
    fig.update_xaxes(title_text=TIME, row=panels, col=1)
    return fig
