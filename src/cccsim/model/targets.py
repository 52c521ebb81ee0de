"""Targets and prices as plain tables: what is measured, how, the bounds, and the money at stake."""

from __future__ import annotations

from dataclasses import dataclass

from cccsim.model.calendar import WeeklyCalendar
from cccsim.scenario.schema import SHARE_KPIS, WEEKDAYS, Money, Scenario, Target
from cccsim.units import format_duration

_KPI_NAMES = {
    "service_level": "service level",
    "asa": "ASA",
    "abandon_rate": "abandon rate",
    "block_rate": "block rate",
    "p_wait": "P(wait)",
    "aht": "AHT",
    "occupancy": "occupancy",
    "closed_rate": "closed rate",
    "balk_rate": "balk rate",
    "callback_promise_kept": "callback promise kept",
}


@dataclass(frozen=True)
class MoneyModel:
    """An amount per point of shortfall or excess, a flat amount, and a cap (per period)."""

    per_point: float
    flat: float
    cap: float | None


@dataclass(frozen=True)
class TargetModel:
    """One target, ready to evaluate on a replication's records."""

    label: str
    kpi: str
    type_index: int | None
    group_index: int | None
    threshold: float | None
    short_abandon: float
    over: str
    calendar: WeeklyCalendar | None
    per: str
    share_of_periods: float | None
    at_least: float | None
    at_most: float | None
    penalty: MoneyModel | None
    bonus: MoneyModel | None

    @property
    def is_share(self) -> bool:
        """True when the KPI is a share (points are percentage points), False for times (seconds)."""
        return self.kpi in SHARE_KPIS


def build_targets(sc: Scenario, types: list[str]) -> tuple[TargetModel, ...]:
    """The scenario's targets as TargetModels; ``types`` are the model's internal type names."""
    groups = list(sc.agent_groups)
    first = WEEKDAYS.index(sc.start_weekday)
    out = []
    for t in sc.targets:
        threshold = t.threshold
        if threshold is None and t.kpi == "service_level" and t.contact_type is not None:
            threshold = sc.contact_types[t.contact_type].service_level_threshold
        out.append(
            TargetModel(
                label=t.name or describe(t, threshold),
                kpi=t.kpi,
                type_index=types.index(
                    f"{t.contact_type}/{t.segment}" if t.segment else t.contact_type
                )
                if t.contact_type is not None
                else None,
                group_index=groups.index(t.agent_group) if t.agent_group is not None else None,
                threshold=threshold,
                short_abandon=t.short_abandon or 0.0,
                over=t.over,
                calendar=WeeklyCalendar(t.business_hours, first) if t.business_hours else None,
                per=t.per,
                share_of_periods=(t.share_of_periods or 1.0) if t.per != "period" else None,
                at_least=t.at_least,
                at_most=t.at_most,
                penalty=_money(t.penalty),
                bonus=_money(t.bonus),
            )
        )
    return tuple(out)


def _money(m: Money | None) -> MoneyModel | None:
    return MoneyModel(m.per_point, m.flat, m.cap) if m is not None else None


def describe(t: Target, threshold: float | None) -> str:
    """A readable definition: "voice service level ≥ 80% within 20s", "inhouse occupancy 70%–90%"."""
    share = t.kpi in SHARE_KPIS

    def show(v: float) -> str:
        return f"{100 * v:g}%" if share else format_duration(v)

    subject = (
        (f"{t.contact_type}/{t.segment}" if t.segment else t.contact_type) or t.agent_group or ""
    )
    name = (
        f"P(wait > {format_duration(threshold or 0)})"
        if t.kpi == "wait_over"
        else _KPI_NAMES[t.kpi]
    )
    if t.at_least is not None and t.at_most is not None:
        bound = f"{show(t.at_least)}–{show(t.at_most)}"
    elif t.at_least is not None:
        bound = f"≥ {show(t.at_least)}"
    else:
        assert t.at_most is not None
        bound = f"≤ {show(t.at_most)}"
    text = f"{subject} {name} {bound}"
    if t.kpi == "service_level" and threshold is not None:
        text += f" within {format_duration(threshold)}"
        if t.clock == "business_hours":
            text += " of business hours"
        if t.over == "answered":
            text += " (of answered)"
        if t.short_abandon:
            text += f" (abandons < {format_duration(t.short_abandon)} excluded)"
    if t.per != "period":
        share_text = f"{100 * (t.share_of_periods or 1):g}% of" if t.share_of_periods else "every"
        text += f" in {share_text} {t.per}{'s' if t.share_of_periods else ''}"
    return text
