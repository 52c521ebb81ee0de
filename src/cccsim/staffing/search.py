"""Staffing search: the fewest agents per interval that meet the scenario's targets.

Start from the Erlang staffing of each interval (``staffing.erlang``), then simulate
``replications`` replications with common random numbers (the same seeds every round, so only
the staffing changes) and adjust: add an agent wherever a target misses its bound with the
requested one-sided confidence, then try one fewer wherever every target held, keeping each
reduction only if the targets still hold. Each target is held in every interval (the staffing
standard), whatever its ``per``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccsim.engine import run
from cccsim.errors import ExperimentError
from cccsim.experiment.executors import open_executor
from cccsim.experiment.replicate import as_scenario, replicate
from cccsim.model import build_model
from cccsim.model.build import Model
from cccsim.model.targets import TargetModel
from cccsim.results import ExperimentResult, Shown
from cccsim.rng import replication_seed
from cccsim.scenario import Scenario, apply_overrides
from cccsim.staffing.erlang import SEARCHABLE_KPIS, erlang_start
from cccsim.staffing.shifts import candidate_shifts, shift_as_data, shifts_frame, solve_shifts
from cccsim.stats.ci import t_interval
from cccsim.stats.targets import period_values

STAFF_COLUMNS = ["agent_group", "interval", "interval_start", "agents", "on_duty", "erlang"]
KPI_COLUMNS = ["target", "interval", "interval_start", "mean", "ci_low", "ci_high", "met"]


@dataclass(repr=False)
class StaffingPlan(Shown):
    """What the search found: the staffing table, the KPIs it achieves, and the scenario to run.

    ``staff``: one row per searched group and interval — ``agents`` scheduled (before shrinkage
    and adherence), ``on_duty`` after them, ``erlang`` the Erlang starting point (on duty).
    ``kpis``: per target and interval, the mean over replications with its one-sided bounds and
    whether the target held with the requested confidence. ``result`` holds every frame (costs
    included) of the replications of ``scenario``. With shifts, ``shifts`` lists the agents per
    chosen shift, ``staff.covered`` the scheduled agents the shifts give each interval, and
    ``scenario`` staffs the groups with those shifts.
    """

    staff: pd.DataFrame
    kpis: pd.DataFrame
    scenario: Scenario
    result: ExperimentResult
    rounds: int
    converged: bool
    confidence: float
    changes: dict[str, Any]  # dotted-path overrides that turn the input scenario into ``scenario``
    shifts: pd.DataFrame | None = None

    @property
    def agent_hours(self) -> float:
        """Scheduled agent-hours over the horizon."""
        s = self.staff
        return float((s.agents * self.scenario.interval).sum() / 3600)


def search_staffing(
    scenario: Scenario | str | Path | Mapping[str, Any],
    *,
    groups: Sequence[str] | None = None,
    replications: int = 30,
    seed: int = 0,
    confidence: float = 0.9,
    max_rounds: int = 40,
    shifts: bool = False,
    shift_length: float = 8 * 3600,
    backend: str = "auto",
    workers: int | None = None,
    cluster: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StaffingPlan:
    """Find the fewest agents per interval of the searched ``groups`` (default: every group that
    answers a targeted type first) meeting every service target in every interval.

    With ``shifts``, also choose how many agents start each allowed shift (the group's own shifts
    in the scenario, else shifts of ``shift_length`` starting at any interval on any day) to
    cover the requirement at the least paid time, and verify that staffing by simulation.
    Each round's replications run on ``backend`` (as in ``replicate``): the plan is the same on any.
    """
    if replications < 2:
        raise ExperimentError("the staffing search needs at least 2 replications per round")
    if not 0.5 <= confidence < 1:
        raise ExperimentError("confidence must be in [0.5, 1)")
    sc = as_scenario(scenario)
    model = build_model(sc)
    names = [g.name for g in model.groups]
    if groups is not None:
        unknown = [g for g in groups if g not in names]
        if unknown:
            raise ExperimentError(f"unknown agent group(s) {unknown}; the scenario has {names}")
    searched = set(range(len(names))) if groups is None else {names.index(g) for g in groups}
    # real-time targets are held per interval; deferred (email) work waits for the next staffed
    # hours by design, so its targets are reported for the final staffing, not searched
    targets = [
        t
        for t in model.targets
        if t.kpi in SEARCHABLE_KPIS
        and t.type_index is not None
        and model.types[t.type_index].channel != "email"
    ]
    primary: dict[int, int] = {}
    for t in targets:
        assert t.type_index is not None
        first = [g for g, _ in model.routes[t.type_index] if g in searched]
        if first:
            primary[t.type_index] = first[0]
    targets = [t for t in targets if t.type_index in primary]
    if not targets:
        raise ExperimentError(
            "the staffing search needs a service_level, asa, abandon_rate, wait_over or p_wait "
            "target for a voice, chat or messaging contact type answered by a searched group"
        )
    active = sorted(set(primary.values()))
    start = erlang_start(model, targets, primary)
    seeds = [replication_seed(seed, r) for r in range(replications)]
    with open_executor(backend, workers, cluster) as pool:

        def evaluate(staff: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
            staffed = _with_staff(model, staff, active)
            return _evaluate(model, staffed, targets, primary, seeds, confidence, pool)

        need, kpis, rounds, converged = _adjust(evaluate, start, active, max_rounds, progress)
    scheduled, changes = _schedule(sc, model, need, active)
    staff = _staff_frame(model, need, scheduled, start, active)
    shift_table = None
    if shifts:
        solutions = [
            solve_shifts(
                sc,
                model.groups[g].name,
                scheduled[g],
                sc.agent_groups[model.groups[g].name].shifts or candidate_shifts(sc, shift_length),
            )
            for g in active
        ]
        staff["covered"] = np.concatenate([s.covered for s in solutions])
        shift_table = shifts_frame(solutions, sc)
        changes = {
            f"agent_groups.{s.group}.{key}": value
            for s in solutions
            for key, value in (
                ("staff", None),
                ("shifts", {n: shift_as_data(sh) for n, sh in s.shifts.items()}),
            )
        }
    plan_scenario = apply_overrides(sc, changes)
    result = replicate(
        plan_scenario, replications, seed, backend=backend, workers=workers, cluster=cluster
    )
    return StaffingPlan(
        staff, kpis, plan_scenario, result, rounds, converged, confidence, changes, shift_table
    )


def _adjust(
    evaluate: Callable[[np.ndarray], tuple[np.ndarray, pd.DataFrame]],
    start: np.ndarray,
    active: list[int],
    max_rounds: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, pd.DataFrame, int, bool]:
    """Rounds of +1 where a target misses and −1 where all hold (kept only if they still hold).

    Returns the staffing, its per-interval KPIs, the rounds used and whether it settled.
    """
    need = start.copy()
    minimal = np.zeros(need.shape, dtype=bool)  # one fewer was tried (or missed): stop there
    rows = np.zeros(need.shape, dtype=bool)
    rows[active] = True
    rounds, converged = 0, False
    while rounds < max_rounds:
        failing, _ = evaluate(need)
        rounds += 1
        if progress is not None:
            progress(rounds, max_rounds)
        if failing.any():  # short somewhere: one more agent there, never fewer again
            need = need + failing
            minimal |= failing
            continue
        propose = rows & (need > 0) & ~minimal
        if not propose.any():
            converged = True
            break
        trial = need - propose
        failing_trial, _ = evaluate(trial)
        rounds += 1
        keep = propose & ~failing_trial
        minimal |= propose & failing_trial
        need = np.where(keep, trial, need)
    failing, kpis = evaluate(need)
    return need, kpis, rounds, converged and not failing.any()


def _with_staff(model: Model, need: np.ndarray, active: list[int]) -> Model:
    """``model`` with the active groups' agents on duty set per interval."""
    groups = list(model.groups)
    for g in active:
        changes = _changes(need[g], model.interval)
        groups[g] = replace(groups[g], staff_changes=changes, scheduled=changes)
    return replace(model, groups=tuple(groups))


