"""Does the scenario's patience law explain the log's abandonments, part of the day by part?

Pooled abandonment rates are noisy (they depend on how long the queue happened to be), so the
patience law is also checked directly, given the waits customers actually had: under the law,
a contact that waited w (abandoning or not) is expected to contribute H(w) = −ln S(w)
abandonments (its cumulative hazard), so E = Σ H(wᵢ) is the number of abandonments the law
predicts for those waits and O the number observed. Under the law, O is close to Poisson with
mean E (the one-sample log-rank test; z = (O − E)/√E is shown). A part of the day is flagged when
the exact Poisson tail probability of O is below ``FAMILY_RISK`` / (2 × the checks made)
(Bonferroni), O/E differs from 1 by at least ``MATERIAL_RATIO`` and at least ``MIN_CONTACTS``
contacts waited in the part (fewer say little about a law fitted to the whole log).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from cccsim.backtesting.compare import FAMILY_RISK, PARTS, hours_of, part_of
from cccsim.fit.laws import frozen
from cccsim.fit.log import ContactLog
from cccsim.scenario import Scenario
from cccsim.scenario.distributions import Exponential, Gamma, Lognormal

MATERIAL_RATIO = 0.2
MIN_CONTACTS = 30
WAITED = ("answered", "abandoned", "open")


def patience_check(log: ContactLog, sc: Scenario, types: list[str]) -> pd.DataFrame:
    """Per contact type with a parametric patience law × part of the day (and ``period``):
    contacts that waited, ``observed`` and ``expected`` abandonments, ``ratio`` O/E and ``z``."""
    c = log.contacts[log.contacts["outcome"].isin(WAITED)]
    c = c.assign(part=part_of(c["queue_at"] // sc.interval, sc.interval))
    rows = []
    for t in types:
        spec = sc.contact_types[t].patience
        if not isinstance(spec, Exponential | Lognormal | Gamma):
            continue  # infinite, or a law without a closed-form hazard here
        law = frozen(spec.dist, spec.mean, spec.cv if not isinstance(spec, Exponential) else 1.0)
        mine = c[c["contact_type"] == t]
        hazard = -law.logsf(mine["wait_time"].to_numpy(dtype=float))
        gone = (mine["outcome"] == "abandoned").to_numpy()
        parts = mine["part"].to_numpy()
        for part in [*(name for name, _, _ in PARTS), "period"]:
            sel = np.ones(len(mine), dtype=bool) if part == "period" else parts == part
            if not sel.any():
                continue
            expected = float(hazard[sel].sum())
            observed = int(gone[sel].sum())
            rows.append(
                {
                    "contact_type": t,
                    "part": part,
                    "contacts": int(sel.sum()),
                    "observed": observed,
                    "expected": expected,
                    "ratio": observed / expected if expected > 0 else np.nan,
                    "z": (observed - expected) / np.sqrt(expected) if expected > 0 else np.nan,
                    "p": _tail(observed, expected),
                }
            )
    columns = ["contact_type", "part", "contacts", "observed", "expected", "ratio", "z", "p"]
    return pd.DataFrame(rows, columns=columns)


def _tail(observed: int, expected: float) -> float:
    """Probability of a count at least this far from E on its side, for a Poisson(E) count."""
    if not expected > 0:
        return np.nan
    if observed >= expected:
        return float(stats.poisson.sf(observed - 1, expected))
    return float(stats.poisson.cdf(observed, expected))


def patience_flags(check: pd.DataFrame) -> pd.DataFrame:
    """The parts of the day where the patience law clearly mispredicts abandonments."""
    rows = []
    risk = FAMILY_RISK / (2 * max(len(check), 1))
    for r in check.to_dict("records"):
        ratio, z = float(r["ratio"]), float(r["z"])
        judged = int(r["contacts"]) >= MIN_CONTACTS
        if not (judged and float(r["p"]) < risk and abs(ratio - 1) >= MATERIAL_RATIO):
            continue
        direction = "under" if ratio > 1 else "over"
        part = str(r["part"])
        where = "over the period" if part == "period" else f"in the {part} ({hours_of(part)})"
        cause = "less" if ratio > 1 else "more"
        message = (
            f"{r['contact_type']}: abandonment {direction}-predicted {where} for the waits "
            f"customers had: {r['observed']:,} abandoned vs {r['expected']:,.0f} expected under "
            f"the scenario's patience (O/E {ratio:.2f}, z {z:+.1f}) — customers are {cause} "
            "patient than the scenario's law"
            + ("" if part == "period" else "; patience differs by time of day")
        )
        rows.append(
            {
                "contact_type": r["contact_type"],
                "kpi": "patience",
                "part": part,
                "direction": f"{direction}-predicted",
                "observed": float(r["observed"]),
                "simulated": float(r["expected"]),
                "z": z,
                "message": message,
            }
        )
    columns = ["contact_type", "kpi", "part", "direction", "observed", "simulated", "z", "message"]
    return pd.DataFrame(rows, columns=columns)
