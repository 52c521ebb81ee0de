"""Samplers: a distribution from the scenario → a function drawing a block of variates.

Every sampler takes the ``Generator`` of one named stream and draws ``n`` values at once, so the
engine never calls numpy per contact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ExponentialSampler:
    """Exponential with the given mean."""

    mean: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)


@dataclass(frozen=True)
class LognormalSampler:
    """Lognormal with the given mean and coefficient of variation."""

    mean: float
    cv: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv * self.cv)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)


@dataclass(frozen=True)
class GammaSampler:
    """Gamma with the given mean and coefficient of variation."""

    mean: float
    cv: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        shape = 1.0 / (self.cv * self.cv)
        return rng.gamma(shape, self.mean / shape, n)


@dataclass(frozen=True)
class DeterministicSampler:
    """Always ``mean``."""

    mean: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.mean)


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


@dataclass(frozen=True)
class EmpiricalSampler:
    """Resamples the observed values with replacement."""

    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)


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
