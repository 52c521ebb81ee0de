"""Staffing: the fewest agents per interval meeting the targets, and shifts that cover them."""

from cccsim.staffing.search import StaffingPlan, search_staffing

__all__ = ["StaffingPlan", "search_staffing"]
