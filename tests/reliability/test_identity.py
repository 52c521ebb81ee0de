"""A result's identity: change any ingredient between two runs into the same ``out`` and the
second run recomputes (with a one-line notice) and equals a fresh run — it never mixes."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

import cccsim
import cccsim.experiment.identity as identity
import cccsim.experiment.runner as runner
from cccsim.cli import app
from cccsim.experiment.identity import StaleResultsWarning
from cccsim.experiment.store import point_dir, shard_dir

PROFILE = "start,voice\n" + "".join(f"{h:02d}:00,{1 if 8 <= h < 18 else 0}\n" for h in range(24))
SCENARIO = {
    "name": "identity",
    "horizon": "1d",
    "interval": "1h",
    "contact_types": {
        "voice": {
            "channel": "voice",
            "arrivals": {
                "daily_volume": 300,
                "profile": {"file": "profile.csv", "column": "voice"},
            },
            "handle_time": {"dist": "exponential", "mean": "3min"},
            "patience": {"dist": "exponential", "mean": "2min"},
        }
    },
    "agent_groups": {"team": {"skills": ["voice"], "staff": 3}},
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scenario file and the CSV profile it reads, side by side."""
    (tmp_path / "profile.csv").write_text(PROFILE)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(SCENARIO, sort_keys=False))
    return tmp_path


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record which replications actually run (rather than being read back)."""
    calls: list[int] = []
    real = runner.run_replication

    def run(scenario: Any, seed: Any, **options: Any) -> Any:
        calls.append(seed.spawn_key[0])
        return real(scenario, seed, **options)

    monkeypatch.setattr(runner, "run_replication", run)
    return calls


def replicate(source: Any, out: Path | None, seed: int = 1, n: int = 3) -> pd.DataFrame:
    return cccsim.replicate(source, n, seed=seed, backend="serial", out=out).replications


def test_same_identity_resumes_silently(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = folder / "out"
    first = replicate(folder / "s.yaml", out)
    calls = counting(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no notice at all
        again = replicate(folder / "s.yaml", out)
    assert calls == []
    pd.testing.assert_frame_equal(first, again)


def test_a_new_seed_recomputes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = folder / "out"
    seed1 = replicate(folder / "s.yaml", out, seed=1)
    calls = counting(monkeypatch)
    with pytest.warns(StaleResultsWarning, match=r"the seed \(1 → 2\) changed"):
        seed2 = replicate(folder / "s.yaml", out, seed=2)
    assert calls == [0, 1, 2]
    pd.testing.assert_frame_equal(seed2, replicate(folder / "s.yaml", None, seed=2))
    assert not seed2.equals(seed1)
    stamps = [json.loads(p.read_text())["identity"] for p in out.rglob("provenance.json")]
    assert len(set(stamps)) == 1 and len(stamps) == 3


def test_an_edited_data_file_recomputes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = folder / "out"
    before = replicate(folder / "s.yaml", out)
    # the same scenario file; only its profile moves the peak to the afternoon
    (folder / "profile.csv").write_text(
        PROFILE.replace("09:00,1", "09:00,0").replace("19:00,0", "19:00,1")
    )
    calls = counting(monkeypatch)
    with pytest.warns(StaleResultsWarning, match=r"data file profile\.csv"):
        after = replicate(folder / "s.yaml", out)
    assert calls == [0, 1, 2]
    pd.testing.assert_frame_equal(after, replicate(folder / "s.yaml", None))
    assert not after.equals(before)


def test_an_edited_scenario_recomputes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = folder / "out"
    replicate(folder / "s.yaml", out)
    more = cccsim.load_scenario(folder / "s.yaml", overrides={"agent_groups.team.staff": 5})
    calls = counting(monkeypatch)
    with pytest.warns(StaleResultsWarning, match="the scenario changed"):
        after = replicate(more, out)
    assert calls == [0, 1, 2]
    pd.testing.assert_frame_equal(after, replicate(more, None))


@pytest.mark.parametrize(
    ("module", "attribute", "words"),
    [(identity, "__version__", "the cccsim version"), (np, "__version__", "the numpy version")],
)
def test_a_new_version_recomputes(
    folder: Path, monkeypatch: pytest.MonkeyPatch, module: Any, attribute: str, words: str
) -> None:
    out = folder / "out"
    replicate(folder / "s.yaml", out)
    monkeypatch.setattr(module, attribute, "99.0.0")
    calls = counting(monkeypatch)
    with pytest.warns(StaleResultsWarning, match=rf"{words} \(.* → 99\.0\.0\) changed"):
        replicate(folder / "s.yaml", out)
    assert calls == [0, 1, 2]


def test_an_edited_routing_policy_recomputes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = "from cccsim import StandardPolicy\n\n\nclass Mine(StandardPolicy):\n    pass\n"
    (folder / "identity_policy.py").write_text(code)
    monkeypatch.syspath_prepend(str(folder))
    sc = cccsim.load_scenario(
        folder / "s.yaml", overrides={"routing_policy.policy": "identity_policy:Mine"}
    )
    out = folder / "out"
    replicate(sc, out)
    (folder / "identity_policy.py").write_text(code + "\n# tuned\n")
    calls = counting(monkeypatch)
    with pytest.warns(StaleResultsWarning, match="its routing policy's code changed"):
        replicate(sc, out)
    assert calls == [0, 1, 2]
    sys.modules.pop("identity_policy", None)


def test_more_replications_or_another_backend_reuse_what_is_there(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replication r does not depend on the count, the backend or the batching: kept."""
    out = folder / "out"
    replicate(folder / "s.yaml", out, n=2)
    calls = counting(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        more = replicate(folder / "s.yaml", out, n=4)
    assert calls == [2, 3]
    monkeypatch.undo()
    pd.testing.assert_frame_equal(more, replicate(folder / "s.yaml", None, n=4))
    pooled = cccsim.replicate(folder / "s.yaml", 4, seed=1, backend="processes", workers=2, out=out)
    pd.testing.assert_frame_equal(pooled.replications, more)


def test_a_foreign_shard_inside_a_matching_folder_is_recomputed(folder: Path) -> None:
    """Shards carry the identity too: one copied in from another seed is not trusted."""
    sc = cccsim.load_scenario(folder / "s.yaml")
    out, other = folder / "out", folder / "other"
    replicate(sc, out, seed=1)
    replicate(sc, other, seed=2)
    target = shard_dir(out, sc.name, 1)
    for file in target.iterdir():
        file.unlink()
    target.rmdir()
    shard_dir(other, sc.name, 1).rename(target)
    pd.testing.assert_frame_equal(replicate(sc, out, seed=1), replicate(sc, None, seed=1))


def test_shards_without_an_identity_are_recomputed(folder: Path) -> None:
    """A folder written before shards carried an identity (only a scenario hash) is redone."""
    sc = cccsim.load_scenario(folder / "s.yaml")
    out = folder / "out"
    replicate(sc, out)
    point = point_dir(out, sc.name)
    (point / "identity.json").unlink()
    (point / "scenario_hash.txt").write_text("0123456789abcdef")
    with pytest.warns(StaleResultsWarning, match="carry no identity"):
        again = replicate(sc, out)
    pd.testing.assert_frame_equal(again, replicate(sc, None))
    assert not (point / "scenario_hash.txt").exists()


def test_stale_shards_that_cannot_be_removed_are_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cccsim.experiment.store as store

    out = folder / "out"
    replicate(folder / "s.yaml", out, seed=1)

    def refuse(path: Any, *args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(store.shutil, "rmtree", refuse)
    with pytest.raises(cccsim.ExperimentError, match="cannot clear the results of another"):
        replicate(folder / "s.yaml", out, seed=2)


def test_the_cli_says_so_in_one_line(folder: Path) -> None:
    cli = CliRunner()
    args = [
        "run",
        str(folder / "s.yaml"),
        "-r",
        "2",
        "--backend",
        "serial",
        "--out",
        str(folder / "o"),
    ]
    assert cli.invoke(app, [*args, "--seed", "1"]).exit_code == 0
    result = cli.invoke(app, [*args, "--seed", "2"])
    assert result.exit_code == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "the seed (1 → 2) changed" in notes[0]
    assert "recomputing" in notes[0] and str(folder / "o" / "shards") in notes[0]


def test_the_provenance_names_every_ingredient(folder: Path) -> None:
    exp = cccsim.replicate(folder / "s.yaml", 1, seed=3, backend="serial")
    found = exp.provenance["identities"]["identity"]
    assert found["seed"] == 3 and found["numpy"] == np.__version__
    assert found["cccsim"] == cccsim.__version__
    import hashlib

    assert found["files"] == {"profile.csv": hashlib.sha256(PROFILE.encode()).hexdigest()}
