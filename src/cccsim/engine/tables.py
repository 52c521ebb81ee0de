"""What the event loop reads about each contact type, as plain lists indexed by type (the
fastest thing to index in the loop), and the streams the contacts a run creates draw from."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cccsim.engine.source import Reserve, Uniforms
from cccsim.model.build import Model
from cccsim.rng import Streams


@dataclass(frozen=True)
class TypeTables:
    """Per contact type: queueing, routing and access facts, computed once per run."""

    exclusive: list[bool]  # takes a whole agent (voice, email) rather than a slot (chat)
    capacity: list[int]  # queue places
    first_groups: list[tuple[int, ...]]  # groups that may take it on arrival
    delays: list[tuple[float, ...]]  # overflow delays after which more groups may take it
    after_of: list[list[float]]  # [type][group]: wait before the group may take it
    special: list[bool]  # uses access rules (hours, announcements, callbacks): only these pay
    mean_handle: list[float]  # for the announced wait
    track_last: list[bool]  # announces the last wait
    callback_queue: list[int]  # the type its callbacks queue as
    partial_fcr: list[bool]  # may come back unresolved

    @classmethod
    def of(cls, model: Model) -> TypeTables:
        types = model.types
        every = range(len(types))
        return cls(
            exclusive=[t.exclusive for t in types],
            capacity=[t.queue_capacity for t in types],
            first_groups=[tuple(g for g, after in model.routes[t] if after == 0) for t in every],
            delays=[
                tuple(sorted({after for _, after in model.routes[t] if 0 < after < math.inf}))
                for t in every
            ],
            after_of=[[model.after(t, g.index) for g in model.groups] for t in every],
            special=[
                t.calendar is not None
                or bool(t.closed_days)
                or t.announce is not None
                or t.callback is not None
                for t in types
            ],
            mean_handle=[t.handle.mean * t.handle_factor for t in types],
            track_last=[t.announce == "last_wait" for t in types],
            callback_queue=[t.callback_type if t.callback_type >= 0 else t.index for t in types],
            partial_fcr=[t.resolution < 1 and t.repeat_delay is not None for t in types],
        )

    @property
    def decides(self) -> bool:
        """Whether any contact may read its three decision uniforms (else they are not kept)."""
        return any(self.special) or any(self.partial_fcr)


@dataclass(frozen=True)
class SpawnStreams:
    """Buffered named streams for the contacts a run creates (retrials, repeats, callbacks) and
    for after-contact work; per type (handle and patience by base type)."""

    uniforms: Uniforms
    handle: list[Reserve]
    patience: list[Reserve]
    retrial_delay: list[Reserve]
    repeat_delay: list[Reserve]
    wrap_up: list[Reserve | None]
    callback_delay: list[Reserve]

    @classmethod
    def of(cls, model: Model, streams: Streams) -> SpawnStreams:
        types = model.types
        s = streams.stream
        return cls(
            uniforms=Uniforms(s("journeys")),
            handle=[
                Reserve(t.handle, s(f"handle/{t.parent}/spawned"), t.handle_factor) for t in types
            ],
            patience=[
                Reserve(t.patience, s(f"patience/{t.parent}/spawned"), t.patience_factor)
                for t in types
            ],
            retrial_delay=[
                Reserve(t.retrial.delay if t.retrial else None, s(f"retrial_delay/{t.name}"))
                for t in types
            ],
            repeat_delay=[Reserve(t.repeat_delay, s(f"repeat_delay/{t.name}")) for t in types],
            wrap_up=[
                Reserve(t.after_contact_work, s(f"after_contact_work/{t.name}"))
                if t.after_contact_work is not None
                else None
                for t in types
            ],
            callback_delay=[
                Reserve(t.callback.later if t.callback else None, s(f"callback_delay/{t.name}"))
                for t in types
            ],
        )
