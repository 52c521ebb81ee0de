"""Strict YAML: duplicate keys, alias bombs, recursive aliases, deep nesting, booleans as numbers
and duplicated targets are refused with a message naming the file, line and field path."""

from __future__ import annotations

import copy
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.scenario.load import override_data
from cccsim.scenario.yaml_file import MAX_ALIAS_NODES, MAX_ALIASES
from tests.conftest import ROOT

runner = CliRunner()
SMALL = """\
name: small
horizon: 1d
contact_types:
  voice:
    channel: voice
    arrivals: {per_hour: 10}
    handle_time: {dist: exponential, mean: 60}
agent_groups:
  team: {skills: [voice], staff: 2}
"""


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "s.yaml"
    file.write_text(text)
    return file


def refused(file: Path) -> str:
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2, result.output + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def test_duplicate_agent_group_names_both_lines(tmp_path: Path) -> None:
    file = write(tmp_path, SMALL + "  team: {skills: [voice], staff: 9}\n")
    message = refused(file)
    assert f"{file}:10: agent_groups.team: duplicate key 'team'" in message
    assert "first on line 9, again on line 10" in message


@pytest.mark.parametrize(
    ("text", "path", "lines"),
    [
        ("name: a\nname: b\n", "name", (1, 2)),  # at the top
        (
            SMALL.replace("channel: voice\n", "channel: voice\n    channel: chat\n"),
            "channel",
            (5, 6),
        ),
        (SMALL.replace("{per_hour: 10}", "{per_hour: 10, per_hour: 20}"), "per_hour", (6, 6)),
        (SMALL.replace("\n  voice:\n", "\n  voice:\n    handle_time: 3\n"), "handle_time", (5, 8)),
        (SMALL + "contact_types: {}\n", "contact_types", (3, 10)),
        (SMALL.replace("name: small", 'name: small\n"name": quoted'), "name", (1, 2)),
    ],
)
def test_every_duplicate_key_is_an_error(
    tmp_path: Path, text: str, path: str, lines: tuple[int, int]
) -> None:
    message = refused(write(tmp_path, text))
    assert f"duplicate key '{path}': first on line {lines[0]}, again on line {lines[1]}" in message


def test_all_duplicates_are_reported_at_once(tmp_path: Path) -> None:
    text = SMALL.replace("horizon: 1d", "horizon: 1d\nhorizon: 2d") + "  team: {skills: [voice]}\n"
    message = refused(write(tmp_path, text))
    assert "2 problems" in message and "'horizon'" in message and "'team'" in message


def test_merge_keys_may_override_what_they_merge(tmp_path: Path) -> None:
    """``<<: *base`` then a key of its own is YAML's override idiom, not a duplicate."""
    text = SMALL.replace(
        "  team: {skills: [voice], staff: 2}",
        "  team: &team {skills: [voice], staff: 2}\n  more:\n    <<: *team\n    staff: 5",
    )
    sc = cccsim.load_scenario(write(tmp_path, text))
    assert sc.agent_groups["more"].staff == 5 and sc.agent_groups["team"].staff == 2


def test_an_override_of_one_alias_leaves_the_others_alone(tmp_path: Path) -> None:
    text = SMALL.replace(
        "  team: {skills: [voice], staff: 2}",
        "  team: {skills: [voice], staff: &rota [1, 2, 3, 4]}\n  more: {skills: [voice], staff: *rota}",
    ).replace("horizon: 1d", "horizon: 1d\ninterval: 6h")
    sc = cccsim.load_scenario(write(tmp_path, text), overrides={"agent_groups.more.staff[0]": 9})
    assert sc.agent_groups["team"].staff == [1, 2, 3, 4]
    assert sc.agent_groups["more"].staff == [9, 2, 3, 4]


def bomb(levels: int) -> str:
    """The "billion laughs": each level is a list of ten aliases of the level before."""
    text = "name: bomb\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, levels + 1):
        text += f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n"
    return text


def test_alias_bomb_fails_fast_with_little_memory(tmp_path: Path) -> None:
    file = write(tmp_path, bomb(9))  # 10^10 strings if expanded
    assert file.stat().st_size < 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(file)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "aliases expand this file by" in str(caught.value)
    assert f"at most {MAX_ALIAS_NODES:,}" in str(caught.value)
    assert seconds < 1.0 and peak < 5_000_000, (seconds, peak)


def test_alias_bomb_through_the_cli_in_a_memory_capped_process(tmp_path: Path) -> None:
    """The whole command, in its own process with its address space capped: exit 2, quickly."""
    file = write(tmp_path, bomb(9))
    cap = 2_000_000_000  # far below the gigabytes an expansion would take

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cccsim", "validate", str(file)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limit,
    )
    assert done.returncode == 2, done.stderr
    assert "aliases expand" in done.stderr and "Traceback" not in done.stderr
    assert time.perf_counter() - started < 30


def test_a_moderate_use_of_aliases_is_fine(tmp_path: Path) -> None:
    text = SMALL.replace("{dist: exponential, mean: 60}", "&ht {dist: exponential, mean: 60}")
    text = text.replace("skills: [voice]", "skills: [voice, chat]").replace(
        "agent_groups:",
        "  chat: {channel: chat, arrivals: {per_hour: 5}, handle_time: *ht}\nagent_groups:",
    )
    sc = cccsim.load_scenario(write(tmp_path, text))
    assert sc.contact_types["chat"].handle_time == sc.contact_types["voice"].handle_time


def test_too_many_aliases(tmp_path: Path) -> None:
    text = SMALL + "extra: &v 1\nmore: [" + ", ".join(["*v"] * (MAX_ALIASES + 1)) + "]\n"
    message = refused(write(tmp_path, text))
    assert f"more than {MAX_ALIASES:,} YAML aliases" in message and ":11:" in message


