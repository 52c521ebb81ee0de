"""Observed vs simulated KPIs: prediction intervals, coverage and flags for systematic gaps.

Each replication simulates the log's period once, so the replications' values of a KPI in an
interval are draws from what the model predicts for that interval: their central 95 % range is
the interval's *prediction interval* (observation noise included — the observed interval is
one more such draw if the model is right). If the model is right, about 95 % of the observed
values fall inside (the ranks are chosen for that, see ``spread``); the *coverage* is the share
that does.

Single intervals are noisy, so systematic gaps are judged on pooled values: per part of the day
(night 0–6 h, morning 6–12 h, afternoon 12–18 h, evening 18–24 h) and over the whole period,
each KPI is a ratio of sums over the part's intervals, observed and per replication. A gap is
flagged when the observed value lies outside the replications' prediction interval, is far from
their mean in replication standard deviations — |z| above the two-sided Bonferroni bound for a
family-wise false-alarm rate of ``FAMILY_RISK`` over all the comparisons made (at least 3) — and
the gap is material (``MATERIAL``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from cccsim.units import DAY, HOUR

KPIS: dict[str, tuple[str, str | None]] = {
    "offered": ("offered", None),
    "service_level": ("within", "reached"),
    "asa": ("wait_answered", "answered"),
    "abandon_rate": ("abandoned", "reached"),
    "occupancy": ("busy_time", "staffed_time"),
}
"""Each KPI as (numerator, denominator) of sums (``None``: a count)."""
LABELS = {
    "offered": "contacts offered",
    "service_level": "service level",
    "asa": "ASA",
    "abandon_rate": "abandonment",
    "occupancy": "occupancy",
}
PARTS = (("night", 0, 6), ("morning", 6, 12), ("afternoon", 12, 18), ("evening", 18, 24))
"""Parts of the day (local hours) on which systematic gaps are judged."""
FAMILY_RISK = 0.01
"""Chance that a back-test of a right scenario flags anything at all (Bonferroni)."""


def z_bound(n_tests: int, risk: float = FAMILY_RISK) -> float:
    """The |z| beyond which a gap is flagged among ``n_tests`` comparisons (at least 3)."""
    return max(3.0, float(stats.norm.isf(risk / (2 * max(n_tests, 1)))))


MATERIAL: dict[str, tuple[float, float]] = {
    "offered": (0.10, 1.0),
    "service_level": (0.0, 0.02),
    "asa": (0.10, 5.0),
    "abandon_rate": (0.2, 0.01),
    "occupancy": (0.0, 0.03),
}
"""Smallest gap worth a flag per KPI: (relative to the simulated value, absolute), both needed."""
HINTS = {
    ("abandon_rate", "under"): "customers are less patient than fitted",
    ("abandon_rate", "over"): "customers are more patient than fitted",
    ("service_level", "under"): "more agents on duty than simulated (a lower-bound staffing?), "
    "shorter handle times or less patient customers",
    ("service_level", "over"): "fewer agents on duty than simulated, longer handle times or more "
    "patient customers",
    ("asa", "under"): "fewer agents on duty than simulated, longer handle times or more patient "
    "customers",
    ("asa", "over"): "more agents on duty than simulated (a lower-bound staffing?), shorter "
    "handle times or less patient customers",
    ("offered", "under"): "arrivals differ (profile, weekday factors, retrials or repeats)",
    ("offered", "over"): "arrivals differ (profile, weekday factors, retrials or repeats)",
    ("occupancy", "under"): "staffing or handle times differ from the log's",
    ("occupancy", "over"): "staffing or handle times differ from the log's",
}
"""Likely causes of a gap, by KPI and direction (said "at this time of day" for a part)."""


def kpi_values(frame: pd.DataFrame, kpi: str) -> pd.Series:
    """The KPI from its sums (NaN where the denominator is 0)."""
    num, den = KPIS[kpi]
    if den is None:
        return frame[num].astype(float)
    base = frame[den].astype(float)
    return frame[num].astype(float) / base.where(base > 0)


def compare_intervals(
    observed: pd.DataFrame, simulated: pd.DataFrame, key: str, kpis: list[str], level: float
) -> pd.DataFrame:
    """Long frame per ``key`` × interval × KPI: ``observed``, ``simulated`` (mean over
    replications), ``pi_low``, ``pi_high`` and ``inside`` (NaN-free rows only)."""
    lo, hi = (1 - level) / 2, (1 + level) / 2
    rows = []
    for kpi in kpis:
        den = KPIS[kpi][1]
        sim = simulated.assign(value=kpi_values(simulated, kpi))
        matrix = sim.set_index([key, "interval", "replication"])["value"].unstack("replication")
        values = matrix.to_numpy(dtype=float)
        enough = np.isfinite(values).sum(axis=1) >= max(2, values.shape[1] / 2)
        mean, _, low, high = spread(values, lo, hi)
        obs = kpi_values(observed.set_index([key, "interval"]), kpi).reindex(matrix.index)
        frame = pd.DataFrame(
            {
                "kpi": kpi,
                "observed": obs.to_numpy(dtype=float),
                "simulated": mean,
                "pi_low": low,
                "pi_high": high,
            },
            index=matrix.index,
        )[enough]
        frame = frame[frame["observed"].notna()]
        if den is None:  # a count: intervals where nothing was expected nor seen say nothing
            frame = frame[(frame["observed"] > 0) | (frame["simulated"] > 0)]
        rows.append(frame.reset_index())
    out = pd.concat(rows, ignore_index=True)
    tol = 1e-9 * np.maximum(1.0, np.abs(out["observed"]))
    out["inside"] = (out["observed"] >= out["pi_low"] - tol) & (
        out["observed"] <= out["pi_high"] + tol
    )
    return out


def coverage(intervals: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key`` × KPI: intervals compared and the share whose observed value is inside."""
    grouped = intervals.groupby([key, "kpi"], sort=False)["inside"]
    return grouped.agg(intervals="size", inside="sum", share_inside="mean").reset_index()


