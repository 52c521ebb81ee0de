"""Experiments over replications: replicate, compare, sweep — on serial, process or Dask backends."""

from cccsim.experiment.compare import compare
from cccsim.experiment.identity import StaleResultsWarning
from cccsim.experiment.replicate import replicate
from cccsim.experiment.runner import ExperimentInterrupted, ReplicationFailed
from cccsim.experiment.sweep import sweep

__all__ = [
    "ExperimentInterrupted",
    "ReplicationFailed",
    "StaleResultsWarning",
    "compare",
    "replicate",
    "sweep",
]
