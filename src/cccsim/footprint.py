"""How large one replication will be — contacts and memory — known before it runs.

A scenario with absurd volumes is valid field by field but would end in a MemoryError (or swap
for minutes) only once it runs. Here its expected contacts come from the arrival plans the
model already holds (every attempt counted: IVR calls, retrials, repeats, callbacks and
offline forms at their most), and its peak memory from byte costs measured on the example
scenarios (``experiments/benchmarks``): a replication holding its contacts in memory grows with
the horizon's contacts, a streamed one (``contacts_to``, ``--out``) only with its busiest day,
so streaming allows far longer horizons. Both grow with the reporting intervals' tallies.

The limit is 80 % of the machine's memory (the smaller of its RAM and a cgroup limit), or
``CCCSIM_MAX_MEMORY`` (``16GB``, ``500MB``; ``0`` turns the check off).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cccsim.errors import ExperimentError
from cccsim.model import Model
from cccsim.units import DAY

BASE_BYTES = 300 * 2**20
"""Python with numpy, pandas and pyarrow loaded, before any simulation (measured 235 MB)."""
BYTES_PER_CONTACT = 900
"""Peak bytes per contact held in memory: records, tallies and the contacts frame (measured
320–630: 320 on a busy M/M/c day, 380 on the retail bank, 630 on the utility storm)."""
BYTES_PER_STREAMED_CONTACT = 1600
"""Peak bytes per contact of the busiest day when contacts stream to disk (measured 550–800,
and once 1,600 on a heavily loaded machine: Arrow's allocator returns memory lazily)."""
BYTES_PER_INTERVAL = 500
"""Peak bytes per reporting interval per contact type and per agent group (measured 350)."""
SHARE_OF_MACHINE = 0.8
ENVIRONMENT = "CCCSIM_MAX_MEMORY"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}


class TooLarge(ExperimentError):
    """A replication would not fit in memory; the message gives the estimate, the limit and the
    ways out (stream with ``--out``, a shorter horizon, fewer workers, ``CCCSIM_MAX_MEMORY``)."""


@dataclass(frozen=True)
class Footprint:
    """Expected size of one replication."""

    contacts: float
    """Expected contacts over the horizon, every attempt counted."""
    busiest_day: float
    """Expected contacts of the busiest simulated day."""
    in_memory: int
    """Peak bytes with the contacts kept in memory."""
    streamed: int
    """Peak bytes with the contacts streamed to a file."""

    def memory(self, streaming: bool) -> int:
        """Peak bytes of one replication, streamed or not."""
        return self.streamed if streaming else self.in_memory


def footprint(model: Model) -> Footprint:
    """The expected contacts and peak memory of one replication of ``model``."""
    days = max(1, math.ceil(model.horizon / DAY - 1e-9))
    per_day = np.zeros(days)
    for t in model.types:
        share = t.segment_share if t.has_arrivals else 0.0
        if share > 0:
            per_day += _by_day(t.arrivals.expected, model, days) * share * _attempts(model, t.index)
    for ivr in model.ivr:
        calls = _by_day(ivr.arrivals.expected, model, days)
        fed = sum(p * _attempts_of_parent(model, parent) for parent, p in ivr.choices)
        per_day += calls * (1 + (1 - ivr.containment) * fed)
    spread = 1 + 3 * max((t.arrivals.overdispersion_cv for t in model.types), default=0.0)
    busiest = float(per_day.max()) * spread if days else 0.0
    tallies = model.n_intervals * (len(model.types) + len(model.groups)) * BYTES_PER_INTERVAL
    contacts = float(per_day.sum())
    return Footprint(
        contacts=contacts,
        busiest_day=busiest,
        in_memory=int(BASE_BYTES + tallies + contacts * BYTES_PER_CONTACT),
        streamed=int(BASE_BYTES + tallies + busiest * BYTES_PER_STREAMED_CONTACT),
    )


