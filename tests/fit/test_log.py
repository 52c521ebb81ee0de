"""Reading contact logs: column mapping, times and time zones, outcomes, and bad rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cccsim.errors import LogError
from cccsim.fit import read_agent_log, read_log

HEADER = "contact_type,arrived_at,answered_at,ended_at,outcome,customer_id\n"


def good_rows(n: int, day: str = "2024-03-04") -> str:
    """n answered voice contacts, one a minute from 09:00, 20 s wait, 3 min handle."""
    rows = []
    for i in range(n):
        at = pd.Timestamp(f"{day} 09:00") + pd.Timedelta(minutes=i)
        answered, ended = at + pd.Timedelta(seconds=20), at + pd.Timedelta(seconds=200)
        rows.append(f"voice,{at},{answered},{ended},answered,c{i}\n")
    return "".join(rows)


def write(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_times_go_on_the_scenarios_clock_from_the_first_local_midnight(tmp_path: Path) -> None:
    """Day 1 is the first arrival's date, 00:00: 09:00 is 32,400 s; waits and handle times are
    the differences of the times (20 s and 180 s, by construction)."""
    log = read_log(write(tmp_path, HEADER + good_rows(60)))
    c = log.contacts
    assert log.start == pd.Timestamp("2024-03-04") and log.start_weekday == "mon"
    assert log.days == 1 and log.horizon == 86400.0
    assert c["arrived_at"].iloc[0] == 9 * 3600.0
    assert (c["wait_time"] == 20.0).all()
    assert set(c["handle_time"].round(6)) <= {180.0}
    assert log.n_bad == 0 and (c["line"].iloc[0], c["line"].iloc[-1]) == (2, 61)


def test_bad_rows_are_counted_by_problem_with_line_examples(tmp_path: Path) -> None:
    bad = (
        "voice,not a time,,2024-03-04 10:00:00,abandoned,x1\n"  # line 62
        "voice,2024-03-04 10:00:00,,2024-03-04 09:00:00,abandoned,x2\n"  # 63: ends before
        "voice,2024-03-04 10:00:00,,2024-03-04 10:01:00,hung up,x3\n"  # 64: unknown outcome
        ",2024-03-04 10:00:00,,2024-03-04 10:01:00,abandoned,x4\n"  # 65: no type
        "voice,2024-03-04 10:00:00,,2024-03-04 10:01:00,answered,x5\n"  # 66: answered, no time
        "voice,2024-03-04 10:00:00,,,abandoned,x6\n"  # 67: no end
    )
    log = read_log(write(tmp_path, HEADER + good_rows(60) + bad))
    problems = log.problems().set_index("problem")
    assert log.n_bad == 6 and len(log.contacts) == 60
    assert problems.loc["unparsable arrived_at", "rows"] == 1
    assert "line 62" in problems.loc["unparsable arrived_at", "examples"]
    assert "'not a time'" in problems.loc["unparsable arrived_at", "examples"]
    assert "line 63" in problems.loc["end before start", "examples"]
    assert "line 64" in problems.loc["unknown outcome", "examples"]
    assert "line 65" in problems.loc["missing contact_type", "examples"]
    assert "line 66" in problems.loc["outcome contradicts answered_at", "examples"]
    assert "line 67" in problems.loc["missing ended_at", "examples"]


def test_too_few_usable_rows_fail_with_counts_and_examples(tmp_path: Path) -> None:
    rows = "".join(f"voice,yesterday,,2024-03-04 10:00:00,abandoned,x{i}\n" for i in range(80))
    with pytest.raises(LogError) as caught:
        read_log(write(tmp_path, HEADER + good_rows(60) + rows))
    message = str(caught.value)
    assert "only 60 of 140 rows are usable" in message
    assert "80 rows: unparsable arrived_at" in message and "line 62" in message


def test_missing_columns_are_named_with_the_mapping_to_give(tmp_path: Path) -> None:
    text = (HEADER + good_rows(60)).replace("arrived_at", "StartTime", 1)
    with pytest.raises(LogError, match=r"missing column arrived_at.*--columns arrived_at="):
        read_log(write(tmp_path, text))
    log = read_log(write(tmp_path, text), columns={"arrived_at": "StartTime"})
    assert len(log.contacts) == 60
    with pytest.raises(LogError, match="unknown name started"):
        read_log(write(tmp_path, text), columns={"started": "StartTime"})
    with pytest.raises(LogError, match="does not have"):
        read_log(write(tmp_path, text), columns={"arrived_at": "Begin"})


def test_outcomes_are_mapped_and_inferred_without_the_column(tmp_path: Path) -> None:
    text = HEADER + good_rows(60).replace(",answered,", ",Handled,")
    log = read_log(write(tmp_path, text), outcomes={"handled": "answered"})
    assert (log.contacts["outcome"] == "answered").all()
    frame = pd.read_csv(write(tmp_path, HEADER + good_rows(60))).drop(columns="outcome")
    frame.loc[0, "answered_at"] = np.nan  # left after 3 min 20 s: abandoned
    frame.loc[1, "answered_at"] = np.nan
    frame.loc[1, "ended_at"] = frame.loc[1, "arrived_at"]  # left at once: blocked
    log = read_log(frame)
    assert list(log.contacts["outcome"][:3]) == ["abandoned", "blocked", "answered"]


def test_utc_times_are_counted_in_the_centres_time_zone(tmp_path: Path) -> None:
    """08:00 UTC is 09:00 in Paris in winter and 10:00 in summer; a wait across the spring
    change (02:00 → 03:00 on 31 March) lasts its real 20 minutes."""
    text = (
        HEADER
        + (
            "voice,2024-03-04T08:00:00Z,2024-03-04T08:00:30Z,2024-03-04T08:03:30Z,answered,a\n"
            "voice,2024-03-31T00:50:00Z,2024-03-31T01:10:00Z,2024-03-31T01:13:00Z,answered,b\n"
            "voice,2024-04-02T08:00:00Z,2024-04-02T08:00:30Z,2024-04-02T08:03:30Z,answered,c\n"
        )
        * 20
    )
    log = read_log(write(tmp_path, text), timezone="Europe/Paris")
    c = log.contacts
    assert log.start == pd.Timestamp("2024-03-04")
    of_day = (c["arrived_at"] % 86400).round(6)
    assert set(of_day) == {9 * 3600.0, 1 * 3600 + 50 * 60.0, 10 * 3600.0}
    assert set(c["wait_time"].round(6)) == {30.0, 1200.0}
    naive = read_log(
        write(tmp_path, text.replace("Z,", ",").replace("Z\n", "\n")),
        log_timezone="UTC",
        timezone="Europe/Paris",
    )
    assert np.allclose(naive.contacts["arrived_at"], c["arrived_at"])
    assert read_log(write(tmp_path, text)).notes  # offsets but no zone: counted in UTC, said
    with pytest.raises(LogError, match="unknown time zone"):
        read_log(write(tmp_path, text), timezone="Mars/Olympus")


def test_parquet_and_a_time_format(tmp_path: Path) -> None:
    frame = pd.read_csv(write(tmp_path, HEADER + good_rows(60)))
    for column in ("arrived_at", "answered_at", "ended_at"):
        frame[column] = pd.to_datetime(frame[column])
    frame.to_parquet(tmp_path / "log.parquet")
    assert len(read_log(tmp_path / "log.parquet").contacts) == 60
    european = HEADER + good_rows(60).replace("2024-03-04", "04/03/2024")
    log = read_log(write(tmp_path, european), time_format="%d/%m/%Y %H:%M:%S")
    assert log.start == pd.Timestamp("2024-03-04")


def test_a_file_that_is_not_there_or_not_a_table(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="no such contact log"):
        read_log(tmp_path / "missing.csv")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(LogError, match="cannot read"):
        read_log(tmp_path / "bad.parquet")


def test_agent_log_sessions_on_the_contact_logs_clock(tmp_path: Path) -> None:
    log = read_log(write(tmp_path, HEADER + good_rows(60)))
    agents = write(
        tmp_path,
        "agent_group,started_at,ended_at\n"
        "team,2024-03-04 08:00,2024-03-04 12:00\n"
        "team,2024-03-04 13:00,2024-03-04 12:00\n",  # ends before it starts
        "agents.csv",
    )
    sessions = read_agent_log(agents, log)
    assert list(sessions["started_at"]) == [8 * 3600.0]
    assert list(sessions["ended_at"]) == [12 * 3600.0]
    assert sessions.attrs["bad"][0].problem == "end before start"
