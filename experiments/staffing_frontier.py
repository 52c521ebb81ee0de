"""The staffing/abandonment frontier: how many outsourced agents buy how much service?

Question (ISO 18295-2, 6.7): sweeping the outsourcer's head count, where does the voice
abandon rate fall under the 5 % target, and what does each extra agent buy in service level?
A sweep with common random numbers; writes staffing_frontier.html.

    python experiments/staffing_frontier.py [-r 10] [--quick]
"""

from __future__ import annotations

from _common import ROOT, options

import cccsim


def main() -> None:
    args = options(__doc__.splitlines()[0])
    scenario = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    if args.quick:
        scenario = cccsim.load_scenario(scenario, overrides={"horizon": "1d"})
    heads = [0, 2, 4] if args.quick else list(range(0, 25, 4))
    result = cccsim.sweep(
        scenario,
        {"agent_groups.outsourcer.staff": heads},
        replications=args.replications,
        seed=args.seed,
        backend=args.backend,
    )
    s = result.summary
    frontier = s[
        (s.contact_type == "voice") & s.kpi.isin(["service_level", "abandon_rate"])
    ].pivot_table(index="agent_groups.outsourcer.staff", columns="kpi", values="mean")
    print(frontier.to_string(float_format=lambda v: f"{v:.3f}"))
    meets = frontier[frontier["abandon_rate"] <= 0.05]
    print(
        "fewest outsourced agents with voice abandonment ≤ 5 %:",
        meets.index.min() if len(meets) else "none tried",
    )
    path = cccsim.write_report(
        result, args.out / "staffing_frontier.html", title="Staffing frontier"
    )
    print(f"report: {path}")


if __name__ == "__main__":
    main()
