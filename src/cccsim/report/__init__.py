"""Stakeholder reports: tidy frames → plotly figures → one self-contained HTML page."""

from cccsim.report.html import render_report, write_report

__all__ = ["render_report", "write_report"]
