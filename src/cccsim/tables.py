"""Plain-text KPI tables for the terminal (rich), built from the tidy result frames."""

from __future__ import annotations

import math

import pandas as pd
from rich.table import Table

from cccsim.stats.formats import COUNT_KPIS as _COUNTS
from cccsim.stats.formats import fmt
from cccsim.stats.kpis import OUTCOME_COUNTS, unaccounted

SHOWN = [
    "offered",
    "answered",
    "abandoned",
    "blocked",
    "service_level",
    "asa",
    "abandon_rate",
    "aht",
]
_TITLES = {
    "offered": "offered",
    "answered": "answered",
    "abandoned": "abandoned",
    "blocked": "blocked",
    "balked": "balked",
    "closed": "closed",
    "callbacks": "callbacks",
    "offline_forms": "offline forms",
    "open": "open",
    "service_level": "service level",
    "asa": "ASA",
    "abandon_rate": "abandon rate",
    "aht": "AHT",
    "occupancy": "occupancy",
}


IDENTITY = "offered = " + " + ".join(_TITLES[k] for k in OUTCOME_COUNTS)
"""The accounting identity the KPI tables show (``stats.kpis.OUTCOME_COUNTS``)."""


def _rows(present: set[str]) -> list[str]:
    """The KPI rows: offered, the outcomes that occur (answered, abandoned, blocked always),
    then the rates."""
    shown = [k for k in OUTCOME_COUNTS if k in SHOWN or k in present]
    return ["offered", *shown, *(k for k in SHOWN if k not in _COUNTS)]


def _caption(gap: float) -> str:
    if abs(gap) < 0.5:
        return f"{IDENTITY} ✓"
    return f"[red]{IDENTITY} does not hold: {gap:,.0f} contacts unaccounted for[/]"


def summary_table(summary: pd.DataFrame, title: str) -> Table:
    """KPIs (rows) per contact type (columns) of one replication."""
    gap = float(unaccounted(summary).abs().sum())
    table = Table(title=title, caption=_caption(gap))
    table.add_column("KPI")
    for _, row in summary.iterrows():
        table.add_column(f"{row.contact_type}\n({row.channel})", justify="right")
    present = {k for k in OUTCOME_COUNTS if (summary[k] > 0).any()}
    for kpi in _rows(present):
        table.add_row(_TITLES[kpi], *(fmt(kpi, v) for v in summary[kpi]))
    return table


def ci_table(summary: pd.DataFrame, title: str, confidence: float) -> Table:
    """KPI means with confidence intervals (rows) per contact type (columns)."""
    means = summary.pivot_table(
        index=["contact_type"], columns="kpi", values="mean", sort=False, observed=True
    )
    gap = float(unaccounted(means).abs().sum()) if set(OUTCOME_COUNTS) <= set(means) else 0.0
    table = Table(
        title=f"{title}\nmean [{confidence:.0%} confidence interval]", caption=_caption(gap)
    )
    table.add_column("KPI")
    parts = list(summary.groupby(["contact_type", "channel"], sort=False, observed=True))
    for (ctype, channel), _ in parts:
        table.add_column(f"{ctype}\n({channel})", justify="right")
    present = {k for k in OUTCOME_COUNTS if k in means and (means[k] > 0).any()}
    for kpi in _rows(present):
        cells = []
        for _, part in parts:
            values = part.set_index("kpi").loc[kpi, ["mean", "ci_low", "ci_high"]]
            mean, low, high = (float(v) for v in values.to_numpy(dtype=float))
            cell = fmt(kpi, mean)
            if not math.isnan(low) and kpi not in _COUNTS:
                cell += f" [{fmt(kpi, low)}, {fmt(kpi, high)}]"
            cells.append(cell)
        table.add_row(_TITLES[kpi], *cells)
    return table


def groups_table(groups: pd.DataFrame) -> Table:
    """Staffing and occupancy per agent group."""
    table = Table(title="Agent groups")
    for name in ("agent group", "mean agents", "occupancy", "share answered"):
        table.add_column(name, justify="right" if name != "agent group" else "left")
    for _, row in groups.iterrows():
        table.add_row(
            str(row.agent_group),
            f"{row.mean_agents:.1f}",
            fmt("occupancy", row.occupancy),
            fmt("occupancy", row.answered_share),
        )
    return table


VERDICT_STYLE = {
    "met": "green",
    "missed": "red",
    "at risk": "yellow",
    "one run: no probability": "dim",
}


