"""cccsim — simulate a multichannel contact centre's access strategy before contracting it.

Public API (DESIGN.md §3): ``load_scenario`` → ``run_replication`` / ``replicate`` → results with
tidy DataFrames; ``theory`` has the exact Erlang B, C and A formulas.
"""

from __future__ import annotations

__version__ = "0.1.0"

from cccsim import theory
from cccsim.engine.policy import RoutingPolicy, RoutingView, StandardPolicy
from cccsim.errors import CccsimError, ExperimentError, ScenarioError
from cccsim.experiment import ExperimentInterrupted, compare, replicate, sweep
from cccsim.model import build_model
from cccsim.report import write_report
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.simulate import run_replication
from cccsim.staffing import StaffingPlan, search_staffing

__all__ = [
    "CccsimError",
    "ExperimentError",
    "ExperimentInterrupted",
    "ExperimentResult",
    "ReplicationResult",
    "RoutingPolicy",
    "RoutingView",
    "Scenario",
    "ScenarioError",
    "StaffingPlan",
    "StandardPolicy",
    "__version__",
    "build_model",
    "compare",
    "load_scenario",
    "replicate",
    "run_replication",
    "search_staffing",
    "sweep",
    "theory",
    "write_report",
]
