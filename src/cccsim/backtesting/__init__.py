"""Back-test a scenario against a contact log: simulate the log's period, compare per interval.

``backtest(log, scenario)`` aligns the scenario with the log (``run.py``), reads the log's own
KPIs (``observe.py``) and compares them with the replications' prediction intervals, pooling
parts of the day to flag systematic gaps (``compare.py``).
"""

from cccsim.backtesting.run import Backtest, backtest

__all__ = ["Backtest", "backtest"]
