"""Shifts from requirements: how many agents start each allowed shift so that every interval has
the agents on duty it needs at the least paid time — an integer program (``scipy.optimize.milp``).

The engine puts round(agents × (1 − shrinkage) × adherence) of a shift's agents on duty (rounded
per shift: two agents at 30 % shrinkage give round(1.4) = 1), and takes breaks out of them. The
program counts both: each shift has its scheduled agents x (paid) and whole agents on duty
y ≤ x·available — rounded down, never up, so that a roster of one-agent shifts cannot hide its
shrinkage in the rounding — and y covers an interval by the share of it they are on duty
(window breaks staggered as the engine staggers them). The roster is then checked exactly as the
engine puts it on duty (``staffing.roster``). The solver's status is checked: a plan it could
not prove optimal says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from cccsim.errors import ExperimentError
from cccsim.model.shifts import shift_changes
from cccsim.scenario.schema import WEEKDAYS, Break, Scenario, Shift
from cccsim.units import DAY, format_time_of_day

SHIFT_COLUMNS = ["agent_group", "shift", "start", "length", "days", "agents", "paid_hours"]
_PROBE_AGENTS = 120  # agents per probe shift: window breaks staggered finely enough to average


@dataclass(frozen=True)
class ShiftSolution:
    """Agents per shift for one group, and the on-duty agents they give per interval."""

    group: str
    shifts: dict[str, Shift]  # only shifts with agents, with their agents set
    covered: np.ndarray  # agents on duty per interval (time average, linear in the shifts)
    paid_hours: float
    optimal: bool = True  # the solver proved the plan optimal (else: best found in time)
    message: str = ""


def candidate_shifts(
    sc: Scenario, length: float, breaks: list[Break] | None = None
) -> dict[str, Shift]:
    """Shifts starting at every interval boundary of the day, one per weekday in the horizon."""
    first = WEEKDAYS.index(sc.start_weekday)
    days = sorted({WEEKDAYS[(first + d) % 7] for d in range(math.ceil(sc.horizon / DAY))})
    out: dict[str, Shift] = {}
    for day in days:
        for k in range(sc.intervals_per_day):
            start = k * sc.interval
            name = f"{day}_{format_time_of_day(start).replace(':', '')}"
            out[name] = Shift(
                start=format_time_of_day(start),
                length=length,
                days=[day],
                agents=0,
                breaks=breaks or [],
            )
    return out


def coverage(sc: Scenario, shift: Shift) -> np.ndarray:
    """Agents on duty per interval of the horizon (time average) for one agent on ``shift``."""
    probe = shift.model_copy(update={"agents": _PROBE_AGENTS})
    changes = shift_changes({"probe": probe}, sc)
    edges = np.arange(sc.n_intervals + 1) * sc.interval
    edges[-1] = min(edges[-1], sc.horizon)
    at = np.array([c[0] for c in changes] + [sc.horizon])
    level = np.array([c[1] for c in changes], dtype=float)
    # area under the step function up to each edge, then differences per interval
    area = np.concatenate(([0.0], np.cumsum(level * np.diff(at))))
    cum = np.interp(edges, at, area)
    return np.diff(cum) / np.diff(edges) / _PROBE_AGENTS


def paid_hours(sc: Scenario, shift: Shift) -> float:
    """Paid hours of one agent on ``shift`` over the horizon (each shift day that overlaps it):
    the shift's length less its unpaid breaks."""
    first = WEEKDAYS.index(sc.start_weekday)
    paid = shift.length - sum(b.length for b in shift.breaks if not b.paid)
    total = 0.0
    for day in range(-1, math.ceil(sc.horizon / DAY) + 1):
        if WEEKDAYS[(first + day) % 7] in shift.days:
            start = day * DAY + shift.start
            if start < sc.horizon and start + shift.length > 0:
                total += paid
    return total / 3600


def solve_shifts(
    sc: Scenario,
    group: str,
    required: np.ndarray,
    candidates: Mapping[str, Shift],
    time_limit: float = 60.0,
    available: float = 1.0,
) -> ShiftSolution:
    """Fewest paid hours of ``candidates`` giving ``required`` agents on duty per interval, with
    each shift's agents scaled by ``available`` and rounded as the engine does."""
    names = list(candidates)
    if not names:
        raise ExperimentError(f"agent group {group!r}: no candidate shifts")
    cover = np.column_stack([coverage(sc, candidates[n]) for n in names])
    cost = np.array([paid_hours(sc, candidates[n]) for n in names])
    uncovered = np.flatnonzero((required > 0) & (cover.sum(axis=1) <= 0))
    if uncovered.size:
        starts = ", ".join(format_time_of_day(i * sc.interval % DAY) for i in uncovered[:5])
        raise ExperimentError(
            f"agent group {group!r}: no allowed shift covers the interval(s) starting {starts} "
            f"(day {uncovered[0] * sc.interval // DAY + 1:.0f}), which need agents"
        )
    need = np.asarray(required, dtype=float)
    k = len(names)
    most = float(max(need.max(initial=0), 0)) / min(available, 1.0) * 2 + 2
    # variables: x (scheduled, paid) then y (on duty) per shift
    rounding = np.hstack([-available * np.eye(k), np.eye(k)])  # y − a·x ≤ 0
    covering = np.hstack([np.zeros_like(cover), cover])  # Σ cover·y ≥ need
    res = milp(
        c=np.concatenate([cost + 1e-6 * np.arange(k), np.zeros(k)]),  # tie-break: one plan
        constraints=[
            LinearConstraint(rounding, lb=-np.inf, ub=1e-9),
            LinearConstraint(covering, lb=need - 1e-9, ub=np.inf),
        ],
        integrality=np.ones(2 * k),
        bounds=Bounds(0, np.full(2 * k, most)),
        options={"time_limit": time_limit},
    )
    if res.x is None or res.status not in (0, 1):
        raise ExperimentError(
            f"agent group {group!r}: the shift problem found no plan ({res.message})"
        )
    agents = np.round(res.x[:k]).astype(int)
    chosen = {
        n: candidates[n].model_copy(update={"agents": int(a)})
        for n, a in zip(names, agents, strict=True)
        if a > 0
    }
    on_duty = np.round(res.x[k:]).astype(int)
    return ShiftSolution(
        group,
        chosen,
        cover @ on_duty,
        float(cost @ agents),
        optimal=res.status == 0,
        message=str(res.message),
    )


def shifts_frame(solutions: list[ShiftSolution], sc: Scenario) -> pd.DataFrame:
    """One row per chosen shift: start, length, days, agents and their paid hours."""
    rows = [
        (
            s.group,
            name,
            format_time_of_day(shift.start),
            shift.length,
            ",".join(shift.days),
            shift.agents,
            shift.agents * paid_hours(sc, shift),
        )
        for s in solutions
        for name, shift in s.shifts.items()
    ]
    return pd.DataFrame(rows, columns=SHIFT_COLUMNS)


def shift_as_data(shift: Shift) -> dict[str, object]:
    """A shift as scenario data (times of day as quoted "HH:MM", as the schema requires)."""
    data = shift.model_dump()
    data["start"] = format_time_of_day(shift.start)
    for brk, raw in zip(shift.breaks, data["breaks"], strict=True):
        if brk.start is not None:
            raw["start"] = format_time_of_day(brk.start)
        if brk.window is not None:
            raw["window"] = [format_time_of_day(t) for t in brk.window]
        raw.pop("start" if brk.start is None else "window", None)
    return data
