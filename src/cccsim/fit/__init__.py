"""Fit a scenario from a contact log: arrivals, handle times, patience, journeys and staffing.

``fit_scenario(log)`` reads the log (``log.py``, with ``clock.py`` for times and ``badrows.py``
for the rows it drops), links each customer's contacts (``journeys.py``),
fits the first contacts' arrivals (``arrivals.py``), the handle-time and delay laws
(``laws.py``), patience by survival analysis (``survival.py``) and the staff on duty
(``staffing.py``), and composes the scenario (``scenario.py``). Nothing here simulates; the
back-test that checks a scenario against the log lives in ``cccsim.backtesting``.
"""

from cccsim.fit.log import ContactLog, read_agent_log, read_log
from cccsim.fit.pipeline import FitResult, fit_scenario

__all__ = ["ContactLog", "FitResult", "fit_scenario", "read_agent_log", "read_log"]
