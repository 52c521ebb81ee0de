"""Announcements and balking: the wait a caller is told, and whether it makes them leave.

``announcement.estimator`` says how the wait is estimated: ``queue`` (the contacts ahead, plus
this one, times the mean handle time, over the agents on duty in the groups that take the type)
or ``last_wait`` (the wait of the last contact answered). The same estimate decides whether a
callback is offered. ``announcement.balking`` is P(leave | announced wait), piecewise linear
between its points and flat beyond the ends.

The core asks ``before_queue`` only for live contacts of types with an announcement or a callback
offer, and only when no agent is free (a contact answered at once hears nothing).

Speed: the engine asks once per contact that would queue, so both are plain-Python arithmetic on
lists prepared once per run: the agents on duty per type are kept up to date on staffing changes
(never summed per contact), and the balking curve is searched with ``bisect``, not ``numpy``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from cccsim.model.build import Model
from cccsim.records import BALKED

BeforeQueue = Callable[[int, int, float], bool]


class Balking:
    """P(leave | announced wait): linear between points, flat beyond the ends.

    The same numbers as ``numpy.interp(wait, xs, ys)`` (same slope, same formula, exact values at
    the points), without a numpy call per contact."""

    __slots__ = ("slopes", "xs", "ys")

    def __init__(self, points: tuple[tuple[float, float], ...]) -> None:
        self.xs = [float(x) for x, _ in points]
        self.ys = [float(y) for _, y in points]
        xs, ys = self.xs, self.ys
        self.slopes = [
            (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]) if xs[j + 1] != xs[j] else 0.0
            for j in range(len(xs) - 1)
        ]

    def __call__(self, wait: float) -> float:
        xs, ys = self.xs, self.ys
        if wait <= xs[0]:
            return ys[0]
        if wait >= xs[-1]:
            return ys[-1]
        j = bisect_right(xs, wait) - 1
        if xs[j] == wait:
            return ys[j]
        return self.slopes[j] * (wait - xs[j]) + ys[j]


class WaitEstimate:
    """The announced wait per contact type, with the agents on duty per type kept current."""

    def __init__(self, model: Model, staff_now: list[int], cap: list[int]) -> None:
        types = model.types
        self.announces_last = [t.announce == "last_wait" for t in types]
        self._groups = [tuple(g for g, _ in model.routes[t.index]) for t in types]
        # chats count every slot of the groups' agents; whole-agent types count agents
        self._per_agent = [
            1 if t.exclusive else max((cap[g] for g in self._groups[t.index]), default=1)
            for t in types
        ]
        self.mean = [t.handle.mean * t.handle_factor for t in types]
        self._staff_now = staff_now
        self.by_group = [
            tuple(t.index for t in types if g.index in self._groups[t.index]) for g in model.groups
        ]
        self.agents = [0] * len(types)
        """Per type: agents (or chat slots) on duty in the groups that take it, at least 1."""
        self.last_wait = [0.0] * len(types)
        """Per type announcing ``last_wait``: the wait of its last answered contact."""
        for t in types:
            self._recount(t.index)

    def _recount(self, t: int) -> None:
        staff_now, on_duty = self._staff_now, 0
        for g in self._groups[t]:  # a loop, not sum() over a generator: it runs at every change
            on_duty += staff_now[g]
        self.agents[t] = max(on_duty * self._per_agent[t], 1)

    def staffed(self, g: int) -> None:
        """Group ``g``'s agents on duty changed."""
        for t in self.by_group[g]:
            self._recount(t)

    def wait(self, t: int, waiting: int) -> float:
        """The wait announced to a contact of type ``t`` finding ``waiting`` contacts ahead."""
        if self.announces_last[t]:
            return self.last_wait[t]
        return (waiting + 1) * self.mean[t] / self.agents[t]


def before_queue(
    model: Model,
    estimate: WaitEstimate,
    n_waiting: list[int],
    offer: Callable[[int, int, float, float], bool] | None,
    u: Callable[[int, int], float],
    fail: Callable[[int, int, float], None],
    every: bool = False,
) -> list[BeforeQueue | None]:
    """Per type: what a live contact hears before it queues (None: nothing).

    The function returns True if the contact left instead of queueing: it took a callback
    (``offer``, from ``engine/callbacks.py``) or balked at the announced wait. With ``every``,
    every type gets one (a test's check that a type without these levers hears nothing)."""
    balking = [Balking(t.balking) if t.balking else None for t in model.types]
    agents, last_wait = estimate.agents, estimate.last_wait

    def hearing(t: int) -> BeforeQueue:
        """What a contact of type ``t`` hears. Speed: the type's announced wait (``estimate.wait``)
        and the callback offer's threshold are bound here, so a contact that is told a short
        wait makes no call to ``offer``."""
        last, mean, balk = estimate.announces_last[t], estimate.mean[t], balking[t]
        cb = model.types[t].callback
        offer_over = cb.offer_over if offer is not None and cb is not None else None

        def hear(c: int, t: int, now: float) -> bool:
            wait = last_wait[t] if last else (n_waiting[t] + 1) * mean / agents[t]
            if offer_over is not None and wait > offer_over and offer(c, t, wait, now):  # type: ignore[misc]
                return True
            if balk is not None and u(c, 0) < balk(wait):
                fail(c, BALKED, now)
                return True
            return False

        return hear

    used = [every or t.announce is not None or t.callback is not None for t in model.types]
    return [hearing(t) if use else None for t, use in enumerate(used)]
