"""The staffing plan's tables: agents per group and interval (required, scheduled, on duty, with
how each interval's search ended) and each target per interval on the final fresh seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccsim.model import build_model
from cccsim.scenario import Scenario
from cccsim.staffing.confirm import Confirmed
from cccsim.staffing.measure import Judgement
from cccsim.staffing.problem import Problem, step_mean
from cccsim.staffing.steps import shortfalls

STAFF_COLUMNS = [
    "agent_group",
    "interval",
    "interval_start",
    "required",
    "agents",
    "on_duty",
    "erlang",
    "floor",
    "status",
]
KPI_COLUMNS = [
    "target",
    "contact_type",
    "interval",
    "interval_start",
    "counted_by",
    "contacts",
    "mean",
    "ci_low",
    "ci_high",
    "held",
    "p_meet",
]

MINIMAL = "minimal"
STATUS_TEXT = {
    MINIMAL: "holds on fresh seeds; one agent fewer does not",
    "floor": "at the stability floor (more agents than the offered load)",
    "warm-up": "warm-up: the Erlang staffing of its offered load (not measured)",
    "no load": "nothing to answer",
    "not held": "a target does not hold on the fresh seeds",
    "unchecked": "changed by the last round the rounds allowed: not confirmed minimal",
}
"""What each ``status`` of the staffing table means."""


def status_of(problem: Problem, done: Confirmed, final: Judgement) -> np.ndarray:
    """How each (group, interval)'s search ended (keys of ``STATUS_TEXT``); ``final``: the
    fresh-seed judgement of what was finally simulated (the plan, or its roster)."""
    plan = done.plan
    out = np.full(problem.shape, MINIMAL, dtype=object)
    judged = np.zeros(problem.shape, dtype=bool)
    for k, owners in enumerate(problem.owners):
        for g in owners:
            judged[g] |= final.judged[k]
    out[(plan == 0) & ~judged] = "no load"
    out[(plan == problem.floor) & (plan > 0)] = "floor"
    out[done.moved] = "unchecked"
    out[shortfalls(problem, plan, final)] = "not held"
    out[problem.fixed] = "warm-up"
    return out


def staff_frame(
    problem: Problem,
    required: np.ndarray,
    plan_scenario: Scenario,
    status: np.ndarray,
    on_duty: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per searched group and interval."""
    model = build_model(plan_scenario)
    edges = np.minimum(np.arange(model.n_intervals + 1) * model.interval, model.horizon)
    rows = []
    for g in problem.searched:
        group = model.groups[g]
        scheduled = step_mean(group.scheduled or group.staff_changes, edges)
        duty = on_duty[g] if on_duty is not None else step_mean(group.staff_changes, edges)
        rows.append(
            pd.DataFrame(
                {
                    "agent_group": group.name,
                    "interval": np.arange(model.n_intervals),
                    "interval_start": edges[:-1],
                    "required": required[g],
                    "agents": scheduled,
                    "on_duty": duty,
                    "erlang": problem.start[g],
                    "floor": problem.floor[g],
                    "status": status[g],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)[STAFF_COLUMNS]


def kpi_frame(problem: Problem, j: Judgement) -> pd.DataFrame:
    """One row per searched target (targets with the same definition together) and interval."""
    model = problem.model
    n = model.n_intervals
    starts = np.arange(n) * model.interval
    parts = []
    for k, check in enumerate(problem.checks):
        parts.append(
            pd.DataFrame(
                {
                    "target": " | ".join(check.labels),
                    "contact_type": model.types[check.type_index].name,
                    "interval": np.arange(n),
                    "interval_start": starts,
                    "counted_by": "due" if check.deferred else "arrival",
                    "contacts": j.count[k],
                    "mean": j.mean[k],
                    "ci_low": j.low[k],
                    "ci_high": j.high[k],
                    "held": j.held[k],
                    "p_meet": j.p_meet[k],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[KPI_COLUMNS]
