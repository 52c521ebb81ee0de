"""Pydantic models of a scenario file (frozen, ``extra="forbid"``, documented field by field).

Each attribute docstring becomes the field's description in the JSON schema (`cccsim schema`).
Durations are stored as float seconds; relative CSV files are read at validation time from the
scenario's folder (passed as validation context ``{"base_dir": ...}``).
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cccsim.errors import Problem
from cccsim.units import DAY, parse_duration, parse_time_of_day

Duration = Annotated[float, BeforeValidator(parse_duration)]
"""Seconds; written as ``"30s"``, ``"5min"``, ``"8h"``, ``"2d"`` or a bare number of seconds."""

Name = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$", max_length=64)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Channel = Literal["voice", "chat", "messaging", "email"]
CONCURRENT_CHANNELS = frozenset({"chat", "messaging"})


class ConsistencyError(ValueError):
    """Cross-field problems found after the fields themselves validated (all of them at once)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _read_csv_column(file: str, column: str | None, info: ValidationInfo) -> list[float]:
    """Read one numeric CSV column (the first one when ``column`` is None) next to the scenario."""
    base = Path((info.context or {}).get("base_dir", "."))
    path = (base / file) if not Path(file).is_absolute() else Path(file)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise ValueError(f"CSV file {str(path)!r} not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"cannot read CSV file {str(path)!r}: {exc}") from None
    if not rows:
        raise ValueError(f"CSV file {str(path)!r} has a header but no rows")
    name = column if column is not None else next(iter(rows[0]))
    if name not in rows[0]:
        raise ValueError(f"CSV file {str(path)!r} has no column {name!r} (has {list(rows[0])})")
    values: list[float] = []
    for number, row in enumerate(rows, start=2):
        try:
            values.append(parse_duration(row[name]))
        except ValueError as exc:
            raise ValueError(f"{path.name} line {number}, column {name!r}: {exc}") from None
    return values


# ----------------------------------------------------------------------------- calendars

_DAY_NAMES = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}


def parse_weekly_hours(value: object) -> tuple[tuple[int, float, float], ...]:
    """``{"mon-fri": "08:00-18:00", "sat": "09:00-13:00"}`` → ((weekday, start s, end s), ...).

    Keys are a day (``mon``), a range (``mon-fri``) or ``all``; values are ``"HH:MM-HH:MM"``, a
    list of such ranges, or ``closed``. Times of day must be quoted strings.
    """
    from cccsim.units import parse_time_of_day

    if isinstance(value, list | tuple) and all(
        isinstance(v, list | tuple) and len(v) == 3 for v in value
    ):  # already parsed (a dumped scenario being validated again)
        return tuple((int(d), float(a), float(b)) for d, a, b in value)
    if not isinstance(value, dict) or not value:
        raise ValueError('expected weekly hours such as {"mon-fri": "08:00-18:00"}')
    out: list[tuple[int, float, float]] = []
    for key, ranges in value.items():
        days = _days(str(key))
        items = ranges if isinstance(ranges, list) else [ranges]
        for item in items:
            if item == "closed":
                continue
            if not isinstance(item, str) or "-" not in item:
                raise ValueError(f'{key}: expected "HH:MM-HH:MM" (quoted) or closed, got {item!r}')
            start_text, _, end_text = item.partition("-")
            start, end = parse_time_of_day(start_text), parse_time_of_day(end_text)
            if end <= start:
                raise ValueError(f"{key}: {item!r} ends before it starts")
            out.extend((d, start, end) for d in days)
    return tuple(sorted(out))


def _days(key: str) -> list[int]:
    key = key.strip().lower()
    if key in ("all", "daily", "mon-sun"):
        return list(range(7))
    if "-" in key:
        first, _, last = key.partition("-")
        if first not in _DAY_NAMES or last not in _DAY_NAMES:
            raise ValueError(f"unknown day range {key!r} (use e.g. mon-fri)")
        a, b = _DAY_NAMES[first], _DAY_NAMES[last]
        return list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    if key not in _DAY_NAMES:
        raise ValueError(
            f"unknown day {key!r} (use mon, tue, …, sun, a range like mon-fri, or all)"
        )
    return [_DAY_NAMES[key]]


WeeklyHours = Annotated[tuple[tuple[int, float, float], ...], BeforeValidator(parse_weekly_hours)]
"""Weekly hours: ``{"mon-fri": "08:00-18:00", "sat": ["09:00-12:00", "13:00-15:00"]}``."""


# ----------------------------------------------------------------------------- distributions


