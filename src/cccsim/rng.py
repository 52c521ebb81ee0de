"""Per-replication random streams: one ``SeedSequence`` → named, order-independent Generators.

A stream's seed is derived from a stable hash of its name (``"arrivals/voice"``), so adding a
stream never shifts the numbers of the others, and scenarios that differ only in staffing,
routing or an access lever see the very same customers (common random numbers; how customers
draw from streams is in ``engine/source.py`` and ``engine/followups.py``).
"""

from __future__ import annotations

import hashlib

import numpy as np


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The ``SeedSequence`` of replication ``replication`` of an experiment seeded with ``seed``."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def _name_key(name: str) -> tuple[int, ...]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """Named random streams of one replication."""

    def __init__(self, seed: int | np.random.SeedSequence) -> None:
        self.root = (
            seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        )

    def stream(self, name: str) -> np.random.Generator:
        """A fresh Generator for ``name``; the same name always gives the same numbers."""
        child = np.random.SeedSequence(
            self.root.entropy,
            spawn_key=(*self.root.spawn_key, *_name_key(name)),
        )
        return np.random.Generator(np.random.PCG64(child))
