"""What the search's own seeds showed of each target in each interval, round after round, and
the next staffing to try there.

The search seeds are the same every round (common random numbers), so what one round showed
stays true while the neighbours change little: the most agents found short and the fewest found
enough bracket the answer. Each bound remembers the staffing of the interval before, whose
queue the interval inherits; once that has moved by more than one agent, the bound is
forgotten (an interval found short behind a backlog is not short once the backlog is staffed).
Inside a bracket the next try is where the straight line through the two simulated values
crosses the target, but never past its middle (so it at least halves); below it the Erlang C
model's step is taken, doubled every round the interval stays far short after the model said
it would not (a backlog that more agents clear only slowly: the model is no guide there; a near
miss is noise the model's step handles). Deferred work is searched by scaling the work due in
each interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cccsim.staffing.measure import Check

NONE = 1 << 30
MAX_UP = 6  # agents a model step may add (or a quarter of the agents, if more)
MAX_DOWN = 3  # and take away (or a tenth)
FAR = 0.25  # a shortfall beyond this share of the target's bound is far (0.2 at 80 %)


@dataclass
class Bracket:
    """Per check and interval: the most agents found short and its gap, the fewest found
    enough and its gap, the staffing of the interval before when each was found, and the
    rounds in a row it was far short."""

    short: np.ndarray
    short_gap: np.ndarray
    enough: np.ndarray
    enough_gap: np.ndarray
    streak: np.ndarray
    short_before: np.ndarray
    enough_before: np.ndarray
    scale: dict[int, np.ndarray] = field(default_factory=dict)  # deferred: work per deadline
    scale_low: dict[int, np.ndarray] = field(default_factory=dict)
    scale_high: dict[int, np.ndarray] = field(default_factory=dict)

    @staticmethod
    def empty(checks: int, intervals: int) -> Bracket:
        shape = (checks, intervals)
        return Bracket(
            np.full(shape, -1, dtype=np.int64),
            np.zeros(shape),
            np.full(shape, NONE, dtype=np.int64),
            np.zeros(shape),
            np.zeros(shape, dtype=np.int64),
            np.zeros(shape, dtype=np.int64),
            np.zeros(shape, dtype=np.int64),
        )

    def record(
        self, k: int, agents: np.ndarray, gap: np.ndarray, blind: np.ndarray, far: float
    ) -> None:
        """One round of check ``k``: ``gap`` per interval (NaN: nothing judged) at ``agents``;
        ``blind``: intervals short where the model saw no way up (its curve gave out); ``far``:
        a shortfall beyond it counts towards the streak (a near miss is noise the model's own
        step handles: doubling there would overshoot)."""
        before = np.concatenate(([0], agents[:-1]))
        stale = np.abs(before - self.short_before[k]) > 1  # the inherited queue changed
        self.short[k][stale] = -1
        stale = np.abs(before - self.enough_before[k]) > 1
        self.enough[k][stale] = NONE
        seen = np.isfinite(gap)
        short = seen & (gap < 0)
        enough = seen & ~short
        up = short & (agents >= self.short[k])
        self.short[k] = np.where(up, agents, self.short[k])
        self.short_gap[k] = np.where(up, gap, self.short_gap[k])
        self.short_before[k] = np.where(up, before, self.short_before[k])
        down = enough & (agents <= self.enough[k])
        self.enough[k] = np.where(down, agents, self.enough[k])
        self.enough_gap[k] = np.where(down, gap, self.enough_gap[k])
        self.enough_before[k] = np.where(down, before, self.enough_before[k])
        crossed = self.short[k] >= self.enough[k]  # the neighbours moved it: start over
        self.short[k][crossed], self.enough[k][crossed] = -1, NONE
        streak = np.where(short & (gap < -far), self.streak[k] + 1, 0)
        self.streak[k] = np.where(blind, np.maximum(streak, 2), streak)

    def propose(self, k: int, i: int, agents: int, model: float) -> float:
        """The agents to try next in interval ``i`` for check ``k``, given the model's answer."""
        low, high = int(self.short[k, i]), int(self.enough[k, i])
        if low >= 0 and high < NONE:
            if high - low <= 1:
                return float(high)
            g0, g1 = float(self.short_gap[k, i]), float(self.enough_gap[k, i])
            middle = (low + high) / 2
            cross = low + (high - low) * (-g0) / (g1 - g0) if g1 > g0 else middle
            # the line's crossing, but never past the middle: at worst the bracket halves
            return float(min(max(math.ceil(min(cross, middle) - 1e-9), low + 1), high))
        streak = int(self.streak[k, i])
        step = max(MAX_UP, agents // 4)
        if streak >= 2:  # the model is no guide here: double the step every round
            return float(agents + step * 2 ** (streak - 2) * 2)
        wanted = min(max(model, agents - max(MAX_DOWN, agents // 10)), agents + step)
        if low >= 0:
            wanted = max(wanted, low + 1)
        if high < NONE:
            wanted = min(wanted, high)
        return wanted

    def rescale(self, k: int, check: Check, share: np.ndarray, n: int) -> np.ndarray:
        """The scale of the work due in each interval for deferred check ``k``: up by half while
        too many contacts due there missed their deadline, halved while they were in time, then
        the geometric middle of the largest scale found short and the smallest found enough."""
        scale = self.scale.setdefault(k, np.ones(n))
        low = self.scale_low.setdefault(k, np.zeros(n))
        high = self.scale_high.setdefault(k, np.full(n, np.inf))
        seen = np.isfinite(share)
        short = seen & ~check.meets(share)
        low[short] = np.maximum(low[short], scale[short])
        enough = seen & ~short
        high[enough] = np.minimum(high[enough], scale[enough])
        crossed = low >= high
        low[crossed], high[crossed] = 0.0, np.inf
        both = (low > 0) & np.isfinite(high)
        scale[:] = np.where(
            both,
            np.sqrt(np.maximum(low, 1e-9) * high),
            np.where(short, scale * 1.5, np.where(enough, scale * 0.5, scale)),
        )
        return scale
