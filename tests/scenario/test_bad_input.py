"""Every schema rule: bad input → exit code 2, one message naming the file and field path."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import cccsim
from cccsim.cli import app
from tests.conftest import ROOT

BASE = yaml.safe_load((ROOT / "scenarios" / "retail_bank.yaml").read_text())
runner = CliRunner()


def mutate(path: str, value: Any) -> dict[str, Any]:
    """A copy of the retail bank with ``path`` (dots, [i]) set to ``value`` (DELETE removes it)."""
    data = copy.deepcopy(BASE)
    parts = path.replace("[", ".").replace("]", "").split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = int(parts[-1]) if isinstance(node, list) else parts[-1]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


DELETE = object()

CASES = [
    # (field to change, new value, expected path in the message, expected words)
    ("horizon", DELETE, "horizon", "required"),
    ("horizon", "-5h", "horizon", "negative"),
    ("horizon", "5 fortnights", "horizon", "unknown time unit"),
    ("horizon", 0, "horizon", "greater than 0"),
    ("warmup", "6d", "warmup", "shorter than the horizon"),
    ("interval", "7min", "interval", "divide a day"),
    ("interval", "10s", "interval", "greater than or equal"),
    ("start_weekday", "monday", "start_weekday", "mon"),
    ("name", "", "name", "at least 1"),
    ("stafff", 3, "stafff", "unknown field"),
    ("contact_types", {}, "contact_types", "at least 1"),
    ("contact_types.voice.channel", "fax", "contact_types.voice.channel", "voice"),
    ("contact_types.voice.arrivals", {}, "contact_types.voice.arrivals", "exactly one"),
    ("contact_types.voice.arrivals.per_hour", 10, "contact_types.voice.arrivals", "exactly one"),
    (
        "contact_types.voice.arrivals.daily_volume",
        -1,
        "contact_types.voice.arrivals.daily_volume",
        "greater than or equal",
    ),
    (
        "contact_types.voice.arrivals.daily_volume",
        "lots",
        "contact_types.voice.arrivals.daily_volume",
        "number",
    ),
    (
        "contact_types.voice.arrivals.profile",
        [1, 2, 3],
        "contact_types.voice.arrivals.profile",
        "expected 48 shares",
    ),
    (
        "contact_types.voice.arrivals.profile",
        [0] * 48,
        "contact_types.voice.arrivals",
        "all be zero",
    ),
    (
        "contact_types.voice.arrivals.profile",
        {"file": "missing.csv"},
        "contact_types.voice.arrivals.profile",
        "not found",
    ),
    (
        "contact_types.voice.arrivals.profile",
        {"file": "data/retail_bank_profile.csv", "column": "fax"},
        "contact_types.voice.arrivals.profile",
        "no column",
    ),
    (
        "contact_types.voice.arrivals.weekday_factors",
        {"funday": 2},
        "contact_types.voice.arrivals.weekday_factors.funday",
        "'mon'",
    ),
    (
        "contact_types.voice.arrivals.overdispersion_cv",
        -0.1,
        "contact_types.voice.arrivals.overdispersion_cv",
        "greater than or equal",
    ),
    (
        "contact_types.voice.handle_time",
        {"dist": "weibull", "mean": 3},
        "contact_types.voice.handle_time",
        "unknown dist",
    ),
    (
        "contact_types.voice.handle_time",
        {"mean": 3},
        "contact_types.voice.handle_time",
        "needs 'dist'",
    ),
    (
        "contact_types.voice.handle_time.mean",
        0,
        "contact_types.voice.handle_time.mean",
        "greater than 0",
    ),
    (
        "contact_types.voice.handle_time.cv",
        DELETE,
        "contact_types.voice.handle_time.cv",
        "required",
    ),
    (
        "contact_types.voice.handle_time",
        {"dist": "uniform", "low": 10, "high": 5},
        "contact_types.voice.handle_time",
        "at least low",
    ),
    (
        "contact_types.voice.handle_time",
        {"dist": "empirical"},
        "contact_types.voice.handle_time",
        "at least one",
    ),
    (
        "contact_types.voice.handle_time",
        {"dist": "deterministic", "value": "soon"},
        "contact_types.voice.handle_time.value",
        "duration",
    ),
    (
        "contact_types.voice.service_level_threshold",
        "twenty",
        "contact_types.voice.service_level_threshold",
        "duration",
    ),
    (
        "contact_types.voice.access.queue_capacity",
        -1,
        "contact_types.voice.access.queue_capacity",
        "greater than or equal",
    ),
    (
        "contact_types.email.patience",
        {"dist": "exponential", "mean": 60},
        "contact_types.email",
        "do not abandon",
    ),
    (
        "contact_types.voice.arrivals",
        {"trace": [5, 1]},
        "contact_types.voice.arrivals.trace",
        "ascending",
    ),
    ("agent_groups", {}, "agent_groups", "at least 1"),
    ("agent_groups.inhouse.skills", [], "agent_groups.inhouse.skills", "at least 1"),
    (
        "agent_groups.inhouse.skills",
        ["voice", "voice"],
        "agent_groups.inhouse.skills",
        "listed twice",
    ),
    (
        "agent_groups.inhouse.skills",
        ["voice", "emial"],
        "agent_groups.inhouse.skills[1]",
        "did you mean 'email'",
    ),
    (
        "agent_groups.inhouse.staff",
        [1, 2],
        "agent_groups.inhouse.staff",
        "expected one number per interval",
    ),
    ("agent_groups.inhouse.staff[3]", -2, "agent_groups.inhouse.staff[3]", "greater than or equal"),
    ("agent_groups.inhouse.staff[3]", "many", "agent_groups.inhouse.staff[3]", "integer"),
    ("agent_groups.inhouse.staff", 2.5, "agent_groups.inhouse.staff", "integer"),
    (
        "agent_groups.chat_team.max_concurrent",
        0,
        "agent_groups.chat_team.max_concurrent",
        "greater than or equal",
    ),
    ("agent_groups.chat_team.skills", ["email"], "contact_types.chat", "no agent group"),
    ("routing.voice", [], "routing.voice", "at least one"),
    ("routing.voice[1].group", "outsorcer", "routing.voice[1].group", "did you mean 'outsourcer'"),
    ("routing.voice[1].group", "chat_team", "routing.voice[1].group", "lacks the skill"),
    ("routing.voice[1]", {"group": "inhouse"}, "routing.voice[1].group", "listed twice"),
    ("routing.voice[1].after", "-20s", "routing.voice[1].after", "negative"),
    ("routing.fax", [{"group": "inhouse"}], "routing.fax", "unknown contact type"),
    ("targets[0].contact_type", "vioce", "targets[0].contact_type", "did you mean 'voice'"),
    ("targets[0].kpi", "happiness", "targets[0].kpi", "service_level"),
    ("targets[0].at_most", 0.5, "targets[0].at_most", "is below at_least (0.8)"),
    ("targets[0].at_least", 80, "targets[0].at_least", "got 80; did you mean 0.80?"),
    ("targets[0].at_least", -1.8, "targets[0].at_least", "share in [0, 1]"),
    ("targets[2].at_most", 5, "targets[2].at_most", "did you mean 0.05?"),
    ("targets[6].at_most", 92, "targets[6].at_most", "did you mean 0.92?"),
    ("targets[0].at_least", float("inf"), "targets[0].at_least", "finite"),
    (
        "targets[2]",
        {"contact_type": "chat", "kpi": "asa", "at_most": -180},
        "targets[2].at_most",
        "≥ 0",
    ),
    (
        "targets[2]",
        {"contact_type": "chat", "kpi": "asa", "at_most": "soon"},
        "targets[2].at_most",
        "duration",
    ),
    ("targets[2].threshold", "20s", "targets[2]", "threshold applies to service_level"),
    (
        "targets[2]",
        {
            "contact_type": "voice",
            "kpi": "aht",
            "at_most": 300,
            "clock": "business_hours",
            "business_hours": {"mon-fri": "08:00-18:00"},
        },
        "targets[2]",
        "clock: business_hours applies to KPIs that read waits",
    ),
    ("targets[4].kpi", "callback_promise_kept", "targets[4].kpi", "offers no callbacks"),
    ("targets[0].penalty_eur", 5, "targets[0].penalty_eur", "unknown field"),
    ("targets[0].at_least", DELETE, "targets[0]", "give at_least or at_most"),
    ("targets[0].kpi", "occupancy", "targets[0]", "names an agent_group"),
    ("targets[0].agent_group", "inhouse", "targets[0]", "names a contact_type"),
    ("targets[3].threshold", DELETE, "targets[3]", "wait_over needs a threshold"),
    (
        "targets[5].business_hours",
        DELETE,
        "targets[5]",
        "clock: business_hours goes with business_hours",
    ),
    (
        "targets[5].business_hours",
        {"mon-fry": "08:00-20:00"},
        "targets[5].business_hours",
        "unknown day range",
    ),
    (
        "targets[5].business_hours",
        {"mon-fri": "20:00-08:00"},
        "targets[5].business_hours",
        "ends before it starts",
    ),
    ("targets[5].business_hours", {"mon-fri": 800}, "targets[5].business_hours", "HH:MM-HH:MM"),
    ("targets[0].share_of_periods", 0.5, "targets[0]", "share_of_periods needs per"),
    ("targets[2].over", "answered", "targets[2]", "over: answered applies to service_level only"),
    ("targets[3].short_abandon", "5s", "targets[3]", "short_abandon applies to"),
    ("targets[1].per", "fortnight", "targets[1].per", "interval"),
    ("targets[1].share_of_periods", 1.5, "targets[1].share_of_periods", "less than or equal"),
    ("targets[0].penalty.per_point", -5, "targets[0].penalty.per_point", "greater than or equal"),
    ("targets[0].penalty.capp", 5, "targets[0].penalty.capp", "did you mean 'cap'"),
    ("targets[6].agent_group", "inhose", "targets[6].agent_group", "did you mean 'inhouse'"),
    (
        "agent_groups.outsourcer.cost",
        {"per_handled_minute": 1, "per_staffed_hour": 30},
        "agent_groups.outsourcer.cost",
        "exactly one",
    ),
    ("agent_groups.outsourcer.cost", {}, "agent_groups.outsourcer.cost", "exactly one"),
    (
        "agent_groups.inhouse.cost.per_staffed_hour",
        -1,
        "agent_groups.inhouse.cost.per_staffed_hour",
        "greater than or equal",
    ),
    (
        "contact_types.voice.costs.customer_per_minute",
        "cheap",
        "contact_types.voice.costs.customer_per_minute",
        "number",
    ),
    (
        "contact_types.voice.costs.customer_pays_for",
        ["holding"],
        "contact_types.voice.costs.customer_pays_for[0]",
        "waiting",
    ),
    ("currency", "", "currency", "at least 1"),
    (
        "agent_groups.outsourcer.proficiency",
        {"chat": 1.2},
        "agent_groups.outsourcer.proficiency.chat",
        "not one of the group's skills",
    ),
    (
        "agent_groups.outsourcer.proficiency",
        {"voice": 0},
        "agent_groups.outsourcer.proficiency.voice",
        "greater than 0",
    ),
    ("agent_groups.inhouse.shrinkage", 1.0, "agent_groups.inhouse.shrinkage", "less than 1"),
    ("agent_groups.inhouse.adherence", 0, "agent_groups.inhouse.adherence", "greater than 0"),
    (
        "agent_groups.inhouse.shifts",
        {"early": {"start": "08:00", "length": "8h", "agents": 5}},
        "agent_groups.inhouse",
        "either staff or shifts",
    ),
    ("agent_groups.inhouse.staff", DELETE, "agent_groups.inhouse", "either staff or shifts"),
    # access strategy (issue 4)
    (
        "contact_types.voice.access.hours",
        {"mon-fri": "08:00"},
        "contact_types.voice.access.hours",
        "HH:MM-HH:MM",
    ),
    (
        "contact_types.voice.access.hours",
        {"weekdays": "08:00-20:00"},
        "contact_types.voice.access.hours",
        "unknown day",
    ),
    (
        "contact_types.email.access",
        {"hours": {"all": "08:00-18:00"}},
        "contact_types.email",
        "always received",
    ),
    (
        "contact_types.voice.access.closed_days",
        [9],
        "contact_types.voice.access.closed_days",
        "after the horizon",
    ),
    (
        "contact_types.voice.access.closed_days",
        [0],
        "contact_types.voice.access.closed_days[0]",
        "greater than or equal",
    ),
    (
        "contact_types.voice.access.out_of_hours",
        "hangup",
        "contact_types.voice.access.out_of_hours",
        "refuse",
    ),
    (
        "contact_types.chat.access.out_of_hours",
        "voicemail",
        "contact_types.chat",
        "voicemail is for voice",
    ),
    (
        "contact_types.chat.access.offline_form_type",
        DELETE,
        "contact_types.chat",
        "needs access.offline_form_type",
    ),
    (
        "contact_types.chat.access.offline_form_type",
        "voice",
        "contact_types.chat.access.offline_form_type",
        "becomes an email",
    ),
    (
        "contact_types.chat.access.offline_form_type",
        "emial",
        "contact_types.chat.access.offline_form_type",
        "did you mean 'email'",
    ),
    (
        "contact_types.voice.access.announcement.estimator",
        "guess",
        "contact_types.voice.access.announcement.estimator",
        "queue",
    ),
    (
        "contact_types.voice.access.announcement.balking",
        [[0, 1.5]],
        "contact_types.voice.access.announcement.balking[0][1]",
        "less than or equal",
    ),
    (
        "contact_types.voice.access.callback.acceptance",
        2,
        "contact_types.voice.access.callback.acceptance",
        "less than or equal",
    ),
    (
        "contact_types.voice.access.callback.acceptance",
        DELETE,
        "contact_types.voice.access.callback.acceptance",
        "required",
    ),
    (
        "contact_types.voice.access.callback.schedule",
        "later",
        "contact_types.voice",
        "goes with callback.delay",
    ),
    (
        "contact_types.voice.access.callback.promise",
        "0s",
        "contact_types.voice.access.callback.promise",
        "greater than 0",
    ),
    (
        "contact_types.voice.access.callback.retries",
        -1,
        "contact_types.voice.access.callback.retries",
        "greater than or equal",
    ),
    (
        "contact_types.voice.access.callback.pacing",
        {"max_share_of_agents": 0},
        "contact_types.voice.access.callback.pacing.max_share_of_agents",
        "greater than 0",
    ),
    (
        "contact_types.voice.access.callback.pacing",
        {"max_share_of_agents": 1.5},
        "contact_types.voice.access.callback.pacing.max_share_of_agents",
        "less than or equal",
    ),
    (
        "contact_types.voice.access.callback.pacing",
        {},
        "contact_types.voice.access.callback.pacing.max_share_of_agents",
        "required",
    ),
    (
        "contact_types.voice.access.callback.pacing",
        {"max_share_of_agents": 0.3, "dials_per_hour": 5},
        "contact_types.voice.access.callback.pacing.dials_per_hour",
        "unknown field",
    ),
    (
        "contact_types.chat.access.callback",
        {"acceptance": 0.5},
        "contact_types.chat",
        "callbacks are offered on voice",
    ),
    (
        "contact_types.voice.access.retrial.probability",
        -0.1,
        "contact_types.voice.access.retrial.probability",
        "greater than or equal",
    ),
    (
        "contact_types.voice.access.retrial.max_attempts",
        1,
        "contact_types.voice.access.retrial.max_attempts",
        "greater than or equal",
    ),
    (
        "contact_types.voice.access.retrial.after",
        ["bored"],
        "contact_types.voice.access.retrial.after[0]",
        "abandoned",
    ),
    (
        "contact_types.voice.access.retrial.switch",
        {"fax": 0.2},
        "contact_types.voice.access.retrial.switch.fax",
        "unknown contact type",
    ),
    (
        "contact_types.voice.access.retrial.switch",
        {"chat": 0.8, "email": 0.5},
        "contact_types.voice",
        "add up to more than 1",
    ),
    (
        "contact_types.voice.access.resolution.delay",
        DELETE,
        "contact_types.voice",
        "needs resolution.delay",
    ),
    (
        "contact_types.voice.access.resolution.first_contact",
        1.2,
        "contact_types.voice.access.resolution.first_contact",
        "less than or equal",
    ),
    (
        "contact_types.voice.segments",
        {"vip": {"share": 0}},
        "contact_types.voice.segments.vip.share",
        "greater than 0",
    ),
    (
        "contact_types.voice.segments",
        {"a": {"share": 0.7}, "b": {"share": 0.5}},
        "contact_types.voice",
        "add up to more than 1",
    ),
    (
        "contact_types.voice.segments",
        {"vip": {"share": 0.1, "routing": [{"group": "chat_team"}]}},
        "contact_types.voice.segments.vip.routing[0].group",
        "lacks the skill",
    ),
    ("targets[0].segment", "vip", "targets[0].segment", "has no segment"),
    ("contact_types.voice.arrivals", DELETE, "contact_types.voice.arrivals", "required"),
    (
        "ivr",
        {
            "line": {
                "arrivals": {"per_hour": 10},
                "time": {"dist": "deterministic", "value": 30},
                "choices": {"voice": 0.5},
            }
        },
        "ivr.line",
        "add up to 1",
    ),
    (
        "ivr",
        {
            "line": {
                "arrivals": {"per_hour": 10},
                "time": {"dist": "deterministic", "value": 30},
                "choices": {"fax": 1.0},
            }
        },
        "ivr.line.choices.fax",
        "unknown contact type",
    ),
    (
        "ivr",
        {
            "line": {
                "arrivals": {"per_hour": 10},
                "time": {"dist": "deterministic", "value": 30},
                "containment": 1.5,
                "choices": {"voice": 1.0},
            }
        },
        "ivr.line.containment",
        "less than or equal",
    ),
    # staffing and routing configurations
    (
        "routing.voice",
        [{"group": "inhouse"}, {"group": "outsourcer", "when_queue_over": 5, "when_wait_over": 60}],
        "routing.voice[1]",
        "give one condition",
    ),
    (
        "routing.voice",
        [{"group": "inhouse"}, {"group": "outsourcer", "when_queue_over": -1}],
        "routing.voice[1].when_queue_over",
        "greater than or equal",
    ),
    (
        "contact_types.voice.data_residency",
        {"barred_sites": ["manilla"]},
        "contact_types.voice.data_residency.barred_sites[0]",
        "no agent group is at site",
    ),
    (
        "contact_types.voice.data_residency",
        {"barred_providers": ["inhouse"]},
        "routing.voice[0].group",
        "barred for voice",
    ),
    (
        "contact_types.email.data_residency",
        {"barred_providers": ["inhouse"]},
        "contact_types.email.data_residency",
        "nobody may take",
    ),
    ("agent_groups.inhouse.provider", "", "agent_groups.inhouse.provider", "pattern"),
    (
        "agent_groups.chat_team.concurrency_slowdown",
        [1, 1.2, 1.5],
        "agent_groups.chat_team",
        "one factor per concurrent contact (2)",
    ),
    (
        "agent_groups.inhouse.staff",
        {"file": "data/missing.csv"},
        "agent_groups.inhouse.staff",
        "not found",
    ),
    (
        "routing_policy",
        {"agent_selection": "random"},
        "routing_policy.agent_selection",
        "longest_idle",
    ),
    ("routing_policy", {"policy": "nonsense"}, "routing_policy.policy", "package.module:Class"),
    ("routing_policy", {"policy": "no_such_pkg.x:Y"}, "routing_policy.policy", "cannot import"),
    (
        "routing_policy",
        {"ageing": {"email": "1h"}},
        "routing_policy.ageing",
        "give routing_policy.priorities",
    ),
    (
        "routing_policy",
        {"priorities": {"emial": 1}},
        "routing_policy.priorities.emial",
        "did you mean 'email'",
    ),
    (
        "routing_policy",
        {"reserve": [{"group": "outsourcer", "agents": 2, "protect": ["email"]}]},
        "routing_policy.reserve[0].protect[0]",
        "lacks the skill",
    ),
    (
        "routing_policy",
        {"reserve": [{"group": "inhouse", "agents": 0, "protect": ["voice"]}]},
        "routing_policy.reserve[0].agents",
        "greater than or equal to 1",
    ),
    (
        "routing_policy",
        {"priorities": {"voice/vipp": 1}},
        "routing_policy.priorities.voice/vipp",
        "unknown contact type",
    ),
    (
        "routing_policy",
        {"priorities": {"voice/vip/gold": 1}},
        "routing_policy.priorities.voice/vip/gold",
        "pattern",
    ),
    (
        "routing_policy",
        {"blending": {"chat_team": {"max_agents": 3}}},
        "routing_policy.blending.chat_team",
        "no deferred (email) skill",
    ),
    (
        "routing_policy",
        {"blending": {"inhouse": {"max_agents": 3, "min_agents": 5}}},
        "routing_policy.blending.inhouse.min_agents",
        "above max_agents",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "where", "words"), CASES, ids=[f"{c[0]}={c[1]!r}"[:60] for c in CASES]
)
def test_bad_field_exits_2_naming_the_field(
    tmp_path: Path, path: str, value: Any, where: str, words: str
) -> None:
    file = tmp_path / "scenario.yaml"
    # keep the profile CSV reachable from the temporary folder
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "retail_bank_profile.csv").write_text(
        (ROOT / "scenarios" / "data" / "retail_bank_profile.csv").read_text()
    )
    file.write_text(yaml.safe_dump(mutate(path, value), sort_keys=False))
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert "Traceback" not in message
    assert str(file) in message
    assert f": {where}:" in message, message
    assert words.lower() in message.lower(), message


def test_all_problems_are_reported_at_once() -> None:
    data = mutate("horizon", "-1h")
    data["contact_types"]["voice"]["handle_time"]["cv"] = -3
    data["agent_groups"]["inhouse"]["max_concurrent"] = 0
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(data)
    assert set(caught.value.paths) >= {
        "horizon",
        "contact_types.voice.handle_time.cv",
        "agent_groups.inhouse.max_concurrent",
    }


def test_yaml_line_numbers_are_given(tmp_path: Path) -> None:
    text = (
        (ROOT / "scenarios" / "erlang_check.yaml")
        .read_text()
        .replace("staff: 14", "staff: fourteen")
    )
    file = tmp_path / "s.yaml"
    file.write_text(text)
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "fourteen" in row)
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(file)
    assert caught.value.problems[0].line == line
    assert f"s.yaml:{line}: agent_groups.team.staff" in str(caught.value)


def test_line_100_is_printed_as_a_number(tmp_path: Path) -> None:
    """The CLI prints "file:100: field": not rich's emoji for ":100:"."""
    text = (ROOT / "scenarios" / "erlang_check.yaml").read_text()
    text = text.replace("staff: 14", "staff: fourteen")
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "fourteen" in row)
    text = "#\n" * (100 - line) + text
    file = tmp_path / "s.yaml"
    file.write_text(text)
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2 and "s.yaml:100: agent_groups.team.staff" in result.stderr


