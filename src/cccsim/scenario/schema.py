"""Pydantic models of a scenario file (frozen, ``extra="forbid"``, documented field by field).

Each attribute docstring becomes the field's description in the JSON schema (`cccsim schema`).
Durations are stored as float seconds; relative CSV files are read at validation time from the
scenario's folder (passed as validation context ``{"base_dir": ...}``).
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from cccsim.scenario.access import (
    Access,
    Announcement,
    Callback,
    ContactCosts,
    DataResidency,
    Pacing,
    Resolution,
    Retrial,
    RouteStep,
    Segment,
)
from cccsim.scenario.contract import KPI, SHARE_KPIS, Money, Target
from cccsim.scenario.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Uniform,
)
from cccsim.scenario.fields import (
    CONCURRENT_CHANNELS,
    WEEKDAYS,
    Channel,
    ConsistencyError,
    Duration,
    Name,
    TimeOfDay,
    TypeName,
    Weekday,
    WeeklyHours,
    _Model,
    _read_csv_column,
    parse_weekly_hours,
)
from cccsim.units import DAY

__all__ = [
    "CONCURRENT_CHANNELS",
    "KPI",
    "SHARE_KPIS",
    "WEEKDAYS",
    "Access",
    "AgentGroup",
    "Announcement",
    "Arrivals",
    "Blending",
    "Break",
    "Callback",
    "Channel",
    "ConsistencyError",
    "ContactCosts",
    "ContactType",
    "DataResidency",
    "Deterministic",
    "Distribution",
    "Duration",
    "Empirical",
    "Exponential",
    "Gamma",
    "GroupCost",
    "Ivr",
    "Lognormal",
    "Money",
    "Name",
    "Pacing",
    "ProfileFile",
    "Reservation",
    "Resolution",
    "Retrial",
    "RouteStep",
    "RoutingPolicy",
    "Scenario",
    "Segment",
    "Shift",
    "StaffFile",
    "Target",
    "TimeOfDay",
    "Uniform",
    "Weekday",
    "WeeklyHours",
    "parse_weekly_hours",
]


# ----------------------------------------------------------------------------- arrivals


class ProfileFile(_Model):
    """An intraday profile read from a CSV column: one share per interval of the day."""

    file: str
    """CSV file, relative to the scenario file."""
    column: str | None = None
    """Column holding the shares (default: the first column)."""


class Arrivals(_Model):
    """How many contacts arrive when: a Poisson process whose rate is piecewise constant.

    Give exactly one of ``per_hour`` (constant), ``per_interval`` (expected contacts in each
    interval of a day, repeated daily), ``daily_volume`` with ``profile``, or ``trace`` (replay
    of recorded arrival instants).
    """

    per_hour: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Constant arrival rate in contacts per hour."""
    per_interval: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    """Expected contacts in each interval of one day (one value per interval), repeated daily."""
    daily_volume: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Expected contacts per day, spread over the day by ``profile``."""
    profile: list[Annotated[float, Field(ge=0, allow_inf_nan=False)]] | ProfileFile | None = None
    """Intraday shares per interval of the day (normalised to sum 1), inline or from a CSV file."""
    trace: list[Duration] | ProfileFile | None = None
    """Replay: the exact arrival instants (from time 0), inline or a CSV column; no randomness."""
    weekday_factors: dict[Weekday, Annotated[float, Field(ge=0, allow_inf_nan=False)]] | None = None
    """Multiplier of the volume per weekday (``mon: 1.25``); missing days count 1."""
    overdispersion_cv: Annotated[float, Field(ge=0, le=5)] = 0.0
    """CV of a gamma "busyness" factor drawn per day that multiplies the day's rates (0 = none)."""

    @field_validator("profile", mode="after")
    @classmethod
    def _load_profile(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, ProfileFile):
            shares = _read_csv_column(value.file, value.column, info)
            if any(s < 0 for s in shares):
                raise ValueError("profile shares cannot be negative")
            return shares
        return value

    @field_validator("trace", mode="after")
    @classmethod
    def _load_trace(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, ProfileFile):
            value = _read_csv_column(value.file, value.column, info)
        if isinstance(value, list) and any(b < a for a, b in itertools.pairwise(value)):
            raise ValueError("trace instants must be in ascending order")
        return value

    @model_validator(mode="after")
    def _one_rate(self) -> Arrivals:
        given = [
            k
            for k in ("per_hour", "per_interval", "daily_volume", "trace")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of per_hour, per_interval, daily_volume (+ profile) or trace"
                + (f"; got {', '.join(given)}" if given else "")
            )
        if self.trace is not None and (self.weekday_factors or self.overdispersion_cv):
            raise ValueError("a trace is replayed as it is: no weekday_factors or overdispersion")
        if self.daily_volume is not None and self.profile is None:
            raise ValueError("daily_volume needs a profile (shares per interval of the day)")
        if self.profile is not None and self.daily_volume is None:
            raise ValueError("profile goes with daily_volume")
        if isinstance(self.profile, list) and self.profile and sum(self.profile) <= 0:
            raise ValueError("profile shares must not all be zero")
        return self


