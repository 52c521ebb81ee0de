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

EXTRA_FRAMES = ("journeys", "ivr")
"""Per-replication frames beyond ``FRAMES`` that a shard keeps (for the journey and IVR summaries)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.=,+-]+")


def point_dir(out: Path, point: str) -> Path:
    """The folder of one scenario or factor point."""
    return out / f"point={_UNSAFE.sub('_', point)[:120]}"


def shard_dir(out: Path, point: str, replication: int) -> Path:
    """The folder of one replication of one point."""
    return point_dir(out, point) / f"replication={replication}"


def claim_point(out: Path, point: str, scenario_hash: str) -> None:
    """Mark the point folder with its scenario hash; refuse a folder holding another scenario.

    Contacts files left half-streamed by a killed run are removed (one experiment per folder
    at a time: the point is taken up before any of its replications start).
    """
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
    for pattern in ("contacts-*.streaming-*", ".contacts-*.streaming-*"):
        for stale in folder.glob(pattern):  # streamed by a run that was killed
            stale.unlink(missing_ok=True)


def staging_path(out: Path, point: str, replication: int) -> Path:
    """A fresh temporary path (in the point's folder) to stream one replication's contacts to."""
    folder = point_dir(out, point)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"contacts-{replication}.streaming-{uuid.uuid4().hex}.parquet"


def write_shard(
    out: Path,
    point: str,
    replication: int,
    result: ReplicationResult,
    contacts_file: Path | None = None,
) -> None:
    """Write one replication's frames as Parquet, atomically (temp folder + rename).

    ``contacts_file``: the contacts were streamed there during the run; it is moved into the
    shard instead of writing ``result.contacts``.
    """
    final = shard_dir(out, point, replication)
    if final.exists():
        if contacts_file is not None:
            contacts_file.unlink(missing_ok=True)
        return
    tmp = final.parent / f".{final.name}.tmp-{uuid.uuid4().hex}"
    tmp.mkdir(parents=True)
    for name in FRAMES:
        if name == "contacts" and contacts_file is not None:
            os.replace(contacts_file, tmp / "contacts.parquet")
        else:
            getattr(result, name).to_parquet(tmp / f"{name}.parquet", index=False)
    for name in EXTRA_FRAMES:
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
        if name == "contacts" and "contact_id" in frames[name]:  # streamed in finishing order
            frames[name] = frames[name].sort_values("contact_id", ignore_index=True)
    for name in EXTRA_FRAMES:  # shards written before these frames were kept lack them
        path = folder / f"{name}.parquet"
        frames[name] = pd.read_parquet(path) if path.exists() else pd.DataFrame()
    provenance = json.loads((folder / "provenance.json").read_text())
    return ReplicationResult(**frames, provenance=provenance)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    tmp.write_text(text)
    os.replace(tmp, path)
