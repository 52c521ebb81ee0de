"""The decision a client signs: each option's total cost per contract period, whether it keeps
every promise, and the cheapest option that does (docs/reference/results.md, "Options").

One replication is one contract period. Its **total cost** = operating (what the agent groups
bill, ``groups.operating_cost``) + telephony + penalties − bonuses; the mean over replications
is therefore operating + telephony + *expected* penalties − *expected* bonuses, given with a
Student-t interval. An option is **compliant** when every one of its targets has the verdict
``met`` (P(met) ≥ the study's confidence, ``stats.targets.verdict``); an option without targets
is compliant. The **cheapest compliant** option has the lowest mean total cost among the
compliant ones, and every option's total cost is differenced against it replication by
replication (the same seeds: a paired interval).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cccsim.stats.ci import t_interval
from cccsim.stats.paired import paired_interval

COST_TOTALS: tuple[str, ...] = (
    "operating_cost",
    "telephony_cost",
    "penalties",
    "bonuses",
    "total_cost",
)
"""Columns of ``costs`` (per contract period, in the scenario's currency)."""

_KEYS = ["scenario", "replication"]


def _sum_by(frame: pd.DataFrame | None, column: str, index: pd.MultiIndex) -> pd.Series:
    """Σ ``column`` per (scenario, replication), zero where a period has no rows."""
    if frame is None or frame.empty or column not in frame:
        return pd.Series(0.0, index=index)
    sums = frame.groupby(_KEYS, sort=False)[column].sum()
    return sums.reindex(index, fill_value=0.0).astype(float)


def _with_keys(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A replication's frame (no scenario or replication column) as period "" × 0."""
    if frame is None or frame.empty or "scenario" in frame:
        return frame
    return frame.assign(scenario="", replication=0)


def cost_totals(
    groups: pd.DataFrame,
    summary: pd.DataFrame,
    targets: pd.DataFrame | None,
    factors: Sequence[str] = (),
) -> pd.DataFrame:
    """Per contract period (scenario × replication, or the one replication of a result's own
    frames): ``operating_cost`` (Σ of the groups' bills), ``telephony_cost`` (Σ over contact
    types), ``penalties`` and ``bonuses`` (Σ over targets) and ``total_cost`` = operating +
    telephony + penalties − bonuses."""
    single = "scenario" not in summary
    periods = _with_keys(summary)
    assert periods is not None
    first = periods.groupby(_KEYS, sort=False)[list(factors)].first()
    index = pd.MultiIndex.from_frame(first.index.to_frame(index=False))
    out = first.reset_index()
    out["operating_cost"] = _sum_by(_with_keys(groups), "operating_cost", index).to_numpy()
    out["telephony_cost"] = _sum_by(periods, "telephony_cost", index).to_numpy()
    out["penalties"] = _sum_by(_with_keys(targets), "penalty", index).to_numpy()
    out["bonuses"] = _sum_by(_with_keys(targets), "bonus", index).to_numpy()
    out["total_cost"] = (
        out["operating_cost"] + out["telephony_cost"] + out["penalties"] - out["bonuses"]
    )
    columns = [*([] if single else ["scenario", *factors, "replication"]), *COST_TOTALS]
    return out[columns]


def _not_met(part: pd.DataFrame) -> str:
    """The targets an option does not keep, with their verdicts and P(met)."""
    missing = []
    for _, r in part[part["verdict"] != "met"].iterrows():
        p = r["probability_met"]
        odds = "" if pd.isna(p) else f", P(met) {p:.0%}"
        missing.append(f"{r['target']} ({r['verdict']}{odds})")
    return "; ".join(missing)


def options_frame(
    costs: pd.DataFrame,
    target_summary: pd.DataFrame | None,
    factors: Sequence[str] = (),
    confidence: float = 0.9,
) -> pd.DataFrame:
    """One row per option (scenario): total cost per contract period with its interval, targets
    met / at risk / missed, whether the option is compliant, what it misses, its rank among the
    compliant, and its paired difference to the cheapest compliant. Rows run from the cheapest
    compliant option up, then the others by fewest targets not met and by cost."""
    rows = []
    ts = target_summary if target_summary is not None else pd.DataFrame()
    for name, part in costs.groupby("scenario", sort=False):
        mean, _, low, high = t_interval(part["total_cost"].to_numpy(dtype=float), confidence)
        mine = ts[ts["scenario"] == name] if len(ts) else ts
        verdicts = mine["verdict"] if len(mine) else pd.Series(dtype=str)
        rows.append(
            {
                "scenario": name,
                **{f: part[f].iloc[0] for f in factors},
                "total_cost": mean,
                "ci_low": low,
                "ci_high": high,
                "replications": len(part),
                "targets": len(mine),
                "targets_met": int((verdicts == "met").sum()),
                "targets_at_risk": int((verdicts == "at risk").sum()),
                "targets_missed": int((verdicts == "missed").sum()),
                "compliant": bool((verdicts == "met").all()),
                "not_met": _not_met(mine) if len(mine) else "",
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    # compliant options by cost, then the others by how many targets they do not keep, by cost
    out["_short"] = out["targets"] - out["targets_met"]
    out = out.sort_values(
        ["compliant", "_short", "total_cost"], ascending=[False, True, True], kind="stable"
    )
    out = out.drop(columns="_short").reset_index(drop=True)
    compliant = out["compliant"].to_numpy()
    out["rank"] = pd.array(
        [i + 1 if ok else pd.NA for i, ok in enumerate(compliant)], dtype="Int64"
    )
    out["cheapest_compliant"] = out["rank"].eq(1).fillna(False).astype(bool)
    out["difference"], out["difference_ci_low"], out["difference_ci_high"] = np.nan, np.nan, np.nan
    if compliant.any():
        best = str(out.loc[0, "scenario"])
        base = costs[costs["scenario"] == best].set_index("replication")["total_cost"]
        for i, name in enumerate(out["scenario"]):
            mine = costs[costs["scenario"] == name].set_index("replication")["total_cost"]
            d = (mine - base).dropna().to_numpy(dtype=float)
            diff, half, _ = paired_interval(d, confidence)
            out.loc[i, ["difference", "difference_ci_low", "difference_ci_high"]] = (
                diff,
                diff - half,
                diff + half,
            )
    return out


def cheapest_compliant(options: pd.DataFrame | None) -> str | None:
    """The name of the cheapest option that keeps every target, or None if none does."""
    if options is None or options.empty or "cheapest_compliant" not in options:
        return None
    best = options[options["cheapest_compliant"]]
    return str(best["scenario"].iloc[0]) if len(best) else None
