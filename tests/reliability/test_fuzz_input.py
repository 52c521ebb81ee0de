"""Bad input never crashes: mutated example scenarios → exit 0 or 2, one message with the field
path, never a traceback. Each failure found here became a regression test."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cccsim import build_model, load_scenario
from cccsim.cli import app
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
MUTANTS = 200
RUN = ["--set", "horizon=1d", "--set", "warmup=0s"]
"""Every valid mutant runs one day from day 1, 00:00: each base's first day is an open day, so
its opening hours bring arrivals."""
CONTACTS_PER_DAY = 400
"""Each base is scaled down to about this many contacts a day, so 200 mutants run in minutes."""


def small(path: Path) -> dict[str, Any]:
    """The scenario with its volumes scaled to about CONTACTS_PER_DAY (staffing unchanged)."""
    model = build_model(load_scenario(path, overrides={"horizon": "1d", "warmup": "0s"}))
    day = sum(t.arrivals.total * t.segment_share for t in model.types if t.has_arrivals)
    day += sum(i.arrivals.total for i in model.ivr)
    factor = min(1.0, CONTACTS_PER_DAY / max(day, 1.0))
    data = yaml.safe_load(path.read_text())
    for spec in [*data["contact_types"].values(), *data.get("ivr", {}).values()]:
        arrivals = spec.get("arrivals") or {}
        for key in ("per_hour", "daily_volume"):
            if key in arrivals:
                arrivals[key] = round(arrivals[key] * factor, 3)
        if "per_interval" in arrivals:
            arrivals["per_interval"] = [round(v * factor, 3) for v in arrivals["per_interval"]]
    return dict(data)


BASES = {p.stem: small(p) for p in SCENARIOS}
NASTY: list[Any] = [
    None,
    "",
    "abc",
    -1,
    0,
    10**12,
    -(10**9),
    math.nan,
    math.inf,
    1.5,
    True,
    [],
    {},
    [1, "x"],
    {"x": 1},
    "12:30",
    750,
    "-5min",
    "1e400",
    "08:00-07:00",
]


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path and list index path in a YAML tree."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


def mutate(data: dict[str, Any], path: tuple[Any, ...], kind: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    if kind == "delete":
        del node[last]
    elif kind == "unknown_key" and isinstance(node[last], dict):
        node[last]["surprise_field"] = value
    elif kind == "empty":
        node[last] = type(node[last])() if isinstance(node[last], list | dict) else ""
    elif kind == "dangling":
        node[last] = "no_such_name"
    else:
        node[last] = value
    return data


def leaf(data: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = data
    for part in path:
        node = node[part]
    return node


def number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """1-3 mutations of a base: nasty values, deletions, unknown keys, empty or dangling values,
    and (half the time) a number scaled — often still valid, so the engine runs on it."""
    name = draw(st.sampled_from(sorted(BASES)))
    out = BASES[name]
    for _ in range(draw(st.integers(1, 3))):
        numeric = [p for p in paths(out) if number(leaf(out, p))]
        if numeric and draw(st.booleans()):
            path = draw(st.sampled_from(numeric))
            scaled = leaf(out, path) * draw(st.sampled_from([0, 0.25, 0.5, 2, 4]))
            value = round(scaled) if isinstance(leaf(out, path), int) else scaled
            out = mutate(out, path, "replace", value)
            continue
        path = draw(st.sampled_from(paths(out)))
        kind = draw(st.sampled_from(["delete", "replace", "unknown_key", "empty", "dangling"]))
        out = mutate(out, path, kind, draw(st.sampled_from(NASTY)))
    return name, out


def write_case(folder: Path, name: str, data: dict[str, Any]) -> Path:
    (folder / "data").mkdir(parents=True)
    for csv in (ROOT / "scenarios" / "data").glob("*.csv"):
        (folder / "data" / csv.name).write_text(csv.read_text())
    file = folder / f"{name}.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return file


def offered(output: str) -> int:
    """Contacts offered, summed over the KPI table's columns (0 if there is no table)."""
    for line in output.splitlines():
        cells = [c.strip() for c in line.replace("┃", "│").split("│")]
        if len(cells) > 2 and cells[1] == "offered":
            return sum(int(c.replace(",", "")) for c in cells[2:] if c.replace(",", "").isdigit())
    return 0


def test_every_base_brings_arrivals_on_the_fuzzed_horizon(tmp_path: Path) -> None:
    """The fuzzed horizon exercises the engine: each (scaled) base is valid and has contacts."""
    for name, data in BASES.items():
        file = write_case(tmp_path / name, name, data)
        run = runner.invoke(app, ["run", str(file), *RUN])
        assert run.exit_code == 0, run.output + run.stderr
        assert 50 <= offered(run.output) <= 4 * CONTACTS_PER_DAY, (name, offered(run.output))


def test_mutated_scenarios_exit_0_or_2_without_traceback(tmp_path_factory: Any) -> None:
    """MUTANTS mutated scenarios, validated then (when valid) run for a day with arrivals."""
    seen: list[str] = []
    simulated: list[int] = []

    @settings(
        max_examples=MUTANTS,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(mutations())
    def check(case: tuple[str, dict[str, Any]]) -> None:
        name, data = case
        seen.append(name)
        file = write_case(tmp_path_factory.mktemp("fuzz"), name, data)
        result = runner.invoke(app, ["validate", str(file)])
        assert result.exit_code in (0, 2), (result.exit_code, result.output, result.stderr)
        assert "Traceback" not in result.output + result.stderr
        if result.exit_code == 2:
            assert str(file) in result.stderr or "limit is" in result.stderr
            if str(file) in result.stderr:  # "file[:line]: field.path: message"
                assert ": " in result.stderr.split(str(file), 1)[1]
            return
        # a mutation that is still valid must also simulate, for a day with arrivals
        run = runner.invoke(app, ["run", str(file), *RUN])
        assert run.exit_code in (0, 2), run.output + run.stderr
        assert "Traceback" not in run.output + run.stderr
        if run.exit_code == 0:
            simulated.append(offered(run.output))

    check()
    assert len(seen) >= MUTANTS
    # most valid mutants really ran the engine (a mutation may remove every arrival)
    assert len(simulated) >= MUTANTS // 10
    assert sum(n > 0 for n in simulated) >= 0.7 * len(simulated), simulated


def test_malformed_csv_profile_is_named(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "retail_bank_profile.csv").write_text("start,voice\n00:00,abc\n")
    file = tmp_path / "s.yaml"
    file.write_text((ROOT / "scenarios" / "retail_bank.yaml").read_text())
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2
    assert "contact_types.voice.arrivals.profile" in result.stderr and "line 2" in result.stderr


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    file = tmp_path / "huge.yaml"
    with file.open("w") as handle:
        handle.write("name: huge\n")
        handle.write("# padding\n" * 5_300_000)  # about 50 MB
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2 and "at most" in result.stderr


def test_circular_and_self_routing_is_named(tmp_path: Path) -> None:
    data = copy.deepcopy(BASES["retail_bank"])
    data["routing"]["voice"] = [{"group": "outsourcer"}, {"group": "outsourcer", "after": "20s"}]
    data["routing"]["chat"] = [{"group": "chat"}]
    file = tmp_path / "s.yaml"
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "retail_bank_profile.csv").write_text(
        (ROOT / "scenarios" / "data" / "retail_bank_profile.csv").read_text()
    )
    file.write_text(yaml.safe_dump(data))
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2
    assert "routing.voice[1].group" in result.stderr and "listed twice" in result.stderr
    assert "routing.chat[0].group" in result.stderr
