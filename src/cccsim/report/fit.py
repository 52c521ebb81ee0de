"""The fit report: what the log says, what was fitted, and how well each law matches the data.

Figures per contact type: observed vs fitted arrivals by interval of the day and by day (with
the over-dispersion band), the handle-time CDF against each candidate law, a QQ plot of the
chosen law, Kaplan–Meier against the fitted patience laws (and the naive estimate), and the
retrial and repeat delays. Then staffing per agent group, the table of every law fitted, the bad
rows and the scenario written.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml

from cccsim import __version__
from cccsim.fit.laws import Law, LawChoice
from cccsim.fit.pipeline import FitResult
from cccsim.report.html import Section, _page
from cccsim.report.layout import colour_map
from cccsim.report.layout import layout as _layout
from cccsim.units import DAY

MAX_POINTS = 2000  # points per curve drawn from a sample (the page stays light)
DASH = {"exponential": "dot", "lognormal": "solid", "gamma": "dash"}


def render_fit_report(fit: FitResult, title: str | None = None, plotlyjs: str = "inline") -> str:
    """The fit report as one HTML string."""
    log = fit.log
    first = log.start.strftime("%Y-%m-%d")
    last = (log.start + pd.Timedelta(days=log.days - 1)).strftime("%Y-%m-%d")
    sections = [Section("Summary", _summary_html(fit))]
    for t in fit.data["contact_types"]:
        figures: dict[str, go.Figure] = {}
        if t in fit.arrivals:
            figures[f"{t}_arrivals"] = arrival_profile(fit, t)
            figures[f"{t}_daily_volumes"] = daily_volumes(fit, t)
        if t in fit.handle and fit.handle[t].candidates:
            figures[f"{t}_handle_time"] = law_cdf(fit.handle[t], f"{t}: handle time")
            figures[f"{t}_handle_time_qq"] = qq_plot(fit.handle[t], t)
        if t in fit.patience:
            figures[f"{t}_patience"] = patience_curves(fit, t)
        for kind, follow in (
            ("retrial", fit.journeys.retrial.get(t)),
            ("repeat", fit.journeys.repeat.get(t)),
        ):
            if follow is not None and follow.delay is not None and follow.delay.candidates:
                figures[f"{t}_{kind}_delay"] = law_cdf(follow.delay, f"{t}: {kind} delay")
        sections.append(Section(f"Contact type “{t}”", figures=figures, key=f"type_{t}"))
    sections.append(Section("Staffing", _staffing_note(fit), {"staffing": staffing_lines(fit)}))
    sections.append(Section("Every law fitted", _laws_html(fit)))
    sections.append(Section("Provenance", _provenance_html(fit)))
    heading = title or f"Fit of {_name(log.source)}"
    subtitle = (
        f"{log.n_rows:,} rows, {log.n_rows - log.n_bad:,} usable, {first} to {last} — "
        f"cccsim {__version__}"
    )
    return _page(heading, subtitle, sections, plotlyjs)


# ----------------------------------------------------------------------------- figures


def arrival_profile(fit: FitResult, t: str) -> go.Figure:
    """Mean first contacts per interval of the day: observed (±1.96 standard errors over the
    days) and fitted (per_interval on the log's average day)."""
    a = fit.arrivals[t]
    slots = a.counts.shape[1]
    step = DAY / slots
    x = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(slots) * step, unit="s")
    mean = a.counts.mean(axis=0)
    se = a.counts.std(axis=0, ddof=1) / np.sqrt(a.counts.shape[0]) if a.counts.shape[0] > 1 else 0
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=mean,
        mode="markers",
        name="observed (mean over days)",
        error_y={"type": "data", "array": 1.96 * np.asarray(se) + 0 * mean, "visible": True},
    )
    fig.add_scatter(x=x, y=a.per_interval, mode="lines", name="fitted", line={"shape": "hv"})
    _layout(fig, f"{t}: first contacts per interval of the day", "time of day", "contacts")
    fig.update_xaxes(tickformat="%H:%M", hoverformat="%H:%M")
    return fig


def daily_volumes(fit: FitResult, t: str) -> go.Figure:
    """First contacts per day: observed, fitted (weekday factors) and the 95 % band of the
    Poisson-gamma model (variance Λ + CV²·Λ²)."""
    a = fit.arrivals[t]
    days = fit.log.start + pd.to_timedelta(np.arange(a.counts.shape[0]), unit="D")
    expected = a.expected.sum(axis=1)
    sd = np.sqrt(expected + (a.overdispersion_cv * expected) ** 2)
    fig = go.Figure()
    fig.add_bar(x=days, y=a.counts.sum(axis=1), name="observed", opacity=0.6)
    fig.add_scatter(x=days, y=expected, mode="lines+markers", name="fitted")
    fig.add_scatter(
        x=days, y=expected + 1.96 * sd, mode="lines", line={"width": 0}, showlegend=False
    )
    fig.add_scatter(
        x=days,
        y=np.maximum(expected - 1.96 * sd, 0),
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor="rgba(80,80,200,0.15)",
        name=f"95 % band (over-dispersion CV {a.overdispersion_cv:.3f})",
    )
    return _layout(fig, f"{t}: first contacts per day", "day", "contacts")


