"""Benchmarks of cccsim against its peers, side by side in one run; writes RESULTS.md.

    python experiments/benchmarks/run.py            # the full suite (several minutes)
    python experiments/benchmarks/run.py --quick    # small sizes, one round (a smoke test)
    python experiments/benchmarks/run.py --scenarios   # only §5–6 (example scenarios) and their
                                                       # M/M/50+M reference, rewritten in place

Every measurement runs in its own child process (clean peak memory); rounds interleave the
contestants so that machine noise hits them alike; medians are reported and compared as ratios,
because absolute times on a shared machine mean little.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NOTES = """## Notes

- The engine draws contacts a day at a time and, each simulated midnight, hands the finished
  journeys (with the agents' sessions, unanswered dials and IVR calls since the last hand-over)
  to a sink and renumbers the rest, so its working set is about one day of contacts whatever the
  horizon. Every KPI is computed from additive tallies (counts, sums and time integrals per
  contact type × interval, group × interval, target × period, first contact type), so a
  streamed run keeps only the tallies: its peak memory stays flat as the horizon grows
  (section 4), while the in-memory run holds every contact's columns for the `contacts` frame.
- The engine's speed tricks are commented where they are made (`src/cccsim/engine/run.py`):
  contacts are callbacks, not processes; events are slotted objects pushed straight onto simpy's
  heap; random numbers are drawn in blocks; levels are integrated after the run.
- The engine's core runs no lever code a scenario does not use: callbacks and pacing, retrials
  and repeats, announcements and balking, opening hours, shifts and routing policies each live
  in a module of their own and are plugged in only where used (§5 measures the example
  scenarios that use them). `python experiments/benchmarks/digests.py` checks that every
  example scenario's contacts, intervals and groups frames are unchanged seed for seed (against
  `digests.json`; `--save` after a change meant to alter them).