class ContactType(_Model):
    """A kind of contact on one channel, with its arrivals, handle time and patience."""

    channel: Channel
    """``voice``, ``chat``, ``messaging`` (both served concurrently) or ``email`` (backlog)."""
    arrivals: Arrivals | None = None
    """When contacts arrive (omitted: only reached through an IVR, a retrial or an offline form)."""
    handle_time: Distribution
    """Time an agent spends on a contact with the customer (talk and hold, plus wrap-up unless
    ``after_contact_work`` is given separately)."""
    after_contact_work: Distribution | None = None
    """Wrap-up after the customer has gone: the agent stays busy, the contact is finished."""
    patience: Distribution | None = None
    """How long a contact waits before abandoning; omitted = infinite (never abandons)."""
    service_level_threshold: Duration = 20.0
    """Answered within this wait counts towards the service level (default ``20s``)."""
    access: Access = Access()
    """Access strategy: queue capacity (and more as features land)."""
    costs: ContactCosts = ContactCosts()
    """Telephony cost to the client and tariff to the customer."""
    segments: dict[Name, Segment] = {}
    """Customer segments (e.g. vip, vulnerable), reported as contact types named type/segment."""
    data_residency: DataResidency | None = None
    """Sites or providers that may not handle this type (its segments inherit the bar)."""

    @model_validator(mode="after")
    def _channel_rules(self) -> ContactType:
        problems = []
        if self.channel == "email" and self.patience is not None:
            problems.append("email contacts do not abandon: remove 'patience'")
        a = self.access
        if a.hours is not None and self.channel in ("email", "messaging"):
            problems.append(
                "email and messaging are always received: staff the groups for their hours instead of access.hours"
            )
        if a.out_of_hours == "voicemail" and self.channel != "voice":
            problems.append("out_of_hours: voicemail is for voice")
        if a.out_of_hours == "offline_form" and (
            self.channel != "chat" or a.offline_form_type is None
        ):
            problems.append(
                "out_of_hours: offline_form is for chat and needs access.offline_form_type"
            )
        if a.callback is not None and self.channel != "voice":
            problems.append("callbacks are offered on voice")
        if a.callback is not None and (a.callback.schedule == "later") != (
            a.callback.delay is not None
        ):
            problems.append("callback.schedule: later goes with callback.delay (and only then)")
        if a.resolution.first_contact < 1 and a.resolution.delay is None:
            problems.append(
                "resolution.first_contact below 1 needs resolution.delay (until the repeat)"
            )
        for name, switch in (
            ("retrial", a.retrial.switch if a.retrial else {}),
            ("resolution", a.resolution.switch),
        ):
            if sum(switch.values()) > 1 + 1e-9:
                problems.append(f"{name}.switch probabilities add up to more than 1")
        if sum(seg.share for seg in self.segments.values()) > 1 + 1e-9:
            problems.append("segment shares add up to more than 1")
        if problems:
            raise ValueError("; ".join(problems))
        return self


# ----------------------------------------------------------------------------- agents, routing


