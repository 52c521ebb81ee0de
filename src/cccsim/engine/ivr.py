"""The IVR: callers who pass through an entry point's menu before (perhaps) reaching a queue.

Each entry point (``ivr.<entry>``) has its own arrivals. A caller spends a drawn time in the
menu; with probability ``containment`` the menu settles the need (the caller never queues),
otherwise the caller picks a contact type with the menu's shares and joins that type's queue when
leaving the IVR. Every call is recorded (``Records.ivr``) for the IVR's minutes and costs.

Common random numbers: each caller's attributes (segment, handle time, patience, after-contact
work, decision uniforms, key) are drawn for *every* type it might choose, from the entry's own
streams, before containment and choice are applied — so a change of containment or shares moves
callers between outcomes without changing who they are. Drawn a day at a time, in blocks, with
the rest of the day's customers (``engine/source.py``): nothing of the IVR runs in the event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cccsim.engine.followups import KEY_LIMIT
from cccsim.records import IvrCalls

if TYPE_CHECKING:
    from cccsim.engine.source import Customers, Source


def ivr_callers(
    source: Source, start: float, end: float, ivr_rows: list[IvrCalls]
) -> dict[str, list[Customers]]:
    """The callers of every IVR entry in [start, end) who are routed on, by contact type; every
    call (routed or contained) is appended to ``ivr_rows``, as columns (one block per entry)."""
    model = source.model
    stream = source.stream
    routed: dict[str, list[Customers]] = {}
    for e, entry in enumerate(model.ivr):
        calls = entry.arrivals.draw(stream(f"arrivals/ivr/{entry.name}"), start, end)
        spent = entry.time.draw(stream(f"ivr_time/{entry.name}"), calls.size)
        u = stream(f"ivr_choice/{entry.name}").random((calls.size, 2))
        contained = u[:, 0] < entry.containment
        bounds = np.cumsum([p for _, p in entry.choices])
        pick = np.minimum(
            np.searchsorted(bounds, u[:, 1] * bounds[-1], side="right"), len(bounds) - 1
        )
        names = [name for name, _ in entry.choices]
        entries = np.full(calls.size, e, dtype=np.int16)
        ivr_rows.append(IvrCalls(entries, calls, spent, contained, pick.astype(np.int16)))
        # every caller's attributes, contained or not, for every choice (keyed to the call)
        of = f"ivr/{entry.name}"
        decide = stream(f"decide/{of}").random((calls.size, 3))
        key = stream(f"customer/{of}").integers(0, KEY_LIMIT, calls.size)
        for k, choice in enumerate(names):
            base = model.types_of(choice)[0]
            everyone = source.customers(base, calls + spent, calls, of, decide, key)
            routed.setdefault(choice, []).append(everyone.take(~contained & (pick == k)))
    return routed
