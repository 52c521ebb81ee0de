"""Booleans are not numbers: ``staff: true`` is a mistake, not one agent.

Pydantic (like Python) reads ``True`` as ``1`` wherever an int or float is expected, and YAML 1.1
reads unquoted ``yes``, ``no``, ``on`` and ``off`` as booleans too. This walks raw scenario data
alongside the scenario models' field annotations and names every boolean found where only a
number would do, with its full field path — in files, dicts, ``--set`` overrides and sweeps alike.
"""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any, Union

from pydantic import BaseModel

Path = tuple[Any, ...]
MESSAGE = (
    "expected a number, got {value} (a boolean: YAML reads true/false, yes/no and on/off as "
    "booleans)"
)


def boolean_problems(data: Any, model: type[BaseModel]) -> list[tuple[Path, str]]:
    """Every (key path, message) where ``data`` holds a boolean that ``model`` expects as a number."""
    found: list[tuple[Path, str]] = []
    _value(data, [model], (), found)
    return found


def _value(value: Any, annotations: list[Any], path: Path, found: list[tuple[Path, str]]) -> None:
    leaves = [leaf for a in annotations for leaf in _leaves(a)]
    if isinstance(value, bool):
        if any(_numeric(leaf) for leaf in leaves) and not any(
            _admits_bool(leaf) for leaf in leaves
        ):
            found.append((path, MESSAGE.format(value=str(value).lower())))
        return
    if isinstance(value, dict):
        models = [leaf for leaf in leaves if isinstance(leaf, type) and issubclass(leaf, BaseModel)]
        values_of = [args[1] for leaf in leaves if (args := _args(leaf, dict)) and len(args) == 2]
        for key, item in value.items():
            fields = [m.model_fields[key].annotation for m in models if key in m.model_fields]
            if fields or values_of:
                _value(item, fields + values_of, (*path, key), found)
    elif isinstance(value, list):
        items = [arg for leaf in leaves for arg in _args(leaf, list, tuple) if arg is not Ellipsis]
        if items:
            for i, item in enumerate(value):
                _value(item, items, (*path, i), found)


def _leaves(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: Annotated metadata dropped, unions and Optional split."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [leaf for arg in typing.get_args(annotation) for leaf in _leaves(arg)]
    return [annotation]


def _args(leaf: Any, *origins: type) -> tuple[Any, ...]:
    return typing.get_args(leaf) if typing.get_origin(leaf) in origins else ()


def _numeric(leaf: Any) -> bool:
    return leaf is int or leaf is float


def _admits_bool(leaf: Any) -> bool:
    return leaf is bool or leaf is Any or leaf is object
