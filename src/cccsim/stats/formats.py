"""How a KPI value reads for people: percentages, durations or counts (tables, reports, messages)."""

from __future__ import annotations

import math

from cccsim.stats.kpis import OUTCOME_COUNTS
from cccsim.units import format_duration

PERCENT_KPIS = {"service_level", "p_wait", "abandon_rate", "block_rate", "occupancy", "wait_over"}
SECONDS_KPIS = {"asa", "aht", "mean_wait"}
COUNT_KPIS = {"offered", *OUTCOME_COUNTS}


def fmt(kpi: str, value: float) -> str:
    """One KPI value for humans: percentages, durations or counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kpi in PERCENT_KPIS:
        return f"{100 * value:.1f}%"
    if kpi in SECONDS_KPIS:
        return format_duration(value)
    if kpi in COUNT_KPIS:
        return f"{value:,.0f}"
    return f"{value:,.3g}"
