"""Where contacts come from: the initial contacts of a replication, drawn in blocks a day at a
time, and buffered streams for the contacts the run itself creates (retrials, repeats, callbacks).

Everything a contact decides at arrival is drawn here from its own type's named streams, in
arrival order, so options that differ in staffing, routing or access rules still see the same
customers (common random numbers): arrival instant, IVR time and choice, segment, handle time,
patience, and the uniforms behind balking, accepting a callback and being resolved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cccsim.model.build import Model
from cccsim.model.dists import Sampler
from cccsim.rng import Streams

BLOCK = 4096


class Reserve:
    """A buffered sampler: draws BLOCK variates at a time, hands them out one by one."""

    __slots__ = ("_buffer", "_draw", "_i")

    def __init__(
        self, sampler: Sampler | None, rng: np.random.Generator, scale: float = 1.0
    ) -> None:
        if sampler is None:
            self._draw = lambda: np.full(BLOCK, math.inf)
        else:
            self._draw = lambda: sampler.draw(rng, BLOCK) * scale
        self._buffer: list[float] = []
        self._i = 0

    def next(self) -> float:
        """The next variate."""
        if self._i >= len(self._buffer):
            self._buffer = self._draw().tolist()
            self._i = 0
        value = self._buffer[self._i]
        self._i += 1
        return value


class Uniforms(Reserve):
    """Buffered U(0, 1) variates."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__(None, rng)
        self._draw = lambda: rng.random(BLOCK)


@dataclass
class Initial:
    """The initial contacts of a replication, ordered by the instant they join a queue."""

    kind: np.ndarray  # internal type index
    arrived: np.ndarray
    entered: np.ndarray  # when the customer started (call-in time, before the IVR)
    handle: np.ndarray
    patience: np.ndarray
    decide: np.ndarray  # (n, 3) uniforms: balk, accept a callback, resolved at first contact
    ivr: list[
        tuple[str, float, float, bool, str]
    ]  # (entry, called_at, ivr time, contained, choice)


class Source:
    """Draws the contacts that arrive of their own accord (own arrivals and IVR callers), one
    window of time at a time, so only the current day's contacts are ever held.

    IVR callers are drawn by the window of their call; one whose IVR time carries it past the
    window's end joins the queue in the next window, drawn with that window's contacts.
    """

    def __init__(self, model: Model, streams: Streams) -> None:
        self.model = model
        self.streams = streams
        self._pending: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # type → (joins, entered)
        self._rngs: dict[str, np.random.Generator] = {}

    def _stream(self, name: str) -> np.random.Generator:
        """The named stream, continued from window to window."""
        rng = self._rngs.get(name)
        if rng is None:
            rng = self._rngs[name] = self.streams.stream(name)
        return rng

    def draw(self, start: float, end: float) -> Initial:
        """The contacts joining a queue in [start, end), ordered by that instant."""
        model = self.model
        horizon = model.horizon
        feed: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        for parent, pending in self._pending.items():
            feed.setdefault(parent, []).append(pending)
        ivr_rows: list[tuple[str, float, float, bool, str]] = []
        for entry in model.ivr:
            calls = entry.arrivals.draw(self._stream(f"arrivals/ivr/{entry.name}"), start, end)
            spent = entry.time.draw(self._stream(f"ivr_time/{entry.name}"), calls.size)
            u = self._stream(f"ivr_choice/{entry.name}").random((calls.size, 2))
            contained = u[:, 0] < entry.containment
            bounds = np.cumsum([p for _, p in entry.choices])
            pick = np.minimum(
                np.searchsorted(bounds, u[:, 1] * bounds[-1], side="right"), len(bounds) - 1
            )
            for i in range(calls.size):
                choice = entry.choices[pick[i]][0]
                ivr_rows.append(
                    (entry.name, float(calls[i]), float(spent[i]), bool(contained[i]), choice)
                )
            for k, (choice, _) in enumerate(entry.choices):
                mask = ~contained & (pick == k)
                feed.setdefault(choice, []).append((calls[mask] + spent[mask], calls[mask]))
        self._pending = {}
        parts = []
        for base in (t for t in model.types if not t.segment):
            members = model.types_of(base.parent)
            own = (
                base.arrivals.draw(self._stream(f"arrivals/{base.parent}"), start, end)
                if base.has_arrivals
                else np.empty(0)
            )
            joined = np.concatenate([own, *(j for j, _ in feed.get(base.parent, []))])
            entered_at = np.concatenate([own, *(e for _, e in feed.get(base.parent, []))])
            order = np.argsort(joined, kind="stable")
            joined, entered_at = joined[order], entered_at[order]
            later = (joined >= end) & (joined < horizon)
            if later.any():  # joins in a later window: drawn with it
                self._pending[base.parent] = (joined[later], entered_at[later])
            now = joined < end
            arrived, entered_at = joined[now], entered_at[now]
            n = arrived.size
            shares = (
                np.cumsum([t.segment_share for t in members[1:]])
                if len(members) > 1
                else np.empty(0)
            )
            u_segment = self._stream(f"segment/{base.parent}").random(n)
            which = (
                np.searchsorted(shares, u_segment, side="right")
                if shares.size
                else np.zeros(n, dtype=int)
            )
            # index 0 .. k-1 = segments (first `shares` bins), k = default customers
            seg_index = np.where(which < len(members) - 1, which + 1, 0) if shares.size else which
            kinds = np.array([m.index for m in members], dtype=np.int16)[seg_index]
            factor_h = np.array([m.handle_factor for m in members])[seg_index]
            factor_p = np.array([m.patience_factor for m in members])[seg_index]
            handle = base.handle.draw(self._stream(f"handle/{base.parent}"), n) * factor_h
            patience = (
                base.patience.draw(self._stream(f"patience/{base.parent}"), n) * factor_p
                if base.patience is not None
                else np.full(n, math.inf)
            )
            decide = self._stream(f"decide/{base.parent}").random((n, 3))
            parts.append((kinds, arrived, entered_at, handle, patience, decide))
        if not parts:
            empty = np.empty(0)
            return Initial(
                np.empty(0, dtype=np.int16), empty, empty, empty, empty, np.empty((0, 3)), ivr_rows
            )
        kinds, arrived, entered, handle, patience, decide = (
            np.concatenate(x) for x in zip(*parts, strict=True)
        )
        order = np.argsort(arrived, kind="stable")
        return Initial(
            kinds[order],
            arrived[order],
            entered[order],
            handle[order],
            patience[order],
            decide[order],
            ivr_rows,
        )
