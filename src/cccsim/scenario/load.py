"""Load scenarios from YAML files or dicts; report every problem with file, line and field path.

Overrides are dotted paths (``agent_groups.inhouse.staff``, ``targets[0].at_least``) applied to the
raw data before validation, so an override is checked exactly like the file itself.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cccsim.errors import Problem, ScenarioError
from cccsim.scenario.booleans import boolean_problems
from cccsim.scenario.schema import ConsistencyError, Scenario
from cccsim.scenario.yaml_file import read_yaml
from cccsim.scenario.yaml_file import render_path as _render

_INDEX = re.compile(r"\[(\d+)\]")


def load_scenario(
    source: str | Path | Mapping[str, Any] | Scenario,
    overrides: Mapping[str, Any] | None = None,
) -> Scenario:
    """Load and validate a scenario from a YAML file, a dict or a Scenario, applying overrides.

    Raises:
        ScenarioError: every problem at once, each with file, YAML line and dotted field path.
    """
    if isinstance(source, Scenario):
        return apply_overrides(source, overrides or {})
    lines: dict[tuple[Any, ...], int] = {}
    file: str | None = None
    if isinstance(source, Mapping):
        data, base = copy.deepcopy(dict(source)), Path(".")
    else:
        file = str(source)
        data, lines = read_yaml(Path(source))
        base = Path(source).parent
    written: dict[tuple[Any, ...], str] = {}
    if overrides:
        data, written = _overridden(data, overrides, file)
    return _validate(data, file=file, base_dir=base, lines=lines, written=written)


def apply_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """A validated copy of ``scenario`` with dotted-path overrides applied."""
    if not overrides:
        return scenario
    origin = scenario._source or {"file": None, "base_dir": "."}
    data = scenario.model_dump(mode="python")
    data, written = _overridden(data, overrides, origin["file"])
    return _validate(
        data,
        file=origin["file"],
        base_dir=Path(origin["base_dir"] or "."),
        lines={},
        files=origin.get("files"),
        written=written,
    )


def override_data(
    data: dict[str, Any], overrides: Mapping[str, Any], file: str | None = None
) -> dict[str, Any]:
    """A copy of raw scenario data (as read from YAML) with dotted-path overrides applied."""
    return _with_overrides(data, overrides, file)


def parse_path(path: str) -> tuple[Any, ...]:
    """A dotted field path as its parts: ``targets[0].at_least`` → ``("targets", 0, "at_least")``."""
    return _parse_path(path)


def data_files(scenario: Scenario) -> dict[str, str]:
    """The data files (CSV) the scenario read while it was validated: name → SHA-256 of the bytes.

    Overrides keep the files of the scenario they were applied to (and add any they read).
    """
    return dict((scenario._source or {}).get("files") or {})


def scenario_hash(scenario: Scenario) -> str:
    """A short, stable hash of the validated scenario (provenance, caching, shard names)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ----------------------------------------------------------------------------- validation


def _validate(
    data: dict[str, Any],
    *,
    file: str | None,
    base_dir: Path,
    lines: dict[tuple[Any, ...], int],
    files: Mapping[str, str] | None = None,
    written: dict[tuple[Any, ...], str] | None = None,
) -> Scenario:
    """Validate raw data; the scenario remembers its file, folder and the data files it read."""
    context: dict[str, Any] = {"base_dir": str(base_dir), "files": dict(files or {})}
    problems = [
        Problem(_render(path), message, _line(path, lines))
        for path, message in boolean_problems(data, Scenario)
    ]
    try:
        scenario = Scenario.model_validate(data, context=context)
    except ValidationError as exc:
        named = {p.path for p in problems}
        problems += [p for p in _problems(exc, data, lines) if p.path not in named]
    if problems:
        blamed = [_blame(p, written or {}) for p in problems]
        # an override's value fails each member of a union: its first complaint is the one
        first: dict[tuple[str | None, str], Problem] = {}
        for p in blamed:
            first.setdefault((p.override, p.path) if p.override else (None, repr(p)), p)
        raise ScenarioError(list(first.values()), file)
    scenario._source = {"file": file, "base_dir": str(base_dir), "files": context["files"]}
    return scenario


def _blame(problem: Problem, written: dict[tuple[Any, ...], str]) -> Problem:
    """A problem inside a subtree an override wrote names that override, not a line of the file."""
    path = _parse_path(problem.path)
    for prefix, label in written.items():
        if path[: len(prefix)] == prefix:
            return replace(problem, line=None, override=label)
    return problem


def _problems(exc: ValidationError, data: Any, lines: dict[tuple[Any, ...], int]) -> list[Problem]:
    out: list[Problem] = []
    for err in exc.errors():
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, ConsistencyError):
            for p in cause.problems:
                out.append(Problem(p.path, p.message, _line_of_path(p.path, lines)))
            continue
        loc = _real_loc(err["loc"], data, err["type"])
        path = _render(loc)
        message = _message(err, loc)
        out.append(Problem(path, message, _line(loc, lines)))
    # the same message for several union members is noise: keep one per path and message
    unique: dict[tuple[str, str], Problem] = {}
    for p in out:
        unique.setdefault((p.path, p.message), p)
    return list(unique.values())


