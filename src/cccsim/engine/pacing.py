"""Callback pacing (``access.callback.pacing``): at most a share of the agents on callbacks.

Due callbacks of a paced contact type (every segment's and the type's own callback queue
together) wait in a backlog, oldest first, and join their queue only while fewer than the limit
are *released and unfinished* — waiting in the queue, being dialled, talking or in after-contact
work. So never more agents than the limit are on callbacks, and the rest of the agents stay on
the live queue. The limit is the share of the agents on duty in the groups that take the type's
callbacks, rounded down, at least one while any of them is on duty; it follows staffing changes.

Each event costs O(1) (plus the groups of the type when the limit is read): a backlog is a deque,
the released callbacks a counter.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from cccsim.model.build import Model


class Pacer:
    """The backlogs and counters of every paced contact type of a run."""

    def __init__(
        self, model: Model, staff_now: list[int], release: Callable[[int, float], None]
    ) -> None:
        types = model.types
        self.pool: list[int] = []
        """Per internal type: the pool its callbacks count in (the parent's type), or -1."""
        for t in types:
            paced = t.callback is not None and t.callback.pacing_share is not None
            self.pool.append(model.types_of(t.parent)[0].index if paced else -1)
        self.active = any(p >= 0 for p in self.pool)
        self.share = [0.0] * len(types)
        groups: list[set[int]] = [set() for _ in types]
        for t in types:
            p = self.pool[t.index]
            if p >= 0:
                assert t.callback is not None and t.callback.pacing_share is not None
                self.share[p] = t.callback.pacing_share
                groups[p].update(g for g, _ in model.routes[t.index])
        self.groups = [tuple(sorted(g)) for g in groups]
        self.by_group = [
            tuple(p for p in range(len(types)) if g.index in groups[p]) for g in model.groups
        ]
        self.backlogs: list[deque[int]] = [deque() for _ in types]
        self.released = [0] * len(types)
        self._staff_now = staff_now
        self._release = release

    def limit(self, p: int) -> int:
        """Callbacks of pool ``p`` that may be released and unfinished at once, now."""
        on_duty = sum(self._staff_now[g] for g in self.groups[p])
        return max(1, math.floor(self.share[p] * on_duty + 1e-9)) if on_duty else 0

    def due(self, c: int, t: int, now: float) -> None:
        """Callback ``c`` of type ``t`` is due: it waits its turn."""
        p = self.pool[t]
        self.backlogs[p].append(c)
        self.pump(p, now)

    def done(self, t: int, now: float) -> None:
        """A released callback of type ``t`` finished (answered and wrapped up, or not reached)."""
        p = self.pool[t]
        self.released[p] -= 1
        self.pump(p, now)

    def staffed(self, g: int, now: float) -> None:
        """Group ``g``'s agents on duty changed: the limits of its paced types follow."""
        for p in self.by_group[g]:
            self.pump(p, now)

    def pump(self, p: int, now: float) -> None:
        """Release the oldest waiting callbacks of pool ``p`` while the limit allows."""
        backlog = self.backlogs[p]
        if not backlog:
            return
        limit = self.limit(p)
        while backlog and self.released[p] < limit:
            self.released[p] += 1
            self._release(backlog.popleft(), now)
