"""The codes of a contact's outcome and kind: one table each, that every layer reads.

The scenario names outcomes (``retrial.after: [unreached]``); the model turns names into codes;
the engine writes codes; the records and statistics read them. Every code is the position of its
name in ``OUTCOMES`` or ``KINDS``, so a name and its code cannot drift apart.
"""

from __future__ import annotations

OUTCOMES: tuple[str, ...] = (
    "open",
    "answered",
    "abandoned",
    "blocked",
    "closed",
    "balked",
    "callback",
    "unreached",
    "voicemail",
    "offline_form",
    "scheduled",
)
"""Outcome names by code. ``open``: still waiting at the horizon; ``closed``: refused out of
hours; ``balked``: left on hearing the announced wait; ``callback``: left the line with a callback
accepted; ``unreached``: a callback whose calls all went unanswered; ``voicemail`` and
``offline_form``: taken out of hours and turned into a callback or an email; ``scheduled``: a
callback waiting for its next call at the horizon."""

OPEN, ANSWERED, ABANDONED, BLOCKED, CLOSED, BALKED = (
    OUTCOMES.index(name)
    for name in ("open", "answered", "abandoned", "blocked", "closed", "balked")
)
CALLBACK, UNREACHED, VOICEMAIL, OFFLINE_FORM, SCHEDULED = (
    OUTCOMES.index(name)
    for name in ("callback", "unreached", "voicemail", "offline_form", "scheduled")
)

KINDS: tuple[str, ...] = ("inbound", "callback", "offline_form", "repeat")
"""How a contact came about: an inbound attempt (first or a retrial), an outbound callback, an
email made from an offline chat form, or a repeat of an unresolved contact."""

INBOUND, CALLBACK_KIND, OFFLINE_KIND, REPEAT_KIND = (
    KINDS.index(name) for name in ("inbound", "callback", "offline_form", "repeat")
)


def outcome_code(name: str) -> int:
    """The code of outcome ``name`` (ValueError for a name that is not an outcome)."""
    return OUTCOMES.index(name)
