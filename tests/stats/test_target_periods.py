"""A target's sums per contract period are its sums per interval folded together, when periods are
made of whole intervals; otherwise they are counted directly. Either way they equal a direct
count over the periods."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from cccsim.engine import run
from cccsim.model import build_model
from cccsim.scenario import load_scenario
from cccsim.stats.periods import target_edges
from cccsim.stats.tally import tally
from cccsim.stats.target_counts import fold_into_periods, target_sums
from tests.conftest import poisson_voice

DAY = 86400.0


def test_fold_adds_whole_intervals_into_their_period() -> None:
    fine = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]])
    sums = np.ones((2, 2))
    assert fold_into_periods(fine, np.array([0.0, 10, 20, 30, 40]), sums, np.array([0.0, 20, 40]))
    assert sums.tolist() == [[1 + 1 + 2, 1 + 3 + 4], [1 + 10 + 20, 1 + 30 + 40]]
    # periods starting after the first interval, ending before the last
    sums = np.zeros((2, 1))
    assert fold_into_periods(fine, np.array([0.0, 10, 20, 30, 40]), sums, np.array([10.0, 30]))
    assert sums.tolist() == [[2 + 3], [20 + 30]]


def test_fold_refuses_periods_that_cut_an_interval() -> None:
    fine = np.ones((2, 4))
    sums = np.zeros((2, 2))
    assert not fold_into_periods(
        fine, np.array([0.0, 10, 20, 30, 40]), sums, np.array([0.0, 15, 40])
    )
    assert not fold_into_periods(fine, np.array([0.0, 10, 20, 30, 40]), sums, np.array([0.0, 50]))
    assert not sums.any()


def _scenario(warmup: str) -> dict[str, Any]:
    per_day = [
        {
            "kpi": kpi,
            "contact_type": "voice",
            "per": per,
            "at_least" if kpi != "abandon_rate" else "at_most": 0.5,
        }
        for kpi in ("service_level", "abandon_rate")
        for per in ("day", "period", "interval")
    ]
    return {
        "name": "periods",
        "horizon": "3d",
        "warmup": warmup,
        "interval": "1h",
        "contact_types": {"voice": poisson_voice(50, handle="3min")},
        "agent_groups": {"team": {"skills": ["voice"], "staff": 3}},
        "targets": [
            *per_day,
            {"kpi": "asa", "contact_type": "voice", "per": "day", "at_most": "1min"},
            {"kpi": "occupancy", "agent_group": "team", "per": "day", "at_most": 0.99},
        ],
    }


# a warm-up of 2.5 h cuts an interval: the periods that start at its end are counted directly
@pytest.mark.parametrize("warmup", ["2h", "150min"])
def test_period_sums_equal_a_direct_count(warmup: str) -> None:
    model = build_model(load_scenario(_scenario(warmup)))
    rec = run(model, 3)
    tl = tally(rec)
    for t, sums in zip(model.targets, tl.targets, strict=True):
        direct = target_sums(rec, t)
        assert sums.shape == direct.shape == (2, target_edges(model, t.per).size - 1)
        assert direct[1].sum() > 0
        np.testing.assert_allclose(sums, direct, rtol=1e-12, atol=1e-9)
