"""Random numbers of the contacts a customer's journey creates, keyed to the customer.

A journey is a chain: a contact creates at most one later contact (a retrial after a failure, a
repeat after an unresolved answer, a callback, an offline form). Everything about the ``j``-th
contact of a journey (``j`` = 1 for the first one the run creates) — whether it happens, its
delay, a switch of contact type, handle time, patience, after-contact work, its decision
uniforms and, for a callback, whether each call is answered — is drawn from a numpy Philox
generator whose key is the customer's key (``engine/source.py``) and whose counter starts at
``j``. So the same customer's ``j``-th contact gets the same numbers in any two runs of the same
replication, whatever else happened in them (common random numbers keyed to the customer, not
to the order of events).

Speed: one Philox bit generator is re-keyed per created contact (its state set in place, about
1.3 µs), instead of building a generator (about 34 µs).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cccsim.rng import Streams

KEY_LIMIT = 2**63 - 1
"""Customer keys are drawn uniformly from [0, KEY_LIMIT) (``engine/source.py``, ``engine/ivr.py``)."""


class FollowUps:
    """The generator of contact ``j`` of a customer's journey, for any customer key and ``j``."""

    def __init__(self, streams: Streams) -> None:
        # a salt from the replication's named stream, so journeys differ between replications
        # even where customers' keys would not (replayed traces draw keys too, but be safe)
        salt = int(streams.stream("journeys").integers(0, 2**63 - 1))
        self._bits = np.random.Philox(key=0)
        self.generator = np.random.Generator(self._bits)
        # Speed: the state is set from plain lists (the setter reads them entry by entry, which
        # costs half as much as reading numpy arrays), the counter and key changed in place
        self._counter = [0, 0, 0, 0]
        self._key = [0, salt]
        self._state: dict[str, Any] = {
            "bit_generator": "Philox",
            "state": {"counter": self._counter, "key": self._key},
            "buffer": [0, 0, 0, 0],
            "buffer_pos": 4,  # nothing buffered from a previous position
            "has_uint32": 0,
            "uinteger": 0,
        }

    def at(self, key: int, j: int) -> np.random.Generator:
        """The generator positioned at contact ``j`` of the journey of the customer ``key``."""
        self._counter[1] = j  # the counter is (0, j, 0, 0)
        self._key[0] = key
        self._bits.state = self._state  # type: ignore[assignment]  # lists, not arrays
        return self.generator
