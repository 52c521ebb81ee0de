"""Shards on disk: one folder per finished replication, written atomically, read back to resume.

Layout: ``OUT/point=<name>/identity.json`` (the identity of the point's results, see
``identity.py``) and ``OUT/point=<name>/replication=<r>/<frame>.parquet`` plus ``provenance.json``
(which carries the identity key too). A shard is written into a hidden temporary folder and
renamed into place, so a crash never leaves a half-written shard that a resumed run would trust;
a shard of another identity is recomputed, never mixed in.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path

import pandas as pd

from cccsim.errors import ExperimentError
from cccsim.experiment.identity import Identity, what_changed
from cccsim.results import FRAMES, OPTIONAL_FRAMES, ReplicationResult

EXTRA_FRAMES = OPTIONAL_FRAMES
"""Per-replication frames beyond ``FRAMES`` that a shard keeps (journeys, IVR, the targets per
interval and the waiting-time curves, for the summaries and the report)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.=,+-]+")
_LONGEST = 120


def point_dir(out: Path, point: str) -> Path:
    """The folder of one scenario or factor point: one folder per name, never shared.

    A name that is not safe as a folder name, or longer than 120 characters, gets a readable
    prefix and a hash of the whole name (``~`` never occurs in safe names, so no two collide).
    """
    safe = _UNSAFE.sub("_", point)
    if safe != point or len(point) > _LONGEST:
        digest = hashlib.sha256(point.encode("utf-8")).hexdigest()[:12]
        safe = f"{safe[: _LONGEST - 20]}~{digest}"
    return out / f"point={safe}"


def shard_dir(out: Path, point: str, replication: int) -> Path:
    """The folder of one replication of one point."""
    return point_dir(out, point) / f"replication={replication}"


def claim_point(out: Path, point: str, identity: Identity) -> str | None:
    """Take up a point's folder for ``identity``; clear it first if it holds another identity.

    Returns None when the folder is new or holds this identity, else what changed (its shards
    were removed: they are recomputed, never mixed with new ones). Contacts files half-streamed
    and shards half-written by a killed run are removed too (one experiment per folder at a
    time: the point is taken up before any of its replications start).

    Raises:
        ExperimentError: stale shards cannot be removed.
    """
    folder = point_dir(out, point)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "identity.json"
    stamped = {"point": point, "key": identity.key, "ingredients": identity.ingredients}
    reason = _stale(folder, stamp, point, identity)
    try:
        if reason is not None:
            for stale in folder.iterdir():
                if stale.is_dir():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()
        if reason is not None or not stamp.exists():
            _atomic_text(stamp, json.dumps(stamped, indent=1, default=str))
        for pattern in ("contacts-*.streaming-*", ".contacts-*.streaming-*"):
            for leftover in folder.glob(pattern):  # streamed by a run that was killed
                leftover.unlink(missing_ok=True)
        for unfinished in folder.glob(".replication=*.tmp-*"):  # a shard its writer never renamed
            shutil.rmtree(unfinished, ignore_errors=True)
    except OSError as exc:
        raise ExperimentError(
            f"cannot clear the results of another experiment in {folder}: {exc.strerror}; "
            "delete the folder or use a new --out"
        ) from None
    return reason


def _stale(folder: Path, stamp: Path, point: str, identity: Identity) -> str | None:
    """Why the folder's shards may not be reused (None: they may, or there are none)."""
    if not stamp.exists():
        has_results = any(folder.glob("replication=*")) or (folder / "scenario_hash.txt").exists()
        return "they carry no identity (written by an earlier cccsim)" if has_results else None
    try:
        found = json.loads(stamp.read_text())
        old_point, old_key, old = found["point"], found["key"], found["ingredients"]
    except (OSError, ValueError, KeyError, TypeError):
        return "their identity file is unreadable"
    if old_point != point:
        return f"they belong to another point ({old_point!r})"
    if old_key == identity.key:
        return None
    return f"{what_changed(old, identity.ingredients)} changed"


def clear_leftovers(out: Path, point: str) -> None:
    """Remove contacts files of replications that a lost worker never finished."""
    for leftover in point_dir(out, point).glob("*contacts-*.streaming-*"):
        leftover.unlink(missing_ok=True)


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
    out: Path, point: str, replication: int, keep_contacts: bool, key: str
) -> ReplicationResult | None:
    """A finished replication of identity ``key`` read back, or None if it is not there.

    A shard stamped with another identity is removed (it is recomputed, never mixed in).
    """
    folder = shard_dir(out, point, replication)
    if not folder.is_dir():
        return None
    try:
        provenance = json.loads((folder / "provenance.json").read_text())
    except (OSError, ValueError):
        provenance = {}
    if not isinstance(provenance, dict) or provenance.get("identity") != key:
        shutil.rmtree(folder, ignore_errors=True)
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
    return ReplicationResult(**frames, provenance=provenance)


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex}")
    tmp.write_text(text)
    os.replace(tmp, path)
