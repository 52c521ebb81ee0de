"""Assemble one self-contained, printable HTML page from a result: verdict first, then detail.

plotly.js is embedded once (or linked from the CDN with ``plotlyjs="cdn"``); every figure comes
from ``report/figures.py``. A single replication is reported through the same path as an
experiment (it is an experiment of one replication).
"""

from __future__ import annotations

import html
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.offline
import yaml

from cccsim import __version__
from cccsim.backtesting import Backtest
from cccsim.fit import FitResult
from cccsim.model import Model, build_model
from cccsim.report import agent_figures as A
from cccsim.report import comparisons as C
from cccsim.report import figures as F
from cccsim.report import layout as L
from cccsim.report import staffing as S
from cccsim.report import waits as W
from cccsim.report.verdict import first_scenario, study_confidence, verdict_html
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.staffing import StaffingPlan
from cccsim.stats.ci import STUDY_CONFIDENCE
from cccsim.tables import fmt
from cccsim.units import format_duration


@dataclass
class Section:
    """A titled part of the page: optional HTML, then figures by name. ``key`` names the section
    on the page (``data-section``) whatever its title says."""

    title: str
    html: str = ""
    figures: dict[str, go.Figure] = field(default_factory=dict)
    key: str = ""

    @property
    def name(self) -> str:
        return self.key or self.title.split(" — ")[0].lower().replace(" ", "_")


def as_experiment(result: ReplicationResult | ExperimentResult) -> ExperimentResult:
    """Lift a single replication into an experiment of one (the report has one code path)."""
    if isinstance(result, ExperimentResult):
        return result
    from cccsim.experiment.combine import combine
    from cccsim.experiment.runner import Point

    if result.scenario is None:
        raise ValueError("this ReplicationResult carries no scenario; use cccsim.run_replication")
    point = Point(result.scenario.name, result.scenario)
    exp = combine(
        [point],
        {point.name: {0: result}},
        seed=result.provenance.get("seed", 0),
        confidence=STUDY_CONFIDENCE,
        started=time.perf_counter(),
    )
    exp.provenance.update({k: v for k, v in result.provenance.items() if k not in exp.provenance})
    exp.provenance["wall_time"] = result.provenance.get("wall_time")
    return exp


def render_report(
    result: ReplicationResult | ExperimentResult | StaffingPlan | FitResult | Backtest,
    title: str | None = None,
    plotlyjs: str = "inline",
) -> str:
    """The report page as one HTML string (a staffing plan: the plan, then its simulation; a fit
    or a back-test: their own pages)."""
    if isinstance(result, StaffingPlan):
        heading = title or f"Staffing plan: {result.scenario.name}"
        return _page(heading, _subtitle(result.result), report_sections(result), plotlyjs)
    if isinstance(result, FitResult):
        from cccsim.report.fit import render_fit_report  # it builds on this module

        return render_fit_report(result, title, plotlyjs)
    if isinstance(result, Backtest):
        from cccsim.report.backtest import render_backtest_report

        return render_backtest_report(result, title, plotlyjs)
    exp = as_experiment(result)
    sections = build_sections(exp)
    names = list(exp.scenarios)
    heading = title or (names[0] if len(names) == 1 else f"Comparison of {len(names)} options")
    if exp.factors:
        heading = (
            title or f"{names[0].split(',')[0].split('=')[0]} sweep of {first_scenario(exp).name}"
        )
    return _page(heading, _subtitle(exp), sections, plotlyjs)


def write_report(
    result: ReplicationResult | ExperimentResult | StaffingPlan | FitResult | Backtest,
    path: str | Path,
    title: str | None = None,
    plotlyjs: str = "inline",
) -> Path:
    """Write the report to ``path`` atomically (temp file + rename) and return the path."""
    if plotlyjs not in ("inline", "cdn"):
        raise ValueError("plotlyjs must be 'inline' (works offline) or 'cdn' (smaller file)")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex}")
    tmp.write_text(render_report(result, title, plotlyjs), encoding="utf-8")
    os.replace(tmp, target)
    return target