def part_of(interval: pd.Series, length: float) -> pd.Series:
    """The part of the day each interval starts in."""
    hour = (interval * length % DAY) / HOUR
    labels = pd.Series("", index=interval.index, dtype=object)
    for name, first, last in PARTS:
        labels[(hour >= first) & (hour < last)] = name
    return labels


def compare_parts(
    observed: pd.DataFrame,
    simulated: pd.DataFrame,
    key: str,
    kpis: list[str],
    length: float,
    level: float,
) -> pd.DataFrame:
    """Per ``key`` × part (the parts of the day, and ``period``) × KPI: the pooled ``observed``
    value, the replications' ``simulated`` mean, ``sd``, ``pi_low``, ``pi_high`` and ``z``."""
    lo, hi = (1 - level) / 2, (1 + level) / 2
    obs = observed.assign(part=part_of(observed["interval"], length))
    sim = simulated.assign(part=part_of(simulated["interval"], length))
    sums = [c for c in obs.columns if c not in (key, "interval", "part", "interval_start")]
    pooled_obs = pd.concat(
        [
            obs.groupby([key, "part"], sort=False)[sums].sum(),
            obs.groupby(key, sort=False)[sums]
            .sum()
            .assign(part="period")
            .set_index("part", append=True),
        ]
    )
    sim_sums = [c for c in sums if c in sim.columns]
    pooled_sim = pd.concat(
        [
            sim.groupby([key, "part", "replication"], sort=False)[sim_sums].sum(),
            sim.groupby([key, "replication"], sort=False)[sim_sums]
            .sum()
            .assign(part="period")
            .set_index("part", append=True)
            .reorder_levels([key, "part", "replication"]),
        ]
    )
    rows = []
    for kpi in kpis:
        values = kpi_values(pooled_sim, kpi).unstack("replication")
        matrix = values.to_numpy(dtype=float)
        mean, sd, low, high = spread(matrix, lo, hi)
        o = kpi_values(pooled_obs, kpi).reindex(values.index).to_numpy(dtype=float)
        with np.errstate(all="ignore"):
            z = np.where(
                sd > 0, (o - mean) / sd, np.where(o == mean, 0.0, np.inf * np.sign(o - mean))
            )
        frame = pd.DataFrame(
            {
                "kpi": kpi,
                "observed": o,
                "simulated": mean,
                "sd": sd,
                "pi_low": low,
                "pi_high": high,
                "z": z,
            },
            index=values.index,
        ).reset_index()
        rows.append(frame[np.isfinite(frame["observed"]) & np.isfinite(frame["simulated"])])
    return pd.concat(rows, ignore_index=True)


