"""The report's first screen: the decision, the targets with P(met), the KPIs with their
intervals and the costs per contact type — shared by the page and the notebook view."""

from __future__ import annotations

import html
import math
from typing import Any

from cccsim.model import build_model
from cccsim.report import decision as D
from cccsim.report import layout as L
from cccsim.results import ExperimentResult
from cccsim.scenario import Scenario
from cccsim.stats.ci import STUDY_CONFIDENCE
from cccsim.tables import fmt


def first_scenario(exp: ExperimentResult) -> Scenario:
    """The experiment's first scenario (its currency, horizon and name head the page)."""
    return next(iter(exp.scenarios.values()))


def study_confidence(exp: ExperimentResult) -> float:
    """The confidence the experiment was run at (its CIs and verdicts)."""
    return float(exp.provenance.get("confidence", STUDY_CONFIDENCE))


def verdict_html(exp: ExperimentResult) -> str:
    """The first screen: the decision (cheapest compliant option, total cost per period), the
    targets with P(met), then the KPIs and the costs per contact type."""
    sc = first_scenario(exp)
    confidence = study_confidence(exp)
    several = len(exp.scenarios) > 1
    units = L.channel_units(build_model(sc))
    return "\n".join(
        [
            D.decision_html(exp.options, exp.cost_summary, sc.currency, confidence),
            D.targets_html(exp.target_summary, several, sc.currency, confidence),
            _kpi_table(exp, units),
            _costs_table(exp),
        ]
    )


COSTS = {
    "operating_cost": "operating",
    "telephony_cost": "telephony",
    "cost_per_answered": "per answered contact",
    "customer_cost_per_contact": "customers' cost per contact",
    "customer_wait_minutes": "customers' waiting (min)",
}


PER_CONTACT = ("cost_per_answered", "customer_cost_per_contact")  # shown with cents


def _number(value: Any, digits: int) -> str:
    """A number with thousands separators, or "–" where there is none (nothing answered)."""
    return f"{float(value):,.{digits}f}" if finite(value) else "–"


def _costs_table(exp: ExperimentResult) -> str:
    """Costs per contact type (mean over replications), when the scenario prices anything."""
    s = exp.summary
    if s is None or s.empty or "operating_cost" not in set(s["kpi"]):
        return ""
    priced = (
        s[s.kpi.isin(["operating_cost", "telephony_cost", "customer_cost"])]["mean"].abs().sum()
    )
    if not priced > 0:
        return ""
    keys = ["scenario", *exp.factors, "contact_type"]
    rows = []
    for key, part in s[s.kpi.isin(list(COSTS))].groupby(keys, sort=False, observed=True):
        by = part.set_index("kpi")["mean"]
        label = " · ".join(
            html.escape(str(v)) for v in (key if len(exp.scenarios) > 1 else key[-1:])
        )
        cells = "".join(
            f"<td>{_number(by.get(k), 2 if k in PER_CONTACT else 0)}</td>" for k in COSTS
        )
        rows.append(f"<tr><th>{label}</th>{cells}</tr>")
    head = "".join(f"<th>{t}</th>" for t in COSTS.values())
    currency = html.escape(first_scenario(exp).currency)
    return (
        f"<p><b>Costs ({currency}, per contract period)</b></p><table class='costs'><thead><tr><th></th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _kpi_table(exp: ExperimentResult, units: dict[str, L.Unit]) -> str:
    """The KPIs per contact type with their intervals: shares in %, ASA in the channel's unit
    (as in every chart), AHT in minutes."""
    kpis = ["offered", "service_level", "asa", "abandon_rate", "block_rate", "aht"]

    def show(kpi: str, ctype: str, value: float) -> str:
        if not finite(value):
            return "–"
        if kpi == "asa" and ctype in units:
            return f"{units[ctype](value):.3g} {units[ctype].label}"
        if kpi == "aht":
            return f"{value / 60:.3g} min"
        return fmt(kpi, value)

    s = exp.summary
    if s is None or s.empty:
        return ""
    keys = ["scenario", *exp.factors, "contact_type"]
    rows = []
    for key, part in s.groupby(keys, sort=False, observed=True):
        by = part.set_index("kpi")
        cells = []
        for k in kpis:
            mean, low, high = (
                float(v) for v in by.loc[k, ["mean", "ci_low", "ci_high"]].to_numpy(dtype=float)
            )
            ctype = str(key[-1])
            extra = (
                f"<br><small>[{show(k, ctype, low)}, {show(k, ctype, high)}]</small>"
                if finite(low) and k != "offered"
                else ""
            )
            cells.append(f"<td>{show(k, ctype, mean)}{extra}</td>")
        label = " · ".join(
            html.escape(str(v)) for v in (key if len(exp.scenarios) > 1 else key[-1:])
        )
        rows.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    names = {"service_level": "service level (type's threshold)", "asa": "ASA", "aht": "AHT"}
    head = "".join(f"<th>{names.get(k, k.replace('_', ' '))}</th>" for k in kpis)
    return f"<table class='kpis'><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number (NaN, None and text are not)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
