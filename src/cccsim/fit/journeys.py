"""Customers' journeys from ``customer_id``: retrials, repeats, first-contact resolution, switching.

A customer's contacts, in arrival order, are linked when one follows the other closely:
after a contact that did not get through (abandoned, blocked, closed, balked), the next contact
of the same customer within ``retrial_window`` of its end is a *retrial*; after an answered one,
the next within ``repeat_window`` is a *repeat* (the answered contact did not resolve the need).
A linked contact on another contact type is a channel switch. Contacts that are not linked are
*first contacts* — the arrivals the scenario draws; retrials and repeats are created by the
scenario's ``access.retrial`` and ``access.resolution`` instead, so they are not counted twice.

Shares are estimated only over contacts whose window ends inside the log's period (a failure in
the last hours may yet be retried after the export was taken). Delay laws are fitted to the
observed delays (from the end of the earlier contact) with ``fit_laws``; delays longer than the
window are not seen, so windows should be long compared with typical delays. A failure outcome
leads to retrials (``access.retrial.after``) when at least 5 % of its contacts were retried; the
retrial probability is the share retried among the contacts with those outcomes, and contacts
already at the highest attempt a retrial reached (``max_attempts``) are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cccsim.fit.laws import LawChoice, fit_laws
from cccsim.fit.log import FAILED

MAX_ATTEMPTS = 20  # the scenario schema's bound
MIN_RETRIED = 0.05
"""A failure outcome leads to retrials (is in ``retrial.after``) when at least this share of its
contacts were retried; the retrial probability is pooled over those outcomes only."""


@dataclass(frozen=True)
class FollowUp:
    """What follows one kind of contact of one type: how often, after how long, on which type."""

    share: float
    """Share of the eligible contacts followed by a linked contact (retrials: of the contacts
    whose outcome is in ``after``)."""
    n_eligible: int
    n_followed: int
    delay: LawChoice | None
    switch: dict[str, float]
    """Share of the linked contacts on each other contact type."""
    by_outcome: dict[str, float] = field(default_factory=dict)
    """Retrials: the share per failure outcome (abandoned, blocked, …)."""
    after: tuple[str, ...] = ()
    """Retrials: the failure outcomes that lead to retrials (``MIN_RETRIED``)."""


@dataclass
class JourneyFit:
    """Journeys of a log: each contact's link, and per contact type its retrials and repeats."""

    link: np.ndarray = field(repr=False)
    """Per contact of the log (in its order): ``first``, ``retrial`` or ``repeat``."""
    attempt: np.ndarray = field(repr=False)
    """Per contact: 1 for a first contact, then 2, 3, … along the customer's linked contacts."""
    retrial: dict[str, FollowUp]
    repeat: dict[str, FollowUp]
    max_attempts: int
    has_customers: bool

    def retrial_spec(self, contact_type: str) -> dict[str, Any] | None:
        """The type's ``access.retrial`` block (``None`` when its customers never retried)."""
        r = self.retrial.get(contact_type)
        if r is None or r.n_followed == 0 or r.delay is None:
            return None
        spec: dict[str, Any] = {
            "probability": round(r.share, 4),
            "delay": r.delay.spec(),
            "max_attempts": self.max_attempts,
            "after": list(r.after),
        }
        if r.switch:
            spec["switch"] = {t: round(p, 4) for t, p in r.switch.items()}
        return spec

    def resolution_spec(self, contact_type: str) -> dict[str, Any] | None:
        """The type's ``access.resolution`` block (``None`` when no repeat was seen)."""
        r = self.repeat.get(contact_type)
        if r is None or r.n_followed == 0 or r.delay is None:
            return None
        spec: dict[str, Any] = {"first_contact": round(1 - r.share, 4), "delay": r.delay.spec()}
        if r.switch:
            spec["switch"] = {t: round(p, 4) for t, p in r.switch.items()}
        return spec


