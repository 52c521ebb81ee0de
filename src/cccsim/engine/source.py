"""Where contacts come from: the initial contacts of a replication, drawn in blocks before the
run, and buffered streams for the contacts the run itself creates (retrials, repeats, callbacks).

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


def initial_contacts(model: Model, streams: Streams) -> Initial:
    """Draw every contact that arrives of its own accord (own arrivals and IVR callers)."""
    horizon = model.horizon
    feed: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    ivr_rows: list[tuple[str, float, float, bool, str]] = []
    for entry in model.ivr:
        calls = entry.arrivals.draw(streams.stream(f"arrivals/ivr/{entry.name}"))
        calls = calls[calls < horizon]
        spent = entry.time.draw(streams.stream(f"ivr_time/{entry.name}"), calls.size)
        u = streams.stream(f"ivr_choice/{entry.name}").random((calls.size, 2))
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
    parts = []
    for base in (t for t in model.types if not t.segment):
        members = model.types_of(base.parent)
        own = (
            base.arrivals.draw(streams.stream(f"arrivals/{base.parent}"))
            if base.has_arrivals
            else np.empty(0)
        )
        joined = [own, *(j for j, _ in feed.get(base.parent, []))]
        entered_parts = [own, *(e for _, e in feed.get(base.parent, []))]
        arrived, entered_at = np.concatenate(joined), np.concatenate(entered_parts)
        order = np.argsort(arrived, kind="stable")
        arrived, entered_at = arrived[order], entered_at[order]
        keep = arrived < horizon
        arrived, entered_at = arrived[keep], entered_at[keep]
        n = arrived.size
        shares = (
            np.cumsum([t.segment_share for t in members[1:]]) if len(members) > 1 else np.empty(0)
        )
        u_segment = streams.stream(f"segment/{base.parent}").random(n)
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
        handle = base.handle.draw(streams.stream(f"handle/{base.parent}"), n) * factor_h
        patience = (
            base.patience.draw(streams.stream(f"patience/{base.parent}"), n) * factor_p
            if base.patience is not None
            else np.full(n, math.inf)
        )
        decide = streams.stream(f"decide/{base.parent}").random((n, 3))
        parts.append((kinds, arrived, entered_at, handle, patience, decide))
        del kinds, arrived, entered_at, handle, patience, decide
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
