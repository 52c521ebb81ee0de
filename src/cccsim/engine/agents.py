"""Agents on duty and available: per group, deques of available agents by load level.

An agent serves up to ``max_concurrent`` slots; a voice or email contact takes all of them, a chat
or messaging contact one. Available agents wait in ``levels[load]`` (oldest first, so level 0 gives
the longest-idle agent in O(1)). Entries are ``(agent, token)``; an entry counts only while its
token is the agent's current one, so moving an agent never searches a deque (lazy deletion).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable


class AgentPool:
    """State of every agent of every group, as flat lists indexed by agent id."""

    def __init__(self, capacities: list[int]) -> None:
        self.capacity = capacities  # slots per agent, per group
        self.levels: list[list[deque[tuple[int, int]]]] = [
            [deque() for _ in range(cap)] for cap in capacities
        ]
        self.group: list[int] = []
        self.load: list[int] = []
        self.token: list[int] = []  # -1: not available; else the token of its live entry
        self.leaving: list[bool] = []
        self.n_leaving = [0 for _ in capacities]  # per group: agents marked ``leaving``
        self.on_since: list[float] = []
        self.roster: list[dict[int, None]] = [{} for _ in capacities]  # on duty, ordered
        self.off_duty: list[list[int]] = [[] for _ in capacities]
        # (agent, group, from, to) rows, flat: one list of numbers converts to an array fast
        self.sessions: list[float] = []
        self.next_token = 0

    def log_on(self, g: int, now: float) -> int:
        """Bring one more agent of group ``g`` on duty (reusing an off-duty id) and return it."""
        if self.off_duty[g]:
            a = self.off_duty[g].pop()
        else:
            a = len(self.group)
            self.group.append(g)
            self.load.append(0)
            self.token.append(-1)
            self.leaving.append(False)
            self.on_since.append(now)
        self.on_since[a] = now
        self.leaving[a] = False
        self.roster[g][a] = None
        return a

    def log_off(self, a: int, now: float) -> None:
        """Take agent ``a`` off duty (it holds no contact) and record its session."""
        g = self.group[a]
        self.token[a] = -1
        if self.leaving[a]:
            self.leaving[a] = False
            self.n_leaving[g] -= 1
        del self.roster[g][a]
        self.off_duty[g].append(a)
        self.sessions.extend((a, g, self.on_since[a], now))

    def n_staying(self, g: int) -> int:
        """Agents of ``g`` on duty and not leaving (a count kept up to date: no scan)."""
        return len(self.roster[g]) - self.n_leaving[g]

    def release(self, g: int, count: int, now: float) -> list[int]:
        """Send ``count`` agents of ``g`` off duty: idle ones at once, busy ones after their work.

        Returns nothing to schedule; busy agents are only marked ``leaving`` (they take no new
        work and log off when their last contact ends).
        """
        load, leaving = self.load, self.leaving
        # the staying agents ordered by (load, id), built from the idle ones alone when they
        # suffice (speed: no key function per agent; a shift change mostly sends idle agents)
        staying = sorted([a for a in self.roster[g] if not load[a] and not leaving[a]])
        if len(staying) < count:
            busy = sorted([(load[a], a) for a in self.roster[g] if load[a] and not leaving[a]])
            staying += [a for _, a in busy]
        gone = []
        for a in staying[:count]:
            if load[a] == 0:
                self.log_off(a, now)
            else:
                leaving[a] = True
                self.n_leaving[g] += 1
                self.token[a] = -1
            gone.append(a)
        return gone

    def recall(self, g: int, count: int) -> list[int]:
        """Cancel the departure of up to ``count`` leaving agents of ``g``; return them."""
        if not self.n_leaving[g]:
            return []
        back = [a for a in self.roster[g] if self.leaving[a]][:count]
        for a in back:
            self.leaving[a] = False
        self.n_leaving[g] -= len(back)
        return back

    def close(self, horizon: float) -> None:
        """Record the sessions still open at the horizon."""
        for g, roster in enumerate(self.roster):
            for a in roster:
                self.sessions.extend((a, g, self.on_since[a], horizon))


Takers = tuple[
    Callable[[int, int], None],
    Callable[[int, bool], tuple[int, int, int] | None],
    Callable[[tuple[int, ...], bool], int],
    Callable[[int, bool], int],
]


def agent_takers(pool: AgentPool) -> Takers:
    """``available``, ``peek``, ``take_longest_idle`` and ``take_available`` over ``pool``.

    Speed: closures over the pool's lists (cell loads), not methods (attribute loads on every
    call) — they run once or twice per contact.
    """
    levels, token, agent_group = pool.levels, pool.token, pool.group
    whole_levels = [lv[:1] for lv in levels]  # a voice/email contact needs a fully idle agent

    def available(a: int, level: int) -> None:
        """Put agent ``a`` (holding ``level`` slots) at the back of its group's deque."""
        tok = pool.next_token
        pool.next_token = tok + 1
        token[a] = tok
        levels[agent_group[a]][level].append((a, tok))

    def peek(g: int, whole: bool) -> tuple[int, int, int] | None:
        """(load, token, agent) of the agent ``take_available`` would return, dropping stale entries."""
        for lv, deque_ in enumerate(whole_levels[g] if whole else levels[g]):
            while deque_:
                a, tok = deque_[0]
                if token[a] == tok:
                    return lv, tok, a
                deque_.popleft()
        return None

    def take_longest_idle(groups: tuple[int, ...], whole: bool) -> int:
        """The least-loaded, then longest-idle agent across ``groups`` (tokens grow with time)."""
        best: tuple[int, int, int] | None = None
        for g in groups:
            head = peek(g, whole)
            if head is not None and (best is None or head < best):
                best = head
        if best is None:
            return -1
        token[best[2]] = -1
        return best[2]

    def take_available(g: int, whole: bool) -> int:
        """The agent of ``g`` to serve a contact: longest idle, or least loaded for chat; -1 if none."""
        for deque_ in whole_levels[g] if whole else levels[g]:
            while deque_:
                a, tok = deque_.popleft()
                if token[a] == tok:  # lazy deletion: stale entries are skipped here, once
                    token[a] = -1
                    return a
        return -1

    return available, peek, take_longest_idle, take_available
