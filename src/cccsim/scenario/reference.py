"""Markdown reference of the scenario schema, generated from the pydantic models' docstrings.

``docs/reference/scenario.md`` is this function's output; a test keeps the two identical.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from cccsim.scenario import schema
from cccsim.scenario.yaml_file import MAX_ALIAS_NODES, MAX_ALIASES, MAX_DEPTH
from cccsim.units import parse_duration


def _is_duration(metadata: Any) -> bool:
    return any(isinstance(m, BeforeValidator) and m.func is parse_duration for m in metadata)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return "duration" if _is_duration(annotation.__metadata__) else _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is tuple:
        return "(" + ", ".join(_type_name(a) for a in args if a is not Ellipsis) + ")"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    if annotation is float:
        return "number"
    if annotation is int:
        return "integer"
    if annotation is str:
        return "text"
    return str(annotation)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "defaults"
    return f"`{value!r}`" if value not in ({}, []) else "empty"


MODELS: tuple[type[BaseModel], ...] = (
    schema.Scenario,
    schema.ContactType,
    schema.Arrivals,
    schema.ProfileFile,
    schema.Access,
    schema.Announcement,
    schema.Callback,
    schema.Pacing,
    schema.Retrial,
    schema.Resolution,
    schema.Segment,
    schema.ContactCosts,
    schema.AgentGroup,
    schema.GroupCost,
    schema.StaffFile,
    schema.Shift,
    schema.Break,
    schema.RouteStep,
    schema.RoutingPolicy,
    schema.Reservation,
    schema.Blending,
    schema.Target,
    schema.Money,
    schema.Ivr,
    schema.Exponential,
    schema.Lognormal,
    schema.Gamma,
    schema.Deterministic,
    schema.Uniform,
    schema.Empirical,
)


def render_reference() -> str:
    """The scenario reference as Markdown, one table per model."""
    lines = [
        "# Scenario file reference",
        "",
        "Generated from the pydantic models by `cccsim schema --markdown`; do not edit by hand.",
        "Durations are written `30s`, `5min`, `8h`, `2d` or as a number of seconds. Unknown fields",
        "are errors. Distributions are chosen with `dist:` (exponential, lognormal, gamma,",
        "deterministic, uniform, empirical). Weekly hours are written",
        '`{"mon-fri": "08:00-18:00", "sat": ["09:00-12:00", "13:00-15:00"], "sun": closed}` with',
        "quoted times.",
        "",
        "Files are read strictly: a key given twice in one mapping is an error naming both lines",
        "(YAML would keep only the last); `true`/`false` (and unquoted `yes`, `no`, `on`, `off`)",
        "are refused where a number is expected; two targets with the same definition and bounds,",
        "or the same `name`, are refused. Anchors and aliases (`&rota`, `*rota`) may be used: at most",
        f"{MAX_ALIASES:,} aliases, adding at most {MAX_ALIAS_NODES:,} values when expanded, nested at",
        f"most {MAX_DEPTH} levels deep, never an alias inside its own anchor.",
        "",
    ]
    for model in MODELS:
        doc = (model.__doc__ or "").strip().splitlines()
        lines += [f"## {model.__name__}", "", " ".join(d.strip() for d in doc), ""]
        lines += ["| field | type | default | meaning |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            text = " ".join((field.description or "").split()).replace("|", "\\|")
            kind = "duration" if _is_duration(field.metadata) else _type_name(field.annotation)
            lines.append(f"| `{name}` | {kind} | {_default(field)} | {text} |")
        lines.append("")
    return "\n".join(lines)