def _by_day(expected: np.ndarray, model: Model, days: int) -> np.ndarray:
    day = (np.arange(expected.size) * model.interval // DAY).astype(int)
    return np.bincount(np.minimum(day, days - 1), weights=expected, minlength=days)


def _attempts(model: Model, index: int) -> float:
    """Contacts per arrival of a type: every retrial taken (an overloaded centre, where sizes
    matter, sees most callers give up), repeats until resolved, accepted callbacks, offline forms."""
    t = model.types[index]
    n = 1.0
    if t.retrial is not None:
        p = t.retrial.probability
        n *= sum(p**i for i in range(t.retrial.max_attempts))
    if t.repeat_delay is not None and t.resolution < 1:
        n *= 1 / max(t.resolution, 0.1)
    if t.callback is not None:
        n *= 1 + t.callback.acceptance
    if t.offline_type >= 0:
        n *= 2
    return n


def _attempts_of_parent(model: Model, parent: str) -> float:
    return max((_attempts(model, t.index) for t in model.types if t.parent == parent), default=1.0)


def memory_limit() -> tuple[int | None, str]:
    """The largest peak a replication may have, in bytes (None: no check), and where it comes from.

    Raises:
        TooLarge: ``CCCSIM_MAX_MEMORY`` is not a size.
    """
    setting = os.environ.get(ENVIRONMENT)
    if setting is not None and setting.strip():
        size = parse_size(setting)
        if size == 0:
            return None, f"{ENVIRONMENT}=0"
        return size, f"{ENVIRONMENT}={setting.strip()}"
    machine = machine_memory()
    if machine is None:
        return None, "this machine's memory is unknown"
    return int(machine * SHARE_OF_MACHINE), (
        f"{SHARE_OF_MACHINE:.0%} of this machine's {show_bytes(machine)}"
    )


def parse_size(text: str) -> int:
    """``16GB``, ``500MB``, ``2GiB`` or a number of bytes → bytes."""
    match = _SIZE.match(text)
    if not match:
        raise TooLarge(f"{ENVIRONMENT}={text!r} is not a size such as 16GB or 500MB (0: no limit)")
    number, unit = match.groups()
    unit = (unit or "").lower().removesuffix("b")  # "gib" → "gi", "gb" → "g", "b" → ""
    scale = 1024 ** ("kmgt".index(unit[0]) + 1) if unit.endswith("i") else _UNITS[unit]
    return int(float(number) * scale)


def machine_memory() -> int | None:
    """Physical memory, or the container's limit when smaller (cgroup v2 or v1); None if unknown."""
    total: int | None = None
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        try:
            import psutil

            total = int(psutil.virtual_memory().total)
        except ImportError:
            return None
    for cgroup in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(cgroup).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < total:
            total = int(text)
    return total


def show_bytes(n: float) -> str:
    """``1.2 GB``, ``340 MB``."""
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.0f} MB"


def check_fits(model: Model, streaming: bool, concurrent: int = 1) -> Footprint:
    """The footprint of a replication, if ``concurrent`` of them fit in memory at once.

    Raises:
        TooLarge: with the estimate, the limit, and how to stream, shorten or override.
    """
    size = footprint(model)
    limit, source = memory_limit()
    need = size.memory(streaming) * concurrent
    if limit is None or need <= limit:
        return size
    held = "with its contacts streamed to disk" if streaming else "holding its contacts in memory"
    lines = [
        f"one replication of {model.name!r} would have about {size.contacts:,.0f} contacts and "
        f"need about {show_bytes(size.memory(streaming))} {held}"
        + (f" ({concurrent} at once: {show_bytes(need)})" if concurrent > 1 else "")
        + f"; the limit is {show_bytes(limit)} ({source})."
    ]
    if not streaming and size.streamed * concurrent <= limit:
        lines.append(
            f"Stream the contacts to disk with --out DIR (out= in Python): it then needs "
            f"about {show_bytes(size.streamed)}, and longer horizons fit."
        )
    each = size.memory(streaming)
    if concurrent > 1 and each <= limit:
        lines.append(f"Use fewer workers (--workers {max(1, limit // each)}).")
    lines.append(
        f"Or shorten the horizon or lower the volumes, or set {ENVIRONMENT} (e.g. "
        f"{ENVIRONMENT}={math.ceil(need / 1e9) + 1}GB; 0 turns this check off) to run it anyway."
    )
    raise TooLarge(" ".join(lines))
