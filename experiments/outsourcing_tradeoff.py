"""Outsourcing trade-off: in-house only, in-house with an outsourced overflow, or fully outsourced?

Question (ISO 18295-2, 6.7 and 6.8): for the retail bank's voice line, how do service level and
abandonment change if the bank (a) drops the outsourcer, (b) keeps today's overflow after 20 s,
or (c) hands all calls to an outsourcer with the same head count but 15 % longer handle times?
Paired comparison under common random numbers; writes outsourcing_tradeoff.html.

    python experiments/outsourcing_tradeoff.py [-r 20] [--quick]
"""

from __future__ import annotations

from _common import ROOT, options

import cccsim


def main() -> None:
    args = options(__doc__.splitlines()[0])
    today = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    if args.quick:
        today = cccsim.load_scenario(today, overrides={"horizon": "1d"})
    inhouse_staff = today.agent_groups["inhouse"].staff
    outsourcer_staff = today.agent_groups["outsourcer"].staff
    assert isinstance(inhouse_staff, list) and isinstance(outsourcer_staff, list)
    combined = [a + b for a, b in zip(inhouse_staff, outsourcer_staff, strict=True)]
    slower = today.contact_types["voice"].handle_time.model_dump()
    slower["mean"] = slower["mean"] * 1.15
    options_ = {
        "overflow after 20 s (today)": today,
        "in-house only": cccsim.load_scenario(
            today, overrides={"agent_groups.outsourcer.staff": 0}
        ),
        "all voice outsourced": cccsim.load_scenario(
            today,
            overrides={
                "agent_groups.outsourcer.staff": combined,
                "agent_groups.inhouse.skills": ["email"],
                "routing.voice": [{"group": "outsourcer"}],
                "contact_types.voice.handle_time": slower,
            },
        ),
    }
    result = cccsim.compare(
        options_, replications=args.replications, seed=args.seed, backend=args.backend
    )
    voice = result.summary[
        (result.summary.contact_type == "voice")
        & result.summary.kpi.isin(["service_level", "abandon_rate"])
    ]
    print(voice[["scenario", "kpi", "mean", "ci_low", "ci_high"]].to_string(index=False))
    path = cccsim.write_report(
        result, args.out / "outsourcing_tradeoff.html", title="Outsourcing trade-off"
    )
    print(f"report: {path}")


if __name__ == "__main__":
    main()
