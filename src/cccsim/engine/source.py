"""Where contacts come from: the customers who arrive of their own accord, drawn in blocks a day at
a time, with every random attribute of their first contact and a key for the rest of their journey.

Common random numbers are keyed to the customer. Each *source* of customers — a contact type's
own arrivals, or an IVR entry point's calls — draws its customers' attributes from its own named
streams, one row per customer in the order the source produces them, whether or not the
customer reaches a queue: an IVR caller gets a segment, handle time, patience, after-contact
work and decision uniforms (balk, accept a callback, resolved) for every type it might choose,
before containment and choice are applied. So two strategies that differ only in a lever (IVR
containment, menu shares, staffing, routing, callbacks, ...) see the same customers with the same
attributes. A type fed only by its own arrivals draws exactly as before IVR callers had streams
of their own (``handle/<type>``, ``patience/<type>``, ``segment/<type>``, ``decide/<type>``).

Every customer also gets a 64-bit key; the contacts its journey creates later (retrials,
repeats, callbacks, offline forms) draw from a stream keyed by it (``engine/followups.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from cccsim.engine.followups import KEY_LIMIT
from cccsim.engine.ivr import ivr_callers
from cccsim.model.build import Model, TypeModel
from cccsim.records import IvrCalls
from cccsim.rng import Streams


@dataclass
class Customers:
    """Customers joining one contact type's queue, one row each (attributes before segments)."""

    joined: np.ndarray  # when the customer joins the queue
    entered: np.ndarray  # when the customer started (call-in time, before the IVR)
    segment_u: np.ndarray  # uniform that picks the segment
    handle: np.ndarray  # before the segment's factor
    patience: np.ndarray  # before the segment's factor (inf: no patience)
    wrap: np.ndarray  # after-contact work (0: none)
    decide: np.ndarray  # (n, 3) uniforms: balk, accept a callback, resolved at first contact
    key: np.ndarray  # int64: the customer's key for the contacts its journey creates

    def take(self, mask: np.ndarray) -> Customers:
        """The rows selected by ``mask`` (or an index array)."""
        return Customers(*(getattr(self, f.name)[mask] for f in fields(self)))

    @staticmethod
    def join(parts: list[Customers]) -> Customers:
        """The rows of ``parts``, one after the other."""
        return Customers(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Customers))
        )


@dataclass
class Initial:
    """The initial contacts of a replication, ordered by the instant they join a queue."""

    kind: np.ndarray  # internal type index
    arrived: np.ndarray
    entered: np.ndarray  # when the customer started (call-in time, before the IVR)
    handle: np.ndarray
    patience: np.ndarray
    wrap: np.ndarray  # after-contact work of the agent who answers (0: none)
    decide: np.ndarray  # (n, 3) uniforms: balk, accept a callback, resolved at first contact
    key: np.ndarray  # int64: the customer's key
    ivr: list[IvrCalls]  # the IVR calls of the window, routed or not (one block per entry)


class Source:
    """Draws the customers that arrive of their own accord (own arrivals and IVR callers), one
    window of time at a time, so only the current day's contacts are ever held.

    IVR callers are drawn by the window of their call; one whose IVR time carries it past the
    window's end joins the queue in the next window, with the attributes drawn at its call.
    """

    def __init__(self, model: Model, streams: Streams) -> None:
        self.model = model
        self.streams = streams
        self._pending: dict[str, Customers] = {}  # type → customers joining in a later window
        self._rngs: dict[str, np.random.Generator] = {}

    def stream(self, name: str) -> np.random.Generator:
        """The named stream, continued from window to window."""
        rng = self._rngs.get(name)
        if rng is None:
            rng = self._rngs[name] = self.streams.stream(name)
        return rng

    def customers(
        self,
        base: TypeModel,
        joined: np.ndarray,
        entered: np.ndarray,
        source: str = "",
        decide: np.ndarray | None = None,
        key: np.ndarray | None = None,
    ) -> Customers:
        """Attributes of customers of ``base``'s type from ``source`` ("" for the type's own
        arrivals, ``ivr/<entry>`` for an IVR's callers), one row per customer; ``decide`` and
        ``key`` when the source draws them once for every type its customers may choose."""
        n = joined.size
        of = f"/{base.parent}" + (f"/{source}" if source else "")
        s = self.stream
        return Customers(
            joined=joined,
            entered=entered,
            segment_u=s(f"segment{of}").random(n),
            handle=base.handle.draw(s(f"handle{of}"), n),
            patience=base.patience.draw(s(f"patience{of}"), n)
            if base.patience is not None
            else np.full(n, math.inf),
            wrap=base.after_contact_work.draw(s(f"after_contact_work{of}"), n)
            if base.after_contact_work is not None
            else np.zeros(n),
            decide=s(f"decide{of}").random((n, 3)) if decide is None else decide,
            key=s(f"customer{of}").integers(0, KEY_LIMIT, n, dtype=np.int64)
            if key is None
            else key,
        )

    def draw(self, start: float, end: float) -> Initial:
        """The contacts joining a queue in [start, end), ordered by that instant."""
        model = self.model
        ivr_rows: list[IvrCalls] = []
        routed = ivr_callers(self, start, end, ivr_rows)
        pending, self._pending = self._pending, {}
        parts = []
        for base in (t for t in model.types if not t.segment):
            members = model.types_of(base.parent)
            own = (
                base.arrivals.draw(self.stream(f"arrivals/{base.parent}"), start, end)
                if base.has_arrivals
                else np.empty(0)
            )
            merged = Customers.join(
                [
                    self.customers(base, own, own),
                    *([pending[base.parent]] if base.parent in pending else []),
                    *routed.get(base.parent, []),
                ]
            )
            merged = merged.take(np.argsort(merged.joined, kind="stable"))
            later = (merged.joined >= end) & (merged.joined < model.horizon)
            if later.any():  # joins in a later window: kept with its attributes until then
                self._pending[base.parent] = merged.take(later)
            now = merged.take(merged.joined < end)
            n = now.joined.size
            shares = (
                np.cumsum([t.segment_share for t in members[1:]])
                if len(members) > 1
                else np.empty(0)
            )
            which = (
                np.searchsorted(shares, now.segment_u, side="right")
                if shares.size
                else np.zeros(n, dtype=int)
            )
            # index 0 .. k-1 = segments (first `shares` bins), k = default customers
            seg_index = np.where(which < len(members) - 1, which + 1, 0) if shares.size else which
            kinds = np.array([m.index for m in members], dtype=np.int16)[seg_index]
            factor_h = np.array([m.handle_factor for m in members])[seg_index]
            factor_p = np.array([m.patience_factor for m in members])[seg_index]
            parts.append(
                Initial(
                    kinds,
                    now.joined,
                    now.entered,
                    now.handle * factor_h,
                    now.patience * factor_p,
                    now.wrap,
                    now.decide,
                    now.key,
                    [],
                )
            )
        if not parts:
            empty = np.empty(0)
            return Initial(
                np.empty(0, dtype=np.int16),
                empty,
                empty,
                empty,
                empty,
                empty,
                np.empty((0, 3)),
                np.empty(0, dtype=np.int64),
                ivr_rows,
            )
        arrived = np.concatenate([p.arrived for p in parts])
        order = np.argsort(arrived, kind="stable")

        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts])[order]

        return Initial(
            joined("kind"),
            arrived[order],
            joined("entered"),
            joined("handle"),
            joined("patience"),
            joined("wrap"),
            joined("decide"),
            joined("key"),
            ivr_rows,
        )
