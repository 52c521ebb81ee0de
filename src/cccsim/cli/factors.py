"""``sweep --factor path=v1,v2,...``: the values of each factor, read as one YAML flow list.

Reading ``v1,v2,...`` as the YAML list ``[v1, v2, ...]`` gives each value the type ``--set``
would (``12`` a number, ``20s`` a duration), lets a value hold commas when quoted
(``"08:00-12:00,13:00-17:00"``) or bracketed (``[10, 12]`` is one list value), and refuses
what cannot be meant: a repeated or overlapping factor path, a value given twice, an empty item.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from cccsim.errors import Problem, ScenarioError
from cccsim.scenario.load import parse_path

USAGE = 'a factor is written path=v1,v2,... (quote a value holding a comma: path="a,b",c)'


def parse_factors(texts: list[str]) -> dict[str, list[Any]]:
    """``["agent_groups.team.staff=12,14", ...]`` → ``{"agent_groups.team.staff": [12, 14]}``.

    Raises:
        ScenarioError: every malformed factor, naming the ``--factor`` option and what was wrong.
    """
    factors: dict[str, list[Any]] = {}
    seen: dict[tuple[Any, ...], str] = {}
    problems: list[Problem] = []
    for text in texts:
        path, sep, values = text.partition("=")
        path = path.strip()
        if not sep or not path or not values.strip():
            problems.append(Problem("--factor", f"{USAGE}; got {text!r}"))
            continue
        key = parse_path(path)
        clash = next((other for parts, other in seen.items() if _overlap(parts, key)), None)
        if clash is not None:
            same = parse_path(clash) == key
            problems.append(
                Problem(
                    f"--factor {path}",
                    "given twice: put all its values in one --factor"
                    if same
                    else f"overlaps --factor {clash}: one would overwrite the other",
                )
            )
            continue
        parsed = _values(path, values, problems)
        if parsed is not None:
            seen[key] = path
            factors[path] = parsed
    if problems:
        raise ScenarioError(problems)
    return factors


def _values(path: str, text: str, problems: list[Problem]) -> list[Any] | None:
    try:
        values = yaml.safe_load(f"[{text}]")
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "not a list of values"
        problems.append(Problem(f"--factor {path}", f"cannot read {text!r}: {problem}; {USAGE}"))
        return None
    if not isinstance(values, list) or not values:
        problems.append(Problem(f"--factor {path}", f"no values in {text!r}; {USAGE}"))
        return None
    shown = [json.dumps(v, sort_keys=True, default=str) for v in values]
    twice = sorted({s for s in shown if shown.count(s) > 1})
    if twice:
        problems.append(Problem(f"--factor {path}", f"value given twice: {', '.join(twice)}"))
        return None
    return values


def _overlap(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """One path is the other or lies inside it (``team`` and ``team.staff``)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]
