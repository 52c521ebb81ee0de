"""The fewest in-house agents per interval, and per shift, that keep the insurer's promises.

Question (ISO 18295-2, 6.7): starting from the Erlang staffing of each half-hour, how many
in-house agents does the blended team need on duty so that calls meet 80/20 in each interval
(with the routing rules of the scenario), how many agents should start the early and the late
shift to cover that at the least paid time, and what does the plan cost? Writes
staffing_plan.html (the plan, then the usual report of its simulation).

    python experiments/staffing_plan.py [-r 20] [--quick]
"""

from __future__ import annotations

from _common import ROOT, options

import cccsim


def main() -> None:
    args = options(__doc__.splitlines()[0])
    scenario = cccsim.load_scenario(ROOT / "scenarios" / "insurer_blended.yaml")
    if args.quick:
        scenario = cccsim.load_scenario(scenario, overrides={"horizon": "1d"})
    plan = cccsim.search_staffing(
        scenario,
        groups=["inhouse"],
        replications=max(args.replications, 2),
        seed=args.seed,
        max_rounds=2 if args.quick else 40,
        shifts=True,
        backend=args.backend,
    )
    print(
        f"{plan.agent_hours:,.1f} agent-hours scheduled; settled: {plan.converged} "
        f"after {plan.rounds} rounds"
    )
    assert plan.shifts is not None
    print(plan.shifts.to_string(index=False))
    costs = plan.result.summary
    operating = costs[costs.kpi == "operating_cost"]["mean"].sum()
    print(f"operating cost over the horizon: {operating:,.0f} {scenario.currency}")
    path = cccsim.write_report(plan, args.out / "staffing_plan.html")
    print(f"report: {path}")


if __name__ == "__main__":
    main()
