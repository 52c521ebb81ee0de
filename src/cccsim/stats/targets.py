"""Targets as the contract words them: evaluated per replication (one contract period), then
summarised across replications as the probability of meeting them and the money at stake.

Definitions (docs/reference/results.md, "Targets"):
- ``service_level``: answered with wait ≤ threshold ÷ (offered − not reached − short abandons),
  or ÷ answered with ``over: answered``; waits in business seconds with ``clock:
  business_hours``; only contacts due by the horizon (on that clock) count.
- ``abandon_rate``: abandoned (waiting ≥ short_abandon) ÷ (offered − not reached − short abandons).
- ``wait_over``: contacts reached whose wait exceeded the threshold ÷ (offered − not reached),
  of those due by the horizon.
(*Not reached*: blocked, closed, left for a callback or voicemail, or turned into an offline form.)
- ``asa``, ``aht``, ``p_wait``, ``block_rate``: as in the summary.
- ``occupancy``: busy ÷ staffed time of the agent group.
With ``per`` interval/day/week the attained value is the share of those periods (with contacts,
or with agents on duty) that meet the bound.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.model.targets import MoneyModel, TargetModel
from cccsim.records import Records
from cccsim.stats.ci import t_interval
from cccsim.stats.tally import Tally, as_tally, ratio
from cccsim.stats.target_counts import target_sums

TARGET_COLUMNS = [
    "target",
    "definition",
    "contact_type",
    "agent_group",
    "kpi",
    "per",
    "at_least",
    "at_most",
    "required_share",
]


def _meets(t: TargetModel, value: float) -> bool:
    if not np.isfinite(value):
        return False
    return (t.at_least is None or value >= t.at_least) and (t.at_most is None or value <= t.at_most)


def period_values(source: Records | Tally, t: TargetModel) -> np.ndarray:
    """The KPI of target ``t`` in each measurement period (one value for per: period)."""
    if isinstance(source, Tally):
        sums = source.targets[source.model.targets.index(t)]
    else:  # any target, the scenario's or not (the staffing search makes its own)
        sums = target_sums(source, t)
    return ratio(sums[0], sums[1])


def _money(money: MoneyModel | None, points: float, applies: bool) -> float:
    if money is None or not applies:
        return 0.0
    amount = money.flat + money.per_point * points
    return min(amount, money.cap) if money.cap is not None else amount


def evaluate_targets(source: Records | Tally) -> pd.DataFrame:
    """One row per target of one replication: attained value, met, penalty and bonus."""
    tl = as_tally(source)
    m = tl.model
    rows = []
    for t in m.targets:
        values = period_values(tl, t)
        if t.per == "period":
            attained = float(values[0])
            met = _meets(t, attained)
            low, high, unit = t.at_least, t.at_most, 100.0 if t.is_share else 1.0
            worst = attained
        else:
            known = values[np.isfinite(values)]
            attained = float(np.mean([_meets(t, v) for v in known])) if known.size else np.nan
            met = bool(np.isfinite(attained) and attained >= (t.share_of_periods or 1.0) - 1e-12)
            low, high, unit = t.share_of_periods, None, 100.0
            worst = (
                float(known.min() if t.at_least is not None else known.max())
                if known.size
                else np.nan
            )
        short = _gap(attained, low, high)
        excess = _excess(attained, low, high) if met else 0.0
        rows.append(
            {
                "target": t.label,
                "definition": t.definition,
                "contact_type": m.types[t.type_index].name if t.type_index is not None else None,
                "agent_group": m.groups[t.group_index].name if t.group_index is not None else None,
                "kpi": t.kpi,
                "per": t.per,
                "at_least": t.at_least,
                "at_most": t.at_most,
                "required_share": t.share_of_periods,
                "attained": attained,
                "worst_period": worst,
                "met": met,
                "shortfall": short,
                "penalty": _money(t.penalty, short * unit, not met),
                "bonus": _money(t.bonus, excess * unit, met),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            *TARGET_COLUMNS,
            "attained",
            "worst_period",
            "met",
            "shortfall",
            "penalty",
            "bonus",
        ],
    )


def _gap(value: float, low: float | None, high: float | None) -> float:
    if not np.isfinite(value):
        return float(low if low is not None else 0.0)
    return max(
        0.0, (low - value) if low is not None else 0.0, (value - high) if high is not None else 0.0
    )


def _excess(value: float, low: float | None, high: float | None) -> float:
    """How far inside the bound the value is (distance to the nearer bound)."""
    gaps = [value - low] if low is not None else []
    gaps += [high - value] if high is not None else []
    return max(0.0, min(gaps)) if gaps else 0.0


ONE_RUN = "one run: no probability"
"""Verdict of a target judged on a single replication (one contract period says nothing of the
probability of meeting it)."""


def verdict(probability_met: float, replications: int, confidence: float) -> str:
    """``met`` when P(met) ≥ confidence, ``missed`` when P(met) ≤ 1 − confidence, ``at risk``
    otherwise; ``one run: no probability`` with fewer than two replications."""
    if replications < 2 or not np.isfinite(probability_met):
        return ONE_RUN
    if probability_met >= confidence - 1e-12:
        return "met"
    if probability_met <= 1 - confidence + 1e-12:
        return "missed"
    return "at risk"


def target_summary(
    per_replication: pd.DataFrame, confidence: float = 0.9, keys: list[str] | None = None
) -> pd.DataFrame:
    """Across replications (contract periods): the probability of meeting each target, its verdict
    at ``confidence`` (``verdict``), the attained mean with its CI, and the money at stake.

    ``probability_met`` is the share of replications in which the target was met (NaN with one
    replication); ``expected_penalty`` and ``expected_bonus`` are means over replications and
    ``penalty_p90`` the 90th percentile of the penalty (numpy's linear interpolation).
    """
    front = keys if keys is not None else (["scenario"] if "scenario" in per_replication else [])
    group_keys = [*front, "target"]
    rows = []
    for key, part in per_replication.groupby(group_keys, sort=False):
        first = part.iloc[0]
        mean, _, low, high = t_interval(part["attained"].to_numpy(dtype=float), confidence)
        lo, hi = (
            (first["at_least"], first["at_most"])
            if first["per"] == "period"
            else (first["required_share"], None)
        )
        lo = None if lo is None or pd.isna(lo) else float(lo)
        hi = None if hi is None or pd.isna(hi) else float(hi)
        n = len(part)
        probability = float(part["met"].astype(float).mean()) if n >= 2 else np.nan
        penalty = part["penalty"].to_numpy(dtype=float)
        rows.append(
            {
                **dict(zip(group_keys, key if isinstance(key, tuple) else (key,), strict=True)),
                **{c: first.get(c) for c in TARGET_COLUMNS if c != "target"},
                "attained": mean,
                "ci_low": low,
                "ci_high": high,
                "mean_meets_bound": bool(
                    np.isfinite(mean)
                    and (lo is None or mean >= lo - 1e-12)
                    and (hi is None or mean <= hi + 1e-12)
                ),
                "probability_met": probability,
                "verdict": verdict(probability, n, confidence),
                "expected_penalty": float(penalty.mean()),
                "penalty_p90": float(np.quantile(penalty, 0.9)),
                "expected_bonus": float(part["bonus"].mean()),
                "replications": n,
            }
        )
    return pd.DataFrame(rows)


def target_intervals_frame(source: Records | Tally) -> pd.DataFrame:
    """One row per target × reporting interval: the target's KPI as the target defines it
    (threshold, clock, short-abandon rule, base, its contact types or agent group), counted per
    interval whatever the target's own period — what the report draws against the bound."""
    tl = as_tally(source)
    m = tl.model
    starts = tl.bins.interval_edges[:-1]
    frames = []
    for t, sums in zip(m.targets, tl.target_intervals, strict=True):
        frames.append(
            pd.DataFrame(
                {
                    "target": t.label,
                    "definition": t.definition,
                    "kpi": t.kpi,
                    "contact_type": m.types[t.type_index].name
                    if t.type_index is not None
                    else None,
                    "agent_group": m.groups[t.group_index].name
                    if t.group_index is not None
                    else None,
                    "at_least": t.at_least,
                    "at_most": t.at_most,
                    "interval": np.arange(m.n_intervals),
                    "interval_start": starts,
                    "numerator": sums[0],
                    "denominator": sums[1],
                    "value": ratio(sums[0], sums[1]),
                    "measured": starts >= m.warmup,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
