"""Samplers: each distribution has the mean (and CV) its scenario fields say."""

from __future__ import annotations

import numpy as np
import pytest

from cccsim.model.dists import make_sampler
from cccsim.scenario.schema import Deterministic, Empirical, Exponential, Gamma, Lognormal, Uniform

N = 400_000


@pytest.mark.parametrize(
    ("spec", "mean", "cv"),
    [
        (Exponential(dist="exponential", mean=240), 240, 1.0),
        (Lognormal(dist="lognormal", mean=240, cv=0.9), 240, 0.9),
        (Gamma(dist="gamma", mean=600, cv=0.5), 600, 0.5),
        (Deterministic(dist="deterministic", value=30), 30, 0.0),
        (Uniform(dist="uniform", low=10, high=50), 30, 40 / np.sqrt(12) / 30),
        (Empirical(dist="empirical", values=[10, 20, 60]), 30, np.std([10, 20, 60]) / 30),
    ],
)
def test_mean_and_cv(spec, mean: float, cv: float) -> None:  # type: ignore[no-untyped-def]
    sampler = make_sampler(spec)
    x = sampler.draw(np.random.default_rng(1), N)
    assert sampler.mean == pytest.approx(mean)
    # standard error of the mean is cv·mean/√N ≈ 0.0016·cv·mean: 5 standard errors
    assert x.mean() == pytest.approx(mean, abs=5 * cv * mean / np.sqrt(N) + 1e-12)
    assert x.std() / x.mean() == pytest.approx(cv, abs=0.01 + 0.02 * cv)
    assert (x >= 0).all()


def test_empirical_from_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from cccsim.scenario.schema import ContactType

    (tmp_path / "aht.csv").write_text("handle\n60\n2min\n180\n")
    ct = ContactType.model_validate(
        {
            "channel": "voice",
            "arrivals": {"per_hour": 1},
            "handle_time": {"dist": "empirical", "file": "aht.csv"},
        },
        context={"base_dir": str(tmp_path)},
    )
    assert ct.handle_time.values == [60, 120, 180]  # type: ignore[union-attr]


SPECS = [
    Exponential(dist="exponential", mean=240),
    Lognormal(dist="lognormal", mean=240, cv=0.9),
    Gamma(dist="gamma", mean=600, cv=0.5),
    Gamma(dist="gamma", mean=60, cv=1.6),  # shape below 1: numpy's other gamma algorithm
    Deterministic(dist="deterministic", value=30),
    Uniform(dist="uniform", low=10, high=50),
    Empirical(dist="empirical", values=[10, 20, 60]),
]


@pytest.mark.parametrize("spec", SPECS)
def test_one_is_exactly_a_block_of_one(spec) -> None:  # type: ignore[no-untyped-def]
    """``one`` (a created contact's scalar draw) gives the very float ``draw(rng, 1)[0]`` gives,
    and leaves the generator at the same place: the records stay the same seed for seed."""
    sampler = make_sampler(spec)
    for seed in range(50):
        block, scalar = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(4):
            expected = float(sampler.draw(block, 1)[0])
            got = sampler.one(scalar)
            assert type(got) is float and got == expected
        assert block.random() == scalar.random()
