"""Terminal tables of the decision: the total cost per contract period and its parts, the options
ranked by total cost among those keeping every target, and one line naming the cheapest
compliant option (columns from ``stats.options``)."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from cccsim.stats.options import COST_TOTALS

COST_TITLES = {
    "operating_cost": "operating (agent groups)",
    "telephony_cost": "telephony",
    "penalties": "+ expected penalties",
    "bonuses": "− expected bonuses",
    "total_cost": "total cost",
}


def money(value: float) -> str:
    """An amount for humans (whole units), "–" when unknown."""
    return "–" if value is None or math.isnan(value) else f"{value:,.0f}"


def _with_ci(mean: float, low: float, high: float) -> str:
    text = money(mean)
    return text if math.isnan(low) else f"{text} [{money(low)}, {money(high)}]"


def total_cost_table(costs: pd.DataFrame, currency: str, confidence: float) -> Table:
    """Total cost per contract period and its parts: one replication's ``costs`` row, or an
    experiment's ``cost_summary`` (mean [CI])."""
    long_form = "kpi" in costs
    title = f"Total cost per contract period ({currency})"
    if long_form:
        title += f"\nmean [{confidence:.0%} confidence interval] over replications"
    table = Table(title=title)
    table.add_column("")
    options = list(dict.fromkeys(costs["scenario"])) if "scenario" in costs else [""]
    for name in options:
        table.add_column(str(name) or "this run", justify="right")
    for item in COST_TOTALS:
        cells = []
        for name in options:
            if long_form:
                row = costs[(costs["scenario"] == name) & (costs["kpi"] == item)].iloc[0]
                cells.append(_with_ci(row["mean"], row["ci_low"], row["ci_high"]))
            else:
                cells.append(money(float(costs[item].iloc[0])))
        label = COST_TITLES[item]
        if not long_form:
            label = label.replace("expected ", "")
        table.add_row(f"[bold]{label}[/]" if item == "total_cost" else label, *cells)
    return table


def options_table(options: pd.DataFrame, currency: str, confidence: float) -> Table:
    """The options, cheapest compliant first: total cost [CI], paired difference to the cheapest
    compliant [CI], targets met, and what each misses."""
    table = Table(
        title=f"Options by total cost per contract period ({currency}) — compliant = every "
        f"target met with P(met) ≥ {confidence:.0%}"
    )
    for name in (
        "option",
        "total cost [CI]",
        "vs cheapest compliant [CI]",
        "targets met",
        "not met",
    ):
        table.add_column(name, justify="left" if name in ("option", "not met") else "right")
    for _, r in options.iterrows():
        name = str(r["scenario"])
        if r["cheapest_compliant"]:
            name = f"[bold green]{name} ✓ cheapest compliant[/]"
        elif r["compliant"]:
            name = f"[green]{name}[/]"
        diff = (
            "–"
            if math.isnan(r["difference"])
            else _with_ci(r["difference"], r["difference_ci_low"], r["difference_ci_high"])
        )
        if not math.isnan(r["difference"]) and r["difference"] > 0:
            diff = "+" + diff
        table.add_row(
            name,
            _with_ci(r["total_cost"], r["ci_low"], r["ci_high"]),
            diff,
            f"{int(r['targets_met'])} of {int(r['targets'])}",
            str(r["not_met"]) or "–",
        )
    return table


def decision_line(options: pd.DataFrame, currency: str, confidence: float) -> str:
    """One sentence: the cheapest option keeping every target, or that none does (and the closest)."""
    best = options[options["cheapest_compliant"]]
    if len(best) and not (options["total_cost"].abs() > 0).any():
        names = ", ".join(str(n) for n in options.loc[options["compliant"], "scenario"])
        return (
            f"Options meeting every target (P(met) ≥ {confidence:.0%}): [bold]{names}[/] "
            "(nothing is priced, so none is cheaper)."
        )
    if len(best):
        r = best.iloc[0]
        cost = _with_ci(r["total_cost"], r["ci_low"], r["ci_high"])
        return (
            f"Cheapest option meeting every target (P(met) ≥ {confidence:.0%}): "
            f"[bold]{r['scenario']}[/] — {cost} {currency} per contract period."
        )
    r = options.iloc[0]
    return (
        f"No option meets every target with P(met) ≥ {confidence:.0%}. Closest: "
        f"[bold]{r['scenario']}[/] ({int(r['targets_met'])} of {int(r['targets'])} met, "
        f"{money(r['total_cost'])} {currency} per contract period)."
    )
