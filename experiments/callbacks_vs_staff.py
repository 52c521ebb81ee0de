"""Callbacks or more staff: which buys service more cheaply?

Question (ISO 18295-2, 5.4 and 5.5): for the retail bank's voice line, compare no callbacks, the
callback offer (virtual hold after 2 minutes, 40 % acceptance), and no callbacks but 10 % more
in-house agents. Which lowers abandonment and raises service level, at what operating cost and at
what cost to customers? Paired comparison under common random numbers; writes
callbacks_vs_staff.html.

    python experiments/callbacks_vs_staff.py [-r 20] [--quick]
"""

from __future__ import annotations

from _common import ROOT, options

import cccsim


def main() -> None:
    args = options(__doc__.splitlines()[0])
    bank = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    if args.quick:
        bank = cccsim.load_scenario(bank, overrides={"horizon": "1d"})
    no_callbacks = cccsim.load_scenario(
        bank, overrides={"contact_types.voice.access.callback.acceptance": 0}
    )
    staff = no_callbacks.agent_groups["inhouse"].staff
    assert isinstance(staff, list)
    more_staff = cccsim.load_scenario(
        no_callbacks, overrides={"agent_groups.inhouse.staff": [round(n * 1.1) for n in staff]}
    )
    result = cccsim.compare(
        {"no callbacks": no_callbacks, "callbacks": bank, "10 % more staff": more_staff},
        replications=args.replications,
        seed=args.seed,
        backend=args.backend,
    )
    s = result.summary
    voice = s[
        (s.contact_type == "voice")
        & s.kpi.isin(
            ["service_level", "abandon_rate", "operating_cost", "customer_cost_per_contact"]
        )
    ]
    print(voice.pivot_table(index="scenario", columns="kpi", values="mean", sort=False).to_string())
    assert result.differences is not None
    print(
        result.differences[
            (result.differences.contact_type == "voice")
            & result.differences.kpi.isin(["service_level", "abandon_rate"])
        ][["scenario", "kpi", "mean_difference", "ci_low", "ci_high", "verdict"]].to_string(
            index=False
        )
    )
    path = cccsim.write_report(
        result, args.out / "callbacks_vs_staff.html", title="Callbacks or more staff?"
    )
    print(f"report: {path}")


if __name__ == "__main__":
    main()
