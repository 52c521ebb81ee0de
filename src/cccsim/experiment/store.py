"""Shards on disk: one folder per finished replication, written atomically, read back to resume.

Layout: ``OUT/point=<name>/replication=<r>/<frame>.parquet`` plus ``provenance.json``. A shard is
written into a hidden temporary folder and renamed into place, so a crash never leaves a
half-written shard that a resumed run would trust.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from pathlib import Path

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.results import FRAMES, ReplicationResult

_UNSAFE = re.compile(r"[^A-Za-z0-9_.=,+-]+")


def point_dir(out: Path, point: str) -> Path:
    """The folder of one scenario or factor point."""
    return out / f"point={_UNSAFE.sub('_', point)[:120]}"


def shard_dir(out: Path, point: str, replication: int) -> Path:
    """The folder of one replication of one point."""
    return point_dir(out, point) / f"replication={replication}"


def claim_point(out: Path, point: str, scenario_hash: str) -> None:
    """Mark the point folder with its scenario hash; refuse a folder holding another scenario."""
    folder = point_dir(out, point)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "scenario_hash.txt"
    if stamp.exists():
        found = stamp.read_text().strip()
        if found != scenario_hash:
            raise ExperimentError(
                f"{folder} holds results of another scenario (hash {found}, now {scenario_hash}); "
                "use a new --out folder or delete it"
            )
    else:
        _atomic_text(stamp, scenario_hash)


def write_shard(out: Path, point: str, replication: int, result: ReplicationResult) -> None:
    """Write one replication's frames as Parquet, atomically (temp folder + rename)."""
    final = shard_dir(out, point, replication)
    if final.exists():
        return
    tmp = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    for name in FRAMES:
        getattr(result, name).to_parquet(tmp / f"{name}.parquet", index=False)
    (tmp / "provenance.json").write_text(json.dumps(result.provenance, default=str, indent=1))
    try:
        os.rename(tmp, final)
    except OSError:  # another task finished the same shard first
        shutil.rmtree(tmp, ignore_errors=True)


def read_shard(
    out: Path, point: str, replication: int, keep_contacts: bool
) -> ReplicationResult | None:
    """A finished replication read back from disk, or None if it is not there."""
    folder = shard_dir(out, point, replication)
    if not folder.is_dir():
        return None
    frames = {}
    for name in FRAMES:
        if name == "contacts" and not keep_contacts:
            frames[name] = pd.DataFrame()
            continue
        frames[name] = pd.read_parquet(folder / f"{name}.parquet")
    provenance = json.loads((folder / "provenance.json").read_text())
    return ReplicationResult(**frames, provenance=provenance)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    tmp.write_text(text)
    os.replace(tmp, path)
