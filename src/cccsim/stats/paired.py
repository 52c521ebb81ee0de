"""Paired comparisons under common random numbers: option − baseline, replication by replication."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from cccsim.stats.ci import t_quantile

HIGHER_IS_BETTER = {"service_level": True, "answered": True, "bonuses": True}
LOWER_IS_BETTER = {
    "operating_cost",
    "telephony_cost",
    "penalties",
    "total_cost",
    "asa",
    "p_wait",
    "abandon_rate",
    "block_rate",
    "mean_wait",
    "mean_queue",
    "abandoned",
    "blocked",
    "open",
}


def paired_differences(
    per_replication: pd.DataFrame,
    baseline: str,
    kpis: list[str],
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean difference (option − baseline) per option, contact type and KPI, with a paired t-CI.

    ``confidence_better`` is the one-sided confidence that the option is better than the
    baseline (1 − the one-sided p-value of the paired t-test); ``verdict`` says ``better``,
    ``worse`` or ``no clear difference`` at the requested confidence. KPIs without a direction
    (offered, aht) get no verdict.
    """
    rows = []
    base = per_replication[per_replication.scenario == baseline]
    for option, part in per_replication[per_replication.scenario != baseline].groupby(
        "scenario", sort=False
    ):
        merged = part.merge(base, on=["replication", "contact_type"], suffixes=("", "_base"))
        for ctype, sub in merged.groupby("contact_type", sort=False, observed=True):
            for kpi in kpis:
                d = (sub[kpi] - sub[f"{kpi}_base"]).to_numpy(dtype=float)
                d = d[np.isfinite(d)]
                rows.append(_row(str(option), baseline, str(ctype), kpi, d, confidence))
    return pd.DataFrame(rows)


def paired_target_differences(
    targets: pd.DataFrame, baseline: str, confidence: float = 0.95
) -> pd.DataFrame:
    """Each target's attained value, option − baseline, replication by replication: rows of
    ``paired_differences`` with contact type ``target`` and the target's label as ``kpi``.

    Better means higher for a target with only a lower bound (``at_least``), lower for one with
    only an upper bound; a range has no direction (no verdict).
    """
    rows = []
    base = targets[targets.scenario == baseline]
    for option, part in targets[targets.scenario != baseline].groupby("scenario", sort=False):
        merged = part.merge(base, on=["replication", "target"], suffixes=("", "_base"))
        for label, sub in merged.groupby("target", sort=False):
            d = (sub["attained"] - sub["attained_base"]).to_numpy(dtype=float)
            d = d[np.isfinite(d)]
            first = sub.iloc[0]
            low, high = pd.notna(first["at_least"]), pd.notna(first["at_most"])
            rows.append(
                _row(str(option), baseline, "target", str(label), d, confidence, low - high)
            )
    return pd.DataFrame(rows)


def paired_interval(d: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """(mean, half-width, one-sided p of "difference > 0") of paired differences ``d`` (Student t
    with n − 1 degrees of freedom; a constant difference has half-width 0)."""
    n = d.size
    mean = float(d.mean()) if n else np.nan
    if n >= 2 and d.std(ddof=1) > 0:
        se = float(d.std(ddof=1)) / np.sqrt(n)
        half = float(t_quantile(confidence, n - 1)) * se
        p_up = float(special.stdtr(n - 1, -mean / se))  # Student-t survival at mean / se
    elif n >= 1:
        half, p_up = 0.0, 0.0 if mean > 0 else (1.0 if mean < 0 else 0.5)
    else:
        half, p_up = np.nan, np.nan
    return mean, half, p_up


def _row(
    option: str,
    baseline: str,
    ctype: str,
    kpi: str,
    d: np.ndarray,
    confidence: float,
    direction: int | None = None,
) -> dict[str, object]:
    n = d.size
    mean, half, p_up = paired_interval(d, confidence)
    if direction is None:
        direction = 1 if kpi in HIGHER_IS_BETTER else (-1 if kpi in LOWER_IS_BETTER else 0)
    if direction == 0 or not np.isfinite(p_up):
        better, verdict = np.nan, ""
    else:
        better = 1 - p_up if direction > 0 else p_up
        alpha = (1 - confidence) / 2
        verdict = (
            "better"
            if better >= 1 - alpha
            else ("worse" if better <= alpha else "no clear difference")
        )
    return {
        "scenario": option,
        "baseline": baseline,
        "contact_type": ctype,
        "kpi": kpi,
        "n": n,
        "mean_difference": mean,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "confidence_better": better,
        "verdict": verdict,
    }