"""


def child(name: str, size: float, seed: int) -> None:
    """Run one workload in this process and print its measurements as JSON."""
    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    baseline_kb = _rss_kb()
    if name.startswith("scenario:"):
        from workloads import cccsim_scenario

        result = cccsim_scenario(name.removeprefix("scenario:"), int(size), seed)
    else:
        result = WORKLOADS[name](int(size) if name != "multichannel" else size, seed)  # type: ignore[operator]
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["baseline_rss_mb"] = baseline_kb / 1024
    print(json.dumps(result))


def _rss_kb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024


def measure(name: str, size: float, seed: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One measurement in a fresh child process."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        name,
        "--size",
        str(size),
        "--seed",
        str(seed),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rate(m: dict[str, Any]) -> float:
    return m["contacts"] / m["seconds"]


def median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] if key != "rate" else rate(r) for r in rows)


def replications_speedup(reps: int, size: int) -> dict[str, float]:
    """Wall time of ``reps`` replications of M/M/50+M on 1 vs 2 worker processes."""
    sys.path.insert(0, str(HERE))
    from workloads import mm50m_scenario

    import cccsim

    sc = mm50m_scenario(size)
    # start the (shared, preloaded) fork server first so that neither timing pays for it
    cccsim.replicate(mm50m_scenario(1000), 2, seed=0, backend="processes", workers=2)
    out = {}
    for workers in (1, 2):
        start = time.perf_counter()
        cccsim.replicate(sc, reps, seed=1, backend="processes", workers=workers)
        out[workers] = time.perf_counter() - start
    return {"one_worker_s": out[1], "two_workers_s": out[2], "speedup": out[1] / out[2]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child")
    parser.add_argument("--size", type=float, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--quick", action="store_true", help="small sizes, one round")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument(
        "--scenarios", action="store_true", help="only the example scenarios (§5–6), in place"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.size, args.seed)
        return
    if args.scenarios:
        scenarios_only(args)
        return

    rounds, n = (1, 20_000) if args.quick else (args.rounds, args.contacts)
    scales = (0.05, 0.2) if args.quick else (1.0, 4.0, 16.0)
    peers = ["cccsim", "cccsim (policy path)", "cccsim+kpis", "simpy-textbook", "ciw"]
    mm: dict[str, list[dict[str, Any]]] = {p: [] for p in peers}
    multi: dict[float, list[dict[str, Any]]] = {s: [] for s in scales}
    for r in range(rounds):
        for p in peers:
            mm[p].append(measure(p, n, seed=r + 1))
            print(f"round {r + 1} {p}: {rate(mm[p][-1]):,.0f} contacts/s", flush=True)
        for s in scales:
            if s > 4 and r > 0:
                continue  # the ×16 day is measured once: it is long and its noise is small
            multi[s].append(measure("multichannel", s, seed=r + 1))
            print(
                f"round {r + 1} multichannel ×{s:g}: {rate(multi[s][-1]):,.0f} contacts/s",
                flush=True,
            )
    reps = replications_speedup(8 if not args.quick else 4, 300_000 if not args.quick else 10_000)
    horizons: dict[int, dict[str, dict[str, Any]]] = {}
    for days in (2, 8) if args.quick else (7, 28, 112):  # memory is not noisy: one round
        horizons[days] = {mode: measure(f"horizon ({mode})", days, seed=1) for mode in MODES}
        print(
            f"horizon {days} d: "
            + ", ".join(f"{m} {horizons[days][m]['peak_rss_mb']:.0f} MB" for m in MODES),
            flush=True,
        )
    report = render(mm, multi, reps, rounds, n, horizons)
    report += "\n\n" + render_scenarios(measure_scenarios(rounds, n), rounds, n) + "\n" + NOTES
    report += _kept(Path(args.out))
    Path(args.out).write_text(report)
    print(report)


MODES = ("in memory", "streamed")


def _kept(path: Path) -> str:
    """Sections other scripts write into RESULTS.md (the staffing search's), kept as they are."""
    text = path.read_text() if path.exists() else ""
    start, end = "<!-- staffing benchmark -->", "<!-- end staffing benchmark -->"
    if start not in text or end not in text:
        return ""
    return "\n\n" + start + text.split(start, 1)[1].split(end, 1)[0] + end + "\n"


def render(
    mm: dict[str, list[dict[str, Any]]],
    multi: dict[float, list[dict[str, Any]]],
    reps: dict[str, float],
    rounds: int,
    n: int,
    horizons: dict[int, dict[str, dict[str, Any]]],
) -> str:
    import ciw
    import numpy
    import numpy as np
    import simpy

    import cccsim
    from cccsim import theory
    from cccsim.stats.ci import t_interval

    exact = theory.erlang_a_metrics(0.95 * 50 / 300, 300, 600, 50, 20)
    base = median(mm["cccsim"], "rate")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}), "
        f"cccsim {cccsim.__version__}, simpy {simpy.__version__}, Ciw {ciw.__version__}, "
        f"numpy {numpy.__version__}. `python experiments/benchmarks/run.py`: {rounds} round(s), "
        "medians, each measurement in its own process.",
        "",
        f"## 1. M/M/50+M (ρ = 0.95, handle 300 s, patience 600 s), {n:,} contacts",
        "",
        "| model | contacts/s | × textbook simpy | × Ciw | abandon rate [95 % CI] | ASA s [95 % CI] "
        "| covers Erlang A | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    text = median(mm["simpy-textbook"], "rate")
    ciw_rate = median(mm["ciw"], "rate")
    for p, rows in mm.items():
        r = median(rows, "rate")
        ab = t_interval(np.array([x["abandon_rate"] for x in rows]))
        asa = t_interval(np.array([x["asa"] for x in rows]))
        covers = all(
            lo <= v <= hi for (_, _, lo, hi), v in ((ab, exact.p_abandon), (asa, exact.asa))
        )
        lines.append(
            f"| {p} | {r:,.0f} | {r / text:.2f} | {r / ciw_rate:.2f} | "
            f"{ab[0]:.4f} [{ab[2]:.4f}, {ab[3]:.4f}] | {asa[0]:.2f} [{asa[2]:.2f}, {asa[3]:.2f}] | "
            f"{'yes' if covers else 'no' if rounds > 1 else '–'} | {median(rows, 'peak_rss_mb'):.0f} |"
        )
    lines += [
        f"| Erlang A (exact) | | | | {exact.p_abandon:.4f} | {exact.asa:.2f} | | |",
        "",
        "Confidence intervals are Student t over the rounds (independent seeds); each model starts "
        "empty, as each simulates the same number of arrivals.",
        "",
        "`cccsim` is the engine with its full columnar contact records; `cccsim (policy path)` "
        "makes the same decisions through the `RoutingPolicy` protocol, as conditional overflow, "
        "priorities with ageing, reservation, blending and custom policies do (scenarios without "
        "them take the built-in path); `cccsim+kpis` adds every KPI frame (contacts, intervals, "
        "groups, summary). The peers keep their own records.",
        f"Records held in memory: {median(mm['cccsim'], 'record_bytes') / median(mm['cccsim'], 'contacts'):.0f} "
        "bytes per contact.",
        "",
        "## 2. Large multichannel day and 3. scaling",
        "",
        "1,000 agents in four groups; voice with outsourcer overflow, VIP voice, chat with "
        "concurrency 3 and a back-office overflow, email backlog; time-varying arrivals and staffing.",
        "",
        "| size | contacts | contacts/s | vs M/M/50+M rate | vs ×1 rate | record bytes/contact | peak RSS (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    first = median(multi[min(multi)], "rate")
    for s, rows in multi.items():
        r = median(rows, "rate")
        lines.append(
            f"| ×{s:g} | {median(rows, 'contacts'):,.0f} | {r:,.0f} | {r / base:.2f} | {r / first:.2f} | "
            f"{median(rows, 'record_bytes') / median(rows, 'contacts'):.0f} | {median(rows, 'peak_rss_mb'):.0f} |"
        )
    lines += [
        "",
        f"Replications on worker processes: 1 worker {reps['one_worker_s']:.1f} s, 2 workers "
        f"{reps['two_workers_s']:.1f} s → **{reps['speedup']:.2f}×** parallel speed-up "
        "(8 replications of 300,000 contacts; the preloaded fork server is started before timing).",
        "",
        "## 4. Memory against the horizon",
        "",
        "M/M/50+M end to end (engine, every KPI frame) over longer and longer horizons, the "
        "contacts kept in memory (`run_replication(sc, seed)`) or streamed to Parquet during the "
        "run (`contacts_to=…`, what `--out` does). Peak RSS of the whole process (Python, numpy, "
        "pandas and pyarrow loaded: about 185 MB before any simulation).",
        "",
        "| days | contacts | in memory: peak RSS (MB) | streamed: peak RSS (MB) | streamed: "
        "file bytes/contact | streamed ÷ in-memory time |",
        "|---|---|---|---|---|---|",
    ]
    for days, row in horizons.items():
        mem, st = row["in memory"], row["streamed"]
        lines.append(
            f"| {days} | {st['contacts']:,} | {mem['peak_rss_mb']:.0f} | {st['peak_rss_mb']:.0f} | "
            f"{st['file_bytes'] / max(st['contacts'], 1):.0f} | {st['seconds'] / mem['seconds']:.2f} |"
        )
    return "\n".join(lines)


BANK_DAYS = (7, 14, 28)
SECTIONS = "## 5. Example scenarios"
MARKED = "<!-- "  # the first section written by another benchmark script


def measure_scenarios(rounds: int, n: int) -> dict[str, list[dict[str, Any]]]:
    """Per round: the M/M/50+M reference, every example scenario over its own horizon, and the
    retail bank over 7, 14 and 28 days — interleaved, so that machine noise hits them alike."""
    sys.path.insert(0, str(HERE))
    from workloads import SCENARIOS

    out: dict[str, list[dict[str, Any]]] = {"M/M/50+M": []}
    for r in range(rounds):
        out["M/M/50+M"].append(measure("cccsim", n, seed=r + 1))
        runs = [(s, 0) for s in SCENARIOS] + [("retail_bank", d) for d in BANK_DAYS]
        for name, days in runs:
            label = f"{name} {days}d" if days else name
            out.setdefault(label, []).append(measure(f"scenario:{name}", days, seed=r + 1))
            m = out[label][-1]
            print(
                f"round {r + 1} {label}: {m['events'] / m['cpu_seconds']:,.0f} events/s, "
                f"{m['cpu_seconds']:.2f} CPU s",
                flush=True,
            )
    return out


def render_scenarios(rows: dict[str, list[dict[str, Any]]], rounds: int, n: int) -> str:
    """§5 (every example scenario against M/M/50+M) and §6 (the retail bank's horizon)."""
    ref = rows["M/M/50+M"]
    ev_ref = statistics.median(x["events"] / x["cpu_seconds"] for x in ref)
    c_ref = statistics.median(x["contacts"] / x["cpu_seconds"] for x in ref)
    rss_ref = median(ref, "peak_rss_mb")
    lines = [
        f"{SECTIONS} against M/M/50+M",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `python experiments/benchmarks/run.py "
        f"--scenarios`: {rounds} round(s), medians, each measurement in its own process, the "
        f"reference (M/M/50+M, {n:,} contacts, engine with records) in the same rounds. The engine "
        "alone (`engine.run`: records in memory, no KPI frames), one replication each, over the "
        "scenario's own horizon. Rates are per CPU second of the measuring process (`process_time`: "
        "on a shared machine, less noisy than the wall clock). Ratios are to the reference.",
        "",
        "| scenario | days | contacts | events | contacts/s | events/s | µs/event | events/s "
        "÷ ref | contacts/s ÷ ref | peak RSS (MB) | RSS ÷ ref |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def row(label: str, xs: list[dict[str, Any]]) -> str:
        ev = statistics.median(x["events"] / x["cpu_seconds"] for x in xs)
        c = statistics.median(x["contacts"] / x["cpu_seconds"] for x in xs)
        rss = median(xs, "peak_rss_mb")
        days = f"{xs[0]['days']:g}" if "days" in xs[0] else "–"
        return (
            f"| {label} | {days} | {median(xs, 'contacts'):,.0f} | {median(xs, 'events'):,.0f} | "
            f"{c:,.0f} | {ev:,.0f} | {1e6 / ev:.2f} | {ev / ev_ref:.2f} | {c / c_ref:.2f} | "
            f"{rss:.0f} | {rss / rss_ref:.2f} |"
        )

    lines.append(row("M/M/50+M (reference)", ref))
    for label, xs in rows.items():
        if label != "M/M/50+M" and not label.startswith("retail_bank "):
            lines.append(row(label, xs))
    lines += [
        "",
        "## 6. The retail bank against its horizon",
        "",
        "Time per simulated day should be flat: 28 days within 4.4× the 7-day time. The work per "
        "day is not flat in this scenario: callbacks and voicemails left over each closed weekend "
        "are worked off on Monday, so a 28-day run simulates more events per day than a 7-day run, "
        "which ends on the weekend whose backlog it never works off. The engine's own cost is "
        "therefore judged per event, and per week within the 28-day run.",
        "",
        "| days | contacts | events | CPU s | CPU s per day | µs/event | per day ÷ 7-day per day "
        "| per event ÷ 7-day per event |",
        "|---|---|---|---|---|---|---|---|",
    ]
    first = rows[f"retail_bank {BANK_DAYS[0]}d"]
    per_day7 = median(first, "cpu_seconds") / BANK_DAYS[0]
    per_event7 = median(first, "cpu_seconds") / median(first, "events")
    for d in BANK_DAYS:
        xs = rows[f"retail_bank {d}d"]
        sec = median(xs, "cpu_seconds")
        ev = median(xs, "events")
        lines.append(
            f"| {d} | {median(xs, 'contacts'):,.0f} | {ev:,.0f} | {sec:.2f} | {sec / d:.3f} | "
            f"{1e6 * sec / ev:.2f} | {sec / d / per_day7:.2f} | {sec / ev / per_event7:.2f} |"
        )
    last = rows[f"retail_bank {BANK_DAYS[-1]}d"]
    time_ratio = median(last, "cpu_seconds") / median(first, "cpu_seconds")
    event_ratio = median(last, "events") / median(first, "events")
    weeks = _weeks(last)
    lines += [
        "",
        f"{BANK_DAYS[-1]} days took **{time_ratio:.2f}×** the {BANK_DAYS[0]}-day time for "
        f"{event_ratio:.2f}× its events: **{time_ratio / event_ratio:.2f}×** the time per event.",
        "",
        f"Within the {BANK_DAYS[-1]}-day runs (medians over the rounds), CPU per week and per "
        "contact finished that week:",
        "",
        "| week | contacts finished | CPU s | µs per contact | per contact ÷ week 1 |",
        "|---|---|---|---|---|",
        *(
            f"| {w + 1} | {c:,.0f} | {sec:.2f} | {1e6 * sec / c:.1f} | "
            f"{(sec / c) / (weeks[0][1] / weeks[0][0]):.2f} |"
            for w, (c, sec) in enumerate(weeks)
        ),
        "",
        "Flat in the horizon (the goal's 4.4 = 4 weeks + 10 %): "
        + (
            "met"
            if time_ratio / event_ratio <= 1.1
            and all((sec / c) / (weeks[0][1] / weeks[0][0]) <= 1.1 for c, sec in weeks)
            else "not met"
        )
        + " per event and per week; "
        + (
            f"the {BANK_DAYS[-1]}-day time is also within 4.4× the {BANK_DAYS[0]}-day time."
            if time_ratio <= 4.4
            else f"the {BANK_DAYS[-1]}-day time is above 4.4× the {BANK_DAYS[0]}-day time "
            f"because its later weeks carry more work ({event_ratio:.2f}× the events)."
        ),
    ]
    return "\n".join(lines) + "\n"


def _weeks(runs: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """(contacts finished, CPU s) per 7-day week of a run, medians over ``runs`` (one part per
    simulated midnight, the rest at the horizon in the last week)."""
    out = []
    n_weeks = max(1, len(runs[0]["day_cpu"]) // 7)
    for w in range(n_weeks):
        cut = slice(7 * w, 7 * (w + 1) if w < n_weeks - 1 else None)
        out.append(
            (
                statistics.median(sum(r["day_contacts"][cut]) for r in runs),
                statistics.median(sum(r["day_cpu"][cut]) for r in runs),
            )
        )
    return out


def scenarios_only(args: argparse.Namespace) -> None:
    """Measure §5–6 and put them into the report in place of the old ones."""
    rounds, n = (1, 20_000) if args.quick else (args.rounds, args.contacts)
    text = render_scenarios(measure_scenarios(rounds, n), rounds, n)
    out = Path(args.out)
    old = out.read_text() if out.exists() else ""
    head = old.split(SECTIONS)[0].split(NOTES.splitlines()[0])[0].rstrip()
    # sections other benchmarks write between markers (§7 onwards) follow the notes: keep them
    tail = old[old.index(MARKED) :] if MARKED in old else ""
    out.write_text(f"{head}\n\n{text}\n{NOTES}" + (f"\n{tail}" if tail else ""))
    print(text)


if __name__ == "__main__":
    main()