def _real_loc(loc: tuple[Any, ...], data: Any, kind: str) -> tuple[Any, ...]:
    """Drop pydantic's union-member names from ``loc`` by walking the raw data alongside it."""
    out: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict):
            if part in node:
                out.append(part)
                node = node[part]
            elif last and kind in ("missing", "extra_forbidden"):
                out.append(part)
            elif isinstance(part, str) and (node.get("dist") == part or not last):
                continue  # a tagged-union or union-member label, not a field
            else:
                out.append(part)
        elif isinstance(node, list):
            if isinstance(part, int) and 0 <= part < len(node):
                out.append(part)
                node = node[part]
            elif isinstance(part, int):
                out.append(part)
        # scalars: remaining parts are union labels such as 'int' or 'list[int]'
    return tuple(out)


def _message(err: Mapping[str, Any], loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}{_did_you_mean(str(loc[-1]))}"
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return f"unknown dist {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "a distribution needs 'dist' (exponential, lognormal, gamma, deterministic, uniform, empirical)"
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    value = err.get("input")
    bounded = kind in ("greater_than", "greater_than_equal", "less_than_equal")
    if (kind.endswith("_type") or bounded) and not isinstance(value, dict | list):
        message += f" (got {value!r})"
    return message


def _all_field_names() -> set[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [Scenario]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for field in model.model_fields.values():
            stack.extend(_models_in(field.annotation))
    return names


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(_models_in(arg))
    meta = getattr(annotation, "__metadata__", None)
    if meta is not None:
        found.extend(_models_in(getattr(annotation, "__origin__", None)))
    return found


def _did_you_mean(word: str) -> str:
    names = _all_field_names()
    if word in names:
        return " (that field belongs elsewhere, or to another 'dist'; see `cccsim schema`)"
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _line_of_path(path: str, lines: dict[tuple[Any, ...], int]) -> int | None:
    return _line(_parse_path(path), lines)


def _parse_path(path: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for chunk in path.split("."):
        if not chunk:
            continue
        head = _INDEX.split(chunk)
        if head[0]:
            parts.append(int(head[0]) if head[0].isdigit() else head[0])
        parts.extend(int(i) for i in head[1:] if i)
    return tuple(parts)


# ----------------------------------------------------------------------------- overrides


NAMED = {
    "contact_types": "contact type",
    "agent_groups": "agent group",
    "segments": "segment",
    "shifts": "shift",
    "routing": "routing of contact type",
    "blending": "blending rule for",
    "ivr": "IVR",
}
"""Mappings of named entries: a path through a name they lack is a typo, not a new entry."""


def _with_overrides(
    data: dict[str, Any], overrides: Mapping[str, Any], file: str | None
) -> dict[str, Any]:
    return _overridden(data, overrides, file)[0]


def _overridden(
    data: dict[str, Any], overrides: Mapping[str, Any], file: str | None
) -> tuple[dict[str, Any], dict[tuple[Any, ...], str]]:
    """A copy of ``data`` with the overrides applied, and the subtree each one wrote (the path
    where it replaced a value or began new fields) with the override as a reader gave it."""
    data = copy.deepcopy(data)
    problems: list[Problem] = []
    written: dict[tuple[Any, ...], str] = {}
    for path, value in overrides.items():
        label = f"override {path}={_shown(value)}"
        parts = _parse_path(path)
        if not parts:
            problems.append(Problem(path, "an override needs a dotted field path", override=label))
            continue
        node: Any = data
        start: int | None = None  # where the override began new fields
        problem = None
        for i, part in enumerate(parts[:-1]):
            nxt = parts[i + 1]
            if isinstance(node, dict):
                missing = part not in node or node[part] is None
                kind = NAMED.get(str(parts[i - 1])) if i > 0 else None
                if missing and kind is not None:
                    problem = _no_such(kind, str(part), node, parts[: i + 1])
                    break
                if missing:
                    node[part] = [] if isinstance(nxt, int) else {}
                    start = i if start is None else start
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                problem = _no_item(parts[: i + 1], node)
                break
        last = parts[-1]
        if problem is None and (
            isinstance(node, dict)
            or (isinstance(node, list) and isinstance(last, int) and last < len(node))
        ):
            node[last] = copy.deepcopy(value)
            written[parts if start is None else parts[: start + 1]] = label
            continue
        problems.append(replace(problem or _no_item(parts, node), path=path, override=label))
    if problems:
        raise ScenarioError(problems, file)
    return data, written


def _no_such(kind: str, name: str, node: dict[str, Any], parts: tuple[Any, ...]) -> Problem:
    known = ", ".join(str(k) for k in node) or "none"
    close = difflib.get_close_matches(name, [str(k) for k in node], n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    whole = _render(parts)
    return Problem(
        whole,
        f"no {kind} {name!r} ({hint}known: {known}; to add one, set it whole: {whole}={{...}})",
    )


def _no_item(parts: tuple[Any, ...], node: Any) -> Problem:
    where = _render(parts)
    if isinstance(node, list):
        return Problem(where, f"no item {where} (the list has {len(node)})")
    return Problem(where, f"cannot follow {where!r}: it holds {type(node).__name__}, not fields")


def _shown(value: Any) -> str:
    """An override's value as it would be typed (YAML flow style)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000)
    return text.strip().removesuffix("...").strip()


def parse_override(text: str) -> tuple[str, Any]:
    """Parse a CLI ``path=value`` override; the value is read as YAML (``60``, ``[1, 2]``, ``30s``)."""
    if "=" not in text:
        raise ScenarioError([Problem(text, "an override is written path=value")])
    path, _, raw = text.partition("=")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return path.strip(), value