def test_unquoted_time_of_day_is_explained() -> None:
    from cccsim.units import parse_time_of_day

    # PyYAML reads an unquoted 12:30 as the sexagesimal integer 750
    assert yaml.safe_load("t: 12:30")["t"] == 750
    with pytest.raises(ValueError, match="quote"):
        parse_time_of_day(750)
    assert parse_time_of_day("12:30") == 12.5 * 3600


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name: [unclosed", "invalid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
    ],
)
def test_broken_files(tmp_path: Path, text: str, words: str) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(text)
    result = runner.invoke(app, ["run", str(file)])
    assert result.exit_code == 2
    assert words in result.stderr


def test_not_utf8_and_missing_file(tmp_path: Path) -> None:
    file = tmp_path / "latin1.yaml"
    file.write_bytes("name: caf\xe9\n".encode("latin-1"))
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2 and "UTF-8" in result.stderr
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_bad_override_names_the_path() -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(ROOT / "scenarios" / "retail_bank.yaml"),
            "--set",
            "agent_groups.inhouse.staff=-4",
        ],
    )
    assert result.exit_code == 2
    assert "agent_groups.inhouse.staff" in result.stderr
    result = runner.invoke(
        app, ["validate", str(ROOT / "scenarios" / "retail_bank.yaml"), "--set", "novalue"]
    )
    assert result.exit_code == 2 and "path=value" in result.stderr


