"""Deferred work: the service level counts contacts whose threshold fell within the horizon; the
ones arriving later are reported as ``not_due`` rather than counted as missed."""

from __future__ import annotations

from typing import Any

import cccsim
from tests.conftest import scenario, voice

HOUR, DAY = 3600.0, 86400.0


def emails(targets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Emails (threshold 24 h, handle 10 min) at Monday 20:00 and Tuesday 06:00, 13:00 and 19:00;
    one agent on duty 08:00–10:00 each day; the horizon ends Tuesday at midnight."""
    staff = [0] * 24
    staff[8] = staff[9] = 1
    return scenario(
        {
            "email": voice(
                [20 * HOUR, DAY + 6 * HOUR, DAY + 13 * HOUR, DAY + 19 * HOUR],
                handle=600,
                channel="email",
                service_level_threshold="24h",
            )
        },
        {"backoffice": {"skills": ["email"], "staff": staff}},
        horizon=2 * DAY,
        interval="1h",
        start_weekday="mon",
        targets=targets or [],
    )


def test_contacts_not_due_at_the_horizon_are_reported_not_missed() -> None:
    """Monday 20:00 is due Tuesday 20:00, before the horizon: answered Tuesday 08:00 (12 h), in
    time. Tuesday 06:00 (answered 08:10), 13:00 and 19:00 (still open) are due only on Wednesday:
    whether they are answered in time is not known at the horizon, so they are ``not_due`` and
    the service level is 1/1 (counting the open ones as missed gave 2/4)."""
    r = cccsim.run_replication(cccsim.load_scenario(emails()), seed=0)
    assert r.contacts.answered_at.tolist()[:2] == [DAY + 8 * HOUR, DAY + 8 * HOUR + 600]
    s = r.summary.iloc[0]
    assert (s.offered, s.answered, s.open, s.not_due) == (4, 2, 2, 3)
    assert s.service_level == 1.0
    by_interval = r.intervals.set_index("interval")
    assert by_interval.loc[20, "service_level"] == 1.0  # Monday 20:00
    assert by_interval.loc[[30, 37, 43], "not_due"].tolist() == [1, 1, 1]
    assert by_interval.loc[[30, 37, 43], "service_level"].isna().all()


def test_a_target_on_business_hours_counts_contacts_due_by_the_horizon() -> None:
    """8 business hours, open mon–fri 08:00–20:00. Monday 20:00 is due Tuesday 16:00 (8 open hours
    from 08:00) and answered at 08:00: met. Tuesday 06:00 is due Tuesday 16:00 too: answered at
    08:10, met. Tuesday 13:00 is due Wednesday 09:00 (7 open hours on Tuesday, 1 on Wednesday;
    on the calendar it would be due at 21:00, before the horizon) and 19:00 Wednesday 15:00:
    both left out. Attained 2/2 (counting the open emails as missed gave 2/4); the wait-over
    target counts the same two contacts, neither over."""
    business = {"mon-fri": "08:00-20:00"}
    targets = [
        {
            "contact_type": "email",
            "kpi": "service_level",
            "threshold": "8h",
            "clock": "business_hours",
            "business_hours": business,
            "at_least": 0.9,
        },
        {
            "contact_type": "email",
            "kpi": "wait_over",
            "threshold": "8h",
            "clock": "business_hours",
            "business_hours": business,
            "at_most": 0.1,
        },
    ]
    r = cccsim.run_replication(cccsim.load_scenario(emails(targets)), seed=0)
    attained = r.targets.set_index("kpi").attained
    assert attained["service_level"] == 1.0 and attained["wait_over"] == 0.0