def flags(
    parts: pd.DataFrame, intervals: pd.DataFrame, key: str, length: float, level: float = 0.95
) -> pd.DataFrame:
    """The systematic gaps, one row each with a sentence saying what and a likely cause."""
    per = intervals.assign(part=part_of(intervals["interval"], length))
    bound = z_bound(len(parts))
    rows = []
    for r in parts.to_dict("records"):
        kpi, part, who = str(r["kpi"]), str(r["part"]), str(r[key])
        obs, sim, z = float(r["observed"]), float(r["simulated"]), float(r["z"])
        low, high = float(r["pi_low"]), float(r["pi_high"])
        rel, absolute = MATERIAL[kpi]
        gap = obs - sim
        material = abs(gap) >= absolute and abs(gap) >= rel * abs(sim)
        if not ((obs < low or obs > high) and material and abs(z) >= bound):
            continue
        direction = "under" if gap > 0 else "over"
        mine = per[(per[key] == who) & (per["kpi"] == kpi)]
        if part != "period":
            mine = mine[mine["part"] == part]
        beyond = (
            (mine["observed"] > mine["pi_high"]) if gap > 0 else (mine["observed"] < mine["pi_low"])
        )
        where = "over the period" if part == "period" else f"in the {part} ({hours_of(part)})"
        hint = HINTS[(kpi, direction)] + ("" if part == "period" else " at this time of day")
        message = (
            f"{who}: {LABELS[kpi]} {direction}-predicted {where}: observed {format_kpi(kpi, obs)} vs "
            f"simulated {format_kpi(kpi, sim)} ({level:.0%} range {format_kpi(kpi, low)}–{format_kpi(kpi, high)}); "
            f"{int(beyond.sum())} of {len(mine)} intervals {'above' if gap > 0 else 'below'} "
            f"their prediction interval — {hint}"
        )
        rows.append(
            {
                key: who,
                "kpi": kpi,
                "part": part,
                "direction": f"{direction}-predicted",
                "observed": obs,
                "simulated": sim,
                "z": z,
                "message": message,
            }
        )
    columns = [key, "kpi", "part", "direction", "observed", "simulated", "z", "message"]
    return pd.DataFrame(rows, columns=columns)


def hours_of(part: str) -> str:
    """The local hours of a part of the day (``18:00–24:00``)."""
    first, last = next((a, b) for name, a, b in PARTS if name == part)
    return f"{first:02d}:00–{last:02d}:00"


def format_kpi(kpi: str, value: float) -> str:
    """A KPI value as tables show it (shares in %, ASA in seconds, counts with separators)."""
    if not np.isfinite(value):
        return "–"
    if kpi in ("service_level", "abandon_rate", "occupancy"):
        return f"{value:.1%}"
    if kpi == "asa":
        return f"{value:.0f}s"
    return f"{value:,.0f}"


def spread(
    values: np.ndarray, lo: float, hi: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row over the replications (columns): mean, standard deviation, and the ``lo`` and
    ``hi`` quantiles, ignoring NaN (rows of NaN give NaN).

    Quantiles sit at rank p·(R + 1) of the R values (Hyndman–Fan type 6, ``weibull``): a new
    draw from the same distribution falls between ranks k and l with probability (l − k)/(R + 1),
    so the interval covers ``hi − lo`` of new draws whatever the distribution — as long as
    R ≥ 2/(1 − level) − 1 (39 for 95 %); with fewer the ranks are clipped to the extremes.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return (
            np.nanmean(values, axis=1),
            np.nanstd(values, axis=1, ddof=1),
            np.nanquantile(values, lo, axis=1, method="weibull"),
            np.nanquantile(values, hi, axis=1, method="weibull"),
        )
