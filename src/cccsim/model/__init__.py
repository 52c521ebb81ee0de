"""Runtime model: plain, integer-indexed tables built once from a validated Scenario."""

from cccsim.model.build import GroupModel, Model, TypeModel, build_model

__all__ = ["GroupModel", "Model", "TypeModel", "build_model"]
