"""The client's access strategy for a contact type (ISO 18295-2, 5.4), and its costs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from cccsim.scenario.distributions import Distribution
from cccsim.scenario.fields import Duration, Name, WeeklyHours, _Model


class RouteStep(_Model):
    """One agent group in a contact type's routing list."""

    group: Name
    """The agent group."""
    after: Duration = 0.0
    """The group may take the contact only once it has waited this long (overflow delay)."""
    when_queue_over: Annotated[int, Field(ge=0)] | None = None
    """Conditional overflow: the group takes the type only while more than this many contacts of
    it wait (the one being routed included)."""
    when_wait_over: Duration | None = None
    """Conditional overflow: the group takes the type only while the expected wait (contacts
    waiting × mean handle time ÷ agents on duty in the type's unconditional groups) exceeds this."""

    @model_validator(mode="after")
    def _one_condition(self) -> RouteStep:
        if self.when_queue_over is not None and self.when_wait_over is not None:
            raise ValueError("give one condition: when_queue_over or when_wait_over")
        return self


class DataResidency(_Model):
    """Where a contact type's (or segment's) data may not be handled (ISO 18295-2, 5.9)."""

    barred_sites: list[Name] = []
    """Sites whose agent groups may not take these contacts."""
    barred_providers: list[Name] = []
    """Providers (``inhouse`` or an outsourcer's name) whose agent groups may not take them."""


class Announcement(_Model):
    """Expected-wait announcement on arrival, and how customers react to it (balking)."""

    estimator: Literal["queue", "last_wait"] = "queue"
    """``queue``: (contacts waiting + 1) × mean handle time ÷ agents on duty for the type;
    ``last_wait``: the wait of the last contact of the type to be answered."""
    balking: list[tuple[Duration, Annotated[float, Field(ge=0, le=1)]]] = []
    """Points (announced wait, probability of leaving at once), linear in between and flat
    beyond the ends, e.g. [[0s, 0], [2min, 0.1], [10min, 0.4]]."""


class Pacing(_Model):
    """How much of the agents' time callbacks may take, so that a backlog of due callbacks (the
    night's voicemails at opening, say) does not take every agent from the live queue."""

    max_share_of_agents: Annotated[float, Field(gt=0, le=1)]
    """At most this share of the agents on duty in the groups that take the type's callbacks is
    on callbacks at once (waiting for, calling or talking to a customer, or in after-contact
    work): rounded down, at least one while any of those agents is on duty. Due callbacks beyond
    it wait their turn, oldest first, and join the queue as others finish."""


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
    pacing: Pacing | None = None
    """Pace callbacks (omitted: every due callback joins the queue at once)."""


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
    """Served before segments (and the rest of the type) with lower priority; the rest is 0.
    With ``routing_policy.priorities`` it is added to the type's priority (ageing keeps it)."""
    routing: list[RouteStep] | None = None
    """Own routing (default: the type's)."""
    handle_time_factor: Annotated[float, Field(gt=0, le=20)] = 1.0
    """Handle time multiplier (e.g. 1.5 for vulnerable customers)."""
    patience_factor: Annotated[float, Field(gt=0, le=100)] = 1.0
    """Patience multiplier."""
    data_residency: DataResidency | None = None
    """Sites or providers barred for this segment (in addition to the type's)."""


class Access(_Model):
    """The client's access strategy for one contact type (ISO 18295-2, 5.4)."""

    queue_capacity: Annotated[int, Field(ge=0)] | None = None
    """Lines to wait on: the most live contacts of this type, every segment together, that may
    wait at once; one more is blocked (hears busy). Contacts in conversation hold a line too, but
    those are bounded by the agents; callbacks waiting for their call hold none. 0 = blocked
    when no agent is free (Erlang B); omitted = unlimited."""
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