class Exponential(_Model):
    """Exponential distribution (memoryless): the Erlang models' assumption."""

    dist: Literal["exponential"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``240s``."""


class Lognormal(_Model):
    """Lognormal distribution given by its mean and coefficient of variation (handle times)."""

    dist: Literal["lognormal"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``240s``."""
    cv: Annotated[float, Field(gt=0, le=20)]
    """Coefficient of variation (standard deviation ÷ mean)."""


class Gamma(_Model):
    """Gamma distribution given by its mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``10min``."""
    cv: Annotated[float, Field(gt=0, le=20)]
    """Coefficient of variation (standard deviation ÷ mean)."""


class Deterministic(_Model):
    """Always the same value (hand-worked cases, fixed wrap-up)."""

    dist: Literal["deterministic"]
    value: Duration
    """The value, e.g. ``3min``."""


class Uniform(_Model):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: Duration
    """Smallest value."""
    high: Duration
    """Largest value (at least ``low``)."""

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}s) must be at least low ({self.low:g}s)")
        return self


class Empirical(_Model):
    """Resampling of observed values (with replacement): inline ``values`` or a CSV ``file``."""

    dist: Literal["empirical"]
    values: list[Duration] | None = None
    """Observed values (durations); filled from ``file`` when that is given."""
    file: str | None = None
    """CSV file (relative to the scenario file) holding the observations."""
    column: str | None = None
    """Column of ``file`` to use (default: the first column)."""

    @model_validator(mode="before")
    @classmethod
    def _load_file(cls, data: object, info: ValidationInfo) -> object:
        if isinstance(data, dict) and data.get("file") is not None and data.get("values") is None:
            return {**data, "values": _read_csv_column(str(data["file"]), data.get("column"), info)}
        return data

    @model_validator(mode="after")
    def _has_values(self) -> Empirical:
        if not self.values:
            raise ValueError("give at least one observation in 'values' or a CSV 'file'")
        return self


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
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


# ----------------------------------------------------------------------------- contact types


class RouteStep(_Model):
    """One agent group in a contact type's routing list."""

    group: Name
    """The agent group."""
    after: Duration = 0.0
    """The group may take the contact only once it has waited this long (overflow delay)."""


class Announcement(_Model):
    """Expected-wait announcement on arrival, and how customers react to it (balking)."""

    estimator: Literal["queue", "last_wait"] = "queue"
    """``queue``: (contacts waiting + 1) × mean handle time ÷ agents on duty for the type;
    ``last_wait``: the wait of the last contact of the type to be answered."""
    balking: list[tuple[Duration, Annotated[float, Field(ge=0, le=1)]]] = []
    """Points (announced wait, probability of leaving at once), linear in between and flat
    beyond the ends, e.g. [[0s, 0], [2min, 0.1], [10min, 0.4]]."""


class Callback(_Model):
    """Virtual hold: a callback offered when the estimated wait is long."""

    offer_when_wait_over: Duration = 0.0
    """Offer a callback when the estimated wait (see announcement) exceeds this."""
    acceptance: Annotated[float, Field(ge=0, le=1)]
    """Probability that a customer offered a callback accepts it."""
    schedule: Literal["keep_place", "later"] = "keep_place"
    """``keep_place``: the callback waits in the queue in the customer's place; ``later``: it
    joins the queue after ``delay`` (a time the customer chose)."""
    delay: Distribution | None = None
    """With schedule: later — time from acceptance until the callback joins the queue."""
    reach_probability: Annotated[float, Field(ge=0, le=1)] = 1.0
    """Probability that the agent's call reaches the customer."""
    retries: Annotated[int, Field(ge=0, le=20)] = 2
    """Further attempts after an unanswered call."""
    retry_delay: Duration = 600.0
    """Time until the next attempt after an unanswered call."""
    attempt_time: Duration = 30.0
    """Agent time spent on an unanswered call."""
    promise: Annotated[Duration, Field(gt=0)] = 7200.0
    """The promise made to the customer: called back (answered) within this time of accepting."""
    priority: Literal["with_inbound", "before_inbound", "after_inbound"] = "with_inbound"
    """``with_inbound``: callbacks wait in the inbound queue (in the customer's place);
    ``before_inbound`` / ``after_inbound``: their own queue (reported as ``type/callbacks``),
    served before or after the type's inbound contacts."""


class Retrial(_Model):
    """Customers who did not get through try again (same channel or another)."""

    probability: Annotated[float, Field(ge=0, le=1)]
    """Probability of trying again after a failed attempt."""
    delay: Distribution
    """Time until the next attempt."""
    max_attempts: Annotated[int, Field(ge=2, le=20)] = 3
    """Attempts per customer in all, the first included."""
    after: list[Literal["abandoned", "blocked", "closed", "balked", "unreached"]] = [
        "abandoned",
        "blocked",
        "closed",
        "balked",
        "unreached",
    ]
    """Which failures lead to a retrial."""
    switch: dict[Name, Annotated[float, Field(ge=0, le=1)]] = {}
    """Probability of the next attempt being on another contact type, e.g. {chat: 0.2}."""