class GroupCost(_Model):
    """How the client pays for an agent group: give exactly one price."""

    per_staffed_hour: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Per paid agent-hour (in-house wages, or an outsourcer's FTE-hour price): the scheduled
    agents' time, shrinkage and non-adherence included (they are paid), unpaid breaks left out,
    plus time on duty past the schedule (finishing a contact after the shift or into a break)."""
    per_handled_minute: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Per minute of handle time (typical outsourcer pricing)."""
    per_handled_contact: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = None
    """Per contact answered."""

    @model_validator(mode="after")
    def _one_price(self) -> GroupCost:
        given = [k for k in type(self).model_fields if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of per_staffed_hour, per_handled_minute or per_handled_contact"
            )
        return self


class Break(_Model):
    """A break or lunch of a shift: at a fixed time for everyone, or staggered over a window."""

    start: TimeOfDay | None = None
    """Fixed start ("10:00"): the shift's agents all go then."""
    window: tuple[TimeOfDay, TimeOfDay] | None = None
    """A window (["12:00", "13:30"]) in which the agents' breaks start, staggered evenly."""
    length: Annotated[Duration, Field(gt=0)]
    """Length of the break."""
    paid: bool = True
    """Paid (the default, e.g. a coffee break) or unpaid (e.g. a lunch): ``per_staffed_hour``
    pricing bills a shift's length less its unpaid breaks."""

    @model_validator(mode="after")
    def _one_timing(self) -> Break:
        if (self.start is None) == (self.window is None):
            raise ValueError("give exactly one of start or window")
        if self.window is not None and self.window[1] < self.window[0]:
            raise ValueError("the window ends before it starts")
        return self


class Shift(_Model):
    """A named shift: when it starts, how long, on which days, how many agents, and breaks."""

    start: TimeOfDay
    """Start time ("07:30"); a shift may run past midnight."""
    length: Annotated[Duration, Field(gt=0, le=86400)]
    """Length, e.g. 8h."""
    days: Annotated[list[Weekday], Field(min_length=1)] = ["mon", "tue", "wed", "thu", "fri"]
    """Weekdays the shift runs (its start day)."""
    agents: Annotated[int, Field(ge=0, le=100_000)]
    """Agents working the shift."""
    breaks: list[Break] = []
    """Breaks and lunch; agents finish the contact in hand before going."""


class StaffFile(_Model):
    """A staffing schedule read from a CSV column: agents scheduled per interval."""

    file: str
    """CSV file, relative to the scenario file (e.g. exported from the workforce-management tool)."""
    column: str | None = None
    """Column holding the agents (default: the first column)."""


class AgentGroup(_Model):
    """Agents with the same skills and staffing."""

    skills: Annotated[list[Name], Field(min_length=1)]
    """Contact types served, in priority order (a freed agent takes the first that waits)."""
    staff: (
        Annotated[int, Field(ge=0, le=100_000)]
        | list[Annotated[int, Field(ge=0, le=100_000)]]
        | StaffFile
        | None
    ) = None
    """Agents scheduled: a constant, or one number per interval (of one day, repeated daily, of the
    whole horizon, or whole days covering it), inline or from a CSV file. Give ``staff`` or ``shifts``."""
    shifts: dict[Name, Shift] = {}
    """Named shifts with breaks (instead of ``staff``)."""
    max_concurrent: Annotated[int, Field(ge=1, le=20)] = 1
    """Chat/messaging contacts one agent serves at once (voice and email take the whole agent)."""
    cost: GroupCost | None = None
    """What the group costs the client (omitted: not costed)."""
    proficiency: dict[Name, Annotated[float, Field(gt=0, le=10)]] = {}
    """Handle-time multiplier per contact type for this group (e.g. {voice: 1.15}: 15 % slower)."""
    shrinkage: Annotated[float, Field(ge=0, lt=1)] = 0.0
    """Share of scheduled paid time unavailable (training, meetings, absence)."""
    adherence: Annotated[float, Field(gt=0, le=1)] = 1.0
    """Share of the remaining time agents are actually available as scheduled."""
    provider: Name = "inhouse"
    """Who employs the agents: ``inhouse`` or an outsourcer's name (for costs and data residency)."""
    site: Name | None = None
    """Where the agents work (e.g. a city or country), for data residency and reports."""
    concurrency_slowdown: list[Annotated[float, Field(gt=0, le=10)]] = []
    """Chat/messaging handle-time multiplier by the number of contacts in hand when one starts
    (this one included): [1, 1.1, 1.25] — a third concurrent chat takes 25 % longer."""

    @field_validator("staff", mode="after")
    @classmethod
    def _load_staff(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, StaffFile):
            numbers = _read_csv_column(value.file, value.column, info)
            for row, n in enumerate(numbers, start=2):
                if not (n >= 0 and float(n).is_integer() and n <= 100_000):
                    raise ValueError(
                        f"{value.file} line {row}: agents must be a whole number 0-100000, got {n:g}"
                    )
            return [int(n) for n in numbers]
        return value

    @model_validator(mode="after")
    def _staff_or_shifts(self) -> AgentGroup:
        if (self.staff is None) == (not self.shifts):
            raise ValueError("give either staff or shifts")
        if self.concurrency_slowdown and len(self.concurrency_slowdown) != self.max_concurrent:
            raise ValueError(
                f"concurrency_slowdown needs one factor per concurrent contact "
                f"({self.max_concurrent}), got {len(self.concurrency_slowdown)}"
            )
        return self

    @field_validator("skills")
    @classmethod
    def _unique(cls, skills: list[str]) -> list[str]:
        duplicates = sorted({s for s in skills if skills.count(s) > 1})
        if duplicates:
            raise ValueError(f"skills listed twice: {', '.join(duplicates)}")
        return skills


class Reservation(_Model):
    """Keep agents of a group idle for priority types (a threshold policy)."""

    group: Name
    """The agent group."""
    agents: Annotated[int, Field(ge=1, le=100_000)]
    """Idle agents kept back: a contact of an unprotected type is taken only if at least this
    many of the group's agents stay idle (holding no contact) once it is taken — for a voice or
    email contact, only while more than this many are idle."""
    protect: Annotated[list[TypeName], Field(min_length=1)]
    """Contact types (or segments, as type/segment) the idle agents are kept for."""


class Blending(_Model):
    """How a group blends deferred work (email) with real-time contacts."""

    max_agents: Annotated[int, Field(ge=0, le=100_000)] | None = None
    """Most deferred contacts in service in the group at once (omitted: no cap)."""
    min_agents: Annotated[int, Field(ge=0, le=100_000)] = 0
    """Deferred contacts the group keeps in service when any wait: a freed agent takes deferred
    work first while fewer are in service (a dedicated share)."""


class RoutingPolicy(_Model):
    """How agents and contacts are matched (beyond each type's routing list)."""

    policy: str = "standard"
    """``standard`` (the options below), or a custom policy as ``package.module:Class``
    implementing ``cccsim.RoutingPolicy``."""
    agent_selection: Literal["longest_idle", "group_order", "cheapest"] = "longest_idle"
    """Among groups with a free agent for an arriving contact: the agent idle longest, the first
    group in the routing list, or the group whose price for this contact is lowest."""
    priorities: dict[TypeName, int] = {}
    """Priority per contact type (or type/segment); a freed agent takes the highest first
    (default: the order of the group's skills). A segment not listed gets its type's priority
    plus its own ``priority`` (a callback queue: one above the type's highest segment, or one
    below its lowest), so segments keep their order; one listed gets exactly its value."""
    ageing: dict[TypeName, Annotated[Duration, Field(gt=0)]] = {}
    """Per type (or type/segment), the wait worth one priority level: a waiting contact's
    priority rises by one per this much waiting (so low-priority work cannot starve); a type's
    ageing applies to its segments unless they have their own."""
    reserve: list[Reservation] = []
    """Idle agents kept back for priority types."""
    blending: dict[Name, Blending] = {}
    """Per agent group, caps and a dedicated share for deferred (email) work."""


class Ivr(_Model):
    """An entry point (a phone number) with an IVR: self-service, then a menu choice."""

    arrivals: Arrivals
    """Calls to the entry point."""
    time: Distribution
    """Time spent in the IVR before self-service ends or the caller joins a queue."""
    containment: Annotated[float, Field(ge=0, le=1)] = 0.0
    """Share of callers resolved in self-service, with no agent."""
    choices: Annotated[dict[Name, Annotated[float, Field(gt=0, le=1)]], Field(min_length=1)]
    """Contact types the callers choose, with probabilities adding up to 1."""

    @model_validator(mode="after")
    def _choices_add_up(self) -> Ivr:
        total = sum(self.choices.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"choices must add up to 1 (they add up to {total:g})")
        return self


# ----------------------------------------------------------------------------- scenario


class Scenario(_Model):
    """A contact-centre strategy to simulate: demand, agents, routing and targets."""

    name: Annotated[str, Field(min_length=1)]
    """Human name shown in results and reports."""
    description: str = ""
    """What question the scenario answers."""
    horizon: Annotated[Duration, Field(gt=0, le=3660 * DAY)]
    """Simulated length; time 0 is day 1, 00:00."""
    warmup: Duration = 0.0
    """Initial time excluded from statistics (steady-state studies)."""
    interval: Annotated[Duration, Field(ge=60)] = 1800.0
    """Reporting and staffing interval; must divide a day (default ``30min``)."""
    start_weekday: Weekday = "mon"
    """Weekday of day 1 (for weekday factors)."""
    contact_types: Annotated[dict[Name, ContactType], Field(min_length=1)]
    """Contact types by name."""
    agent_groups: Annotated[dict[Name, AgentGroup], Field(min_length=1)]
    """Agent groups by name."""
    routing: dict[Name, list[RouteStep]] = {}
    """Per contact type, the groups in order of preference; default: every group with the skill."""
    routing_policy: RoutingPolicy = RoutingPolicy()
    """Agent selection, priorities with ageing, reservation and blending."""
    ivr: dict[Name, Ivr] = {}
    """Entry points with an IVR that feed contact types (self-service and menu choices)."""
    targets: list[Target] = []
    """Targets to check, as the contract words them."""
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "EUR"
    """Currency of every cost, penalty and bonus."""
    _source: dict[str, Any] | None = PrivateAttr(default=None)
    """Where it was read from: file, base_dir and files (data file → SHA-256), for identity."""

    @property
    def intervals_per_day(self) -> int:
        """Number of reporting intervals in a day."""
        return round(DAY / self.interval)

    @property
    def n_intervals(self) -> int:
        """Number of reporting intervals in the horizon (the last may be partial)."""
        return math.ceil(self.horizon / self.interval - 1e-9)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        from cccsim.scenario.checks import consistency_problems  # the rules need Scenario itself

        problems = list(consistency_problems(self))
        if problems:
            raise ConsistencyError(problems)
        return self
