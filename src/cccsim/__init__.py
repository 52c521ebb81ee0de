"""cccsim — simulate a multichannel contact centre's access strategy before contracting it.

Public API (DESIGN.md §3): ``load_scenario`` → ``run_replication`` / ``replicate`` → results with
tidy DataFrames; ``theory`` has the exact Erlang B, C and A formulas; ``fit_scenario`` fits a
scenario from a contact log and ``backtest`` checks one against it.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cccsim import theory
    from cccsim.backtesting import Backtest, backtest
    from cccsim.engine.policy import RoutingPolicy, RoutingView, StandardPolicy
    from cccsim.errors import CccsimError, ExperimentError, ScenarioError
    from cccsim.experiment.compare import compare
    from cccsim.experiment.replicate import replicate
    from cccsim.experiment.runner import ExperimentInterrupted
    from cccsim.experiment.sweep import sweep
    from cccsim.fit import FitResult, fit_scenario
    from cccsim.model import build_model
    from cccsim.report import write_report
    from cccsim.results import ExperimentResult, ReplicationResult
    from cccsim.scenario import Scenario, load_scenario
    from cccsim.simulate import run_replication
    from cccsim.staffing import StaffingPlan, search_staffing

# Imported on first use (PEP 562), so that ``import cccsim`` and the command line load only the
# parts they touch: the fitting and back-testing stack alone took most of a second.
_WHERE = {
    "Backtest": "cccsim.backtesting",
    "backtest": "cccsim.backtesting",
    "RoutingPolicy": "cccsim.engine.policy",
    "RoutingView": "cccsim.engine.policy",
    "StandardPolicy": "cccsim.engine.policy",
    "CccsimError": "cccsim.errors",
    "ExperimentError": "cccsim.errors",
    "ScenarioError": "cccsim.errors",
    "ExperimentInterrupted": "cccsim.experiment",
    "compare": "cccsim.experiment",
    "replicate": "cccsim.experiment",
    "sweep": "cccsim.experiment",
    "FitResult": "cccsim.fit",
    "fit_scenario": "cccsim.fit",
    "build_model": "cccsim.model",
    "write_report": "cccsim.report",
    "ExperimentResult": "cccsim.results",
    "ReplicationResult": "cccsim.results",
    "Scenario": "cccsim.scenario",
    "load_scenario": "cccsim.scenario",
    "run_replication": "cccsim.simulate",
    "StaffingPlan": "cccsim.staffing",
    "search_staffing": "cccsim.staffing",
    "theory": "cccsim.theory",
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its module the first time it is asked for."""
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'cccsim' has no attribute {name!r}")
    module = importlib.import_module(where)
    value = module if where == f"cccsim.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


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
