"""Distributions for handle times, patience and delays (chosen with ``dist:``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, model_validator

from cccsim.scenario.fields import Duration, _Model, _read_csv_column


class Exponential(_Model):
    """Exponential distribution (memoryless): the Erlang models' assumption."""

    dist: Literal["exponential"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``240s``."""


class Lognormal(_Model):
    """Lognormal distribution given by its mean and coefficient of variation (handle times)."""

    dist: Literal["lognormal"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``240s``."""
    cv: Annotated[float, Field(gt=0, le=20)]
    """Coefficient of variation (standard deviation ÷ mean)."""


class Gamma(_Model):
    """Gamma distribution given by its mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean: Annotated[Duration, Field(gt=0)]
    """Mean, e.g. ``10min``."""
    cv: Annotated[float, Field(gt=0, le=20)]
    """Coefficient of variation (standard deviation ÷ mean)."""


class Deterministic(_Model):
    """Always the same value (hand-worked cases, fixed wrap-up)."""

    dist: Literal["deterministic"]
    value: Duration
    """The value, e.g. ``3min``."""


class Uniform(_Model):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: Duration
    """Smallest value."""
    high: Duration
    """Largest value (at least ``low``)."""

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}s) must be at least low ({self.low:g}s)")
        return self


class Empirical(_Model):
    """Resampling of observed values (with replacement): inline ``values`` or a CSV ``file``."""

    dist: Literal["empirical"]
    values: list[Duration] | None = None
    """Observed values (durations); filled from ``file`` when that is given."""
    file: str | None = None
    """CSV file (relative to the scenario file) holding the observations."""
    column: str | None = None
    """Column of ``file`` to use (default: the first column)."""

    @model_validator(mode="before")
    @classmethod
    def _load_file(cls, data: object, info: ValidationInfo) -> object:
        if isinstance(data, dict) and data.get("file") is not None and data.get("values") is None:
            return {**data, "values": _read_csv_column(str(data["file"]), data.get("column"), info)}
        return data

    @model_validator(mode="after")
    def _has_values(self) -> Empirical:
        if not self.values:
            raise ValueError("give at least one observation in 'values' or a CSV 'file'")
        return self


Distribution = Annotated[
    Exponential | Lognormal | Gamma | Deterministic | Uniform | Empirical,
    Field(discriminator="dist"),
]