def fit_journeys(
    contacts: pd.DataFrame, *, horizon: float, retrial_window: float, repeat_window: float
) -> JourneyFit:
    """Link each customer's contacts and estimate retrials and repeats per contact type.

    ``contacts`` is ``ContactLog.contacts``; without a ``customer_id`` every contact is a first
    contact and nothing is estimated.
    """
    n = len(contacts)
    link = np.full(n, "first", dtype=object)
    attempt = np.ones(n, dtype=np.int64)
    ids = contacts["customer_id"]
    if ids.isna().all():
        return JourneyFit(link, attempt, {}, {}, 2, has_customers=False)
    c = contacts[ids.notna()].sort_values(["customer_id", "arrived_at"], kind="stable")
    rows = c.index.to_numpy()
    same = c["customer_id"].to_numpy() == np.roll(c["customer_id"].to_numpy(), 1)
    same[0] = False
    prev_out = np.roll(c["outcome"].to_numpy(), 1)
    prev_end = np.roll(c["ended_at"].to_numpy(dtype=float), 1)
    delay = c["arrived_at"].to_numpy(dtype=float) - prev_end
    with np.errstate(invalid="ignore"):
        is_retrial = same & np.isin(prev_out, FAILED) & (delay >= 0) & (delay <= retrial_window)
        is_repeat = same & (prev_out == "answered") & (delay >= 0) & (delay <= repeat_window)
    linked = is_retrial | is_repeat
    chain = np.cumsum(~linked)
    position = pd.Series(chain).groupby(chain).cumcount().to_numpy() + 1
    link[rows[is_retrial]] = "retrial"
    link[rows[is_repeat]] = "repeat"
    attempt[rows] = position
    # the engine counts every attempt of a journey (repeats too) and caps those followed by a
    # retrial: the highest attempt a retrial reached is the cap seen in the log
    max_attempts = (
        int(np.clip(position[is_retrial].max(), 2, MAX_ATTEMPTS)) if is_retrial.any() else 2
    )
    # what followed each contact: look one row ahead
    nxt_retrial = np.append(is_retrial[1:], False)
    nxt_repeat = np.append(is_repeat[1:], False)
    nxt_type = np.append(c["contact_type"].to_numpy(dtype=object)[1:], np.array([None]))
    nxt_delay = np.append(delay[1:], np.nan)
    own = c["contact_type"].to_numpy()
    out = c["outcome"].to_numpy()
    end = c["ended_at"].to_numpy(dtype=float)
    retrial, repeat = {}, {}
    for t in pd.unique(own):
        mine = own == t
        failed = mine & np.isin(out, FAILED) & (end + retrial_window <= horizon)
        failed &= position < max_attempts  # the last attempt allowed cannot be retried
        retrial[t] = _follow_up(
            failed, nxt_retrial, nxt_delay, nxt_type, t, out if failed.any() else None
        )
        answered = mine & (out == "answered") & (end + repeat_window <= horizon)
        repeat[t] = _follow_up(answered, nxt_repeat, nxt_delay, nxt_type, t, None)
    return JourneyFit(link, attempt, retrial, repeat, max_attempts, has_customers=True)


def _follow_up(
    eligible: np.ndarray,
    followed: np.ndarray,
    delay: np.ndarray,
    next_type: np.ndarray,
    own: str,
    outcome: np.ndarray | None,
) -> FollowUp:
    by_outcome: dict[str, float] = {}
    after: tuple[str, ...] = ()
    if outcome is not None:
        for o in FAILED:
            base = eligible & (outcome == o)
            if base.any():
                by_outcome[o] = float((base & followed).sum() / base.sum())
        after = tuple(o for o, v in by_outcome.items() if v >= MIN_RETRIED and v > 0)
        eligible = eligible & np.isin(outcome, after)
    hit = eligible & followed
    n_eligible, n_followed = int(eligible.sum()), int(hit.sum())
    law = fit_laws(delay[hit]) if (delay[hit] > 0).any() else None
    switch: dict[str, float] = {}
    if n_followed:
        counts = pd.Series(next_type[hit]).value_counts()
        switch = {str(k): float(v / n_followed) for k, v in counts.items() if k != own}
    return FollowUp(
        share=n_followed / n_eligible if n_eligible else 0.0,
        n_eligible=n_eligible,
        n_followed=n_followed,
        delay=law,
        switch=switch,
        by_outcome=by_outcome,
        after=after,
    )
