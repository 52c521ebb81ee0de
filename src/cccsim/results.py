"""Result containers: one replication, and an experiment over many (tidy DataFrames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

FRAMES: tuple[str, ...] = (
    "contacts",
    "intervals",
    "groups",
    "group_intervals",
    "summary",
    "targets",
)


@dataclass
class ReplicationResult:
    """KPIs of one replication; columns are documented in docs/reference/results.md."""

    contacts: pd.DataFrame
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame
    summary: pd.DataFrame
    targets: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by name (for writing and concatenating)."""
        return {name: getattr(self, name) for name in FRAMES}


@dataclass
class ExperimentResult:
    """Replications of one or more scenarios: per-replication frames plus CI summaries.

    Per-replication frames carry ``scenario`` (and one column per sweep factor) and
    ``replication`` columns; ``summary`` has one row per scenario × contact type × KPI with mean,
    std, ci_low and ci_high (Student t). ``differences`` (comparisons only) holds paired
    differences against the baseline.
    """

    replications: pd.DataFrame  # per-replication summary rows
    intervals: pd.DataFrame
    groups: pd.DataFrame
    group_intervals: pd.DataFrame
    targets: pd.DataFrame  # per replication
    summary: pd.DataFrame  # CI table, long form
    target_summary: pd.DataFrame
    group_summary: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)
    contacts: pd.DataFrame | None = None
    factors: list[str] = field(default_factory=list)
    scenarios: dict[str, Any] = field(default_factory=dict)  # name → Scenario
    differences: pd.DataFrame | None = None

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames by name (for writing)."""
        names = (
            "replications",
            "intervals",
            "groups",
            "group_intervals",
            "targets",
            "summary",
            "target_summary",
            "group_summary",
            "differences",
            "contacts",
        )
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def write_frames(
    frames: dict[str, pd.DataFrame], out: str | Path, fmt: str = "parquet"
) -> list[Path]:
    """Write frames to ``out/<name>.<fmt>`` atomically (temp file + rename); return the paths."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = directory / f"{name}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        elif fmt == "csv":
            frame.to_csv(tmp, index=False)
        else:
            raise ValueError(f"unknown format {fmt!r} (parquet or csv)")
        tmp.replace(path)
        written.append(path)
    return written
