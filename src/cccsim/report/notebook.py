"""What the REPL and a notebook show for a result: a short text summary, a compact HTML summary
(verdicts, KPIs with confidence intervals, costs) and the report's figures by name.

The HTML and the figures are the report's own (``report/html.py``, ``report/figures.py``), so a
notebook shows what the stakeholders' page shows. The results call these lazily
(``ExperimentResult.__repr__``, ``_repr_html_``, ``figures()``): nothing here is imported until a
result is displayed.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from cccsim.report import staffing as S
from cccsim.report.html import as_experiment, report_sections
from cccsim.report.layout import when
from cccsim.report.verdict import finite, verdict_html
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.staffing import StaffingPlan
from cccsim.stats.formats import fmt

Result = ReplicationResult | ExperimentResult | StaffingPlan
KEY_KPIS = ("service_level", "asa", "abandon_rate")
TITLES = {"service_level": "service level", "asa": "ASA", "abandon_rate": "abandon rate"}
MAX_LINES = 12  # rows of KPIs or targets in a text summary before "… and N more"

CSS = (
    "<style>.cccsim table{border-collapse:collapse;margin:.4rem 0;font-size:.9em}"
    ".cccsim th,.cccsim td{padding:.2rem .5rem;border-bottom:1px solid #ddd;text-align:right}"
    ".cccsim th:first-child,.cccsim td:first-child{text-align:left}"
    ".cccsim tr.met .verdict{color:#1a7f37;font-weight:600}"
    ".cccsim tr.missed .verdict{color:#c62828;font-weight:600}"
    ".cccsim tr.at-risk .verdict{color:#b26a00;font-weight:600}"
    ".cccsim .lead{font-weight:600} .cccsim .hint{color:#666;font-size:.85em}</style>"
)


def figures(result: Result) -> dict[str, go.Figure]:
    """The report's figures by name (``service_level``, ``waits``, ``occupancy``, …), in page order."""
    named: dict[str, go.Figure] = {}
    for section in report_sections(result):
        named.update(section.figures)
    return named


def html_summary(result: Result) -> str:
    """A compact HTML summary: a heading line, the targets' verdicts, KPIs with CIs, costs."""
    if isinstance(result, StaffingPlan):
        body = S.staffing_summary_html(result) + verdict_html(result.result)
        hint = "plan.staff, plan.kpis, plan.shifts, plan.result · plan.figures()"
    else:
        body = f"<p class='lead'>{html.escape(_heading(result))}</p>" + verdict_html(
            as_experiment(result)
        )
        name = "exp" if isinstance(result, ExperimentResult) else "rep"
        hint = f"frames: {', '.join(result.frames())} · {name}.figures() · cccsim.write_report"
    return f"<div class='cccsim'>{CSS}{body}<p class='hint'>{html.escape(hint)}</p></div>"


def text_summary(result: Result) -> str:
    """A few readable lines: what was run, the targets' verdicts, the key KPIs (with CIs)."""
    if isinstance(result, StaffingPlan):
        return _plan_text(result)
    lines = [f"<{type(result).__name__}: {_heading(result)}"]
    exp = as_experiment(result) if isinstance(result, ReplicationResult) else result
    lines += _targets_text(exp.target_summary)
    lines += _kpis_text(exp)
    if exp.differences is not None and len(exp.differences):
        verdicts = exp.differences["verdict"].replace("", pd.NA).dropna().value_counts()
        counts = ", ".join(f"{n} {v}" for v, n in verdicts.items())
        lines.append(f"  differences against the baseline: {counts} (.differences)")
    lines.append(f"  frames: {', '.join(result.frames())}; .figures() for the report's figures>")
    return "\n".join(lines)


def _heading(result: ReplicationResult | ExperimentResult) -> str:
    if isinstance(result, ReplicationResult):
        p = result.provenance
        name = result.scenario.name if result.scenario is not None else p.get("scenario", "?")
        return f"{name} · seed {p.get('seed')} · {p.get('n_contacts', len(result.contacts)):,} contacts"
    reps = result.provenance.get("replications", {})
    counts = sorted(set(reps.values()))
    n = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
    names = list(result.scenarios)
    if result.factors:
        what = f"sweep of {', '.join(result.factors)} ({len(names)} points)"
    elif len(names) > 1:
        what = f"{len(names)} options ({', '.join(names[:4])}{', …' if len(names) > 4 else ''})"
    else:
        what = names[0]
    seed = result.provenance.get("seed")
    text = f"{what} · {n} replication{'s' if counts != [1] else ''} each · seed {seed}"
    precision = result.provenance.get("precision")
    if precision and precision.get("short"):
        text += " · precision not reached (cap)"
    return text


