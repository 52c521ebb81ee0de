"""User extensions named in a scenario as ``package.module:Class``."""

from __future__ import annotations

import importlib


def import_class(path: str) -> type:
    """Import ``package.module:Class``; raises ImportError, AttributeError or TypeError."""
    module, _, attr = path.partition(":")
    found = getattr(importlib.import_module(module), attr)
    if not isinstance(found, type):
        raise TypeError(f"{path} is not a class")
    return found
