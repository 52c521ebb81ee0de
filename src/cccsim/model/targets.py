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
    """One target, ready to evaluate on a replication's records.

    ``type_index`` is the internal type named by the target (for a contact type, its customers
    outside any segment — the engine's type of that name); ``types`` are all the internal types
    it measures: for a contact type every segment and its callback queue too, for ``type/segment``
    the segment alone (empty: just ``type_index``).
    """

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
    types: tuple[int, ...] = ()
    definition: str = ""

    @property
    def is_share(self) -> bool:
        """True when the KPI is a share (points are percentage points), False for times (seconds)."""
        return self.kpi in SHARE_KPIS

    @property
    def measured_types(self) -> tuple[int, ...]:
        """The internal types whose contacts the target counts."""
        if self.types:
            return self.types
        return (self.type_index,) if self.type_index is not None else ()


def build_targets(sc: Scenario, types: list[str]) -> tuple[TargetModel, ...]:
    """The scenario's targets as TargetModels; ``types`` are the model's internal type names."""
    groups = list(sc.agent_groups)
    first = WEEKDAYS.index(sc.start_weekday)
    out = []
    for t in sc.targets:
        threshold = t.threshold
        if threshold is None and t.kpi == "service_level" and t.contact_type is not None:
            threshold = sc.contact_types[t.contact_type].service_level_threshold
        name = f"{t.contact_type}/{t.segment}" if t.segment else t.contact_type
        measured: tuple[int, ...] = ()
        if name is not None:
            measured = (
                (types.index(name),)
                if t.segment
                else tuple(i for i, n in enumerate(types) if n.split("/")[0] == name)
            )
        segmented = (
            t.contact_type is not None
            and t.segment is None
            and bool(sc.contact_types[t.contact_type].segments)
        )
        definition = describe(t, threshold, segmented)
        out.append(
            TargetModel(
                label=t.name or definition,
                kpi=t.kpi,
                type_index=types.index(name) if name is not None else None,
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
                types=measured,
                definition=definition,
            )
        )
    return tuple(out)


def _money(m: Money | None) -> MoneyModel | None:
    return MoneyModel(m.per_point, m.flat, m.cap) if m is not None else None


def describe(t: Target, threshold: float | None, segmented: bool = False) -> str:
    """The target's definition in words: what is measured, over whom, the bound, the clock and the
    exclusions — "voice (all segments) service level ≥ 80% (answered within 20s ÷ offered,
    abandons < 5s excluded) in 90% of intervals", "inhouse occupancy 70%–90%"."""
    share = t.kpi in SHARE_KPIS

    def show(v: float) -> str:
        return f"{100 * v:g}%" if share else format_duration(v)

    subject = (
        (f"{t.contact_type}/{t.segment}" if t.segment else t.contact_type) or t.agent_group or ""
    )
    if segmented:
        subject += " (all segments)"
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
    details = []
    clock = " of business hours" if t.clock == "business_hours" else ""
    if t.kpi == "service_level" and threshold is not None:
        base = "answered" if t.over == "answered" else "offered"
        details.append(f"answered within {format_duration(threshold)}{clock} ÷ {base}")
    elif clock:
        details.append("waits in business hours")
    if t.short_abandon:
        details.append(f"abandons < {format_duration(t.short_abandon)} excluded")
    text = f"{subject} {name} {bound}"
    if details:
        text += f" ({', '.join(details)})"
    if t.per != "period":
        share_text = f"{100 * (t.share_of_periods or 1):g}% of" if t.share_of_periods else "every"
        text += f" in {share_text} {t.per}{'s' if t.share_of_periods else ''}"
    return text
