"""The back-test report: verdict (coverage and flags) first, then KPIs per interval against the
simulation's prediction intervals, pooled parts of the day and the patience check."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from cccsim import __version__
from cccsim.backtesting import Backtest
from cccsim.backtesting.compare import LABELS, format_kpi
from cccsim.report.html import Section, _page
from cccsim.report.layout import layout as _layout
from cccsim.units import format_duration

SHARES = ("service_level", "abandon_rate", "occupancy")


def render_backtest_report(bt: Backtest, title: str | None = None, plotlyjs: str = "inline") -> str:
    """The back-test report as one HTML string."""
    sections = [Section("Verdict", _verdict_html(bt))]
    for key in ("contact_type", "agent_group"):
        if key not in bt.intervals:
            continue
        rows = bt.intervals[bt.intervals[key].notna()]
        for who, part in rows.groupby(key, sort=False):
            figures = {
                f"{who}_{kpi}": band_figure(
                    part[part["kpi"] == kpi], bt, f"{who}: {LABELS[kpi]}", kpi
                )
                for kpi in pd.unique(part["kpi"])
            }
            label = "Contact type" if key == "contact_type" else "Agent group"
            sections.append(Section(f"{label} “{who}”", figures=figures, key=f"{key}_{who}"))
    sections.append(Section("By part of the day", _parts_html(bt)))
    sections.append(Section("Patience, for the waits customers had", _patience_html(bt)))
    sections.append(Section("Provenance", _provenance_html(bt)))
    heading = title or f"Back-test of {bt.scenario.name}"
    subtitle = (
        f"{bt.log.days} days from {bt.log.start:%Y-%m-%d}, {bt.replications} replications, "
        f"{bt.level:.0%} prediction intervals — cccsim {__version__}"
    )
    return _page(heading, subtitle, sections, plotlyjs)


def band_figure(rows: pd.DataFrame, bt: Backtest, title: str, kpi: str) -> go.Figure:
    """Observed value per interval (dots, red outside) against the prediction band and mean."""
    rows = rows.sort_values("interval")
    x = bt.log.start + pd.to_timedelta(rows["interval_start"], unit="s")
    inside = rows["inside"].to_numpy(dtype=bool)
    fig = go.Figure()
    fig.add_scatter(x=x, y=rows["pi_high"], mode="lines", line={"width": 0}, showlegend=False)
    fig.add_scatter(
        x=x,
        y=rows["pi_low"],
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor="rgba(60,120,200,0.2)",
        name=f"simulated {bt.level:.0%} prediction interval",
    )
    fig.add_scatter(
        x=x,
        y=rows["simulated"],
        mode="lines",
        line={"color": "rgb(60,120,200)"},
        name="simulated mean",
    )
    fig.add_scatter(
        x=x,
        y=rows["observed"],
        mode="markers",
        marker={"size": 5, "color": np.where(inside, "black", "firebrick")},
        name=f"observed ({inside.mean():.0%} inside)",
    )
    fig = _layout(fig, title, "time", LABELS[kpi])
    if kpi in SHARES:
        fig.update_yaxes(tickformat=".0%")
    return fig


def _verdict_html(bt: Backtest) -> str:
    key = _who(bt.coverage)
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{LABELS[r['kpi']]}</td><td>{r['intervals']:,}</td>"
        f"<td>{r['share_inside']:.1%}</td></tr>"
        for k, r in zip(key, bt.coverage.to_dict("records"), strict=True)
    )
    flags = (
        "<ul>" + "".join(f"<li>{html.escape(m)}</li>" for m in bt.flags["message"]) + "</ul>"
        if len(bt.flags)
        else "<p>No systematic gap found.</p>"
    )
    period = bt.period()
    key = _who(period)
    period_rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{LABELS[r['kpi']]}</td><td>{format_kpi(r['kpi'], r['observed'])}</td>"
        f"<td>{format_kpi(r['kpi'], r['simulated'])}</td><td>{format_kpi(r['kpi'], r['pi_low'])} – {format_kpi(r['kpi'], r['pi_high'])}</td></tr>"
        for k, r in zip(key, period.to_dict("records"), strict=True)
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in bt.notes)
    return (
        f"<p class='lead'>{len(bt.flags)} systematic gap{'s' if len(bt.flags) != 1 else ''} "
        "flagged.</p>"
        + flags
        + "<p><b>Coverage</b>: the share of intervals whose observed value lies inside the "
        f"simulation's {bt.level:.0%} prediction interval (about {bt.level:.0%} if the scenario "
        "is right).</p><table><thead><tr><th></th><th>KPI</th><th>intervals</th><th>inside</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        "<p><b>Over the period</b></p><table><thead><tr><th></th><th>KPI</th><th>observed</th>"
        f"<th>simulated</th><th>{bt.level:.0%} range</th></tr></thead><tbody>{period_rows}</tbody></table>"
        + (f"<ul>{notes}</ul>" if notes else "")
    )


def _parts_html(bt: Backtest) -> str:
    p = bt.parts[bt.parts["part"] != "period"]
    key = _who(p)
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{r['part']}</td><td>{LABELS[r['kpi']]}</td>"
        f"<td>{format_kpi(r['kpi'], r['observed'])}</td><td>{format_kpi(r['kpi'], r['simulated'])}</td>"
        f"<td>{format_kpi(r['kpi'], r['pi_low'])} – {format_kpi(r['kpi'], r['pi_high'])}</td><td>{r['z']:+.1f}</td></tr>"
        for k, r in zip(key, p.to_dict("records"), strict=True)
    )
    return (
        "<p>Each KPI pooled over the part of the day (night 0–6 h, morning 6–12 h, afternoon "
        "12–18 h, evening 18–24 h) as a ratio of sums; z is the gap in replication standard "
        "deviations.</p><table><thead><tr><th></th><th>part</th><th>KPI</th><th>observed</th>"
        f"<th>simulated</th><th>range</th><th>z</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _patience_html(bt: Backtest) -> str:
    if bt.patience.empty:
        return "<p>No parametric patience law to check.</p>"
    rows = "".join(
        f"<tr><th>{html.escape(str(r['contact_type']))}</th><td>{r['part']}</td><td>{r['contacts']:,}</td>"
        f"<td>{r['observed']:,}</td><td>{r['expected']:,.1f}</td><td>{r['ratio']:.2f}</td><td>{r['z']:+.1f}</td></tr>"
        for r in bt.patience.to_dict("records")
    )
    return (
        "<p>Abandonments observed against those the scenario's patience law predicts for the "
        "waits customers actually had (the sum of each wait's cumulative hazard; a one-sample "
        "log-rank test): O/E near 1 means the law explains the abandonments.</p><table><thead>"
        "<tr><th></th><th>part</th><th>contacts</th><th>observed</th><th>expected</th>"
        f"<th>O/E</th><th>z</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _provenance_html(bt: Backtest) -> str:
    p = bt.provenance
    items = {
        "log": html.escape(str(p.get("log"))),
        "scenario": html.escape(str(p.get("scenario"))),
        "staffing": html.escape(bt.staffing_source),
        "seed": p.get("seed"),
        "replications": p.get("replications"),
        "cccsim version": p.get("cccsim_version"),
        "run time": format_duration(float(p["wall_time"])) if p.get("wall_time") else "–",
    }
    return (
        "<table class='provenance'>"
        + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items.items())
        + "</table>"
    )


def _who(frame: pd.DataFrame) -> pd.Series:
    """The contact type of each row, or the agent group for group KPIs."""
    return frame["contact_type"].fillna(frame["agent_group"])
