"""Sweep factors: ``--factor`` values with commas, repeated paths, and point names that never
collide (on screen or on disk)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.cli.factors import parse_factors
from cccsim.experiment.store import point_dir
from cccsim.experiment.sweep import sweep_points
from tests.conftest import ROOT

ERLANG = ROOT / "scenarios" / "erlang_check.yaml"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("a.b=12,14,16", [12, 14, 16]),
        ("a.b=20s, 30s", ["20s", "30s"]),
        ('a.b="08:00-12:00,13:00-17:00",08:00-18:00', ["08:00-12:00,13:00-17:00", "08:00-18:00"]),
        ("a.b='x, y',z", ["x, y", "z"]),
        ("a.b=[10,12],[14,16]", [[10, 12], [14, 16]]),
        ("a.b={per_hour: 10},{per_hour: 20}", [{"per_hour": 10}, {"per_hour": 20}]),
        ("a.b=0.8", [0.8]),
        ("a.b=null,5", [None, 5]),
        (" a.b =1,2", [1, 2]),
    ],
)
def test_values(text: str, values: list[Any]) -> None:
    assert parse_factors([text]) == {text.partition("=")[0].strip(): values}


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        (["a.b"], "a factor is written path=v1,v2"),
        (["=1,2"], "a factor is written path=v1,v2"),
        (["a.b="], "a factor is written path=v1,v2"),
        (["a.b=1,,2"], "cannot read '1,,2'"),
        (["a.b='open"], "cannot read"),
        (["a.b=1,2", "a.b=3"], "--factor a.b: given twice"),
        (["t[0].x=1", "t.0.x=2"], "--factor t.0.x: given twice"),
        (["a.b=1", "a=2"], "--factor a: overlaps --factor a.b"),
        (["a=1", "a.b.c=2"], "--factor a.b.c: overlaps --factor a"),
        (["a.b=10,12,10"], "value given twice: 10"),
        (["a.b=[1, 2],[1,2]"], "value given twice: [1, 2]"),
    ],
)
def test_malformed_factors_are_named(texts: list[str], words: str) -> None:
    with pytest.raises(cccsim.ScenarioError) as caught:
        parse_factors(texts)
    assert words in str(caught.value)


def test_every_problem_at_once() -> None:
    with pytest.raises(cccsim.ScenarioError) as caught:
        parse_factors(["a=1,1", "b", "c=1", "c=2"])
    assert len(caught.value.problems) == 3


def test_sibling_paths_do_not_overlap() -> None:
    assert parse_factors(["a.bc=1", "a.b=2", "a.b2=3"]) == {"a.bc": [1], "a.b": [2], "a.b2": [3]}


def test_sweep_cli_with_commas_in_values(tmp_path: Path) -> None:
    """Opening hours with a lunch break: a value holding a comma, quoted."""
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(ERLANG),
            "-f",
            'contact_types.voice.access.hours={"mon-sun": "08:00-20:00"},{"mon-sun": ["08:00-12:00", "13:00-20:00"]}',
            "-r",
            "1",
            "--backend",
            "serial",
            "--set",
            "horizon=1d",
            "--set",
            "warmup=0s",
            "-f",
            "agent_groups.team.staff=14,[10, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14]",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 0, result.output + result.stderr
    import pandas as pd

    saved = pd.read_parquet(tmp_path / "out" / "summary.parquet")
    assert saved.scenario.nunique() == 4  # mappings and lists as factor values, written out
    assert saved["agent_groups.team.staff"].map(type).eq(str).all()  # one kind per column
    hours = set(saved["contact_types.voice.access.hours"])
    assert hours == {'{"mon-sun": "08:00-20:00"}', '{"mon-sun": ["08:00-12:00", "13:00-20:00"]}'}


def test_sweep_cli_refuses_a_repeated_factor() -> None:
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(ERLANG),
            "-f",
            "agent_groups.team.staff=12",
            "-f",
            "agent_groups.team.staff=14",
        ],
    )
    assert result.exit_code == 2 and "given twice" in result.stderr
    assert "Traceback" not in result.stderr


def test_long_point_names_get_folders_of_their_own(tmp_path: Path) -> None:
    """Names that agree on their first 120 characters, or differ only in unsafe characters."""
    stem = "x" * 130
    names = [stem + "a", stem + "b", "a/b", "a_b", "a b", "08:00", "08_00", "short"]
    folders = {point_dir(tmp_path, n) for n in names}
    assert len(folders) == len(names)
    assert point_dir(tmp_path, "short").name == "point=short"  # readable names stay as they are
    assert all(len(f.name) <= len("point=") + 120 for f in folders)


def test_sweep_with_long_names_keeps_every_point(tmp_path: Path) -> None:
    sc = cccsim.load_scenario(ERLANG, overrides={"horizon": "4h", "warmup": "0s"})
    long_a = "a" * 150
    exp = cccsim.sweep(
        sc,
        points=[{"description": long_a + "1"}, {"description": long_a + "2"}],
        replications=1,
        backend="serial",
        out=tmp_path,
    )
    assert exp.replications.scenario.nunique() == 2
    assert len(list(tmp_path.glob("point=*/replication=0"))) == 2


def test_points_that_print_alike_are_named_apart() -> None:
    sc = cccsim.load_scenario(ERLANG)
    points = sweep_points(sc, points=[{"warmup": "60"}, {"warmup": 60}])
    assert [p.name for p in points] == ["warmup=60", "warmup=60 #2"]
    assert [p.factors["warmup"] for p in points] == ["60", "60"]  # one kind in the column


def test_a_repeated_point_is_refused() -> None:
    sc = cccsim.load_scenario(ERLANG)
    with pytest.raises(cccsim.ExperimentError, match=r"points\[1\] repeats points\[0\]"):
        sweep_points(sc, points=[{"agent_groups.team.staff": 12}, {"agent_groups.team.staff": 12}])
    with pytest.raises(cccsim.ExperimentError, match=r"points\[1\] repeats points\[0\]"):
        sweep_points(sc, {"agent_groups.team.staff": [12, 12]})