class Resolution(_Model):
    """First-contact resolution; unresolved contacts come back as repeat contacts."""

    first_contact: Annotated[float, Field(ge=0, le=1)] = 1.0
    """Share of answered contacts resolved the first time."""
    delay: Distribution | None = None
    """Time from the end of an unresolved contact to the repeat contact."""
    switch: dict[Name, Annotated[float, Field(ge=0, le=1)]] = {}
    """Probability of the repeat being on another contact type."""


class Segment(_Model):
    """A share of this type's customers with their own priority, routing and handling."""

    share: Annotated[float, Field(gt=0, le=1)]
    """Share of the type's arrivals in the segment."""
    priority: int = 1
    """Served before segments (and the rest of the type) with lower priority; the rest is 0."""
    routing: list[RouteStep] | None = None
    """Own routing (default: the type's)."""
    handle_time_factor: Annotated[float, Field(gt=0, le=20)] = 1.0
    """Handle time multiplier (e.g. 1.5 for vulnerable customers)."""
    patience_factor: Annotated[float, Field(gt=0, le=100)] = 1.0
    """Patience multiplier."""


class Access(_Model):
    """The client's access strategy for one contact type (ISO 18295-2, 5.4)."""

    queue_capacity: Annotated[int, Field(ge=0)] | None = None
    """Most contacts of this type that may wait at once; 0 = blocked when no agent is free
    (Erlang B); omitted = unlimited."""
    hours: WeeklyHours | None = None
    """Opening hours (voice, chat); omitted = always open. Email and messaging are always received."""
    closed_days: list[Annotated[int, Field(ge=1)]] = []
    """Days of the horizon (1 = the first) on which the channel is closed all day (holidays)."""
    out_of_hours: Literal["refuse", "voicemail", "offline_form"] = "refuse"
    """Out of hours: refuse (outcome closed), take a voicemail that becomes a callback at the next
    opening (voice), or take an offline form that becomes a contact of ``offline_form_type`` (chat)."""
    offline_form_type: Name | None = None
    """The (email) contact type an offline chat form becomes."""
    announcement: Announcement | None = None
    """Announce the expected wait on arrival (and let customers balk)."""
    callback: Callback | None = None
    """Offer callbacks (voice)."""
    retrial: Retrial | None = None
    """Customers try again after failing to get through."""
    resolution: Resolution = Resolution()
    """First-contact resolution and repeat contacts."""


class ContactCosts(_Model):
    """What contacts of this type cost the client (telephony) and the customer (ISO 18295-2, 5.5)."""

    customer_per_minute: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    """Tariff the customer pays per minute of the contact (0 for free numbers and chat)."""
    customer_pays_for: list[Literal["ivr", "waiting", "talking"]] = ["ivr", "waiting", "talking"]
    """Which minutes the customer pays for (IVR, queue, conversation)."""
    telephony_per_minute: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0.0
    """Cost to the client per minute of IVR, queue and talk time (free numbers, carrier charges)."""


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
    """Per agent-hour on duty (in-house wages, or an outsourcer's FTE-hour price)."""
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


TimeOfDay = Annotated[float, BeforeValidator(parse_time_of_day)]
"""Seconds after midnight, written as a quoted "HH:MM"."""


class Break(_Model):
    """A break or lunch of a shift: at a fixed time for everyone, or staggered over a window."""

    start: TimeOfDay | None = None
    """Fixed start ("10:00"): the shift's agents all go then."""
    window: tuple[TimeOfDay, TimeOfDay] | None = None
    """A window (["12:00", "13:30"]) in which the agents' breaks start, staggered evenly."""
    length: Annotated[Duration, Field(gt=0)]
    """Length of the break."""

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


