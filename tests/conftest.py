"""Shared helpers: small scenario dicts for hand-worked cases."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def voice(
    trace: list[float] | None = None,
    handle: float = 100.0,
    patience: float | None = None,
    channel: str = "voice",
    **extra: Any,
) -> dict[str, Any]:
    """A contact type with replayed arrivals and deterministic handle time (and patience)."""
    spec: dict[str, Any] = {
        "channel": channel,
        "arrivals": {"trace": trace or []},
        "handle_time": {"dist": "deterministic", "value": handle},
    }
    if patience is not None:
        spec["patience"] = {"dist": "deterministic", "value": patience}
    spec.update(extra)
    return spec


def poisson_voice(
    per_hour: float, handle: str = "2min", patience: str = "3min", **extra: Any
) -> dict[str, Any]:
    """A voice type with Poisson arrivals, exponential handle time and patience, 20 s threshold."""
    return {
        "channel": "voice",
        "arrivals": {"per_hour": per_hour},
        "handle_time": {"dist": "exponential", "mean": handle},
        "patience": {"dist": "exponential", "mean": patience},
        "service_level_threshold": "20s",
        **extra,
    }


def scenario(
    types: dict[str, Any], groups: dict[str, Any], horizon: float = 1000.0, **extra: Any
) -> dict[str, Any]:
    """A scenario dict with a 60 s interval (so per-interval staff lists are short)."""
    data: dict[str, Any] = {
        "name": "hand-worked",
        "horizon": horizon,
        "interval": 60,
        "contact_types": copy.deepcopy(types),
        "agent_groups": copy.deepcopy(groups),
    }
    data.update(extra)
    return data


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow (long statistical checks, every command and snippet "
        "of the docs); CI runs them",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests are deselected (not skipped) unless --slow, or a -m expression, asks for them."""
    if config.getoption("--slow") or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture
def retail_bank_path() -> Path:
    return ROOT / "scenarios" / "retail_bank.yaml"
