"""Shifts → the number of agents on duty over time (change points at any instant).

Each shift contributes +agents at its start and −agents at its end on each of its days; a break
at a fixed time takes all of the shift's agents off for its length; a break window staggers the
agents' break starts evenly across the window (agent k of n starts at window start + k·w/n). The
engine then keeps the group at that head count: an agent going on break or off shift finishes
the contact in hand first.
"""

from __future__ import annotations

import math

from cccsim.scenario.schema import WEEKDAYS, Scenario, Shift
from cccsim.units import DAY


def shift_changes(
    shifts: dict[str, Shift], scenario: Scenario, available: float = 1.0, paid: bool = False
) -> tuple[tuple[float, int], ...]:
    """(instant, agents on duty from then) for a group's shifts over the horizon.

    ``available`` scales each shift's agents by (1 − shrinkage) × adherence, rounded per shift.
    With ``paid``, the agents being paid instead: only unpaid breaks take agents off.
    """
    first = WEEKDAYS.index(scenario.start_weekday)
    steps: dict[float, int] = {0.0: 0}
    days = math.ceil(scenario.horizon / DAY) + 1
    for shift in shifts.values():
        agents = round(shift.agents * available)
        if agents == 0:
            continue
        for day in range(-1, days):  # day −1: a night shift that began the day before day 1
            if WEEKDAYS[(first + day) % 7] not in shift.days:
                continue
            start = day * DAY + shift.start
            _add(steps, start, agents)
            _add(steps, start + shift.length, -agents)
            for brk in shift.breaks:
                if paid and brk.paid:
                    continue
                length = brk.length
                if brk.start is not None:
                    begins = [brk.start] * agents
                else:
                    assert brk.window is not None
                    low, high = brk.window
                    begins = [low + k * (high - low) / agents for k in range(agents)]
                for offset in begins:
                    begin = day * DAY + offset
                    if begin < start:  # a break after midnight in a night shift
                        begin += DAY
                    _add(steps, begin, -1)
                    _add(steps, begin + length, 1)
    changes: list[tuple[float, int]] = []
    level = 0
    for at in sorted(steps):
        level += steps[at]
        instant = max(at, 0.0)
        if instant >= scenario.horizon:
            break
        if changes and changes[-1][0] == instant:
            changes[-1] = (instant, level)
        elif not changes or changes[-1][1] != level:
            changes.append((instant, level))
    return tuple(changes) if changes else ((0.0, 0),)


def _add(steps: dict[float, int], at: float, delta: int) -> None:
    steps[at] = steps.get(at, 0) + delta
