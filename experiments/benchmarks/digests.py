"""Seed-for-seed digests of every example scenario's records: a guard for engine refactors.

    python experiments/benchmarks/digests.py --save    # store the current engine's digests
    python experiments/benchmarks/digests.py           # compare with the stored ones (exit 1 if not)

For each example scenario and a few fixed seeds it hashes the contacts and intervals frames
(``run_replication``), the groups frame and the number of events. A change of the engine that is
meant to be invisible (a restructure, a fast path) must leave every digest unchanged; a change
that alters the numbers on purpose re-saves them and says so in its commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

import cccsim
from cccsim.scenario.load import apply_overrides

ROOT = Path(__file__).resolve().parents[2]
STORE = Path(__file__).resolve().parent / "digests.json"
SEEDS = (1, 7)
HORIZONS = {"retail_bank": "7d"}  # long enough for the weekend's callback backlog


def frame_digest(frame: pd.DataFrame) -> str:
    """A hash of a frame's values, index and column names (order matters)."""
    h = hashlib.sha256()
    h.update(",".join(map(str, frame.columns)).encode())
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()[:16]


def digests() -> dict[str, dict[str, str | int]]:
    out: dict[str, dict[str, str | int]] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sc = cccsim.load_scenario(path)
        if path.stem in HORIZONS:
            sc = apply_overrides(sc, {"horizon": HORIZONS[path.stem]})
        for seed in SEEDS:
            r = cccsim.run_replication(sc, seed)
            out[f"{path.stem}/{seed}"] = {
                "contacts": frame_digest(r.contacts),
                "intervals": frame_digest(r.intervals),
                "groups": frame_digest(r.groups),
                "n_events": int(r.provenance["n_events"]),
            }
            print(path.stem, seed, out[f"{path.stem}/{seed}"], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help="store the current digests")
    args = parser.parse_args()
    now = digests()
    if args.save:
        STORE.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        return
    stored = json.loads(STORE.read_text())
    bad = [k for k in stored if stored[k] != now.get(k)]
    for k in bad:
        print(f"CHANGED {k}: {stored[k]} -> {now.get(k)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
