"""cccsim — simulate a multichannel contact centre's access strategy before contracting it.

Public API (DESIGN.md §3): ``load_scenario`` → ``run_replication`` / ``replicate`` → results with
tidy DataFrames; ``theory`` has the exact Erlang B, C and A formulas; ``fit_scenario`` fits a
scenario from a contact log and ``backtest`` checks one against it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from cccsim import theory
from cccsim.backtesting import Backtest, backtest
from cccsim.engine.policy import RoutingPolicy, RoutingView, StandardPolicy
from cccsim.errors import CccsimError, ExperimentError, ScenarioError
from cccsim.experiment import ExperimentInterrupted, compare, replicate, sweep
from cccsim.fit import FitResult, fit_scenario
from cccsim.model import build_model
from cccsim.report import write_report
from cccsim.results import ExperimentResult, ReplicationResult
from cccsim.scenario import Scenario, load_scenario
from cccsim.simulate import run_replication
from cccsim.staffing import StaffingPlan, search_staffing

__all__ = [
    "Backtest",
    "CccsimError",
    "ExperimentError",
    "ExperimentInterrupted",
    "ExperimentResult",
    "FitResult",
    "ReplicationResult",
    "RoutingPolicy",
    "RoutingView",
    "Scenario",
    "ScenarioError",
    "StaffingPlan",
    "StandardPolicy",
    "__version__",
    "backtest",
    "build_model",
    "compare",
    "fit_scenario",
    "load_scenario",
    "replicate",
    "run_replication",
    "search_staffing",
    "sweep",
    "theory",
    "write_report",
]
