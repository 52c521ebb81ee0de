"""Shared command-line options of the research scripts (quick mode for tests)."""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def options(description: str) -> argparse.Namespace:
    """--replications, --seed, --out, --quick (short horizons, few replications: a smoke test)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--replications", "-r", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("experiments/output"))
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--quick", action="store_true", help="short horizon and 2 replications")
    args = parser.parse_args()
    if args.quick:
        args.replications = 2
    args.out.mkdir(parents=True, exist_ok=True)
    return args
