"""Warm-up choice: MSER-5 finds a known transient and leaves a stationary series alone."""

from __future__ import annotations

import numpy as np

import cccsim
from cccsim.stats.warmup import mser, suggest_warmup, welch


def test_mser_finds_an_initial_transient() -> None:
    rng = np.random.default_rng(1)
    transient = np.concatenate([np.linspace(20, 5, 60), np.full(440, 5.0)])
    cut = mser(transient + rng.normal(0, 0.5, 500))
    assert 40 <= cut <= 90


def test_mser_leaves_a_stationary_series_alone() -> None:
    rng = np.random.default_rng(2)
    assert mser(rng.normal(5, 1, 500)) <= 25


def test_welch_smooths_and_keeps_length() -> None:
    x = np.vstack([np.arange(20.0), np.arange(20.0) + 2])
    w = welch(x, window=2)
    assert w.shape == (20,)
    np.testing.assert_allclose(w[5], 6.0)


def test_suggested_warmup_of_a_heavily_loaded_queue_started_empty() -> None:
    """Starting empty, a queue at ρ ≈ 0.95 needs time to fill; MSER-5 suggests a positive warm-up
    well short of the horizon."""
    sc = cccsim.load_scenario(
        {
            "name": "warm",
            "horizon": "2d",
            "interval": "15min",
            "contact_types": {
                "voice": {
                    "channel": "voice",
                    "arrivals": {"per_hour": 570},
                    "handle_time": {"dist": "exponential", "mean": 300},
                }
            },
            "agent_groups": {"team": {"skills": ["voice"], "staff": 50}},
        }
    )
    exp = cccsim.replicate(sc, 8, seed=3, backend="serial")
    warm = suggest_warmup(exp.intervals, "voice", "mean_queue")
    assert 0 < warm < 86400
