"""Shifts: the agents on duty per group follow the staffing plan (``staff_changes``).

A change brings a group to its new number of agents on duty. Joining agents are first recalled
from those told to leave but still busy, then logged on, and each looks for work at once. Leaving
agents are the idle ones first; a busy leaver finishes the work in hand (never cut off) and then
logs off. Whoever else follows the staffing (the announced wait's agent counts, callback pacing)
is told after each change.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from itertools import count
from typing import Any

import simpy

from cccsim.engine.agents import AgentPool
from cccsim.engine.events import NORMAL, Wake
from cccsim.model.build import Model


class Shifts:
    """Every group's staffing changes over a run, as events on the engine's heap."""

    def __init__(
        self,
        model: Model,
        env: simpy.Environment,
        pool: AgentPool,
        staff_now: list[int],
        seek_work: Callable[[int, float], None],
        followers: list[Callable[[int, float], None]],
    ) -> None:
        self._model = model
        self._env = env
        self._pool = pool
        self._staff_now = staff_now
        self._seek_work = seek_work
        self._followers = followers

    def start(self, heap: list[Any], ids: count[int], horizon: float) -> None:
        """Staff every group for instant 0 and schedule the later changes."""
        for group in self._model.groups:
            for at, target in group.staff_changes:
                if at == 0:
                    self.set_staff(group.index, target, 0.0)
                elif at < horizon:
                    wake = Wake(self.on_staff, (group.index, target))
                    heappush(heap, (at, NORMAL, next(ids), wake))

    def on_staff(self, ev: Wake) -> None:
        g, target = ev._value
        self.set_staff(g, target, self._env._now)

    def set_staff(self, g: int, target: int, now: float) -> None:
        """Bring group ``g`` to ``target`` agents on duty (busy leavers finish their work first)."""
        pool = self._pool
        self._staff_now[g] = target
        staying = pool.n_staying(g)
        if target > staying:
            joining = pool.recall(g, target - staying)
            joining += [pool.log_on(g, now) for _ in range(target - staying - len(joining))]
            for a in joining:
                self._seek_work(a, now)
        elif target < staying:
            pool.release(g, staying - target, now)
        for follow in self._followers:
            follow(g, now)