def test_overrides_return_validated_copies() -> None:
    base = cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml")
    more = cccsim.load_scenario(
        base, overrides={"agent_groups.outsourcer.staff": 12, "targets[0].at_least": 0.7}
    )
    assert more.agent_groups["outsourcer"].staff == 12
    assert more.targets[0].at_least == 0.7
    assert base.agent_groups["outsourcer"].staff != 12  # the original is untouched (frozen)
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(base, overrides={"horizon": "soon"})
    assert caught.value.paths == ["horizon"]


def test_bad_shift_fields_are_named(tmp_path: Path) -> None:
    data = mutate("agent_groups.inhouse.staff", DELETE)
    data["agent_groups"]["inhouse"]["shifts"] = {
        "early": {
            "start": 730,
            "length": "8h",
            "agents": 5,
            "days": ["mon", "funday"],
            "breaks": [{"start": "10:00", "window": ["12:00", "13:00"], "length": "15min"}],
        },
    }
    with pytest.raises(cccsim.ScenarioError) as caught:
        cccsim.load_scenario(data)
    paths = caught.value.paths
    assert "agent_groups.inhouse.shifts.early.start" in paths
    assert "agent_groups.inhouse.shifts.early.days[1]" in paths
    assert "agent_groups.inhouse.shifts.early.breaks[0]" in paths
    assert "quote" in str(caught.value)  # an unquoted 07:30 read by YAML as 450


