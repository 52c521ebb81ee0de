"""Large-scale theory validation: simulated versus exact Erlang A over a grid of loads and sizes.

Question: does the engine reproduce M/M/n+M (Palm/Erlang A) everywhere a client might operate —
from 5 to 200 agents, from light load to overload? For each grid point the exact service level
and abandon rate (cccsim.theory) are compared with the replications' 99 % confidence interval.
Writes theory_validation.csv and theory_validation.html (a sweep report).

    python experiments/theory_validation.py [-r 10] [--quick]
"""

from __future__ import annotations

import pandas as pd
from _common import options

import cccsim
from cccsim import theory

HANDLE, PATIENCE, THRESHOLD = 180.0, 300.0, 20.0


def main() -> None:
    args = options(__doc__.splitlines()[0])
    sizes = [5, 20] if args.quick else [5, 20, 50, 100, 200]
    loads = [0.7, 1.1] if args.quick else [0.5, 0.8, 0.95, 1.1, 1.3]
    base = cccsim.load_scenario(
        {
            "name": "Erlang A grid",
            "horizon": "1d" if args.quick else "4d",
            "warmup": "2h",
            "interval": "1h",
            "contact_types": {
                "voice": {
                    "channel": "voice",
                    "arrivals": {"per_hour": 100},
                    "handle_time": {"dist": "exponential", "mean": HANDLE},
                    "patience": {"dist": "exponential", "mean": PATIENCE},
                    "service_level_threshold": THRESHOLD,
                }
            },
            "agent_groups": {"team": {"skills": ["voice"], "staff": 5}},
        }
    )
    points = [
        {
            "agent_groups.team.staff": n,
            "contact_types.voice.arrivals.per_hour": rho * n / HANDLE * 3600,
        }
        for n in sizes
        for rho in loads
    ]
    result = cccsim.sweep(
        base,
        points=points,
        replications=args.replications,
        seed=args.seed,
        confidence=0.99,
        backend=args.backend,
    )
    rows = []
    for p in points:
        n, per_hour = p["agent_groups.team.staff"], p["contact_types.voice.arrivals.per_hour"]
        exact = theory.erlang_a_metrics(per_hour / 3600, HANDLE, PATIENCE, n, THRESHOLD)
        sim = result.summary[
            (result.summary["agent_groups.team.staff"] == n)
            & (result.summary["contact_types.voice.arrivals.per_hour"] == per_hour)
        ].set_index("kpi")
        for kpi, value in (
            ("service_level", exact.service_level),
            ("abandon_rate", exact.p_abandon),
        ):
            r = sim.loc[kpi]
            rows.append(
                {
                    "agents": n,
                    "load": per_hour * HANDLE / 3600 / n,
                    "kpi": kpi,
                    "exact": value,
                    "simulated": r["mean"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    # a zero-width interval (nothing ever abandoned) covers values within 1e-6
                    "covered": bool(r["ci_low"] - 1e-6 <= value <= r["ci_high"] + 1e-6),
                }
            )
    table = pd.DataFrame(rows)
    table.to_csv(args.out / "theory_validation.csv", index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"exact value inside the 99 % CI at {table.covered.sum()} of {len(table)} checks")
    cccsim.write_report(
        result, args.out / "theory_validation.html", title="Erlang A validation grid"
    )


if __name__ == "__main__":
    main()
