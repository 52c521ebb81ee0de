"""``fit_scenario``: a contact log in, a scenario (and everything behind it) out."""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccsim.errors import LogError
from cccsim.fit.arrivals import ArrivalFit, fit_arrivals
from cccsim.fit.journeys import JourneyFit, fit_journeys
from cccsim.fit.laws import LawChoice, fit_laws
from cccsim.fit.log import ContactLog, read_logs
from cccsim.fit.scenario import Pieces, compose, to_yaml
from cccsim.fit.staffing import staffing
from cccsim.fit.survival import PatienceFit, fit_patience
from cccsim.scenario import Scenario, load_scenario
from cccsim.units import DAY, parse_duration

WAITED = ("answered", "abandoned", "open")
"""Outcomes of contacts that waited in the queue (the patience sample)."""


@dataclass
class FitResult:
    """A scenario fitted from a contact log, with the estimates and the data behind them.

    ``scenario`` is validated and runs as it is; ``data`` is what ``write`` saves as YAML.
    """

    scenario: Scenario
    data: dict[str, Any]
    log: ContactLog
    arrivals: dict[str, ArrivalFit]
    handle: dict[str, LawChoice]
    patience: dict[str, PatienceFit]
    journeys: JourneyFit
    staffing: pd.DataFrame
    staffing_source: str
    """``agent-state log`` (mean on duty) or ``busy-time lower bound`` (most busy at once)."""
    notes: list[str] = field(default_factory=list)

    def to_yaml(self) -> str:
        """The fitted scenario as YAML text."""
        return to_yaml(self.data)

    def write(self, path: str | Path) -> Path:
        """Write the scenario's YAML to ``path`` atomically and return the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex}")
        tmp.write_text(self.to_yaml(), encoding="utf-8")
        os.replace(tmp, target)
        return target

    def summary(self) -> pd.DataFrame:
        """One row per contact type: contacts, first contacts per day, the chosen handle-time and
        patience laws (with the naive patience for contrast), retrial share and first-contact
        resolution."""
        rows = []
        c = self.log.contacts
        for t in self.data["contact_types"]:
            mine = c["contact_type"] == t
            h, p = self.handle.get(t), self.patience.get(t)
            r, rep = self.journeys.retrial.get(t), self.journeys.repeat.get(t)
            rows.append(
                {
                    "contact_type": t,
                    "contacts": int(mine.sum()),
                    "first_contacts_per_day": float(self.arrivals[t].counts.sum(axis=1).mean())
                    if t in self.arrivals
                    else 0.0,
                    "overdispersion_cv": self.arrivals[t].overdispersion_cv
                    if t in self.arrivals
                    else np.nan,
                    "handle_law": h.dist if h else "",
                    "handle_mean": h.mean if h else np.nan,
                    "handle_cv": h.cv if h else np.nan,
                    "handle_distance": h.distance if h else np.nan,
                    "patience_law": p.choice.dist if p else "",
                    "patience_mean": p.choice.mean if p else np.nan,
                    "patience_naive_mean": p.naive_mean if p else np.nan,
                    "censored_share": p.censored_share if p else np.nan,
                    "retrial_share": r.share if r and r.by_outcome else np.nan,
                    "first_contact_resolution": 1 - rep.share if rep and rep.n_eligible else np.nan,
                }
            )
        return pd.DataFrame(rows)

    def laws(self) -> pd.DataFrame:
        """Every candidate law fitted: ``contact_type``, ``what`` (handle time, patience, retrial
        delay, repeat delay), ``dist``, ``mean``, ``cv``, ``bic``, ``distance``, ``fits``,
        ``chosen``."""
        rows = []
        for t in self.data["contact_types"]:
            choices: list[tuple[str, LawChoice | None]] = [
                ("handle time", self.handle.get(t)),
                ("patience", self.patience[t].choice if t in self.patience else None),
                ("retrial delay", _delay(self.journeys.retrial.get(t))),
                ("repeat delay", _delay(self.journeys.repeat.get(t))),
            ]
            for what, choice in choices:
                if choice is None:
                    continue
                for law in choice.candidates:
                    rows.append(
                        {
                            "contact_type": t,
                            "what": what,
                            "dist": law.dist,
                            "n": law.n,
                            "mean": law.mean,
                            "cv": law.cv,
                            "bic": law.bic,
                            "distance": law.distance,
                            "fits": law.fits,
                            "chosen": law is choice.chosen,
                        }
                    )
        return pd.DataFrame(rows)


def _delay(follow_up: Any) -> LawChoice | None:
    return follow_up.delay if follow_up is not None else None


def fit_scenario(
    log: str | Path | pd.DataFrame | ContactLog,
    *,
    agent_log: str | Path | pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
    agent_columns: Mapping[str, str] | None = None,
    outcomes: Mapping[str, str] | None = None,
    timezone: str | None = None,
    log_timezone: str | None = None,
    time_format: str | None = None,
    interval: str | float = "30min",
    thresholds: Mapping[str, str | float] | str | float | None = None,
    retrial_window: str | float = "1d",
    repeat_window: str | float = "7d",
    max_bad: float = 0.5,
    name: str | None = None,
) -> FitResult:
    """Fit a scenario from a contact log (CSV, Parquet, a DataFrame or a ``ContactLog``).

    Estimates, per contact type: first-contact arrivals per interval of the day with weekday
    factors and over-dispersion; the handle-time law; patience by survival analysis; retrials,
    repeats and channel switches from ``customer_id``; and per agent group the staff on duty per
    interval (from ``agent_log``, else a lower bound from busy time). See
    docs/guides/from-your-data.md.

    Args:
        log: the contact log (columns in docs/reference/contact-log.md).
        agent_log: optional agent-state log: one row per period an agent was on duty.
        columns, agent_columns: the logs' column for each name cccsim expects.
        outcomes: the log's outcome values mapped to cccsim's (``{"handled": "answered"}``).
        timezone, log_timezone, time_format: how to read the times (see ``read_log``).
        interval: the scenario's interval (must divide a day).
        thresholds: service-level threshold per contact type (``{"voice": "20s"}``), or one for
            all (default: the scenario's default, 20 s).
        retrial_window, repeat_window: how soon a customer's next contact must follow a failed
            (answered) one to count as its retrial (repeat).
        max_bad: the largest share of bad rows accepted.
        name: the scenario's name (default: "Fitted from <file>").

    Raises:
        LogError: an unreadable log, or too few usable rows (with counts and examples).
    """
    step = _duration(interval, "interval")
    if step < 60 or abs(DAY / step - round(DAY / step)) > 1e-9:
        raise LogError("interval: must be at least 1min and divide a day (e.g. 15min, 30min, 1h)")
    contact_log, sessions = read_logs(
        log,
        agent_log,
        columns=columns,
        agent_columns=agent_columns,
        outcomes=outcomes,
        timezone=timezone,
        log_timezone=log_timezone,
        time_format=time_format,
        max_bad=max_bad,
    )
    c = contact_log.contacts
    journeys = fit_journeys(
        c,
        horizon=contact_log.horizon,
        retrial_window=_duration(retrial_window, "retrial_window"),
        repeat_window=_duration(repeat_window, "repeat_window"),
    )
    first = journeys.link == "first"
    types = [str(t) for t in c["contact_type"].value_counts().index]
    channels = dict(zip(c["contact_type"], c["channel"], strict=True))
    arrivals, handle, patience = {}, {}, {}
    notes = list(contact_log.notes)
    for t in types:
        mine = (c["contact_type"] == t).to_numpy()
        if (mine & first).any():
            arrivals[t] = fit_arrivals(
                c["queue_at"].to_numpy()[mine & first],
                days=contact_log.days,
                interval=step,
                start_weekday=contact_log.start_weekday,
            )
        handled = c["handle_time"].to_numpy()[mine & (c["outcome"] == "answered").to_numpy()]
        if (handled > 0).any():
            handle[t] = fit_laws(handled)
        else:
            notes.append(f"{t}: no answered contact with a handle time; the mean of all is used")
        waited = mine & c["outcome"].isin(WAITED).to_numpy()
        if channels[t] != "email":
            fitted = fit_patience(
                c["wait_time"].to_numpy()[waited], (c["outcome"] == "abandoned").to_numpy()[waited]
            )
            if fitted is not None:
                patience[t] = fitted
    if not journeys.has_customers:
        notes.append(
            "no customer_id: retrials and repeats cannot be told from first contacts, so the "
            "arrivals include them and the scenario has no retrials or repeats"
        )
    groups = _groups(c, sessions)
    table = staffing(c, sessions, horizon=contact_log.horizon, interval=step, groups=groups)
    source = "agent-state log" if sessions is not None else "busy-time lower bound"
    if sessions is None:
        notes.append(
            "staff per interval is a lower bound (the most agents busy at once): the simulated "
            "centre is at best as well staffed as the real one; give an agent-state log"
        )
    pieces = Pieces(
        log=contact_log,
        interval=step,
        types=types,
        channels=channels,
        arrivals=arrivals,
        handle=handle,
        patience=patience,
        journeys=journeys,
        staffing=table,
        staffing_source=source,
        thresholds=_thresholds(thresholds, types),
    )
    data = compose(pieces, name)
    return FitResult(
        scenario=load_scenario(data),
        data=data,
        log=contact_log,
        arrivals=arrivals,
        handle=handle,
        patience=patience,
        journeys=journeys,
        staffing=table,
        staffing_source=source,
        notes=notes,
    )


def _groups(contacts: pd.DataFrame, sessions: pd.DataFrame | None) -> list[str]:
    """Agent groups: those answering in the log, then those only in the agent-state log."""
    named = contacts.loc[contacts["outcome"] == "answered", "agent_group"].dropna()
    groups = [str(g) for g in named.value_counts().index]
    if sessions is not None:
        groups += [str(g) for g in pd.unique(sessions["agent_group"]) if str(g) not in groups]
    return groups or ["agents"]


def _thresholds(
    given: Mapping[str, str | float] | str | float | None, types: list[str]
) -> dict[str, float]:
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        return dict.fromkeys(types, _duration(given, "threshold"))
    unknown = [t for t in given if t not in types]
    if unknown:
        raise LogError(
            f"threshold: no contact type {', '.join(unknown)} in the log ({', '.join(types)})"
        )
    return {t: _duration(v, f"threshold {t}") for t, v in given.items()}


def _duration(value: str | float, what: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise LogError(f"{what}: {exc}") from None