def report_sections(result: ReplicationResult | ExperimentResult | StaffingPlan) -> list[Section]:
    """The page's sections for any result (a staffing plan: the verdict of its simulation, the
    plan, then the rest of its simulation)."""
    if not isinstance(result, StaffingPlan):
        return build_sections(as_experiment(result))
    model = build_model(result.scenario)
    clock = L.Clock.of(model, result.scenario.start_weekday)
    figures = {"staffing_plan": S.staffing_lines(result.staff, clock)}
    if len(result.kpis):
        shares = {t.label for t in model.targets if t.is_share}
        figures["staffing_targets"] = S.target_bands(result.kpis, clock, shares)
    verdict, *rest = build_sections(result.result)
    # the first screen: what the plan achieves (targets, cost), then how it was found
    plan = Section("Staffing plan", S.staffing_summary_html(result), figures, "staffing_plan")
    return [verdict, plan, *rest]


# ----------------------------------------------------------------------------- sections


def _sl_targets(model: Model) -> dict[str, str]:
    """Per internal type: the label of the first service-level target over the whole period
    that measures exactly it (the comparison charts show the service level as it defines it)."""
    out: dict[str, str] = {}
    for t in model.targets:
        if t.kpi == "service_level" and t.per == "period" and t.type_index is not None:
            out.setdefault(model.types[t.type_index].name, t.label)
    return out


def build_sections(exp: ExperimentResult) -> list[Section]:
    """The page's sections, each only where its data exist."""
    sc = first_scenario(exp)
    # internal types (segments and callback queues are their own: "voice/vip")
    model = build_model(sc)
    types = [t.name for t in model.types]
    colours = L.colour_map(types)
    units = L.channel_units(model)
    confidence = study_confidence(exp)
    clock = L.Clock.of(model, sc.start_weekday)
    closed = {t.name: L.open_seconds(t, clock) <= 0 for t in model.types}
    sl_targets = _sl_targets(model)
    several = len(exp.scenarios) > 1
    sections = [Section("Verdict", verdict_html(exp))]
    if several:
        keys = ("scenario", *exp.factors)
        kpis, panels = C.key_kpis(exp.summary, exp.target_summary, sl_targets, units, keys)
        comparison = Section("Options compared", key="options")
        if exp.factors:
            comparison.title = "Sweep"
            comparison.figures["sweep"] = C.sweep_lines(
                kpis, panels, exp.factors[0], colours, confidence
            )
        else:
            comparison.figures["options"] = C.option_bars(kpis, panels, colours, confidence)
            if exp.differences is not None and len(exp.differences):
                comparison.figures["differences"] = C.differences_forest(
                    exp.differences, sl_targets, units, confidence
                )
        frontier = C.cost_service_frontier(kpis, exp.options, sc.currency)
        if frontier is not None:
            comparison.figures["cost_frontier"] = frontier
        sections.append(comparison)
    base = next(iter(exp.scenarios))
    intervals = _of(exp.intervals, base)
    group_intervals = _of(exp.group_intervals, base)
    measured = intervals[intervals["measured"]] if len(intervals) else intervals
    gi = group_intervals[group_intervals["measured"]] if len(group_intervals) else group_intervals
    label = f" — {base}" if several else ""
    if len(measured):
        ti = _of(exp.target_intervals, base)
        ti = ti[ti["measured"]] if len(ti) else ti
        series = F.service_level_series(model, measured, ti)
        shown = sorted({n for s in series for n in s.types})
        real_time = [t.name for t in model.types if t.channel in L.REAL_TIME]
        goals = {
            model.types[t.type_index].name: float(t.at_least)
            for t in model.targets
            if t.kpi == "service_level" and t.at_least is not None and t.type_index is not None
        }
        required = A.required_agents(model, measured, clock, goals)
        sections.append(
            Section(
                f"Intraday{label}",
                figures={
                    "service_level": F.service_level_by_interval(
                        series, clock, colours, F.closed_for(model, clock, shown), confidence
                    ),
                    "volume": F.volume_by_interval(measured, clock, colours),
                    "asa": F.asa_by_interval(measured, clock, colours, units, closed, confidence),
                    "staffing": A.staffing_by_interval(
                        gi, clock, required, F.closed_for(model, clock, real_time)
                    ),
                },
                key="intraday",
            )
        )
    waits = _of(exp.waits, base)
    if len(waits) and waits["base"].sum() > 0:
        sections.append(
            Section(
                f"Waiting{label}", figures={"waits": W.wait_distribution(waits, colours, units)}
            )
        )
    if len(gi):
        sections.append(
            Section(
                f"Agents{label}",
                figures={
                    "occupancy": A.occupancy_heatmap(gi, clock),
                    "work_share": A.work_share(_of(exp.groups, base)),
                },
            )
        )
    if any(t.channel not in L.REAL_TIME for t in model.types) and len(measured):
        bounds = {t.label: float(t.at_least) for t in model.targets if t.at_least is not None}
        deferred = Section(f"Deferred work{label}", key="deferred_work")
        response = W.deferred_response(waits, bounds, colours, units) if len(waits) else None
        if response is not None:
            deferred.figures["deferred_response"] = response
        deferred.figures["backlog"] = F.backlog_by_interval(measured, clock, colours, confidence)
        sections.append(deferred)
    journeys = _of(exp.journeys, base) if exp.journeys is not None else pd.DataFrame()
    repeats = journeys.get("attempts_per_customer", pd.Series(dtype=float))
    callbacks = (
        exp.summary[(exp.summary.kpi == "callbacks") & (exp.summary["mean"] > 0)]
        if len(exp.summary)
        else pd.DataFrame()
    )
    if len(journeys) and (len(callbacks) or (repeats > 1).any() or exp.ivr is not None):
        sections.append(
            Section(
                f"Journeys{label}",
                _journeys_html(exp, base),
                {"journeys": C.journey_bars(journeys)},
            )
        )
    sections.append(Section("Provenance", _provenance_html(exp)))
    return sections


