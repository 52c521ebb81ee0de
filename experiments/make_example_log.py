"""Make the example contact log and agent-state log in scenarios/data/ from known parameters.

Two weeks (Monday 4 March 2024 to Sunday 17 March) of a small centre are simulated with the
scenario ``KNOWN`` below and written in the contact-log format ``cccsim fit`` reads: voice and
chat, lognormal and gamma handle times, exponential and lognormal patience, retrials after
abandonment, repeats of unresolved contacts (a fifth of them on chat), voice refused out of
hours. Three deliberately bad rows are added at the end so that the guide can show how they are
reported. The agent-state log holds the staffing the simulation used.

    python experiments/make_example_log.py            # rewrites scenarios/data/example_*.csv

Fit it and compare the estimates with ``KNOWN``:

    cccsim fit scenarios/data/example_contact_log.csv --agent-log scenarios/data/example_agent_log.csv --out fitted.yaml
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import cccsim
from cccsim.fit.export import contacts_as_log, staff_as_agent_log

ROOT = Path(__file__).resolve().parents[1]
START = "2024-03-04"  # a Monday
SEED = 2024
DAY = [0.0] * 14 + [2.0, 3.0]  # expected voice contacts per half hour from 00:00
DAY += [8.0, 12.0, 16.0, 18.0, 19.0, 18.0, 15.0, 14.0, 16.0, 17.0, 16.0, 14.0]  # 08:00-14:00
DAY += [12.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 3.0, 2.0, 2.0]  # 14:00-20:00
DAY += [1.0] * 4 + [0.0] * 4
VOICE_STAFF = [0] * 16 + [3, 4, 5, 5, 5, 5, 4, 4, 5, 5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 2]
VOICE_STAFF += [0] * 8
CHAT_STAFF = [0] * 16 + [1] * 24 + [0] * 8

KNOWN = {
    "name": "Example centre (known parameters)",
    "horizon": "14d",
    "interval": "30min",
    "start_weekday": "mon",
    "contact_types": {
        "voice": {
            "channel": "voice",
            "arrivals": {
                "per_interval": DAY,
                "weekday_factors": {"mon": 1.2, "sat": 0.6, "sun": 0.0},
                "overdispersion_cv": 0.1,
            },
            "handle_time": {"dist": "lognormal", "mean": "4min", "cv": 0.9},
            "patience": {"dist": "exponential", "mean": "2min"},
            "access": {
                "hours": {"mon-fri": "08:00-20:00", "sat": "09:00-17:00", "sun": "closed"},
                "retrial": {
                    "probability": 0.5,
                    "delay": {"dist": "exponential", "mean": "15min"},
                    "after": ["abandoned"],
                },
                "resolution": {
                    "first_contact": 0.85,
                    "delay": {"dist": "exponential", "mean": "1d"},
                    "switch": {"chat": 0.2},
                },
            },
        },
        "chat": {
            "channel": "chat",
            "arrivals": {"per_interval": [v / 3 for v in DAY]},
            "handle_time": {"dist": "gamma", "mean": "9min", "cv": 0.6},
            "patience": {"dist": "lognormal", "mean": "4min", "cv": 1.0},
        },
    },
    "agent_groups": {
        "phone": {"skills": ["voice"], "staff": VOICE_STAFF},
        "web": {"skills": ["chat"], "staff": CHAT_STAFF, "max_concurrent": 3},
    },
}

BAD_ROWS = [  # one of each problem the guide shows
    {"contact_type": "voice", "arrived_at": "2024-03-05 25:61:00", "outcome": "abandoned"},
    {
        "contact_type": "voice",
        "arrived_at": "2024-03-06 10:00:00",
        "ended_at": "2024-03-06 09:58:00",
        "outcome": "abandoned",
    },
    {
        "contact_type": "chat",
        "arrived_at": "2024-03-07 11:00:00",
        "ended_at": "2024-03-07 11:02:00",
        "outcome": "transferred",
    },
]


def make(out_dir: Path) -> tuple[Path, Path]:
    """Simulate ``KNOWN`` once and write the contact log and the agent-state log."""
    sc = cccsim.load_scenario(KNOWN)
    contacts = cccsim.run_replication(sc, seed=SEED).contacts
    log = contacts_as_log(contacts, start=START, resolution="1s").drop(columns="channel")
    for column in ("arrived_at", "answered_at", "ended_at"):
        log[column] = log[column].dt.strftime("%Y-%m-%d %H:%M:%S")
    log = pd.concat([log, pd.DataFrame(BAD_ROWS)], ignore_index=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    contact_path = out_dir / "example_contact_log.csv"
    log.to_csv(contact_path, index=False)
    staff = {"phone": VOICE_STAFF * 14, "web": CHAT_STAFF * 14}
    agents = staff_as_agent_log(staff, interval=1800.0, start=START)
    for column in ("started_at", "ended_at"):
        agents[column] = agents[column].dt.strftime("%Y-%m-%d %H:%M")
    agent_path = out_dir / "example_agent_log.csv"
    agents.to_csv(agent_path, index=False)
    return contact_path, agent_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scenarios" / "data")
    args = parser.parse_args()
    for path in make(args.out):
        print(f"wrote {path} ({path.stat().st_size / 1000:.0f} kB)")


if __name__ == "__main__":
    main()
