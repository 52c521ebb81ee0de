"""Bad rows of a log: each counted once, under the first problem found, with a few examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class BadRows:
    """Rows dropped for one problem: how many, and a few examples (line, values)."""

    problem: str
    count: int
    examples: tuple[str, ...]


class Checks:
    """Rows failing a check, each counted once under the first problem found, with examples."""

    def __init__(self, n: int, where: str, frame: pd.DataFrame) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.found: list[BadRows] = []
        self.where = where
        self.frame = frame

    def add(self, problem: str, mask: np.ndarray, shown: list[str]) -> None:
        """Count the rows of ``mask`` not already bad under ``problem``."""
        new = np.asarray(mask, dtype=bool) & ~self.bad
        if not new.any():
            return
        self.bad |= new
        rows = np.flatnonzero(new)
        cols = [c for c in shown if c in self.frame]
        offset = 2 if self.where == "line" else 1
        examples = tuple(
            f"{self.where} {i + offset}: "
            + ", ".join(f"{c}={_show(self.frame[c].iloc[i])}" for c in cols)
            for i in rows[:3]
        )
        self.found.append(BadRows(problem, int(rows.size), examples))

    def render(self) -> str:
        """The problems, one per line, with their examples."""
        return "".join(
            f"\n  {b.count} row{'s' if b.count != 1 else ''}: {b.problem} (e.g. {'; '.join(b.examples)})"
            for b in self.found
        )


def _show(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "(empty)"
    return repr(str(value)) if not isinstance(value, pd.Timestamp) else str(value)
