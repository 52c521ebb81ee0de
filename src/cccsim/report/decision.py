"""The report's first screen as HTML: the cheapest option that keeps every target, the total
cost per contract period with its interval, and every target with P(met), its verdict, the
expected penalty and its 90th percentile (columns from ``stats.options`` and
``stats.targets``)."""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from cccsim.stats.options import COST_TOTALS
from cccsim.stats.targets import ONE_RUN
from cccsim.tables import fmt

_PARTS = {
    "operating_cost": "operating",
    "telephony_cost": "telephony",
    "penalties": "expected penalties",
    "bonuses": "expected bonuses",
}


def _money(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(v) else f"{v:,.0f}"


def _ci(mean: Any, low: Any, high: Any) -> str:
    text = _money(mean)
    return text if _money(low) == "–" else f"{text} <small>[{_money(low)}, {_money(high)}]</small>"


def decision_html(
    options: pd.DataFrame | None,
    cost_summary: pd.DataFrame | None,
    currency: str,
    confidence: float,
) -> str:
    """The lead sentence and, with several options, the options ranked by total cost."""
    if options is None or options.empty:
        return ""
    cur = html.escape(currency)
    if len(options) == 1:
        r = options.iloc[0]
        parts = ""
        if cost_summary is not None and len(cost_summary):
            means = cost_summary.set_index("kpi")["mean"]
            parts = " + ".join(f"{_PARTS[k]} {_money(means.get(k))}" for k in COST_TOTALS[:3])
            parts += f" − {_PARTS['bonuses']} {_money(means.get('bonuses'))}"
        n = int(r.get("replications", 1))
        spread = (
            f"mean of {n} contract periods (replications) with its {confidence:.0%} interval"
            if n > 1
            else "one run: no interval — run several replications for one"
        )
        return (
            f"<p class='lead'>Total cost per contract period: {_ci(r.total_cost, r.ci_low, r.ci_high)}"
            f" {cur}</p><p>{parts} <small>({spread})</small></p>"
        )
    best = options[options["cheapest_compliant"]]
    if len(best) and not (options["total_cost"].abs() > 0).any():
        names = ", ".join(str(n) for n in options.loc[options["compliant"], "scenario"])
        lead = (
            f"Options meeting every target (P(met) ≥ {confidence:.0%}): "
            f"<b>{html.escape(names)}</b> (nothing is priced, so none is cheaper)."
        )
    elif len(best):
        r = best.iloc[0]
        lead = (
            f"Cheapest option meeting every target (P(met) ≥ {confidence:.0%}): "
            f"<b>{html.escape(str(r.scenario))}</b> — {_ci(r.total_cost, r.ci_low, r.ci_high)} "
            f"{cur} per contract period."
        )
    else:
        r = options.iloc[0]
        lead = (
            f"No option meets every target with P(met) ≥ {confidence:.0%}; the closest is "
            f"<b>{html.escape(str(r.scenario))}</b> ({int(r.targets_met)} of {int(r.targets)} met)."
        )
    rows = []
    for _, r in options.iterrows():
        diff = (
            "–"
            if math.isnan(r.difference)
            else ("+" if r.difference > 0 else "")
            + _ci(r.difference, r.difference_ci_low, r.difference_ci_high)
        )
        kind = "met" if r.cheapest_compliant else ("at-risk" if r.compliant else "missed")
        rows.append(
            f"<tr class='{kind}'><td>{html.escape(str(r.scenario))}"
            f"{' ✓' if r.cheapest_compliant else ''}</td>"
            f"<td>{_ci(r.total_cost, r.ci_low, r.ci_high)}</td><td>{diff}</td>"
            f"<td>{int(r.targets_met)} of {int(r.targets)}</td>"
            f"<td class='left'>{html.escape(str(r.not_met)) or '–'}</td></tr>"
        )
    return (
        f"<p class='lead'>{lead}</p><table class='options'><thead><tr><th>option</th>"
        f"<th>total cost per period ({cur})</th><th>vs cheapest compliant (paired)</th>"
        f"<th>targets met</th><th class='left'>not met</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p><small>Total cost = operating + telephony + expected penalties − expected bonuses, "
        f"mean over replications (contract periods) with its {confidence:.0%} interval.</small></p>"
    )


def targets_html(ts: pd.DataFrame | None, several: bool, currency: str, confidence: float) -> str:
    """Every target: attained [CI], P(met), verdict, expected penalty and its 90th percentile."""
    if ts is None or ts.empty:
        return ""
    money = bool((ts["expected_penalty"] > 0).any())
    rows = []
    for _, r in ts.iterrows():
        kind = r["kpi"] if r.get("per", "period") == "period" else "service_level"
        ci = (
            ""
            if _money(r["ci_low"]) == "–"
            else (f" <small>[{fmt(kind, r['ci_low'])}, {fmt(kind, r['ci_high'])}]</small>")
        )
        p = r["probability_met"]
        who = f"<td>{html.escape(str(r['scenario']))}</td>" if several else ""
        said = str(r["verdict"])
        if said == ONE_RUN:  # one contract period: what it did, never a probability
            said = f"this run: {'met' if r['mean_meets_bound'] else 'missed'}"
        cells = (
            f"<td>{fmt(kind, r['attained'])}{ci}</td>"
            f"<td>{'–' if pd.isna(p) else f'{p:.0%}'}</td>"
            f"<td class='verdict'>{html.escape(said)}</td>"
        )
        if money:
            cells += f"<td>{_money(r['expected_penalty'])}</td><td>{_money(r['penalty_p90'])}</td>"
        verdict = "one-run" if r["verdict"] == ONE_RUN else str(r["verdict"]).replace(" ", "-")
        rows.append(
            f"<tr class='{verdict}'>{who}<td class='left'>{html.escape(str(r['target']))}</td>"
            f"{cells}</tr>"
        )
    verdicts = ts["verdict"]
    one_run = bool((verdicts == ONE_RUN).all())
    attained = "attained" if one_run else f"attained ({confidence:.0%} CI)"
    head = (
        ("<th>option</th>" if several else "")
        + f"<th class='left'>target</th><th>{attained}</th><th>P(met)</th><th>verdict</th>"
        + (
            f"<th>expected penalty ({html.escape(currency)})</th><th>penalty, 90th percentile</th>"
            if money
            else ""
        )
    )
    if one_run:
        kept = ts["mean_meets_bound"].astype(bool)
        lead = (
            f"This run meets {int(kept.sum())} of {len(ts)} targets. One run is one contract "
            "period: it gives no probability of meeting them — run several replications.</b>"
        )
        if several:
            lead = (
                "; ".join(
                    f"{html.escape(str(n))} meets {int(p['mean_meets_bound'].sum())} of {len(p)}"
                    for n, p in ts.groupby("scenario", sort=False)
                )
                + " targets in this run. One run gives no probability — run several "
                "replications.</b>"
            )
    else:
        lead = "; ".join(
            (f"{html.escape(str(n))}: " if several else "") + _counts(p["verdict"])
            for n, p in (ts.groupby("scenario", sort=False) if several else [("", ts)])
        )
        lead += (
            f".</b> A target is met when the probability of meeting it, P(met), is at least "
            f"{confidence:.0%} over the replications (contract periods), missed when it is at "
            f"most {1 - confidence:.0%}."
        )
    return (
        f"<p><b>{lead}</p><table class='targets'><thead><tr>{head}</tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _counts(verdicts: pd.Series) -> str:
    """ "5 of 7 targets met, 1 at risk, 1 missed"."""
    text = f"{int((verdicts == 'met').sum())} of {len(verdicts)} targets met"
    more = [
        f"{int((verdicts == v).sum())} {v}" for v in ("at risk", "missed") if (verdicts == v).any()
    ]
    return ", ".join([text, *more])
