"""The discrete-event engine: ``run(model, seed) -> Records``."""

from cccsim.engine.run import run

__all__ = ["run"]