class AgentGroup(_Model):
    """Agents with the same skills and staffing."""

    skills: Annotated[list[Name], Field(min_length=1)]
    """Contact types served, in priority order (a freed agent takes the first that waits)."""
    staff: (
        Annotated[int, Field(ge=0, le=100_000)]
        | list[Annotated[int, Field(ge=0, le=100_000)]]
        | None
    ) = None
    """Agents on duty: a constant, or one number per interval (of one day, repeated daily, of the
    whole horizon, or whole days covering it). Give ``staff`` or ``shifts``."""
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

    @model_validator(mode="after")
    def _staff_or_shifts(self) -> AgentGroup:
        if (self.staff is None) == (not self.shifts):
            raise ValueError("give either staff or shifts")
        return self

    @field_validator("skills")
    @classmethod
    def _unique(cls, skills: list[str]) -> list[str]:
        duplicates = sorted({s for s in skills if skills.count(s) > 1})
        if duplicates:
            raise ValueError(f"skills listed twice: {', '.join(duplicates)}")
        return skills


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
    """Lower bound (service level, occupancy, …)."""
    at_most: float | None = None
    """Upper bound (ASA in seconds, abandon rate, occupancy, …)."""
    penalty: Money | None = None
    """Paid by the centre per contract period when the target is missed."""
    bonus: Money | None = None
    """Paid to the centre per contract period when the target is met (per point of excess)."""

    @model_validator(mode="after")
    def _coherent(self) -> Target:
        problems = []
        if self.at_least is None and self.at_most is None:
            problems.append("give at_least or at_most (or both, for a range)")
        for bound in (self.at_least, self.at_most):
            if bound is not None and not math.isfinite(bound):
                problems.append("bounds must be finite numbers")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            problems.append(f"at_least ({self.at_least:g}) is above at_most ({self.at_most:g})")
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
        if problems:
            raise ValueError("; ".join(problems))
        return self


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
    ivr: dict[Name, Ivr] = {}
    """Entry points with an IVR that feed contact types (self-service and menu choices)."""
    targets: list[Target] = []
    """Targets to check, as the contract words them."""
    currency: Annotated[str, Field(min_length=1, max_length=8)] = "EUR"
    """Currency of every cost, penalty and bonus."""
    _source: dict[str, str | None] | None = PrivateAttr(default=None)

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
        problems = list(_consistency_problems(self))
        if problems:
            raise ConsistencyError(problems)
        return self