def test_staff_from_a_csv_schedule(tmp_path: Path) -> None:
    """A CSV column of agents per interval gives the same model as the inline list."""
    inline = BASE["agent_groups"]["inhouse"]["staff"]
    (tmp_path / "data").mkdir()
    for name in ("retail_bank_profile.csv",):
        (tmp_path / "data" / name).write_text((ROOT / "scenarios" / "data" / name).read_text())
    (tmp_path / "wfm.csv").write_text(
        "interval,agents\n" + "".join(f"{i},{n}\n" for i, n in enumerate(inline))
    )
    data = copy.deepcopy(BASE)
    data["agent_groups"]["inhouse"]["staff"] = {"file": "wfm.csv", "column": "agents"}
    file = tmp_path / "scenario.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    from_csv = cccsim.build_model(cccsim.load_scenario(file)).groups[0].staff_changes
    inline_model = cccsim.build_model(cccsim.load_scenario(ROOT / "scenarios" / "retail_bank.yaml"))
    assert from_csv == inline_model.groups[0].staff_changes

    (tmp_path / "wfm.csv").write_text("agents\n3\n2.5\n")
    result = runner.invoke(app, ["validate", str(file)])
    assert result.exit_code == 2
    assert "agent_groups.inhouse.staff" in result.stderr
    assert "wfm.csv line 3" in result.stderr and "whole number" in result.stderr


def test_overrides_keep_times_of_day_valid() -> None:
    """A scenario with shifts and breaks takes overrides (its dump keeps times as "HH:MM")."""
    base = cccsim.load_scenario(ROOT / "scenarios" / "insurer_blended.yaml")
    shorter = cccsim.load_scenario(base, overrides={"horizon": "1d"})
    early = shorter.agent_groups["inhouse"].shifts["early"]
    assert early.start == 7.5 * 3600 and early.breaks[0].window == (36000.0, 39600.0)
    assert shorter.horizon == 86400