def _journeys_html(exp: ExperimentResult, base: str) -> str:
    """Callback KPIs per contact type and the IVR, as small tables (means over replications)."""
    parts = []
    s = exp.summary[exp.summary.scenario == base] if "scenario" in exp.summary else exp.summary
    cb = s[
        s.kpi.isin(
            [
                "callback_offered",
                "callbacks",
                "callbacks_completed",
                "time_to_callback",
                "callback_promise_kept",
            ]
        )
    ]
    cb = cb.pivot_table(
        index="contact_type", columns="kpi", values="mean", sort=False, observed=True
    )
    if len(cb) and "callbacks" in cb and (cb["callbacks"] > 0).any():
        rows = "".join(
            f"<tr><th>{html.escape(str(t))}</th><td>{r.get('callback_offered', 0):,.0f}</td>"
            f"<td>{r.get('callbacks', 0):,.0f}</td><td>{r.get('callbacks_completed', 0):,.0f}</td>"
            f"<td>{fmt('asa', r.get('time_to_callback', float('nan')))}</td>"
            f"<td>{fmt('service_level', r.get('callback_promise_kept', float('nan')))}</td></tr>"
            for t, r in cb.iterrows()
            if r.get("callbacks", 0) > 0
        )
        parts.append(
            "<p><b>Callbacks</b></p><table><thead><tr><th></th><th>offered</th><th>accepted or "
            "voicemail</th><th>completed</th><th>time to callback</th><th>promise kept</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )
    if exp.ivr is not None and len(exp.ivr):
        ivr = (
            _of(exp.ivr, base)
            .groupby("entry", sort=False)[["calls", "containment_rate", "mean_ivr_time"]]
            .mean()
        )
        rows = "".join(
            f"<tr><th>{html.escape(str(e))}</th><td>{r.calls:,.0f}</td>"
            f"<td>{fmt('service_level', r.containment_rate)}</td><td>{fmt('asa', r.mean_ivr_time)}</td></tr>"
            for e, r in ivr.iterrows()
        )
        parts.append(
            "<p><b>IVR</b></p><table><thead><tr><th></th><th>calls</th><th>contained</th>"
            f"<th>mean IVR time</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return "".join(parts)


def _of(frame: pd.DataFrame | None, scenario: str) -> pd.DataFrame:
    if frame is None or frame.empty:
        return pd.DataFrame()
    return frame[frame["scenario"] == scenario] if "scenario" in frame else frame


# ----------------------------------------------------------------------------- HTML pieces


def _provenance_html(exp: ExperimentResult) -> str:
    p = exp.provenance
    items = {
        "scenarios (hash)": ", ".join(
            f"{html.escape(n)} ({h})" for n, h in p.get("scenarios", {}).items()
        ),
        "seed": p.get("seed"),
        "replications": ", ".join(f"{n}: {r}" for n, r in p.get("replications", {}).items()),
        "confidence": p.get("confidence"),
        "cccsim version": p.get("cccsim_version", __version__),
        "run time": format_duration(float(p["wall_time"])) if p.get("wall_time") else "–",
    }
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in items.items())
    texts = "".join(
        f"<details><summary>Scenario “{html.escape(name)}”</summary><pre>"
        f"{html.escape(yaml.safe_dump(sc.model_dump(mode='json'), sort_keys=False, allow_unicode=True))}</pre></details>"
        for name, sc in list(exp.scenarios.items())[:20]
    )
    return f"<table class='provenance'>{rows}</table>{texts}"


def _subtitle(exp: ExperimentResult) -> str:
    sc = first_scenario(exp)
    reps = exp.provenance.get("replications", {})
    n = max(reps.values()) if reps else 1
    return (
        f"{format_duration(sc.horizon)} simulated, {n} replication{'s' if n != 1 else ''}, "
        f"seed {exp.provenance.get('seed')}, intervals of {format_duration(sc.interval)} — cccsim {__version__}"
    )


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:1.2rem;color:#222}
h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0} h2{border-bottom:2px solid #eee;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem} th,td{padding:.3rem .6rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left} .lead{font-size:1.15rem;font-weight:600}
tr.met .verdict{color:#1a7f37;font-weight:600} tr.missed .verdict{color:#c62828;font-weight:600}
tr.at-risk .verdict{color:#b26a00;font-weight:600} tr.one-run .verdict{color:#666}
table.options tr.met td:first-child{color:#1a7f37;font-weight:600} .left{text-align:left} pre{background:#f6f8fa;padding:.8rem;overflow:auto;font-size:.8rem}
.figure{margin:1rem 0;break-inside:avoid} @media print{details{display:none} body{max-width:none}}
"""


def _page(heading: str, subtitle: str, sections: list[Section], plotlyjs: str) -> str:
    if plotlyjs == "inline":
        script = f"<script>{plotly.offline.get_plotlyjs()}</script>"
    else:
        version = plotly.offline.get_plotlyjs_version()
        script = (
            f'<script src="https://cdn.plot.ly/plotly-{version}.min.js" charset="utf-8"></script>'
        )
    body = []
    count = 0
    for section in sections:
        body.append(
            f"<section data-section='{html.escape(section.name)}'>"
            f"<h2>{html.escape(section.title)}</h2>{section.html}"
        )
        for name, fig in section.figures.items():
            count += 1
            div = fig.to_html(
                full_html=False,
                include_plotlyjs=False,
                div_id=f"figure-{count}",
                config={"displaylogo": False, "responsive": True},
            )
            body.append(f"<div class='figure' data-figure='{html.escape(name)}'>{div}</div>")
        body.append("</section>")
    meta = json.dumps({"figures": count, "generator": f"cccsim {__version__}"})
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<meta name='cccsim-report' content='{html.escape(meta)}'>"
        f"<title>{html.escape(heading)}</title><style>{CSS}</style>{script}</head><body>"
        f"<h1>{html.escape(heading)}</h1><p class='sub'>{html.escape(subtitle)}</p>"
        + "\n".join(body)
        + "</body></html>"
    )
