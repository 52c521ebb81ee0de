"""Targets as contracts word them, with the money at stake (ISO 18295-2, 6.8 and 6.10)."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cccsim.scenario.fields import Duration, Name, WeeklyHours, _Model
from cccsim.units import parse_duration


class Money(_Model):
    """A penalty or bonus: an amount per point of shortfall (or excess), plus a flat amount, capped."""

    per_point: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    """Per percentage point for shares (service level, rates, occupancy, share of periods), per
    second for times (ASA, AHT)."""
    flat: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    """Fixed amount whenever the target is missed (penalty) or met (bonus)."""
    cap: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Largest amount per contract period (replication); omitted = no cap."""


KPI = Literal[
    "service_level",
    "asa",
    "abandon_rate",
    "block_rate",
    "closed_rate",
    "balk_rate",
    "p_wait",
    "aht",
    "wait_over",
    "callback_promise_kept",
    "occupancy",
]
SHARE_KPIS = frozenset(
    {
        "service_level",
        "abandon_rate",
        "block_rate",
        "closed_rate",
        "balk_rate",
        "p_wait",
        "wait_over",
        "callback_promise_kept",
        "occupancy",
    }
)
TIME_KPIS = frozenset({"asa", "aht"})
"""KPIs measured in seconds (their bounds may be written as durations, "30s")."""
WAIT_KPIS = frozenset({"service_level", "asa", "abandon_rate", "wait_over", "p_wait"})
"""KPIs that read waits (so a business-hours clock changes them)."""


class Target(_Model):
    """A promise as a contract words it: a KPI, how it is measured, a bound, and what missing it costs.

    Definitions are in docs/reference/results.md ("Targets"). ``occupancy`` is a target of an
    ``agent_group``; every other KPI is a target of a ``contact_type``.
    """

    name: str | None = None
    """Label shown in reports (default: generated from the definition)."""
    contact_type: Name | None = None
    """Contact type the target applies to."""
    segment: Name | None = None
    """Segment of the contact type (targets for e.g. vulnerable customers only)."""
    agent_group: Name | None = None
    """Agent group (only for ``kpi: occupancy``)."""
    kpi: KPI
    """What is measured (see docs/reference/results.md)."""
    threshold: Duration | None = None
    """Service level: answered within this wait (default: the type's threshold). wait_over: the X
    of P(wait > X)."""
    short_abandon: Duration | None = None
    """Service level and abandon rate: ignore contacts abandoning within this wait."""
    over: Literal["offered", "answered"] = "offered"
    """Service level denominator: offered (minus blocked) — the default — or answered only."""
    clock: Literal["calendar", "business_hours"] = "calendar"
    """Measure waits in calendar time or only within ``business_hours`` (e.g. email promises)."""
    business_hours: WeeklyHours | None = None
    """Weekly hours for ``clock: business_hours`` (e.g. {"mon-fri": "08:00-18:00"})."""
    per: Literal["period", "interval", "day", "week", "month"] = "period"
    """Granularity: the whole horizon (one contract period), or each interval, day, week or month
    (30-day periods from day 1)."""
    share_of_periods: Annotated[float, Field(gt=0, le=1)] | None = None
    """With per interval/day/week: the share of those periods that must meet the bound (default: all)."""
    at_least: float | None = None
    """Lower bound: a share in [0, 1] (service level 0.80, not 80) or a time in seconds (ASA,
    AHT; "30s" works too)."""
    at_most: float | None = None
    """Upper bound, in the same units (ASA 60, abandon rate 0.05, occupancy 0.90); ≥ at_least."""
    penalty: Money | None = None
    """Paid by the centre per contract period when the target is missed."""
    bonus: Money | None = None
    """Paid to the centre per contract period when the target is met (per point of excess)."""

    @field_validator("at_least", "at_most", mode="before")
    @classmethod
    def _time_bound(cls, value: Any, info: ValidationInfo) -> Any:
        """A time KPI's bound may be written as a duration ("30s", "2min")."""
        if isinstance(value, str) and info.data.get("kpi") in TIME_KPIS:
            return parse_duration(value)
        return value

    @field_validator("at_least", "at_most")
    @classmethod
    def _bound_in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        """Shares lie in [0, 1] (80 is not 80 %); times are ≥ 0; at_least ≤ at_most."""
        if value is None:
            return value
        if not math.isfinite(value):
            raise ValueError(f"a bound must be a finite number, got {value!r}")
        kpi = info.data.get("kpi")
        if kpi in SHARE_KPIS and not 0 <= value <= 1:
            hint = ""
            if 1 < value <= 100:
                share = value / 100
                shown = f"{share:.2f}" if round(share, 2) == share else f"{share:g}"
                hint = f"; did you mean {shown}?"
            raise ValueError(f"{kpi} is a share in [0, 1] (0.80 = 80 %), got {value:g}{hint}")
        if kpi in TIME_KPIS and value < 0:
            raise ValueError(f"{kpi} is a time (seconds, or '30s'), ≥ 0; got {value:g}")
        low = info.data.get("at_least")
        if info.field_name == "at_most" and low is not None and low > value:
            raise ValueError(f"at_most ({value:g}) is below at_least ({low:g})")
        return value

    @model_validator(mode="after")
    def _coherent(self) -> Target:
        problems = []
        if self.at_least is None and self.at_most is None:
            problems.append("give at_least or at_most (or both, for a range)")
        if self.kpi == "occupancy":
            if self.agent_group is None or self.contact_type is not None:
                problems.append("an occupancy target names an agent_group (and no contact_type)")
        elif self.contact_type is None or self.agent_group is not None:
            problems.append(f"a {self.kpi} target names a contact_type (and no agent_group)")
        if self.kpi == "wait_over" and self.threshold is None:
            problems.append("wait_over needs a threshold: the X of P(wait > X)")
        if (self.clock == "business_hours") != (self.business_hours is not None):
            problems.append("clock: business_hours goes with business_hours (and only then)")
        if self.share_of_periods is not None and self.per == "period":
            problems.append("share_of_periods needs per: interval, day or week")
        if self.over != "offered" and self.kpi != "service_level":
            problems.append("over: answered applies to service_level only")
        if self.short_abandon is not None and self.kpi not in ("service_level", "abandon_rate"):
            problems.append("short_abandon applies to service_level and abandon_rate")
        if self.threshold is not None and self.kpi not in ("service_level", "wait_over"):
            problems.append("threshold applies to service_level and wait_over")
        if self.clock == "business_hours" and self.kpi not in WAIT_KPIS:
            problems.append(
                f"clock: business_hours applies to KPIs that read waits ({', '.join(sorted(WAIT_KPIS))})"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self