def test_recursive_alias_and_deep_nesting(tmp_path: Path) -> None:
    assert "refers to its own anchor" in refused(write(tmp_path, SMALL + "x: &a [1, *a]\n"))
    deep = SMALL + "x: " + "[" * 100 + "]" * 100 + "\n"
    assert "nested more than 64 levels" in refused(write(tmp_path, deep))
    deeper = SMALL + "x: " + "[" * 5000 + "]" * 5000 + "\n"  # past Python's recursion limit
    assert "nested too deeply" in refused(write(tmp_path, deeper))


def test_complex_keys_are_invalid_yaml(tmp_path: Path) -> None:
    assert "unhashable key" in refused(write(tmp_path, SMALL + "? [a, b]\n: 1\n"))


# ----------------------------------------------------------------------------- booleans


@pytest.mark.parametrize(
    ("number", "written", "path"),
    [
        ("staff: 2", "staff: {}", "agent_groups.team.staff"),
        ("staff: 2", "staff: [2, {}]", "agent_groups.team.staff[1]"),
        ("per_hour: 10", "per_hour: {}", "contact_types.voice.arrivals.per_hour"),
        ("mean: 60", "mean: {}", "contact_types.voice.handle_time.mean"),
    ],
)
@pytest.mark.parametrize("word", ["true", "yes", "on", "false", "no", "off"])
def test_booleans_are_not_numbers(
    tmp_path: Path, number: str, written: str, path: str, word: str
) -> None:
    text = SMALL.replace(number, written.format(word))
    text = text.replace("horizon: 1d", "horizon: 1d\ninterval: 12h")  # two staff values a day
    message = refused(write(tmp_path, text))
    value = "true" if word in ("true", "yes", "on") else "false"
    assert f"{path}: expected a number, got {value}" in message


def booleans_in(data: dict[str, Any]) -> list[str]:
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(data)
    return [p.path for p in caught.value.problems if "expected a number" in p.message]


def test_booleans_are_refused_in_every_numeric_place() -> None:
    base = yaml.safe_load(SMALL)
    paths = [
        "contact_types.voice.service_level_threshold",
        "contact_types.voice.arrivals.weekday_factors.mon",
        "agent_groups.team.proficiency.voice",
        "agent_groups.team.max_concurrent",
        "routing_policy.priorities.voice",
        "targets[0].at_least",
    ]
    for path in paths:
        data = copy.deepcopy(base)
        data["targets"] = [{"contact_type": "voice", "kpi": "service_level", "at_least": 0.8}]
        data = override_data(data, {path: True})
        assert booleans_in(data) == [path], path


def test_booleans_in_overrides_and_sweeps_are_refused() -> None:
    sc = cccsim.load_scenario(yaml.safe_load(SMALL))
    with pytest.raises(
        cccsim.ScenarioError, match=r"override agent_groups.team.staff=true: expected a number"
    ):
        cccsim.load_scenario(sc, overrides={"agent_groups.team.staff": True})
    result = runner.invoke(
        app,
        [
            "validate",
            str(ROOT / "scenarios" / "erlang_check.yaml"),
            "--set",
            "agent_groups.team.staff=yes",
        ],
    )
    assert result.exit_code == 2 and "expected a number, got true" in result.stderr


def test_numbers_and_numeric_strings_still_pass() -> None:
    data = yaml.safe_load(SMALL)
    data["agent_groups"]["team"]["staff"] = 3.0
    data["contact_types"]["voice"]["arrivals"]["per_hour"] = "12.5"
    sc = cccsim.load_scenario(data)
    assert sc.agent_groups["team"].staff == 3
    assert sc.contact_types["voice"].arrivals is not None
    assert sc.contact_types["voice"].arrivals.per_hour == 12.5


# ----------------------------------------------------------------------------- targets


def with_targets(*targets: dict[str, Any]) -> dict[str, Any]:
    data = yaml.safe_load(SMALL)
    data["contact_types"]["voice"]["service_level_threshold"] = "20s"
    data["targets"] = list(targets)
    return data


SL = {"contact_type": "voice", "kpi": "service_level", "at_least": 0.8}


@pytest.mark.parametrize(
    "second",
    [
        SL,
        {**SL, "penalty": {"flat": 100}},  # the same promise with another price
        {**SL, "threshold": "20s"},  # the type's own threshold written out
        {**SL, "name": "the contract's SL"},
    ],
)
def test_a_repeated_target_is_refused(second: dict[str, Any]) -> None:
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(
            with_targets(SL, {"contact_type": "voice", "kpi": "asa", "at_most": 30}, second)
        )
    assert caught.value.paths == ["targets[2]"]
    assert "repeats targets[0]" in str(caught.value)


@pytest.mark.parametrize(
    "second",
    [
        {**SL, "at_least": 0.7, "penalty": {"flat": 100}},  # a second tier of the same KPI
        {**SL, "threshold": "30s"},
        {**SL, "per": "day"},
        {"contact_type": "voice", "kpi": "abandon_rate", "at_most": 0.05},
    ],
)
def test_targets_that_differ_are_kept(second: dict[str, Any]) -> None:
    assert len(cccsim.load_scenario(with_targets(SL, second)).targets) == 2


def test_two_targets_with_one_name_are_refused() -> None:
    first = {**SL, "name": "SLA"}
    second = {"contact_type": "voice", "kpi": "asa", "at_most": 30, "name": "SLA"}
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(with_targets(first, second))
    assert caught.value.paths == ["targets[1].name"]
    assert "'SLA' is the name of targets[0] too" in str(caught.value)
