"""The ``cccsim`` command: composes the public API; formats errors instead of tracebacks.

Exit codes: 0 success, 2 bad input (scenario, option or override), 1 internal error, 130 Ctrl-C.
"""

from __future__ import annotations

from cccsim.cli import experiments, fit, staffing, tools  # noqa: F401  (they register their commands)
from cccsim.cli.common import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
