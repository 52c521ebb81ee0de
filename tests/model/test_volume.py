"""Warnings for contact types that expect a material volume on days they are closed all day."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from cccsim.model.volume import closed_day_volumes
from tests.conftest import SCENARIOS

runner = CliRunner()


def weekdays_only(**arrivals: Any) -> dict[str, Any]:
    """Voice open mon–fri 08:00–20:00, 100 calls an hour around the clock, over two weeks."""
    return {
        "name": "weekdays",
        "horizon": "14d",
        "interval": "1h",
        "start_weekday": "mon",
        "contact_types": {
            "voice": {
                "channel": "voice",
                "arrivals": {"per_hour": 100, **arrivals},
                "handle_time": {"dist": "exponential", "mean": 200},
                "access": {"hours": {"mon-fri": "08:00-20:00"}},
            }
        },
        "agent_groups": {"team": {"skills": ["voice"], "staff": 10}},
    }


def found(data: dict[str, Any] | cccsim.Scenario) -> list[Any]:
    sc = cccsim.load_scenario(data) if isinstance(data, dict) else data
    return closed_day_volumes(sc, cccsim.build_model(sc))


def test_closed_weekends_with_implicit_factors_are_named() -> None:
    """100 an hour × 24 h = 2,400 a day; weekends (days 6, 7, 13, 14) are closed all day and,
    with no factor for them, expect 2,400 each: 9,600 in all, as many as an open day."""
    (w,) = found(weekdays_only(weekday_factors={"mon": 1.2}))
    assert (w.contact_type, w.days, w.weekdays) == ("voice", (6, 7, 13, 14), ("sat", "sun") * 2)
    assert w.expected == (2400.0,) * 4 and w.unnamed == ("sat", "sun")
    # open days: 2 Mondays at 2,880 and 8 other weekdays at 2,400
    assert w.open_day_mean == pytest.approx((2 * 2880 + 8 * 2400) / 10)
    text = w.message()
    for words in ("contact_types.voice", "days 6, 7, 13, 14", "9,600", "refused", "sat: 0"):
        assert words in text, text


def test_small_or_zero_weekend_factors_are_not_material() -> None:
    """sat 0.05 (5 % of a weekday) and sun 0 are below the 10 % line: nothing to warn about;
    sat 0.2 is above it, named explicitly (no "count 1" advice), and closed days count too."""
    assert found(weekdays_only(weekday_factors={"sat": 0.05, "sun": 0})) == []
    (w,) = found(weekdays_only(weekday_factors={"sat": 0.2, "sun": 0}))
    assert w.days == (6, 13) and w.expected == (480.0, 480.0) and w.unnamed == ()
    data = weekdays_only(weekday_factors={"sat": 0, "sun": 0})
    data["contact_types"]["voice"]["access"]["closed_days"] = [3]  # a Wednesday holiday
    (w,) = found(data)
    assert w.days == (3,) and w.weekdays == ("wed",)


def test_ivr_callers_count_for_the_type_they_choose() -> None:
    """An IVR of 1,000 calls a day, 20 % contained, 70 % of the rest to voice: 560 a day on the
    closed weekend days (voice has no arrivals of its own)."""
    data = weekdays_only()
    data["contact_types"]["voice"].pop("arrivals")
    data["ivr"] = {
        "line": {
            "arrivals": {"per_hour": 1000 / 24},
            "time": {"dist": "deterministic", "value": 30},
            "containment": 0.2,
            "choices": {"voice": 0.7, "chat": 0.3},
        }
    }
    data["contact_types"]["chat"] = {
        "channel": "chat",
        "handle_time": {"dist": "exponential", "mean": 300},
    }
    data["agent_groups"]["team"]["skills"] = ["voice", "chat"]
    (w,) = found(data)
    assert w.days == (6, 7, 13, 14) and w.expected == pytest.approx((560.0,) * 4)


def test_validate_and_run_warn_without_failing(tmp_path: Any) -> None:
    import yaml

    file = tmp_path / "weekdays.yaml"
    data = weekdays_only()
    data["horizon"] = "7d"
    file.write_text(yaml.safe_dump(data))
    for command in (["validate", str(file)], ["run", str(file)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
        assert "warning: contact_types.voice: closed all day on days 6, 7" in result.stderr


# four weeks, as the README's API example runs the retail bank; the e-commerce peak's staff is
# given for its own five days (Thursday to Monday, a weekend included)
HORIZONS = {p.stem: "5d" if p.stem == "ecommerce_peak" else "28d" for p in SCENARIOS}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_examples_say_what_their_weekends_are(path: Any) -> None:
    """No example sends material volume to a channel on the days it is closed."""
    sc = cccsim.load_scenario(path, overrides={"horizon": HORIZONS[path.stem]})
    assert found(sc) == []