def _consistency_problems(sc: Scenario) -> list[Problem]:
    """Cross-field rules: references exist, list lengths fit the interval, and so on."""
    out: list[Problem] = []
    if sc.warmup >= sc.horizon:
        out.append(Problem("warmup", f"must be shorter than the horizon ({sc.horizon:g}s)"))
    per_day = DAY / sc.interval
    if abs(per_day - round(per_day)) > 1e-9:
        out.append(Problem("interval", "must divide a day evenly (e.g. 15min, 30min, 1h)"))
        return out
    n_day, n_all = sc.intervals_per_day, sc.n_intervals
    for name, ct in sc.contact_types.items():
        arr = ct.arrivals
        if arr is None:
            continue
        if arr.per_interval is not None and len(arr.per_interval) != n_day:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals.per_interval",
                    f"expected {n_day} values (one per {sc.interval:g}s interval of a day), "
                    f"got {len(arr.per_interval)}",
                )
            )
        if isinstance(arr.profile, list) and len(arr.profile) != n_day:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals.profile",
                    f"expected {n_day} shares (one per interval of a day), got {len(arr.profile)}",
                )
            )
    fed = _fed_types(sc)
    for name, ct in sc.contact_types.items():
        a = ct.access
        if ct.arrivals is None and name not in fed:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals",
                    "required (no IVR, retrial, repeat or offline form leads to this type)",
                )
            )
        if a.offline_form_type is not None:
            form_type = sc.contact_types.get(a.offline_form_type)
            if form_type is None:
                out.append(
                    Problem(
                        f"contact_types.{name}.access.offline_form_type",
                        f"unknown contact type {a.offline_form_type!r}{_hint(a.offline_form_type, sc.contact_types)}",
                    )
                )
            elif form_type.channel != "email":
                out.append(
                    Problem(
                        f"contact_types.{name}.access.offline_form_type",
                        f"{a.offline_form_type!r} is {form_type.channel}; an offline form becomes an email",
                    )
                )
        switches = [
            ("retrial", a.retrial.switch if a.retrial else {}),
            ("resolution", a.resolution.switch),
        ]
        for part, switch in switches:
            for other in switch:
                if other not in sc.contact_types:
                    out.append(
                        Problem(
                            f"contact_types.{name}.access.{part}.switch.{other}",
                            f"unknown contact type {other!r}{_hint(other, sc.contact_types)}",
                        )
                    )
        for day in a.closed_days:
            if (day - 1) * DAY >= sc.horizon:
                out.append(
                    Problem(
                        f"contact_types.{name}.access.closed_days",
                        f"day {day} is after the horizon ({sc.horizon / DAY:g} days)",
                    )
                )
        for seg, segment in ct.segments.items():
            for i, step in enumerate(segment.routing or []):
                group = sc.agent_groups.get(step.group)
                path = f"contact_types.{name}.segments.{seg}.routing[{i}].group"
                if group is None:
                    out.append(
                        Problem(
                            path,
                            f"unknown agent group {step.group!r}{_hint(step.group, sc.agent_groups)}",
                        )
                    )
                elif name not in group.skills:
                    out.append(
                        Problem(path, f"agent group {step.group!r} lacks the skill {name!r}")
                    )
    for entry, ivr in sc.ivr.items():
        for choice in ivr.choices:
            if choice not in sc.contact_types:
                out.append(
                    Problem(
                        f"ivr.{entry}.choices.{choice}",
                        f"unknown contact type {choice!r}{_hint(choice, sc.contact_types)}",
                    )
                )
    served: set[str] = set()
    for gname, group in sc.agent_groups.items():
        n_staff = len(group.staff) if isinstance(group.staff, list) else None  # shifts: None
        if n_staff is not None and not (
            n_staff in (n_day, n_all) or (n_staff > n_all and n_staff % n_day == 0)
        ):
            out.append(
                Problem(
                    f"agent_groups.{gname}.staff",
                    f"expected one number per interval: {n_day} (a day, repeated), {n_all} (the "
                    f"horizon) or whole days covering the horizon, got {n_staff}",
                )
            )
        for skill in group.proficiency:
            if skill not in group.skills:
                out.append(
                    Problem(
                        f"agent_groups.{gname}.proficiency.{skill}",
                        f"{skill!r} is not one of the group's skills ({', '.join(group.skills)})",
                    )
                )
        for i, skill in enumerate(group.skills):
            if skill not in sc.contact_types:
                out.append(
                    Problem(
                        f"agent_groups.{gname}.skills[{i}]",
                        f"unknown contact type {skill!r}{_hint(skill, sc.contact_types)}",
                    )
                )
            served.add(skill)
    for tname, steps in sc.routing.items():
        if tname not in sc.contact_types:
            out.append(
                Problem(
                    f"routing.{tname}",
                    f"unknown contact type {tname!r}{_hint(tname, sc.contact_types)}",
                )
            )
            continue
        if not steps:
            out.append(Problem(f"routing.{tname}", "needs at least one agent group"))
        seen: set[str] = set()
        for i, step in enumerate(steps):
            path = f"routing.{tname}[{i}].group"
            routed = sc.agent_groups.get(step.group)
            if routed is None:
                out.append(
                    Problem(
                        path,
                        f"unknown agent group {step.group!r}{_hint(step.group, sc.agent_groups)}",
                    )
                )
            elif tname not in routed.skills:
                out.append(Problem(path, f"agent group {step.group!r} lacks the skill {tname!r}"))
            if step.group in seen:
                out.append(Problem(path, f"agent group {step.group!r} listed twice"))
            seen.add(step.group)
    for tname in sc.contact_types:
        if tname not in served:
            out.append(
                Problem(f"contact_types.{tname}", "no agent group has this contact type as a skill")
            )
    for i, target in enumerate(sc.targets):
        if target.segment is not None:
            owner = sc.contact_types.get(target.contact_type or "")
            if owner is not None and target.segment not in owner.segments:
                out.append(
                    Problem(
                        f"targets[{i}].segment",
                        f"{target.contact_type!r} has no segment {target.segment!r}{_hint(target.segment, ct.segments)}",
                    )
                )
        if target.contact_type is not None and target.contact_type not in sc.contact_types:
            out.append(
                Problem(
                    f"targets[{i}].contact_type",
                    f"unknown contact type {target.contact_type!r}"
                    f"{_hint(target.contact_type, sc.contact_types)}",
                )
            )
        if target.agent_group is not None and target.agent_group not in sc.agent_groups:
            out.append(
                Problem(
                    f"targets[{i}].agent_group",
                    f"unknown agent group {target.agent_group!r}{_hint(target.agent_group, sc.agent_groups)}",
                )
            )
    return out


def _fed_types(sc: Scenario) -> set[str]:
    """Contact types that receive contacts from an IVR, a retrial or repeat switch, or a form."""
    fed = {c for ivr in sc.ivr.values() for c in ivr.choices}
    for ct in sc.contact_types.values():
        a = ct.access
        fed.update(a.resolution.switch)
        if a.retrial is not None:
            fed.update(a.retrial.switch)
        if a.offline_form_type is not None:
            fed.add(a.offline_form_type)
    return fed


def _hint(word: str, choices: object) -> str:
    import difflib

    names = list(choices)  # type: ignore[call-overload]
    close = difflib.get_close_matches(word, names, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (known: {', '.join(names)})" if names else ""
