"""A bad override is reported as the override the user typed (``--set path=value``), not as a
line of the scenario file it never touched."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from tests.conftest import ROOT

runner = CliRunner()
BANK = ROOT / "scenarios" / "retail_bank.yaml"
RAW = yaml.safe_load(BANK.read_text())


def validate(*sets: str) -> tuple[int, list[str]]:
    args = ["validate", str(BANK)]
    for s in sets:
        args += ["--set", s]
    result = runner.invoke(app, args)
    return result.exit_code, result.stderr.splitlines()[1:]


def test_a_typo_in_a_group_name_names_the_override_and_the_known_groups() -> None:
    code, lines = validate("agent_groups.inhuose.staff=3")
    known = ", ".join(RAW["agent_groups"])
    assert code == 2 and len(lines) == 1
    assert (
        lines[0]
        .strip()
        .startswith(
            f"--set agent_groups.inhuose.staff=3: no agent group 'inhuose' (did you mean 'inhouse'? "
            f"known: {known};"
        )
    )
    assert "retail_bank.yaml" not in lines[0]  # no file line: the file is not at fault


def test_an_unknown_field_a_bad_value_and_a_missing_item_name_their_override() -> None:
    code, lines = validate("targets[9].at_least=0.3")
    assert code == 2
    assert lines[0].strip() == (
        f"--set targets[9].at_least=0.3: no item targets[9] (the list has {len(RAW['targets'])})"
    )
    code, lines = validate("agent_groups.inhouse.staf=3", "agent_groups.chat_team.staff=-3")
    assert code == 2
    text = "\n".join(line.strip() for line in lines)
    assert "--set agent_groups.inhouse.staf=3: unknown field 'staf' (did you mean 'staff'?)" in text
    # one line for the bad value, not one per member of the field's union type
    bad = [line for line in lines if "chat_team.staff=-3" in line]
    assert len(bad) == 1 and "greater than or equal to 0 (got -3)" in bad[0]


def test_a_problem_of_the_file_keeps_its_line(tmp_path: Path) -> None:
    data = dict(RAW, horizon="soon")
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    line = next(
        i for i, text in enumerate(file.read_text().splitlines(), 1) if text.startswith("horizon")
    )
    result = runner.invoke(app, ["validate", str(file), "--set", "agent_groups.outsourcer.staff=9"])
    assert result.exit_code == 2
    assert f"bad.yaml:{line}: horizon: expected a duration" in result.stderr


def test_python_overrides_and_sweep_factors_name_the_override() -> None:
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(BANK, overrides={"agent_groups.inhuose.staff": 3})
    assert caught.value.paths == ["agent_groups.inhuose.staff"]
    assert "override agent_groups.inhuose.staff=3: no agent group 'inhuose'" in str(caught.value)
    sc = cccsim.load_scenario(BANK)
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.sweep(sc, {"agent_groups.outsourcer.staf": [4, 8]}, 1, backend="serial")
    assert "override agent_groups.outsourcer.staf=4: unknown field 'staf'" in str(caught.value)


def test_a_whole_new_entry_is_still_an_override() -> None:
    sc = cccsim.load_scenario(
        BANK, overrides={"agent_groups.extra": {"skills": ["voice"], "staff": 2}}
    )
    assert sc.agent_groups["extra"].staff == 2
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(BANK, overrides={"agent_groups.extra": {"skills": ["voice"]}})
    (problem,) = caught.value.problems
    assert problem.override == "override agent_groups.extra={skills: [voice]}"
    assert problem.line is None
