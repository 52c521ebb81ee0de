"""Which routing rules protect the calls, and at what cost to email and to the budget?

Question (ISO 18295-2, 5.4 and 6.7): the insurer blends calls and email in one in-house team,
keeps two agents free for calls, caps email at 12 agents and lets an outsourcer take calls only
when the expected wait passes a minute. Against that baseline, what happens without the
reservation, without the email cap, with the outsourcer always open, and with email ahead of
calls (and no reservation)? Paired comparison with common random numbers; writes routing_policies.html.

    python experiments/routing_policies.py [-r 20] [--quick]
"""

from __future__ import annotations

from _common import ROOT, options

import cccsim


def main() -> None:
    args = options(__doc__.splitlines()[0])
    base = cccsim.load_scenario(ROOT / "scenarios" / "insurer_blended.yaml")
    if args.quick:
        base = cccsim.load_scenario(base, overrides={"horizon": "1d"})
    variants = {
        "baseline": {},
        "no reservation": {"routing_policy.reserve": []},
        "no email cap": {"routing_policy.blending": {}},
        "outsourcer always open": {
            "routing.voice": [{"group": "inhouse"}, {"group": "outsourcer"}]
        },
        # with the reservation in place email rarely meets a waiting call, so drop it too
        "email ahead of calls": {
            "routing_policy.priorities": {"email": 3, "voice": 2},
            "routing_policy.ageing": {},
            "routing_policy.reserve": [],
        },
    }
    options_ = {
        name: cccsim.load_scenario(base, overrides=changes) for name, changes in variants.items()
    }
    result = cccsim.compare(
        options_, replications=args.replications, seed=args.seed, backend=args.backend
    )
    s = result.summary
    table = s[
        s.kpi.isin(["service_level", "abandon_rate", "asa"])
        & s.contact_type.isin(["voice", "email"])
    ].pivot_table(index="scenario", columns=["contact_type", "kpi"], values="mean", sort=False)
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    path = cccsim.write_report(
        result, args.out / "routing_policies.html", title="Routing rules for the insurer"
    )
    print(f"report: {path}")


if __name__ == "__main__":
    main()
