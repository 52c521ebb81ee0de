"""How long the staffing search takes on the retail bank's week (240 half-hours), default settings.

    python experiments/benchmarks/staffing.py            # writes section 7 of RESULTS.md
    python experiments/benchmarks/staffing.py --quick    # a day and fewer replications

The search runs in a child process, which stops and reaps its worker pool afterwards so that the
CPU time of every process it used is counted: on a shared machine wall time says little, and the
CPU seconds divided by the two cores say what the search takes on an idle one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sections import put_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
START = "<!-- staffing benchmark -->"
END = "<!-- end staffing benchmark -->"


def child(quick: bool) -> None:
    """Run the search and print what it did as JSON."""
    import cccsim
    from cccsim.staffing.rounds import search_count

    overrides = {"horizon": "1d"} if quick else {}
    sc = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml", overrides=overrides)
    started = time.perf_counter()
    plan = cccsim.search_staffing(sc, seed=1, replications=10 if quick else 30, workers=2)
    seconds = time.perf_counter() - started
    # the worker pool outlives the search (it is reused): stop and reap it, so that the CPU
    # time of its processes is counted in this process's children
    from loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    staff = plan.staff
    phases: dict[str, int] = {}
    for entry in plan.rounds_log or []:
        phases[entry["phase"]] = phases.get(entry["phase"], 0) + 1
    simulations = sum(
        e["plans"] * (plan.replications if e["block"] else search_count(plan.replications))
        for e in plan.rounds_log or []
    )
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu": cpu,
                "rounds": plan.rounds,
                "phases": phases,
                "replications_simulated": simulations,
                "converged": plan.converged,
                "intervals": len(staff),
                "status": {str(k): int(v) for k, v in staff.status.value_counts().items()},
                "required_agent_hours": float(staff.required.sum() * sc.interval / 3600),
                "erlang_agent_hours": float(staff.erlang.sum() * sc.interval / 3600),
                "held": float(plan.kpis[plan.kpis.contacts > 0].held.mean()),
            }
        )
    )


def measure(quick: bool) -> dict[str, Any]:
    started = time.perf_counter()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child"]
    cmd += ["--quick"] if quick else []
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = time.perf_counter() - started
    return out


def render(m: dict[str, Any], load: tuple[float, float, float]) -> str:
    import inspect

    import cccsim

    rounds = inspect.signature(cccsim.search_staffing).parameters["max_rounds"].default

    status = ", ".join(f"{n} {name}" for name, n in m["status"].items())
    phases = ", ".join(f"{n} {name}" for name, n in m["phases"].items())
    return "\n".join(
        [
            START,
            "## 7. Staffing search",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
            f"({os.cpu_count()} cores, load average {load[0]:.1f} at the start), cccsim "
            f"{cccsim.__version__}. `python experiments/benchmarks/staffing.py`: "
            '`search_staffing("scenarios/retail_bank.yaml", seed=1)` with the default '
            "settings (30 replications per plan confirmed, 15 in the search rounds, 90 % "
            f"confidence, at most {rounds} rounds) on 2 worker processes; the bank's week is Monday to "
            f"Friday, {m['intervals'] // 2} half-hours for each of the in-house and chat teams.",
            "",
            "| wall time of the search | CPU time, all processes | CPU ÷ 2 cores | rounds | replications "
            "simulated | converged |",
            "|---|---|---|---|---|---|",
            f"| {m['seconds']:.0f} s | {m['cpu']:.0f} s | {m['cpu'] / 2:.0f} s | {m['rounds']} "
            f"({phases}) | {m['replications_simulated']:,} | {m['converged']} |",
            "",
            f"Intervals: {status}. Agents required on duty: {m['required_agent_hours']:,.0f} "
            f"agent-hours, against {m['erlang_agent_hours']:,.0f} from Erlang C on the "
            f"offered load with its repeat contacts (retrials and the voicemail callbacks at 08:00 "
            "add load "
            f"no formula sees); {m['held']:.0%} of the interval checks hold on the final fresh "
            "seeds. Every plan tried is simulated whole (the engine runs the week), so the "
            "time is rounds × plans × replications × "
            f"{m['cpu'] / max(m['replications_simulated'], 1):.2f} CPU seconds per replication "
            "of the week.",
            "",
            f"Against the goal (a week in at most 2 minutes on 2 cores): "
            f"{'met' if m['cpu'] / 2 <= 120 else 'not met'} — {m['cpu'] / 2:.0f} s of CPU per "
            f"core; the search {'converged' if m['converged'] else 'did not converge'} within "
            f"the default {rounds} rounds.",
            END,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a day, 10 replications")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args()
    if args.child:
        child(args.quick)
        return
    load = os.getloadavg()
    m = measure(args.quick)
    section = render(m, load)
    print(section)
    if not args.quick:
        put_section(Path(args.out), START, END, section)


if __name__ == "__main__":
    main()
