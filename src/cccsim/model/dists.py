"""Samplers: a distribution from the scenario → a function drawing a block of variates.

Every sampler takes the ``Generator`` of one named stream and draws ``n`` values at once, so the
engine never calls numpy per contact. A contact created during the run (a retrial, repeat or
callback) draws its few values from its own keyed generator with ``one``: exactly the number
``draw(rng, 1)[0]`` gives, without building an array.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from cccsim.scenario.schema import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    Lognormal,
    Uniform,
)


class Sampler(Protocol):
    """Draws ``n`` non-negative variates (seconds) from ``rng``."""

    @property
    def mean(self) -> float: ...

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray: ...

    def one(self, rng: np.random.Generator) -> float:
        """One variate: the same number as ``draw(rng, 1)[0]``."""
        ...


@dataclass(frozen=True)
class ExponentialSampler:
    """Exponential with the given mean."""

    mean: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)

    def one(self, rng: np.random.Generator) -> float:
        return rng.exponential(self.mean)


@dataclass(frozen=True)
class LognormalSampler:
    """Lognormal with the given mean and coefficient of variation."""

    mean: float
    cv: float
    _mu: float = field(init=False, repr=False, compare=False)
    _sigma: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        sigma2 = math.log1p(self.cv * self.cv)
        object.__setattr__(self, "_mu", math.log(self.mean) - sigma2 / 2)
        object.__setattr__(self, "_sigma", math.sqrt(sigma2))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.lognormal(self._mu, self._sigma, n)

    def one(self, rng: np.random.Generator) -> float:
        return rng.lognormal(self._mu, self._sigma)


@dataclass(frozen=True)
class GammaSampler:
    """Gamma with the given mean and coefficient of variation."""

    mean: float
    cv: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        shape = 1.0 / (self.cv * self.cv)
        return rng.gamma(shape, self.mean / shape, n)

    def one(self, rng: np.random.Generator) -> float:
        shape = 1.0 / (self.cv * self.cv)
        return rng.gamma(shape, self.mean / shape)


@dataclass(frozen=True)
class DeterministicSampler:
    """Always ``mean``."""

    mean: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.mean)

    def one(self, rng: np.random.Generator) -> float:
        return float(self.mean)


@dataclass(frozen=True)
class UniformSampler:
    """Uniform on [low, high]."""

    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)

    def one(self, rng: np.random.Generator) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class EmpiricalSampler:
    """Resamples the observed values with replacement."""

    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)

    def one(self, rng: np.random.Generator) -> float:
        return float(self.draw(rng, 1)[0])


def make_sampler(
    spec: Exponential | Lognormal | Gamma | Deterministic | Uniform | Empirical,
) -> Sampler:
    """The sampler for a validated distribution from the scenario."""
    if isinstance(spec, Exponential):
        return ExponentialSampler(spec.mean)
    if isinstance(spec, Lognormal):
        return LognormalSampler(spec.mean, spec.cv)
    if isinstance(spec, Gamma):
        return GammaSampler(spec.mean, spec.cv)
    if isinstance(spec, Deterministic):
        return DeterministicSampler(spec.value)
    if isinstance(spec, Uniform):
        return UniformSampler(spec.low, spec.high)
    assert spec.values is not None  # the schema guarantees observations
    return EmpiricalSampler(tuple(spec.values))
