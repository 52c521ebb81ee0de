"""The search's memory of what its own seeds showed (``staffing.bracket``), worked by hand."""

from __future__ import annotations

import math

import numpy as np

from cccsim.model.targets import TargetModel
from cccsim.staffing.bracket import NONE, Bracket
from cccsim.staffing.measure import Check


def _record(b: Bracket, agents: list[int], gaps: list[float]) -> None:
    n = len(agents)
    b.record(0, np.array(agents), np.array(gaps), np.zeros(n, dtype=bool), far=0.2)


def test_a_bracket_holds_while_the_interval_before_moves_by_one_agent() -> None:
    """Interval 1 is short at 20 and enough at 21: the answer is 21 whatever the model says,
    as long as interval 0 (whose queue it inherits) stays within one agent of where it was."""
    b = Bracket.empty(1, 3)
    _record(b, [10, 20, 30], [0.1, -0.05, 0.1])
    _record(b, [11, 21, 30], [0.1, 0.02, 0.1])
    assert (b.short[0, 1], b.enough[0, 1]) == (20, 21)
    assert b.propose(0, 1, 21, model=15.0) == 21.0


def test_a_shortfall_behind_a_backlog_is_forgotten_once_the_interval_before_is_restaffed() -> None:
    """Interval 1 was short at 20 while interval 0 had 10 agents. Once interval 0 has 13, the
    backlog it handed on is gone and the old shortfall says nothing: the next try is the
    model's, limited to a step down of max(3, 21 // 10) = 3 agents: 21 − 3 = 18 (with the
    stale bound it would stay at 21, one above the shortfall)."""
    b = Bracket.empty(1, 3)
    _record(b, [10, 20, 30], [0.1, -0.05, 0.1])
    _record(b, [11, 21, 30], [0.1, 0.02, 0.1])
    _record(b, [13, 21, 30], [0.1, 0.15, 0.1])
    assert b.short[0, 1] == -1
    assert b.enough[0, 1] == 21  # found again this round, with interval 0 at 13
    assert b.propose(0, 1, 21, model=15.0) == 18.0


def test_enough_found_is_forgotten_when_the_interval_before_loses_agents() -> None:
    """Enough at 21 with 12 agents before; with 9 agents before, 21 may no longer be enough:
    a round that finds it short at 21 is not a crossed bracket but the new shortfall."""
    b = Bracket.empty(1, 2)
    _record(b, [12, 21], [0.1, 0.05])
    assert b.enough[0, 1] == 21
    _record(b, [9, 21], [0.1, -0.03])
    assert (b.short[0, 1], b.enough[0, 1]) == (21, NONE)
    assert b.short_gap[0, 1] == -0.03


def _email_check() -> Check:
    target = TargetModel(
        label="email within 8h",
        kpi="service_level",
        type_index=0,
        group_index=None,
        threshold=8 * 3600.0,
        short_abandon=0.0,
        over="offered",
        calendar=None,
        per="interval",
        share_of_periods=None,
        at_least=0.9,
        at_most=None,
        penalty=None,
        bonus=None,
    )
    return Check(target, ("email within 8h",), True, np.zeros(3))


def test_deferred_work_scale_halves_while_in_time_then_bisects() -> None:
    """The work due per interval is scaled down by half each round its contacts are in time,
    up by half while they are not, then the geometric middle of the two bounds found."""
    b = Bracket.empty(1, 2)
    check = _email_check()
    in_time = np.array([1.0, np.nan])
    assert b.rescale(0, check, in_time, 2).tolist() == [0.5, 1.0]  # nothing due: unchanged
    assert b.rescale(0, check, in_time, 2).tolist() == [0.25, 1.0]
    late = np.array([0.85, 0.85])
    scale = b.rescale(0, check, late, 2)
    # interval 0: short at 0.25, enough at 0.5 → √(0.25 × 0.5); interval 1: up by half
    assert math.isclose(scale[0], math.sqrt(0.25 * 0.5))
    assert scale[1] == 1.5
