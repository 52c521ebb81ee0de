"""One accounting identity: offered = answered + abandoned + blocked + balked + closed + callbacks +
offline_forms + open, per contact type and interval — on every example scenario (each term
counted again from the contacts frame), on a hand-worked case, and in ``cccsim run``'s output.
Generated scenarios are checked in tests/engine/test_invariants.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.model import build_model
from tests.conftest import SCENARIOS, scenario, voice
from tests.engine.test_invariants import check_accounting


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_example_scenario_accounts_for_every_contact(path: Path) -> None:
    sc = cccsim.load_scenario(path, overrides={"horizon": "1d", "warmup": 9000})
    check_accounting(cccsim.run_replication(sc, seed=5), build_model(sc))


def offline_case() -> dict[str, object]:
    """Chat open 08:00–20:00 with an offline form to email: a chat at 07:00 becomes a form (and an
    email at 07:00), a chat at 09:00 is answered; an email agent answers the form's email."""
    chat = voice([7 * 3600.0, 9 * 3600.0], channel="chat")
    chat["access"] = {
        "hours": {"all": "08:00-20:00"},
        "out_of_hours": "offline_form",
        "offline_form_type": "email",
    }
    return scenario(
        {"chat": chat, "email": voice([], channel="email")},
        {"team": {"skills": ["chat", "email"], "staff": 1}},
        horizon=86400,
    )


def test_an_offline_form_is_accounted_for() -> None:
    sc = cccsim.load_scenario(offline_case())
    rep = cccsim.run_replication(sc)
    s = rep.summary.set_index("contact_type")
    assert (s.loc["chat", "offered"], s.loc["chat", "answered"]) == (2, 1)
    assert s.loc["chat", "offline_forms"] == 1 and s.loc["email", "offered"] == 1
    check_accounting(rep, build_model(sc))


def test_run_shows_the_identity(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    import yaml

    path.write_text(yaml.safe_dump(offline_case()))
    result = CliRunner().invoke(app, ["run", str(path)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "│ offline forms │ 1 │ 0 │" in text
    assert (
        "offered = answered + abandoned + blocked + balked + closed + callbacks + offline forms"
        " + open ✓" in text
    )
