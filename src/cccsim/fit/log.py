"""Read a contact log: map its columns, put its times on the simulator's clock, count bad rows.

A contact log has one row per contact (docs/reference/contact-log.md). Every instant becomes
seconds since 00:00 of the log's first local day — the fitted scenario's time 0 — so intervals of
the day and weekdays are counted in the centre's local time, while durations (waits, handle
times) come from the absolute instants and stay right across a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cccsim.errors import LogError
from cccsim.fit.badrows import BadRows, Checks
from cccsim.fit.clock import Clock
from cccsim.units import DAY

REQUIRED = ("contact_type", "arrived_at", "answered_at", "ended_at")
OPTIONAL = ("channel", "agent_group", "customer_id", "outcome", "queue_entered_at", "agent_id")
COLUMNS = (*REQUIRED, *OPTIONAL)
"""The columns a contact log may have (the first four are required)."""
AGENT_COLUMNS = ("agent_group", "started_at", "ended_at", "agent_id")
"""The columns of an agent-state log (one row per period an agent is on duty; ``agent_id``
optional)."""
OUTCOMES = ("answered", "abandoned", "blocked", "closed", "balked", "open")
"""Outcomes a log may give (after ``outcomes`` mapping; case and spaces ignored)."""
FAILED = ("abandoned", "blocked", "closed", "balked")
"""Outcomes of contacts that did not get through (their customers may retry)."""
CHANNELS = ("voice", "chat", "messaging", "email")
MIN_USABLE = 50
"""Fewest usable rows a fit accepts."""


@dataclass
class ContactLog:
    """The usable rows of a contact log on the simulator's clock, and what was dropped.

    ``contacts`` has one row per usable contact, sorted by arrival: ``line`` (where it was in
    the file), ``contact_type``, ``channel``, ``outcome``, ``agent_group``, ``agent_id`` and
    ``customer_id`` (text or missing), ``arrived_at``, ``queue_at`` (queue entry; the arrival
    when the log has no ``queue_entered_at``), ``answered_at``, ``ended_at`` (seconds since day
    1, 00:00 local time; NaN where it did not happen), ``wait_time`` (in the queue until answered
    or gone; for contacts still open, until the end of the log's period) and ``handle_time``
    (answered contacts).
    """

    contacts: pd.DataFrame
    start: pd.Timestamp
    days: int
    n_rows: int
    bad: list[BadRows] = field(default_factory=list)
    source: str = "<frame>"
    notes: list[str] = field(default_factory=list)

    @property
    def horizon(self) -> float:
        """Length of the log's period in seconds (whole local days)."""
        return self.days * DAY

    @property
    def start_weekday(self) -> str:
        """Weekday of the log's first day (``mon`` … ``sun``)."""
        return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[self.start.weekday()]

    @property
    def n_bad(self) -> int:
        """Rows dropped."""
        return sum(b.count for b in self.bad)

    def problems(self) -> pd.DataFrame:
        """Bad rows by problem: ``problem``, ``rows``, ``examples`` (joined with "; ")."""
        return pd.DataFrame(
            {
                "problem": [b.problem for b in self.bad],
                "rows": [b.count for b in self.bad],
                "examples": ["; ".join(b.examples) for b in self.bad],
            }
        )


def parse_mapping(text: str | None, what: str = "--columns") -> dict[str, str]:
    """``"arrived_at=StartTime,ended_at=EndTime"`` → ``{"arrived_at": "StartTime", ...}``."""
    if not text:
        return {}
    mapping = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise LogError(f"{what}: expected name=value pairs separated by commas, got {item!r}")
        mapping[key.strip()] = value.strip()
    return mapping


def read_log(
    source: str | Path | pd.DataFrame,
    *,
    columns: Mapping[str, str] | None = None,
    outcomes: Mapping[str, str] | None = None,
    timezone: str | None = None,
    log_timezone: str | None = None,
    time_format: str | None = None,
    max_bad: float = 0.5,
) -> ContactLog:
    """Read and check a contact log (CSV, Parquet or a DataFrame).

    Args:
        columns: the log's column for each name cccsim expects, e.g. ``{"arrived_at": "StartTime"}``.
        outcomes: the log's outcome values mapped to cccsim's (``{"handled": "answered"}``).
        timezone: the centre's time zone, in which intervals of the day and weekdays are counted;
            times that carry a UTC offset are converted to it.
        log_timezone: the zone of times written without an offset (default: ``timezone``).
        time_format: a ``strftime`` format for the times (default: inferred, ISO 8601 works).
        max_bad: the largest share of bad rows accepted before the log is refused.

    Raises:
        LogError: missing columns, an unknown time zone, or too few usable rows (with counts and
            examples of the bad ones).
    """
    frame, name, where = _read_table(source, "contact log")
    frame = _mapped(frame, columns or {}, COLUMNS, REQUIRED, name)
    clock = Clock(timezone, log_timezone, time_format, name)
    n = len(frame)
    text = {c: _text(frame[c]) for c in ("contact_type", "channel", "outcome") if c in frame}
    times = {c: clock.parse(frame[c]) for c in ("arrived_at", "queue_entered_at") if c in frame}
    times.update({c: clock.parse(frame[c]) for c in ("answered_at", "ended_at")})
    given = {c: frame[c].notna() & (frame[c].astype(str).str.strip() != "") for c in times}
    arrived_local = times["arrived_at"][0]
    ok_arrival = ~np.isnan(arrived_local)
    start_s = float(np.floor(np.nanmin(arrived_local) / DAY) * DAY) if ok_arrival.any() else 0.0
    # every instant on the scenario's clock: the arrival's local position, then absolute offsets
    rel = {c: arrived_local - start_s + (a - times["arrived_at"][1]) for c, (_, a) in times.items()}
    arrived = rel["arrived_at"]
    queue = rel.get("queue_entered_at", arrived)
    queue = np.where(np.isnan(queue), arrived, queue) if "queue_entered_at" in rel else queue
    answered, ended = rel["answered_at"], rel["ended_at"]
    outcome = _outcomes(text.get("outcome"), outcomes or {}, answered, ended, queue)
    checks = Checks(n, where, frame)
    ctype = text["contact_type"]
    checks.add("missing contact_type", ctype.isna().to_numpy(), ["contact_type"])
    checks.add("unparsable arrived_at", ~ok_arrival, ["arrived_at"])
    for c in ("queue_entered_at", "answered_at", "ended_at"):
        if c in times:
            checks.add(f"unparsable {c}", given[c].to_numpy() & np.isnan(rel[c]), [c])
    if "outcome" in text:
        checks.add("unknown outcome", ~np.isin(outcome, OUTCOMES), ["outcome"])
    if "channel" in text:
        unknown = text["channel"].notna() & ~text["channel"].isin(CHANNELS)
        checks.add("unknown channel", unknown.to_numpy(), ["channel"])
    open_ = outcome == "open"
    checks.add("missing ended_at", np.isnan(ended) & ~open_, ["outcome", "ended_at"])
    with np.errstate(invalid="ignore"):
        disorder = (
            (queue < arrived)
            | (answered < queue)
            | (ended < answered)
            | (np.isnan(answered) & (ended < queue))
        )
    checks.add(
        "end before start",
        disorder,
        ["arrived_at", "queue_entered_at", "answered_at", "ended_at"],
    )
    is_answered = outcome == "answered"
    contradiction = (is_answered & np.isnan(answered)) | (~is_answered & ~np.isnan(answered))
    checks.add("outcome contradicts answered_at", contradiction, ["outcome", "answered_at"])
    channel = _channels(ctype, text.get("channel"), checks)
    keep = ~checks.bad
    usable = int(keep.sum())
    if usable < MIN_USABLE or (n and (n - usable) / n > max_bad):
        raise LogError(
            f"{name}: only {usable} of {n} rows are usable (at least {MIN_USABLE}, and at most "
            f"{max_bad:.0%} bad rows, are needed)" + checks.render()
        )
    local_start = pd.Timestamp(start_s, unit="s")
    days = int(np.floor(np.nanmax(arrived[keep]) / DAY)) + 1
    horizon = days * DAY
    wait = np.where(is_answered, answered - queue, ended - queue)
    wait = np.where(open_, horizon - queue, wait)
    wait = np.where(np.isin(outcome, ("blocked", "closed")), 0.0, wait)
    contacts = pd.DataFrame(
        {
            "line": np.arange(n) + (2 if where == "line" else 1),
            "contact_type": ctype.astype(object),
            "channel": channel,
            "outcome": outcome,
            "agent_group": _text(frame["agent_group"]).astype(object)
            if "agent_group" in frame
            else None,
            "agent_id": _text(frame["agent_id"]).astype(object) if "agent_id" in frame else None,
            "customer_id": _text(frame["customer_id"]).astype(object)
            if "customer_id" in frame
            else None,
            "arrived_at": arrived,
            "queue_at": queue,
            "answered_at": answered,
            "ended_at": ended,
            "wait_time": wait,
            "handle_time": np.where(is_answered, ended - answered, np.nan),
        }
    )[keep]
    contacts = contacts.sort_values("arrived_at", kind="stable").reset_index(drop=True)
    return ContactLog(
        contacts=contacts,
        start=local_start,
        days=days,
        n_rows=n,
        bad=checks.found,
        source=name,
        notes=clock.notes,
    )


def read_agent_log(
    source: str | Path | pd.DataFrame,
    log: ContactLog,
    *,
    columns: Mapping[str, str] | None = None,
    timezone: str | None = None,
    log_timezone: str | None = None,
    time_format: str | None = None,
    max_bad: float = 0.5,
) -> pd.DataFrame:
    """Read an agent-state log onto the contact log's clock.

    One row per period an agent was on duty (logged in and not on a break): ``agent_group``,
    ``started_at``, ``ended_at`` and optionally ``agent_id``. Returns ``agent_group``,
    ``agent_id``, ``started_at``, ``ended_at`` in seconds since the contact log's day 1, 00:00,
    clipped to its period.

    Raises:
        LogError: missing columns or too many bad rows (with counts and examples).
    """
    frame, name, where = _read_table(source, "agent-state log")
    frame = _mapped(frame, columns or {}, AGENT_COLUMNS, AGENT_COLUMNS[:3], name)
    clock = Clock(timezone, log_timezone, time_format, name)
    origin = (log.start - pd.Timestamp(0)) / pd.Timedelta(seconds=1)
    start_local, start_abs = clock.parse(frame["started_at"])
    _, end_abs = clock.parse(frame["ended_at"])
    started = start_local - origin
    ended = started + (end_abs - start_abs)
    group = _text(frame["agent_group"])
    checks = Checks(len(frame), where, frame)
    checks.add("missing agent_group", group.isna().to_numpy(), ["agent_group"])
    checks.add("unparsable started_at", np.isnan(started), ["started_at"])
    checks.add("unparsable ended_at", np.isnan(ended), ["ended_at"])
    with np.errstate(invalid="ignore"):
        checks.add("end before start", ended < started, ["started_at", "ended_at"])
    keep = ~checks.bad
    if not keep.any() or (1 - keep.mean()) > max_bad:
        raise LogError(
            f"{name}: only {int(keep.sum())} of {len(frame)} rows are usable" + checks.render()
        )
    sessions = pd.DataFrame(
        {
            "agent_group": group.astype(object),
            "agent_id": _text(frame["agent_id"]).astype(object) if "agent_id" in frame else None,
            "started_at": np.clip(started, 0.0, log.horizon),
            "ended_at": np.clip(ended, 0.0, log.horizon),
        }
    )[keep]
    sessions.attrs["bad"] = checks.found
    return sessions.reset_index(drop=True)


def read_logs(
    log: str | Path | pd.DataFrame | ContactLog,
    agent_log: str | Path | pd.DataFrame | None,
    *,
    columns: Mapping[str, str] | None = None,
    agent_columns: Mapping[str, str] | None = None,
    outcomes: Mapping[str, str] | None = None,
    timezone: str | None = None,
    log_timezone: str | None = None,
    time_format: str | None = None,
    max_bad: float = 0.5,
) -> tuple[ContactLog, pd.DataFrame | None]:
    """The contact log (read unless it already is) and the agent-state log's sessions (or
    ``None``), with the same time zones and format."""
    clock = {"timezone": timezone, "log_timezone": log_timezone, "time_format": time_format}
    contacts = (
        log
        if isinstance(log, ContactLog)
        else read_log(log, columns=columns, outcomes=outcomes, max_bad=max_bad, **clock)
    )
    sessions = (
        read_agent_log(agent_log, contacts, columns=agent_columns, max_bad=max_bad, **clock)
        if agent_log is not None
        else None
    )
    return contacts, sessions


# ----------------------------------------------------------------------------- pieces


def _read_table(source: str | Path | pd.DataFrame, what: str) -> tuple[pd.DataFrame, str, str]:
    """The raw table, its name for messages, and how rows are located (``line`` or ``row``)."""
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), f"<{what} frame>", "row"
    path = Path(source)
    if not path.is_file():
        raise LogError(f"{path}: no such {what} file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path), str(path), "row"
        frame = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise LogError(f"{path}: cannot read the {what} ({type(exc).__name__}: {exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, str(path), "line"


def _mapped(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    known: tuple[str, ...],
    required: tuple[str, ...],
    name: str,
) -> pd.DataFrame:
    unknown = [k for k in columns if k not in known]
    if unknown:
        raise LogError(
            f"--columns: unknown name{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
            f"(expected some of {', '.join(known)})"
        )
    absent = [v for v in columns.values() if v not in frame.columns]
    if absent:
        raise LogError(
            f"{name}: --columns names column{'s' if len(absent) > 1 else ''} {', '.join(absent)} "
            f"that the file does not have (it has: {', '.join(map(str, frame.columns))})"
        )
    frame = frame.rename(columns={v: k for k, v in columns.items()})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = ", ".join(f"{c}=YourColumn" for c in missing)
        raise LogError(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(it has: {', '.join(map(str, frame.columns))}); map them with --columns {hint}"
        )
    return frame


def _text(values: pd.Series) -> pd.Series:
    """Stripped text with empty strings as missing (ids and names keep their spelling)."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _outcomes(
    raw: pd.Series | None,
    mapping: Mapping[str, str],
    answered: np.ndarray,
    ended: np.ndarray,
    queue: np.ndarray,
) -> np.ndarray:
    """Outcome per row: mapped and lower-cased, or inferred from the times without the column."""
    if raw is not None:
        lower = {k.strip().lower(): v.strip().lower() for k, v in mapping.items()}
        text = raw.str.lower().str.replace(r"\s+", "_", regex=True)
        return text.map(lambda v: lower.get(v, v) if isinstance(v, str) else "").to_numpy(
            dtype=object
        )
    inferred = np.where(ended > queue, "abandoned", "blocked").astype(object)
    inferred[np.isnan(ended)] = "open"
    inferred[~np.isnan(answered)] = "answered"
    return inferred


def _channels(ctype: pd.Series, given: pd.Series | None, checks: Checks) -> np.ndarray:
    """Each type's channel: its most common value in the log, or the type's name when it is a
    channel's (``chat``), else ``voice``; rows giving another channel than their type's are bad."""
    if given is None:
        return np.array(
            [t if t in CHANNELS else "voice" for t in ctype.fillna("").astype(str)], dtype=object
        )
    frame = pd.DataFrame({"t": ctype, "c": given})
    usual = frame.dropna().groupby("t")["c"].agg(lambda s: s.value_counts().index[0])
    expected = ctype.map(usual)
    differs = given.notna() & expected.notna() & (given != expected)
    checks.add(
        "channel differs from its type's", differs.to_numpy(dtype=bool), ["contact_type", "channel"]
    )
    fallback = np.array([t if t in CHANNELS else "voice" for t in ctype.fillna("").astype(str)])
    return np.where(expected.isna(), fallback, expected.astype(object)).astype(object)
