"""The discrete-event engine: ``run(model, seed) -> Records``, or ``run_into(model, seed, sink)``
to hand the records over a day at a time."""

from cccsim.engine.run import run, run_into

__all__ = ["run", "run_into"]