def targets_table(targets: pd.DataFrame, currency: str = "EUR") -> Table:
    """Targets: attained value, P(met) with its verdict, expected penalty and its 90th
    percentile side by side — or, for one replication, whether this run met each bound."""
    one_run = "verdict" not in targets
    several = "scenario" in targets and targets["scenario"].nunique() > 1
    table = Table(title="Targets" + (" — one run: no probability" if one_run else ""))
    if several:
        table.add_column("option")
    penalty = targets.get("expected_penalty", targets.get("penalty"))
    money = penalty is not None and bool((penalty > 0).any())
    if one_run:
        names = ["target", "attained", "this run"] + ([f"penalty ({currency})"] if money else [])
    else:
        names = ["target", "attained", "P(met)", "verdict"]
        names += [f"expected penalty ({currency})", "penalty p90"] if money else []
    for name in names:
        table.add_column(name, justify="left" if name == "target" else "right")
    for _, row in targets.iterrows():
        kind = row["kpi"] if row.get("per", "period") == "period" else "service_level"
        attained = fmt(kind, row["attained"])
        if "ci_low" in row and not math.isnan(row["ci_low"]):
            attained += f" [{fmt(kind, row['ci_low'])}, {fmt(kind, row['ci_high'])}]"
        label = str(row["target"])
        definition = row.get("definition")
        if isinstance(definition, str) and definition and definition != label:
            label += f"\n[dim]{definition}[/]"
        if one_run:
            met = "met" if row["met"] else "missed"
            cells = [label, attained, f"[{VERDICT_STYLE[met]}]{met}[/]"]
            cells += [f"{row['penalty']:,.0f}"] if money else []
        else:
            verdict = str(row["verdict"])
            prob = row["probability_met"]
            cells = [
                label,
                attained,
                "–" if math.isnan(prob) else f"{prob:.0%}",
                f"[{VERDICT_STYLE[verdict]}]{verdict}[/]",
            ]
            if money:
                cells += [f"{row['expected_penalty']:,.0f}", f"{row['penalty_p90']:,.0f}"]
        table.add_row(*([str(row["scenario"])] if several else []), *cells)
    return table


def costs_table(summary: pd.DataFrame, currency: str, long_form: bool) -> Table:
    """Operating, telephony and customer costs per contact type (means over replications)."""
    columns = [
        "operating_cost",
        "telephony_cost",
        "cost_per_answered",
        "customer_cost",
        "customer_cost_per_contact",
        "customer_wait_minutes",
    ]
    titles = [
        "operating",
        "telephony",
        "per answered",
        "customers' cost",
        "per contact",
        "customer wait (min)",
    ]
    table = Table(title=f"Costs ({currency})")
    table.add_column("contact type")
    for title in titles:
        table.add_column(title, justify="right")
    if long_form:
        wide = summary[summary.kpi.isin(columns)].pivot_table(
            index="contact_type",
            columns="kpi",
            values="mean",
            sort=False,
            observed=True,
            dropna=False,
        )
    else:
        wide = summary.set_index("contact_type")
    for ctype, row in wide.iterrows():
        table.add_row(
            str(ctype),
            *(
                f"{float(row[c]):,.2f}"
                if c in ("cost_per_answered", "customer_cost_per_contact")
                else f"{float(row[c]):,.0f}"
                for c in columns
            ),
        )
    return table


def differences_table(differences: pd.DataFrame, confidence: float) -> Table:
    """Paired differences (option − baseline) of the key KPIs, with a verdict."""
    table = Table(title=f"Differences against the baseline (paired, {confidence:.0%} CI)")
    for name in ("option", "contact type", "KPI", "difference [CI]", "P(better)", "verdict"):
        table.add_column(
            name,
            justify="left" if name in ("option", "contact type", "KPI", "verdict") else "right",
        )
    style = {"better": "green", "worse": "red", "no clear difference": "yellow", "": ""}
    shown = differences[
        differences.kpi.isin(["service_level", "asa", "abandon_rate", "block_rate"])
    ]
    for _, row in shown.iterrows():
        kpi = str(row.kpi)
        sign = "+" if row.mean_difference > 0 else ""
        diff = f"{sign}{fmt(kpi, row.mean_difference)} [{fmt(kpi, row.ci_low)}, {fmt(kpi, row.ci_high)}]"
        better = "–" if math.isnan(row.confidence_better) else f"{row.confidence_better:.0%}"
        verdict = str(row.verdict)
        colour = style.get(verdict, "")
        table.add_row(
            str(row.scenario),
            str(row.contact_type),
            _TITLES.get(kpi, kpi),
            diff,
            better,
            f"[{colour}]{verdict}[/]" if colour else verdict,
        )
    return table


def sweep_table(summary: pd.DataFrame, factors: list[str], confidence: float) -> Table:
    """Key KPIs (mean [CI]) at each factor point and contact type."""
    kpis = ["service_level", "asa", "abandon_rate"]
    table = Table(title=f"Sweep — mean [{confidence:.0%} CI]")
    for name in (*factors, "contact type", *(_TITLES[k] for k in kpis)):
        table.add_column(name, justify="right")
    keys = [*factors, "contact_type"]
    for key, part in summary.groupby(keys, sort=False, observed=True):
        by_kpi = part.set_index("kpi")
        cells = []
        for kpi in kpis:
            values = by_kpi.loc[kpi, ["mean", "ci_low", "ci_high"]].to_numpy(dtype=float)
            mean, low, high = (float(v) for v in values)
            cells.append(
                fmt(kpi, mean)
                + ("" if math.isnan(low) else f" [{fmt(kpi, low)}, {fmt(kpi, high)}]")
            )
        table.add_row(*(str(k) for k in key), *cells)
    return table
