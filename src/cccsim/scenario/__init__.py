"""Scenario files: the validated contract between the user and the simulator."""

from cccsim.scenario.load import apply_overrides, load_scenario, scenario_hash
from cccsim.scenario.schema import Scenario

__all__ = ["Scenario", "apply_overrides", "load_scenario", "scenario_hash"]
