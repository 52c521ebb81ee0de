"""Experiments over replications: replicate (serial or process pool)."""

from cccsim.experiment.replicate import replicate

__all__ = ["replicate"]