def _changes(per_interval: np.ndarray, interval: float) -> tuple[tuple[float, int], ...]:
    out: list[tuple[float, int]] = []
    for i, n in enumerate(per_interval.tolist()):
        if not out or out[-1][1] != n:
            out.append((i * interval, int(n)))
    return tuple(out)


def _evaluate(
    base: Model,
    model: Model,
    targets: list[TargetModel],
    primary: dict[int, int],
    seeds: list[np.random.SeedSequence],
    confidence: float,
    pool: Executor,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Simulate every seed; return (group × interval misses, per-target per-interval KPIs)."""
    n_int = base.n_intervals
    per_interval = [replace(t, per="interval") for t in targets]
    futures = [pool.submit(_interval_values, model, per_interval, seed) for seed in seeds]
    values = np.stack([f.result() for f in futures], axis=1)  # target × replication × interval
    failing = np.zeros((len(base.groups), n_int), dtype=bool)
    rows = []
    for k, t in enumerate(targets):
        assert t.type_index is not None
        for i in range(n_int):
            mean, _, low, high = t_interval(values[k, :, i], 2 * confidence - 1)
            lower = mean if math.isnan(low) else low
            upper = mean if math.isnan(high) else high
            met = math.isnan(mean) or (
                (t.at_least is None or lower >= t.at_least)
                and (t.at_most is None or upper <= t.at_most)
            )
            if not met:
                failing[primary[t.type_index], i] = True
            rows.append((t.label, i, i * base.interval, mean, low, high, met))
    return failing, pd.DataFrame(rows, columns=KPI_COLUMNS)


def _interval_values(
    model: Model, targets: list[TargetModel], seed: np.random.SeedSequence
) -> np.ndarray:
    """One replication's value of each target in each interval (NaN in the warm-up)."""
    rec = run(model, seed)
    out = np.full((len(targets), model.n_intervals), np.nan)
    for k, t in enumerate(targets):
        v = period_values(rec, t)
        out[k, model.n_intervals - v.size :] = v
    return out


def _available(sc: Scenario, name: str) -> float:
    group = sc.agent_groups[name]
    return (1 - group.shrinkage) * group.adherence


def _scheduled_for(on_duty: int, available: float) -> int:
    """Fewest scheduled agents whose on-duty count round(s × available) reaches ``on_duty``."""
    s = max(0, math.floor((on_duty - 0.5) / available) - 1)  # round() may round up: start low
    while round(s * available) < on_duty:
        s += 1
    return s


def _schedule(
    sc: Scenario, model: Model, need: np.ndarray, active: list[int]
) -> tuple[np.ndarray, dict[str, Any]]:
    """Scheduled agents per (group, interval), and the overrides that staff the scenario so."""
    scheduled = np.zeros(need.shape, dtype=np.int64)
    overrides: dict[str, Any] = {}
    for g in active:
        name = model.groups[g].name
        avail = _available(sc, name)
        scheduled[g] = [_scheduled_for(int(n), avail) for n in need[g]]
        overrides[f"agent_groups.{name}.staff"] = scheduled[g].tolist()
        overrides[f"agent_groups.{name}.shifts"] = {}
    return scheduled, overrides


def _staff_frame(
    model: Model, need: np.ndarray, scheduled: np.ndarray, start: np.ndarray, active: list[int]
) -> pd.DataFrame:
    rows = [
        (
            model.groups[g].name,
            i,
            i * model.interval,
            int(scheduled[g, i]),
            int(need[g, i]),
            int(start[g, i]),
        )
        for g in active
        for i in range(model.n_intervals)
    ]
    return pd.DataFrame(rows, columns=STAFF_COLUMNS)