def law_cdf(choice: LawChoice, what: str) -> go.Figure:
    """Empirical CDF of a complete sample against each candidate law's CDF."""
    x = np.sort(np.concatenate([np.zeros(choice.n_zero), choice.sample]))
    idx = np.unique(np.linspace(0, x.size - 1, min(MAX_POINTS, x.size)).astype(int))
    fig = go.Figure()
    fig.add_scatter(
        x=x[idx], y=(idx + 1) / x.size, mode="lines", name="observed", line={"color": "black"}
    )
    grid = np.linspace(0, np.quantile(x, 0.995), 300)
    _law_lines(fig, choice, grid, "cdf", lambda law: f"KS {law.distance:.3f}")
    label = "empirical (no law fits)" if choice.chosen is None else choice.dist
    return _layout(fig, f"{what}: distribution and laws fitted — {label}", "seconds", "P(≤ x)")


def qq_plot(choice: LawChoice, t: str) -> go.Figure:
    """Observed quantiles against the chosen law's (the best candidate's if empirical)."""
    law = choice.chosen or min(choice.candidates, key=lambda c: c.bic)
    x = np.sort(choice.sample)
    k = min(MAX_POINTS, x.size)
    p = (np.arange(k) + 0.5) / k
    observed = np.quantile(x, p)
    theory = law.frozen().ppf(p)
    top = float(max(observed.max(), theory.max()))
    fig = go.Figure()
    fig.add_scatter(x=theory, y=observed, mode="markers", marker={"size": 4}, name="quantiles")
    fig.add_scatter(x=[0, top], y=[0, top], mode="lines", name="y = x", line={"dash": "dot"})
    return _layout(
        fig,
        f"{t}: handle-time QQ plot against the {law.dist}",
        f"{law.dist} quantile (s)",
        "observed quantile (s)",
    )


def patience_curves(fit: FitResult, t: str) -> go.Figure:
    """Kaplan–Meier survival of patience (with its 95 % band) against the censored fits."""
    p = fit.patience[t]
    fig = go.Figure()
    times = np.concatenate([[0.0], p.km_times])
    idx = np.unique(np.linspace(0, times.size - 1, min(MAX_POINTS, times.size)).astype(int))
    for name, values, style in (
        ("Kaplan–Meier 95 % band (high)", p.km_high, {"width": 0}),
        ("Kaplan–Meier 95 % band", p.km_low, {"width": 0}),
    ):
        fig.add_scatter(
            x=times[idx],
            y=np.concatenate([[1.0], values])[idx],
            mode="lines",
            line={**style, "shape": "hv"},
            fill="tonexty" if "high" not in name else None,
            fillcolor="rgba(0,0,0,0.12)",
            name=name,
            showlegend="high" not in name,
        )
    fig.add_scatter(
        x=times[idx],
        y=np.concatenate([[1.0], p.km_survival])[idx],
        mode="lines",
        line={"color": "black", "shape": "hv"},
        name=f"Kaplan–Meier ({p.n_abandoned:,} abandoned of {p.n:,})",
    )
    grid = np.linspace(0, float(np.quantile(p.choice.sample, 0.99)), 300)
    _law_lines(fig, p.choice, grid, "sf", lambda law: f"mean {law.mean:.0f}s")
    fig.add_vline(
        x=p.naive_mean,
        line={"color": "firebrick", "dash": "dot"},
        annotation_text=f"naive mean of abandoners' waits {p.naive_mean:.0f}s (biased)",
    )
    return _layout(
        fig,
        f"{t}: patience — {p.censored_share:.0%} of waits censored by an answer",
        "seconds waited",
        "P(patience > x)",
    )


def _law_lines(
    fig: go.Figure, choice: LawChoice, grid: np.ndarray, curve: str, label: Callable[[Law], str]
) -> None:
    """One line per candidate law (its ``cdf`` or ``sf``), the chosen one bold."""
    colours = colour_map([law.dist for law in choice.candidates])
    for law in choice.candidates:
        chosen = law is choice.chosen
        fig.add_scatter(
            x=grid,
            y=getattr(law.frozen(), curve)(grid),
            mode="lines",
            name=f"{law.dist} ({label(law)}{', chosen' if chosen else ''})",
            line={
                "dash": DASH[law.dist],
                "width": 3 if chosen else 1.5,
                "color": colours[law.dist],
            },
        )


def staffing_lines(fit: FitResult) -> go.Figure:
    """Staff per interval of the log's period per agent group, with the mean busy agents."""
    fig = go.Figure()
    colours = colour_map(list(pd.unique(fit.staffing["agent_group"])))
    for g, part in fit.staffing.groupby("agent_group", sort=False):
        x = fit.log.start + pd.to_timedelta(part["interval_start"], unit="s")
        fig.add_scatter(
            x=x,
            y=part["staff"],
            mode="lines",
            line={"shape": "hv", "color": colours[str(g)]},
            name=f"{g}: staff",
        )
        fig.add_scatter(
            x=x,
            y=part["busy_agents"],
            mode="lines",
            line={"shape": "hv", "dash": "dot", "color": colours[str(g)]},
            name=f"{g}: mean busy",
        )
    return _layout(fig, f"Agents per interval ({fit.staffing_source})", "time", "agents")


