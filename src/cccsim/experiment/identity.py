"""A result's identity: everything that shapes the numbers of a replication, as one key.

Shards on disk carry the key of the experiment that wrote them, and a resumed run reuses a shard
only when the keys match (DESIGN.md §8). The ingredients:

- ``scenario``: the validated scenario's content (data read from CSV files is part of it);
- ``files``: the SHA-256 of every data file the scenario read (so the provenance names them);
- ``code``: the SHA-256 of a custom routing policy's source module, when the scenario names one;
- ``seed`` and ``seeding``: the experiment's seed and how replication ``r`` derives its seed
  from it — replication ``r`` is the same whatever the number of replications, the precision
  rule, the backend, the worker count or the batching, so none of those is an ingredient
  (adding replications to a folder reuses the ones there);
- ``cccsim`` and ``numpy``: the versions (numpy's Generators may change their streams between
  releases).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from cccsim import __version__
from cccsim.scenario import Scenario, scenario_hash
from cccsim.scenario.load import data_files

SEEDING = "SeedSequence(seed, spawn_key=(replication,))"
"""How replication ``r`` gets its seed (``rng.replication_seed``); a change here is a new identity."""

_NAMES = {
    "scenario": "the scenario",
    "files": "its data files",
    "code": "its routing policy's code",
    "seed": "the seed",
    "seeding": "the seeding",
    "cccsim": "the cccsim version",
    "numpy": "the numpy version",
}


class StaleResultsWarning(UserWarning):
    """Shards in ``out`` were made for another identity and are being recomputed."""


@dataclass(frozen=True)
class Identity:
    """The ingredients of a result's identity and the key that stands for them."""

    ingredients: dict[str, Any]

    @property
    def key(self) -> str:
        """A short, stable hash of the ingredients (what shards are stamped with)."""
        text = json.dumps(self.ingredients, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def result_identity(scenario: Scenario, seed: int) -> Identity:
    """The identity of replications of ``scenario`` in an experiment seeded with ``seed``."""
    return Identity(
        {
            "scenario": scenario_hash(scenario),
            "files": data_files(scenario),
            "code": _policy_code(scenario.routing_policy.policy),
            "seed": seed,
            "seeding": SEEDING,
            "cccsim": __version__,
            "numpy": np.__version__,
        }
    )


def what_changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """What differs between two sets of ingredients, in words: ``the seed (1 → 2)``."""
    parts = []
    for name, label in _NAMES.items():
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name == "files" and isinstance(before, dict) and isinstance(after, dict):
            changed = sorted(
                k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
            )
            parts.append(f"data file{'s' if len(changed) > 1 else ''} {', '.join(changed)}")
        elif name in ("seed", "cccsim", "numpy"):
            parts.append(f"{label} ({before} → {after})")
        else:
            parts.append(label)
    return ", ".join(parts) or "its identity"


def _policy_code(policy: str) -> dict[str, str]:
    """The SHA-256 of a custom routing policy's module source (empty for the built-in policy)."""
    if ":" not in policy:
        return {}
    module = policy.partition(":")[0]
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return {module: "not found"}
    if spec is None or not spec.origin or not spec.has_location:
        return {module: "not found"}
    try:
        with open(spec.origin, "rb") as handle:
            return {module: hashlib.sha256(handle.read()).hexdigest()}
    except OSError:
        return {module: "unreadable"}
