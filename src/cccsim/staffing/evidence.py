"""What the fresh seeds showed, pooled over the confirmation rounds.

Each confirmation round simulates the plan (and trial plans) on seeds no earlier round used. An
interval whose staffing — and that of the interval before it, whose queue it inherits — is the
same in several rounds is judged on all of them together: evidence accumulates where the plan has
settled, and one unlucky block of seeds does not move an interval that others showed holds.
Deferred work is judged per due interval on the runs staffed alike from the first arrival due
there to the deadline (the backlog it inherits is theirs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cccsim.staffing.measure import Judgement, judge
from cccsim.staffing.problem import Problem
from cccsim.staffing.rounds import Outcome


@dataclass
class Evidence:
    """Every fresh-seed run of the confirmation: its plan and its estimates."""

    problem: Problem
    confidence: float
    plans: list[np.ndarray] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, plan: np.ndarray, outcome: Outcome) -> None:
        self.plans.append(plan.copy())
        self.outcomes.append(outcome)

    def judge(self, at: np.ndarray, before: np.ndarray | None = None) -> Judgement:
        """Each check in each interval i over the runs staffed like ``at`` in i and like
        ``before`` (default ``at``) in i − 1, for every group of the check's cluster; deferred
        checks over the runs staffed like ``at`` everywhere."""
        problem = self.problem
        before = at if before is None else before
        k_n, n = len(problem.checks), problem.shape[1]
        cluster_rows = [list(problem.cluster_of(o[0])) for o in problem.owners]
        parts_est, parts_raw, parts_count = [], [], []
        for plan, out in zip(self.plans, self.outcomes, strict=True):
            use = np.zeros((k_n, n), dtype=bool)
            for k, rows in enumerate(cluster_rows):
                here = (plan[rows] == at[rows]).all(axis=0)
                prev = (plan[rows] == before[rows]).all(axis=0)
                if problem.checks[k].deferred:
                    # every interval since the first arrival due here is staffed alike
                    differ = np.concatenate(([0], np.cumsum(~here)))
                    use[k] = differ[np.arange(n) + 1] == differ[problem.since(k)]
                else:
                    use[k] = here & np.concatenate(([True], prev[:-1]))
            if not use.any():
                continue
            parts_est.append(np.where(use, out.estimates, np.nan))
            parts_raw.append(np.where(use, out.raw, np.nan))
            parts_count.append(
                np.where(use, np.stack([r.counts for r in out.replications]), np.nan)
            )
        if not parts_est:
            shape = (1, k_n, n)
            empty = np.full(shape, np.nan)
            return judge(empty, empty, np.zeros(shape), problem.checks, self.confidence)
        return judge(
            np.concatenate(parts_est),
            np.concatenate(parts_raw),
            np.concatenate(parts_count),
            problem.checks,
            self.confidence,
        )

    def removal_holds(self, plan: np.ndarray, g: int) -> np.ndarray:
        """Intervals where one agent fewer of group ``g`` there lets every real-time check the
        group can move hold, in that interval and in the next (which inherits its queue)."""
        problem = self.problem
        fewer = plan.copy()
        fewer[g] -= 1
        here = self.judge(fewer, plan)  # interval i with one fewer, i − 1 as planned
        after = self.judge(plan, fewer)  # interval i + 1 as planned, after i with one fewer
        affected = problem.affected(g)
        ok = np.ones(problem.shape[1], dtype=bool)
        for k, check in enumerate(problem.checks):
            if affected[k] and not check.deferred:
                tried = here.judged[k]  # no run had one fewer there: nothing shows it holds
                ok &= here.held[k] & tried & np.concatenate((after.held[k, 1:], [True]))
        return ok
