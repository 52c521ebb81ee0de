"""Rounds of simulation for the staffing search: every round simulates one or more plans on one
block of seeds, all replications submitted at once to the executor.

Block 0 is the search's own seeds (the same every round: common random numbers, so only the
staffing changes between rounds); every confirmation round takes a block no round has used
before, so what it shows is independent of how the plan was chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cccsim.model import build_model
from cccsim.results import ReplicationResult
from cccsim.rng import replication_seed
from cccsim.scenario import Scenario
from cccsim.staffing.estimate import paired, smoothed
from cccsim.staffing.measure import Judgement, Replication, judge, run_plans
from cccsim.staffing.problem import Problem, staffed_model, step_mean

SEARCH_MIN = 10  # replications per plan in the search rounds (block 0), at least


def search_count(replications: int) -> int:
    """Replications per plan on the search's own seeds: half of those of a fresh block, at least
    ``SEARCH_MIN`` (the search only aims; the confirmation on full fresh blocks decides)."""
    return min(replications, max(SEARCH_MIN, replications // 2))


@dataclass
class Outcome:
    """One plan on one block of seeds."""

    judgement: Judgement
    replications: list[Replication]
    raw: np.ndarray  # (replications, checks, intervals): each interval's own values
    estimates: np.ndarray  # what the judgement is on (see ``staffing.estimate``)

    def results(self, first: int) -> dict[int, ReplicationResult]:
        """The replications' KPI frames by replication index (when they were computed)."""
        out = {}
        for r, rep in enumerate(self.replications):
            if rep.result is not None:
                rep.result.provenance["replication"] = first + r
                out[first + r] = rep.result
        return out


@dataclass
class Rounds:
    """Simulates plans round by round and counts the rounds."""

    problem: Problem
    pool: Executor
    replications: int
    seed: int
    confidence: float
    max_rounds: int
    progress: Callable[[int, int], None] | None = None
    rounds: int = 0
    next_block: int = 1  # block 0 is the search's own seeds
    log: list[dict[str, Any]] = field(default_factory=list)

    def seeds(self, block: int) -> list[np.random.SeedSequence]:
        """Block 0 (the search's own seeds) has half the replications, at least ``SEARCH_MIN``:
        the search only aims, the confirmation on full fresh blocks decides."""
        first = block * self.replications
        count = self.replications if block else self.search_replications
        return [replication_seed(self.seed, first + r) for r in range(count)]

    @property
    def search_replications(self) -> int:
        return search_count(self.replications)

    def fresh_block(self) -> int:
        block = self.next_block
        self.next_block += 1
        return block

    def simulate(
        self,
        plans: list[np.ndarray],
        block: int,
        scenario: Scenario | None = None,
        costs: bool = False,
        phase: str = "",
    ) -> list[Outcome]:
        """Each plan (agents on duty per group and interval) on ``block``; with ``scenario``,
        the first plan is that scenario (its roster, say) and its replications keep their KPI
        frames (the plan's result). The first plan is estimated with the model's help
        (``estimate.smoothed``), the others against it seed by seed (``estimate.paired``)."""
        problem = self.problem
        models = [staffed_model(problem, p) for p in plans]
        if scenario is not None:
            models[0] = build_model(scenario)
        reps = run_plans(self.pool, models, problem.checks, self.seeds(block), costs, scenario)
        self.rounds += 1
        self.log.append({"round": self.rounds, "phase": phase, "block": block, "plans": len(plans)})
        if self.progress is not None:
            self.progress(self.rounds, self.max_rounds)
        edges = np.minimum(
            np.arange(problem.model.n_intervals + 1) * problem.model.interval,
            problem.model.horizon,
        )
        outcomes: list[Outcome] = []
        for model, rows in zip(models, reps, strict=True):
            raw = np.stack([r.values for r in rows])
            counts = np.stack([r.counts for r in rows])
            if not outcomes:
                on_duty = np.array([step_mean(g.staff_changes, edges) for g in model.groups])
                agents = problem.agents_for_checks(on_duty)
                estimates = smoothed(raw, problem.curves, agents, problem.model.interval)
            else:
                base = outcomes[0]
                estimates = paired(base.estimates, base.raw, raw)
            judgement = judge(estimates, raw, counts, problem.checks, self.confidence)
            outcomes.append(Outcome(judgement, rows, raw, estimates))
        return outcomes