# ----------------------------------------------------------------------------- HTML pieces


def _summary_html(fit: FitResult) -> str:
    s = fit.summary()
    rows = "".join(
        f"<tr><th>{html.escape(str(r['contact_type']))}</th><td>{r['contacts']:,}</td>"
        f"<td>{r['first_contacts_per_day']:,.1f}</td><td>{_num(r['overdispersion_cv'], '.3f')}</td>"
        f"<td>{html.escape(r['handle_law'])} {_num(r['handle_mean'], '.0f')}s, CV {_num(r['handle_cv'], '.2f')}</td>"
        f"<td>{html.escape(r['patience_law'] or 'none seen')} {_num(r['patience_mean'], '.0f')}s "
        f"<small>(naive {_num(r['patience_naive_mean'], '.0f')}s, {_num(100 * r['censored_share'], '.0f')} % censored)</small></td>"
        f"<td>{_num(100 * r['retrial_share'], '.1f')} %</td><td>{_num(100 * r['first_contact_resolution'], '.1f')} %</td></tr>"
        for r in s.to_dict("records")
    )
    table = (
        "<table><thead><tr><th>contact type</th><th>contacts</th><th>first contacts / day</th>"
        "<th>over-dispersion CV</th><th>handle time</th><th>patience</th><th>retrial share</th>"
        f"<th>first-contact resolution</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in fit.notes)
    bad = fit.log.problems()
    bad_html = (
        "<p><b>Bad rows dropped</b></p><table><thead><tr><th>problem</th><th>rows</th>"
        "<th>examples</th></tr></thead><tbody>"
        + "".join(
            f"<tr><th>{html.escape(str(r['problem']))}</th><td>{r['rows']:,}</td>"
            f"<td style='text-align:left'>{html.escape(str(r['examples']))}</td></tr>"
            for r in bad.to_dict("records")
        )
        + "</tbody></table>"
        if len(bad)
        else "<p>No bad rows.</p>"
    )
    return table + (f"<ul>{notes}</ul>" if notes else "") + bad_html


def _staffing_note(fit: FitResult) -> str:
    if fit.staffing_source == "agent-state log":
        return "<p>Staff per interval: the mean agents on duty in the agent-state log, rounded.</p>"
    return (
        "<p><b>Staff per interval is a lower bound</b>: the most agents busy at once in the "
        "contact log. Agents on duty but idle are not in a contact log, so the simulated centre "
        "is at best as well staffed as the real one. Give an agent-state log "
        "(<code>--agent-log</code>) for the staffing actually on duty.</p>"
    )


def _laws_html(fit: FitResult) -> str:
    laws = fit.laws()
    if laws.empty:
        return "<p>No law fitted.</p>"
    rows = "".join(
        f"<tr{' style=font-weight:600' if r['chosen'] else ''}><th>{html.escape(str(r['contact_type']))}</th>"
        f"<td>{r['what']}</td><td>{r['dist']}</td><td>{r['n']:,}</td><td>{r['mean']:.1f}</td><td>{r['cv']:.3f}</td>"
        f"<td>{r['bic']:,.1f}</td><td>{r['distance']:.4f}</td><td>{'yes' if r['fits'] else 'no'}</td>"
        f"<td>{'chosen' if r['chosen'] else ''}</td></tr>"
        for r in laws.to_dict("records")
    )
    return (
        "<p>Maximum-likelihood fits (censored for patience). The lowest BIC is chosen; a law "
        "<i>fits</i> when its distance to the data — Kolmogorov–Smirnov, or the largest gap to "
        "Kaplan–Meier for patience — is at most 0.05 (or below 1.63/√n); a handle-time sample "
        "no law fits keeps its empirical quantiles.</p><table><thead><tr><th>type</th><th>what</th>"
        "<th>law</th><th>n</th><th>mean (s)</th><th>CV</th><th>BIC</th><th>distance</th>"
        f"<th>fits</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _provenance_html(fit: FitResult) -> str:
    log = fit.log
    items = {
        "log": html.escape(log.source),
        "rows": f"{log.n_rows:,} ({log.n_bad:,} bad)",
        "period": f"{log.start:%Y-%m-%d}, {log.days} days (day 1 a {log.start:%A})",
        "staffing": html.escape(fit.staffing_source),
        "cccsim version": __version__,
    }
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items.items())
    text = html.escape(yaml.safe_dump(fit.data, sort_keys=False, allow_unicode=True, width=100))
    return (
        f"<table class='provenance'>{rows}</table><details><summary>Scenario written</summary>"
        f"<pre>{text}</pre></details>"
    )


def _num(value: float, spec: str) -> str:
    return "–" if value is None or not np.isfinite(value) else format(value, spec)


def _name(source: str) -> str:
    return source.replace("\\", "/").rsplit("/", 1)[-1]
