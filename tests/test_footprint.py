"""Size guard: contacts and memory of a replication estimated before it runs; what would not fit
is refused (exit 2) with the estimate, the limit and the ways out; streaming allows more."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.footprint import (
    ENVIRONMENT,
    TooLarge,
    check_fits,
    footprint,
    machine_memory,
    memory_limit,
    parse_size,
)
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
BANK = ROOT / "scenarios" / "retail_bank.yaml"
ERLANG = ROOT / "scenarios" / "erlang_check.yaml"
ABSURD = ["--set", "contact_types.voice.arrivals.daily_volume=6e9"]  # 30 billion calls in 5 days
LARGE = ["--set", "contact_types.voice.arrivals.daily_volume=2000000"]  # 10 million in 5 days


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_contacts_estimate_bounds_the_contacts_simulated(path: Path) -> None:
    """Every attempt is counted at most (retrials all taken): never below what a run makes,
    and not wildly above it on the example scenarios."""
    sc = cccsim.load_scenario(path, overrides={"horizon": "2d", "warmup": "0s"})
    size = footprint(cccsim.build_model(sc))
    made = cccsim.run_replication(sc, 1).provenance["n_contacts"]
    assert made * 0.9 <= size.contacts <= max(made * 6, 50), (made, size.contacts)


def test_busiest_day_follows_the_weekday_factors() -> None:
    """Hand-worked: 100 calls an hour, Mondays ×3, no retrials: the busiest day has 7,200."""
    data = {
        "name": "days",
        "horizon": "7d",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 100, "weekday_factors": {"mon": 3}},
                "handle_time": {"dist": "exponential", "mean": 60},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 5}},
    }
    size = footprint(cccsim.build_model(cccsim.load_scenario(data)))
    assert size.contacts == pytest.approx(2400 * 6 + 7200)
    assert size.busiest_day == pytest.approx(7200)
    assert size.streamed < size.in_memory


def test_every_retrial_is_counted_when_nobody_gets_through() -> None:
    """Hand-worked: no agents, everyone abandons and tries again with probability 1/2, three
    attempts in all: 1 + 1/2 + 1/4 = 1.75 contacts per caller — and the simulation agrees."""
    data = {
        "name": "retrials",
        "horizon": "1d",
        "interval": "1h",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 100},
                "handle_time": {"dist": "exponential", "mean": 60},
                "patience": {"dist": "deterministic", "value": 1},
                "access": {
                    "retrial": {
                        "probability": 0.5,
                        "delay": {"dist": "deterministic", "value": 1},
                        "max_attempts": 3,
                    }
                },
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 0}},
    }
    sc = cccsim.load_scenario(data)
    size = footprint(cccsim.build_model(sc))
    assert size.contacts == pytest.approx(2400 * 1.75)
    made = cccsim.run_replication(sc, 1).provenance["n_contacts"]
    # compound Poisson: variance λ·E[A²] = 2400 · (1/2·1 + 1/4·4 + 1/4·9); four standard deviations
    assert made == pytest.approx(size.contacts, abs=4 * (2400 * 3.75) ** 0.5)


MEASURE = """
import json, resource, sys
import cccsim
sc = cccsim.load_scenario(sys.argv[1], overrides=json.loads(sys.argv[2]))
model = cccsim.build_model(sc)
streamed = sys.argv[3] == "1"
cccsim.run_replication(sc, 1, model=model, contacts_to=sys.argv[4] if streamed else None)
from cccsim.footprint import footprint
print(json.dumps({"peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "estimate": footprint(model).memory(streamed)}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("streamed", [False, True])
def test_memory_estimate_bounds_the_measured_peak(tmp_path: Path, streamed: bool) -> None:
    """The peak resident memory of a real run (its own process): below the estimate, and the
    estimate not more than three times it."""
    # two busy days: the contacts, not the interpreter, make most of the peak
    overrides = {
        "horizon": "2d",
        "warmup": "0s",
        "contact_types.voice.arrivals.per_hour": 8000,
        "agent_groups.team.staff": 440,
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURE,
            str(ERLANG),
            json.dumps(overrides),
            "1" if streamed else "0",
            str(tmp_path / "c.parquet"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = json.loads(done.stdout)
    assert found["peak"] <= found["estimate"] <= 3 * found["peak"], found


def test_run_refuses_absurd_volumes_at_once() -> None:
    """On any machine: terabytes, refused in seconds without a MemoryError."""
    started = time.perf_counter()
    result = runner.invoke(app, ["run", str(BANK), *ABSURD])
    assert result.exit_code == 2, result.output + result.stderr
    assert time.perf_counter() - started < 30
    message = " ".join(result.stderr.split())
    assert "Traceback" not in message and "MemoryError" not in message
    assert "contacts and need about" in message and "the limit is" in message
    assert "GB with its contacts streamed to disk" not in message  # in memory: no --out given
    assert ENVIRONMENT in message


def test_run_names_the_ways_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Too large in memory, not when streamed: the message says how to stream, with the size."""
    monkeypatch.setenv(ENVIRONMENT, "20GB")
    sc = cccsim.load_scenario(BANK, overrides={"contact_types.voice.arrivals.daily_volume": 2e6})
    size = footprint(cccsim.build_model(sc))
    assert size.streamed < 20e9 < size.in_memory  # the case this test is about
    result = runner.invoke(app, ["run", str(BANK), *LARGE])
    assert result.exit_code == 2, result.output + result.stderr
    message = " ".join(result.stderr.split())
    assert f"about {size.contacts:,.0f} contacts" in message
    assert (
        "holding its contacts in memory; the limit is 20.0 GB (CCCSIM_MAX_MEMORY=20GB)" in message
    )
    assert "Stream the contacts to disk with --out DIR" in message
    assert f"{ENVIRONMENT}=" in message and "0 turns this check off" in message


def test_validate_names_the_size_and_says_when_only_streaming_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = runner.invoke(app, ["validate", str(ERLANG)])
    assert plain.exit_code == 0 and "per replication: up to about 46,080 contacts" in plain.output
    assert "too large" not in plain.output
    sc = cccsim.load_scenario(ERLANG, overrides={"horizon": "60d"})
    size = footprint(cccsim.build_model(sc))
    between = (size.streamed + size.in_memory) // 2
    monkeypatch.setenv(ENVIRONMENT, str(between))
    only_streamed = runner.invoke(app, ["validate", str(ERLANG), "--set", "horizon=60d"])
    assert only_streamed.exit_code == 0
    assert "too large to hold in memory" in only_streamed.output
    assert "--out" in only_streamed.output
    monkeypatch.setenv(ENVIRONMENT, str(size.streamed // 2))
    nothing = runner.invoke(app, ["validate", str(ERLANG), "--set", "horizon=60d"])
    assert nothing.exit_code == 2 and "with its contacts streamed to disk" in nothing.stderr


def test_streaming_allows_a_longer_horizon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a limit between the two estimates: refused in memory, run when streamed."""
    args = ["--set", "horizon=30d", "--set", "contact_types.voice.arrivals.per_hour=100"]
    sc = cccsim.load_scenario(
        ERLANG, overrides={"horizon": "30d", "contact_types.voice.arrivals.per_hour": 100}
    )
    size = footprint(cccsim.build_model(sc))
    monkeypatch.setenv(ENVIRONMENT, str((size.streamed + size.in_memory) // 2))
    refused = runner.invoke(app, ["run", str(ERLANG), *args])
    assert refused.exit_code == 2 and "Stream the contacts to disk with --out" in refused.stderr
    streamed = runner.invoke(app, ["run", str(ERLANG), *args, "--out", str(tmp_path / "o")])
    assert streamed.exit_code == 0, streamed.stderr
    assert (tmp_path / "o" / "contacts.parquet").exists()


def test_experiments_check_before_starting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers on this machine hold two replications at once: refused before any runs."""
    import cccsim.experiment.runner as runner

    sc = cccsim.load_scenario(ERLANG, overrides={"horizon": "30d"})
    size = footprint(cccsim.build_model(sc))
    monkeypatch.setenv(ENVIRONMENT, str(int(size.in_memory * 1.5)))
    check_fits(cccsim.build_model(sc), streaming=False)  # one at a time fits

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a replication ran")

    monkeypatch.setattr(runner, "run_replication", never)
    with pytest.raises(TooLarge, match=r"\(2 at once: .*--workers 1"):
        cccsim.replicate(sc, 4, backend="processes", workers=2)


def test_compare_and_sweep_refuse_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENVIRONMENT, "100MB")  # below what Python with numpy and pandas takes
    for args in (
        ["compare", str(ERLANG), "-v", "more: agent_groups.team.staff=15"],
        ["sweep", str(ERLANG), "-f", "agent_groups.team.staff=14,15"],
    ):
        result = runner.invoke(app, [*args, "-r", "2", "--backend", "serial"])
        assert result.exit_code == 2 and "the limit is 100 MB" in result.stderr, result.stderr


def test_the_limit_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    short = ["run", str(ERLANG), "--set", "horizon=4h", "--set", "warmup=0s"]
    monkeypatch.setenv(ENVIRONMENT, "100MB")
    assert runner.invoke(app, short).exit_code == 2
    monkeypatch.setenv(ENVIRONMENT, "0")
    assert memory_limit() == (None, f"{ENVIRONMENT}=0")
    assert runner.invoke(app, short).exit_code == 0  # unchecked
    monkeypatch.setenv(ENVIRONMENT, "lots")
    refused = runner.invoke(app, ["validate", str(ERLANG)])
    assert refused.exit_code == 2 and "is not a size such as 16GB" in refused.stderr
    monkeypatch.delenv(ENVIRONMENT)
    limit, source = memory_limit()
    machine = machine_memory()
    assert machine is not None and limit == int(machine * 0.8) and "80%" in source
    assert machine <= os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("16GB", 16 * 10**9),
        ("500MB", 500 * 10**6),
        ("2GiB", 2 * 2**30),
        ("1.5g", 1_500_000_000),
        ("4096", 4096),
        (" 3 kb ", 3000),
    ],
)
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_a_refused_run_leaves_the_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before anything happens: the shards of another seed are not cleared."""
    sc = cccsim.load_scenario(ERLANG, overrides={"horizon": "4h", "warmup": "0s"})
    cccsim.replicate(sc, 2, seed=1, backend="serial", out=tmp_path)
    before = sorted(p.name for p in tmp_path.glob("point=*/replication=*"))
    monkeypatch.setenv(ENVIRONMENT, "100MB")
    with pytest.raises(TooLarge):
        cccsim.replicate(sc, 2, seed=2, backend="serial", out=tmp_path)
    assert (
        sorted(p.name for p in tmp_path.glob("point=*/replication=*"))
        == before
        == [
            "replication=0",
            "replication=1",
        ]
    )
