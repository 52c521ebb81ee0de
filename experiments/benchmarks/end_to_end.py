"""What a user's run costs beyond the engine: ``cccsim run`` end to end against the engine alone.

    python experiments/benchmarks/end_to_end.py             # 30 replications of 28 days, 2 pairs;
                                                            # writes section 8 of RESULTS.md
    python experiments/benchmarks/end_to_end.py --quick     # 3 replications of 7 days, 1 pair

Each pair runs, in turn and each in a fresh process, ``cccsim run scenarios/retail_bank.yaml -r R
--set horizon=28d --out DIR --backend serial`` (the whole command: imports, engine, tallies, the
contacts streamed to Parquet, KPI frames, every output file and the report) and the engine alone
(``engine.run_into`` of the same R replication seeds, finished parts handed to a sink that drops
them). The command is timed as a whole process, the engine from its first to its last event; both
in CPU seconds, which a shared machine disturbs less than the wall clock. The serial backend
keeps every CPU second in one reaped process; a pool of workers does the same work in parallel.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sections import put_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCENARIO = ROOT / "scenarios" / "retail_bank.yaml"
START = "<!-- end-to-end benchmark -->"
END = "<!-- end end-to-end benchmark -->"
LIMIT = 1.3  # issue 18: the command within 1.3× the engine-only time of the same replications


def engine_only(replications: int, days: int, seed: int) -> None:
    """Run the engine alone on the replications the command runs; print its CPU seconds."""
    from cccsim.engine import run_into
    from cccsim.model import build_model
    from cccsim.records import Records
    from cccsim.rng import replication_seed
    from cccsim.scenario import load_scenario

    class Drop:
        def add(self, part: Records) -> None:
            """Forget the part: the engine's cost alone is measured."""

    model = build_model(load_scenario(SCENARIO, overrides={"horizon": f"{days}d"}))
    events, cpu = 0, time.process_time()
    for r in range(replications):
        events += run_into(model, replication_seed(seed, r), Drop())
    print(json.dumps({"cpu": time.process_time() - cpu, "events": events}))


def _child_cpu(cmd: list[str]) -> tuple[float, str]:
    """Run ``cmd`` to its end; its CPU seconds (user + system) and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, proc.stdout


def measure_pair(replications: int, days: int, seed: int, command_first: bool) -> dict[str, float]:
    """One pair: the command and the engine alone, in the given order."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "cccsim", "run", str(SCENARIO), "-r", str(replications)]
        command += ["--set", f"horizon={days}d", "--seed", str(seed), "--out", tmp]
        command += ["--backend", "serial"]
        engine = [sys.executable, __file__, "--engine-only", str(replications), str(days)]
        engine += ["--seed", str(seed)]
        for which in ("command", "engine") if command_first else ("engine", "command"):
            if which == "command":
                out["command"], _ = _child_cpu(command)
            else:
                _, stdout = _child_cpu(engine)
                out["engine"] = json.loads(stdout.strip().splitlines()[-1])["cpu"]
    out["ratio"] = out["command"] / out["engine"]
    return out


def render(
    pairs: list[dict[str, float]], replications: int, days: int, load: float, started: str
) -> str:
    ratios = [p["ratio"] for p in pairs]
    mid = statistics.median(ratios)
    rows = [
        f"| {i + 1} | {p['command']:.1f} | {p['engine']:.1f} | {p['ratio']:.2f} |"
        for i, p in enumerate(pairs)
    ]
    return "\n".join(
        [
            START,
            "## 8. A user's run against the engine alone",
            "",
            f"Measured {started} UTC (load average {load:.1f} at the start), `python "
            "experiments/benchmarks/end_to_end.py`: `cccsim run "
            f"scenarios/retail_bank.yaml -r {replications} --set horizon={days}d --out DIR "
            "--backend serial`, the whole process, against `engine.run_into` of the same "
            "replication seeds with a sink that drops each part, in CPU seconds; the two "
            "alternate in fresh processes, pair by pair.",
            "",
            "| pair | command CPU s | engine CPU s | ratio |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Median ratio **{mid:.2f}** (range {min(ratios):.2f}–{max(ratios):.2f}); the "
            f"goal is at most {LIMIT}: {'met' if mid <= LIMIT else 'not met'} by the median, "
            f"and within it in {sum(r <= LIMIT for r in ratios)} of {len(ratios)} pairs.",
            END,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 replications of 7 days, 1 pair")
    parser.add_argument("--replications", type=int, default=30)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine-only", nargs=2, type=int, metavar=("R", "DAYS"))
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    if args.engine_only:
        engine_only(*args.engine_only, seed=args.seed)
        return
    reps, days, n = (3, 7, 1) if args.quick else (args.replications, args.days, args.pairs)
    load, started = os.getloadavg()[0], f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    pairs = []
    for i in range(n):
        pairs.append(measure_pair(reps, days, args.seed, command_first=i % 2 == 0))
        p = pairs[-1]
        print(
            f"pair {i + 1}: command {p['command']:.1f} s, engine {p['engine']:.1f} s, "
            f"ratio {p['ratio']:.2f}",
            flush=True,
        )
    section = render(pairs, reps, days, load, started)
    if not args.quick:
        put_section(Path(args.out), START, END, section)
    print(section)


if __name__ == "__main__":
    main()
