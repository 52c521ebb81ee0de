"""Targets: attained value per replication, and across replications whether and how surely met."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.stats.ci import t_interval

TARGET_COLUMNS = ["target", "contact_type", "kpi", "bound", "sense"]


def _describe(contact_type: str, kpi: str, sense: str, bound: float) -> str:
    return f"{contact_type} {kpi} {'≥' if sense == 'at_least' else '≤'} {bound:g}"


def target_rows(targets: list[tuple[str, str, str, float]], summary: pd.DataFrame) -> pd.DataFrame:
    """One row per target of one replication: attained value and whether it is met.

    ``targets`` are ``(contact_type, kpi, sense, bound)`` with sense ``at_least`` or ``at_most``.
    """
    rows = []
    by_type = summary.set_index("contact_type")
    for contact_type, kpi, sense, bound in targets:
        attained = float(by_type.loc[contact_type, kpi])  # type: ignore[arg-type]
        met = bool(attained >= bound) if sense == "at_least" else bool(attained <= bound)
        if not np.isfinite(attained):
            met = False
        rows.append(
            {
                "target": _describe(contact_type, kpi, sense, bound),
                "contact_type": contact_type,
                "kpi": kpi,
                "bound": bound,
                "sense": sense,
                "attained": attained,
                "met": met,
            }
        )
    return pd.DataFrame(rows, columns=[*TARGET_COLUMNS, "attained", "met"])


def target_summary(
    per_replication: pd.DataFrame, confidence: float = 0.95, keys: list[str] | None = None
) -> pd.DataFrame:
    """Across replications: attained mean with CI, probability of meeting, and a verdict.

    Verdict: ``met`` when the whole confidence interval is on the right side of the bound,
    ``missed`` when it is wholly on the wrong side, ``at risk`` otherwise (a single replication
    gives ``met`` or ``missed`` from its value).
    """
    rows = []
    front = keys if keys is not None else (["scenario"] if "scenario" in per_replication else [])
    keys = [*front, *TARGET_COLUMNS]
    for key, part in per_replication.groupby(keys, sort=False):
        info = dict(zip(keys, key, strict=True))
        mean, _, low, high = t_interval(part["attained"].to_numpy(dtype=float), confidence)
        bound = float(part["bound"].iloc[0])
        at_least = info["sense"] == "at_least"

        def good(v: float, bound: float = bound, at_least: bool = at_least) -> bool:
            return v >= bound if at_least else v <= bound

        if np.isnan(low):
            verdict = "met" if np.isfinite(mean) and good(mean) else "missed"
        elif good(low) and good(high):
            verdict = "met"
        elif not good(low) and not good(high):
            verdict = "missed"
        else:
            verdict = "at risk"
        rows.append(
            {
                **info,
                "attained": mean,
                "ci_low": low,
                "ci_high": high,
                "met": bool(np.isfinite(mean) and good(mean)),
                "probability_met": float(part["met"].mean()),
                "verdict": verdict,
                "replications": len(part),
            }
        )
    return pd.DataFrame(rows)