def _targets_text(targets: pd.DataFrame | None) -> list[str]:
    if targets is None or not len(targets):
        return []
    verdicts = (
        targets["verdict"]
        if "verdict" in targets
        else targets["met"].map({True: "met", False: "missed"})
    )
    lines = [f"  targets: {_count(verdicts)}"]
    if "scenario" in targets and targets["scenario"].nunique() > 1:  # per option, not per target
        by = list(verdicts.groupby(targets["scenario"], sort=False))
        lines += [f"    {name}: {_count(part)}" for name, part in by[:MAX_LINES]]
        if len(by) > MAX_LINES:
            lines.append(f"    … and {len(by) - MAX_LINES} more (.target_summary)")
        return lines
    for (_, row), verdict in list(zip(targets.iterrows(), verdicts, strict=True))[:MAX_LINES]:
        kind = row["kpi"] if row.get("per", "period") == "period" else "service_level"
        value = fmt(kind, row["attained"])
        if "ci_low" in row and finite(row["ci_low"]):
            value += f" [{fmt(kind, row['ci_low'])}, {fmt(kind, row['ci_high'])}]"
        lines.append(f"    {row['target']}: {value} {verdict}")
    if len(targets) > MAX_LINES:
        lines.append(f"    … and {len(targets) - MAX_LINES} more (.target_summary)")
    return lines


def _count(verdicts: pd.Series) -> str:
    counts = verdicts.value_counts()
    return ", ".join(f"{counts[v]} {v}" for v in ("met", "at risk", "missed") if v in counts)


def _kpis_text(exp: ExperimentResult) -> list[str]:
    s = exp.summary
    if s is None or s.empty:
        return []
    several = len(exp.scenarios) > 1
    keys = ["scenario", *exp.factors, "contact_type"]
    groups = list(s[s.kpi.isin(KEY_KPIS)].groupby(keys, sort=False, observed=True))
    lines = ["  KPIs, mean [95% CI]:" if s["n"].max() > 1 else "  KPIs:"]
    for key, part in groups[:MAX_LINES]:
        by = part.set_index("kpi")
        cells = []
        for kpi in KEY_KPIS:
            if kpi not in by.index:
                continue
            values = by.loc[kpi, ["mean", "ci_low", "ci_high"]].to_numpy(dtype=float)
            mean, low, high = (float(v) for v in values)
            ci = f" [{fmt(kpi, low)}, {fmt(kpi, high)}]" if finite(low) else ""
            cells.append(f"{TITLES[kpi]} {fmt(kpi, mean)}{ci}")
        label = f"{key[0]} · {key[-1]}" if several else str(key[-1])
        lines.append(f"    {label}: {', '.join(cells)}")
    if len(groups) > MAX_LINES:
        lines.append(f"    … and {len(groups) - MAX_LINES} more (.summary)")
    return lines


def _plan_text(plan: StaffingPlan) -> str:
    settled = f"converged in {plan.rounds} rounds" if plan.converged else "did not converge"
    lines = [
        f"<StaffingPlan: {plan.scenario.name} · {settled} · "
        f"{plan.agent_hours:,.1f} agent-hours scheduled"
    ]
    if len(plan.staff):
        peak = plan.staff.to_dict("records")[int(plan.staff.agents.to_numpy().argmax())]
        at = when(float(peak["interval_start"]), plan.scenario.start_weekday)
        lines.append(f"  peak: {int(peak['agents'])} agents ({peak['agent_group']}, {at})")
    if plan.shifts is not None and len(plan.shifts):
        lines.append(
            f"  shifts: {len(plan.shifts)} chosen, {int(plan.shifts['agents'].sum())} agents"
        )
    lines += _targets_text(plan.result.target_summary)
    lines.append("  .staff, .kpis, .shifts, .result, .scenario; .figures() for the figures>")
    return "\n".join(lines)
