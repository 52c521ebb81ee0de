"""What the event loop reads about each contact type, as plain lists indexed by type (the
fastest thing to index in the loop)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cccsim.model.build import CALLBACK_QUEUE, UNLIMITED, Model, TypeModel


@dataclass(frozen=True)
class TypeTables:
    """Per contact type: queueing, routing and access facts, computed once per run."""

    exclusive: list[bool]  # takes a whole agent (voice, email) rather than a slot (chat)
    capacity: list[int]  # queue places of the type (all its segments together)
    line_pool: list[int]  # the type whose waiting live contacts a capacity counts (-1: none)
    capped: list[bool]  # its live contacts take queue places out of a limited number
    first_groups: list[tuple[int, ...]]  # groups that may take it on arrival
    delays: list[tuple[float, ...]]  # overflow delays after which more groups may take it
    after_of: list[list[float]]  # [type][group]: wait before the group may take it
    special: list[bool]  # uses access rules (hours, announcements, callbacks): only these pay
    mean_handle: list[float]  # for the announced wait
    track_last: list[bool]  # announces the last wait
    callback_queue: list[int]  # the type its callbacks queue as
    partial_fcr: list[bool]  # may come back unresolved
    wraps: list[bool]  # has after-contact work
    follows: bool  # some contact may create another (else customers' keys are not kept)

    @classmethod
    def of(cls, model: Model) -> TypeTables:
        types = model.types
        every = range(len(types))
        return cls(
            exclusive=[t.exclusive for t in types],
            capacity=[t.queue_capacity for t in types],
            line_pool=[line_pool(model, t) for t in types],
            capped=[t.queue_capacity != UNLIMITED and line_pool(model, t) >= 0 for t in types],
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
            wraps=[t.after_contact_work is not None for t in types],
            follows=any(
                t.retrial is not None
                or t.callback is not None
                or t.out_of_hours != "refuse"
                or (t.resolution < 1 and t.repeat_delay is not None)
                for t in types
            ),
        )

    @property
    def decides(self) -> bool:
        """Whether any contact may read its three decision uniforms (else they are not kept)."""
        return any(self.special) or any(self.partial_fcr)


def line_pool(model: Model, t: TypeModel) -> int:
    """The type (the parent's default customers) whose queue places ``t``'s live contacts share.

    A queue capacity counts lines: the live contacts of a contact type waiting at once, every
    segment together. A type's own callback queue holds callbacks, which hold no line (-1)."""
    if t.segment == CALLBACK_QUEUE:
        return -1
    return model.types_of(t.parent)[0].index
