"""Cross-field rules of a scenario: references exist, list lengths fit the interval, and more."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from cccsim.errors import Problem
from cccsim.plugins import import_class
from cccsim.units import DAY

if TYPE_CHECKING:
    from cccsim.scenario.schema import Scenario


def consistency_problems(sc: Scenario) -> list[Problem]:
    """Cross-field rules: references exist, list lengths fit the interval, and so on."""
    out: list[Problem] = []
    if sc.warmup >= sc.horizon:
        out.append(Problem("warmup", f"must be shorter than the horizon ({sc.horizon:g}s)"))
    per_day = DAY / sc.interval
    if abs(per_day - round(per_day)) > 1e-9:
        out.append(Problem("interval", "must divide a day evenly (e.g. 15min, 30min, 1h)"))
        return out
    n_day, n_all = sc.intervals_per_day, sc.n_intervals
    for name, ct in sc.contact_types.items():
        arr = ct.arrivals
        if arr is None:
            continue
        if arr.per_interval is not None and len(arr.per_interval) != n_day:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals.per_interval",
                    f"expected {n_day} values (one per {sc.interval:g}s interval of a day), "
                    f"got {len(arr.per_interval)}",
                )
            )
        if isinstance(arr.profile, list) and len(arr.profile) != n_day:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals.profile",
                    f"expected {n_day} shares (one per interval of a day), got {len(arr.profile)}",
                )
            )
    fed = _fed_types(sc)
    for name, ct in sc.contact_types.items():
        a = ct.access
        if ct.arrivals is None and name not in fed:
            out.append(
                Problem(
                    f"contact_types.{name}.arrivals",
                    "required (no IVR, retrial, repeat or offline form leads to this type)",
                )
            )
        if a.offline_form_type is not None:
            form_type = sc.contact_types.get(a.offline_form_type)
            if form_type is None:
                out.append(
                    Problem(
                        f"contact_types.{name}.access.offline_form_type",
                        _unknown("contact type", a.offline_form_type, sc.contact_types),
                    )
                )
            elif form_type.channel != "email":
                out.append(
                    Problem(
                        f"contact_types.{name}.access.offline_form_type",
                        f"{a.offline_form_type!r} is {form_type.channel}; an offline form becomes an email",
                    )
                )
        switches = [
            ("retrial", a.retrial.switch if a.retrial else {}),
            ("resolution", a.resolution.switch),
        ]
        for part, switch in switches:
            for other in switch:
                if other not in sc.contact_types:
                    out.append(
                        Problem(
                            f"contact_types.{name}.access.{part}.switch.{other}",
                            _unknown("contact type", other, sc.contact_types),
                        )
                    )
        for day in a.closed_days:
            if (day - 1) * DAY >= sc.horizon:
                out.append(
                    Problem(
                        f"contact_types.{name}.access.closed_days",
                        f"day {day} is after the horizon ({sc.horizon / DAY:g} days)",
                    )
                )
        for seg, segment in ct.segments.items():
            for i, step in enumerate(segment.routing or []):
                group = sc.agent_groups.get(step.group)
                path = f"contact_types.{name}.segments.{seg}.routing[{i}].group"
                if group is None:
                    out.append(
                        Problem(
                            path,
                            _unknown("agent group", step.group, sc.agent_groups),
                        )
                    )
                elif name not in group.skills:
                    out.append(
                        Problem(path, f"agent group {step.group!r} lacks the skill {name!r}")
                    )
    for entry, ivr in sc.ivr.items():
        for choice in ivr.choices:
            if choice not in sc.contact_types:
                out.append(
                    Problem(
                        f"ivr.{entry}.choices.{choice}",
                        _unknown("contact type", choice, sc.contact_types),
                    )
                )
    served: set[str] = set()
    for gname, group in sc.agent_groups.items():
        n_staff = len(group.staff) if isinstance(group.staff, list) else None  # shifts: None
        if n_staff is not None and not (
            n_staff in (n_day, n_all) or (n_staff > n_all and n_staff % n_day == 0)
        ):
            out.append(
                Problem(
                    f"agent_groups.{gname}.staff",
                    f"expected one number per interval: {n_day} (a day, repeated), {n_all} (the "
                    f"horizon) or whole days covering the horizon, got {n_staff}",
                )
            )
        for skill in group.proficiency:
            if skill not in group.skills:
                out.append(
                    Problem(
                        f"agent_groups.{gname}.proficiency.{skill}",
                        f"{skill!r} is not one of the group's skills ({', '.join(group.skills)})",
                    )
                )
        for i, skill in enumerate(group.skills):
            if skill not in sc.contact_types:
                out.append(
                    Problem(
                        f"agent_groups.{gname}.skills[{i}]",
                        _unknown("contact type", skill, sc.contact_types),
                    )
                )
            served.add(skill)
    for tname, steps in sc.routing.items():
        if tname not in sc.contact_types:
            out.append(
                Problem(
                    f"routing.{tname}",
                    _unknown("contact type", tname, sc.contact_types),
                )
            )
            continue
        if not steps:
            out.append(Problem(f"routing.{tname}", "needs at least one agent group"))
        seen: set[str] = set()
        for i, step in enumerate(steps):
            path = f"routing.{tname}[{i}].group"
            routed = sc.agent_groups.get(step.group)
            if routed is None:
                out.append(
                    Problem(
                        path,
                        _unknown("agent group", step.group, sc.agent_groups),
                    )
                )
            elif tname not in routed.skills:
                out.append(Problem(path, f"agent group {step.group!r} lacks the skill {tname!r}"))
            if step.group in seen:
                out.append(Problem(path, f"agent group {step.group!r} listed twice"))
            seen.add(step.group)
    for tname in sc.contact_types:
        if tname not in served:
            out.append(
                Problem(f"contact_types.{tname}", "no agent group has this contact type as a skill")
            )
    for i, target in enumerate(sc.targets):
        if target.segment is not None:
            owner = sc.contact_types.get(target.contact_type or "")
            if owner is not None and target.segment not in owner.segments:
                out.append(
                    Problem(
                        f"targets[{i}].segment",
                        f"{target.contact_type!r} has no segment {target.segment!r}{_hint(target.segment, owner.segments)}",
                    )
                )
        owner = sc.contact_types.get(target.contact_type or "")
        no_callbacks = owner is not None and owner.access.callback is None
        if target.kpi == "callback_promise_kept" and no_callbacks:
            out.append(
                Problem(
                    f"targets[{i}].kpi",
                    f"{target.contact_type!r} offers no callbacks (access.callback)",
                )
            )
        if target.contact_type is not None and target.contact_type not in sc.contact_types:
            out.append(
                Problem(
                    f"targets[{i}].contact_type",
                    _unknown("contact type", target.contact_type, sc.contact_types),
                )
            )
        if target.agent_group is not None and target.agent_group not in sc.agent_groups:
            out.append(
                Problem(
                    f"targets[{i}].agent_group",
                    _unknown("agent group", target.agent_group, sc.agent_groups),
                )
            )
    out.extend(_duplicate_targets(sc))
    out.extend(_residency_problems(sc))
    out.extend(_policy_problems(sc))
    return out


def _duplicate_targets(sc: Scenario) -> list[Problem]:
    """The same promise listed twice (penalties aside) would be checked and paid twice."""
    out: list[Problem] = []
    definitions: dict[str, int] = {}
    names: dict[str, int] = {}
    for i, t in enumerate(sc.targets):
        threshold = t.threshold
        if threshold is None and t.kpi == "service_level" and t.contact_type in sc.contact_types:
            threshold = sc.contact_types[t.contact_type].service_level_threshold
        definition = t.model_copy(update={"threshold": threshold}).model_dump_json(
            exclude={"name", "penalty", "bonus"}
        )
        if definition in definitions:
            out.append(
                Problem(
                    f"targets[{i}]",
                    f"repeats targets[{definitions[definition]}] (the same KPI, definition and "
                    "bounds): merge them into one target with one penalty and bonus",
                )
            )
        definitions.setdefault(definition, i)
        if t.name is not None and t.name in names:
            out.append(
                Problem(
                    f"targets[{i}].name", f"{t.name!r} is the name of targets[{names[t.name]}] too"
                )
            )
        if t.name is not None:
            names.setdefault(t.name, i)
    return out


def barred_groups(sc: Scenario, type_name: str, segment: str = "") -> set[str]:
    """Agent groups that may not take a type (or one of its segments) under data residency."""
    ct = sc.contact_types[type_name]
    rules = [ct.data_residency]
    if segment and segment in ct.segments:
        rules.append(ct.segments[segment].data_residency)
    sites = {s for r in rules if r is not None for s in r.barred_sites}
    providers = {p for r in rules if r is not None for p in r.barred_providers}
    return {
        name
        for name, group in sc.agent_groups.items()
        if group.provider in providers or (group.site is not None and group.site in sites)
    }


def _residency_problems(sc: Scenario) -> list[Problem]:
    """Barred sites and providers exist, and no routing sends a contact where it is barred."""
    out: list[Problem] = []
    sites = {g.site for g in sc.agent_groups.values() if g.site is not None}
    providers = {g.provider for g in sc.agent_groups.values()} | {"inhouse"}
    for tname, ct in sc.contact_types.items():
        owners = [(f"contact_types.{tname}", ct.data_residency, "")]
        owners += [
            (f"contact_types.{tname}.segments.{seg}", segment.data_residency, seg)
            for seg, segment in ct.segments.items()
        ]
        for path, rule, seg in owners:
            if rule is None:
                continue
            for i, site in enumerate(rule.barred_sites):
                if site not in sites:
                    out.append(
                        Problem(
                            f"{path}.data_residency.barred_sites[{i}]",
                            f"no agent group is at site {site!r}{_hint(site, sorted(sites))}",
                        )
                    )
            for i, provider in enumerate(rule.barred_providers):
                if provider not in providers:
                    out.append(
                        Problem(
                            f"{path}.data_residency.barred_providers[{i}]",
                            f"unknown provider {provider!r}{_hint(provider, sorted(providers))}",
                        )
                    )
            barred = barred_groups(sc, tname, seg)
            own = ct.segments[seg].routing if seg else sc.routing.get(tname)
            step_path = f"{path}.routing" if seg else f"routing.{tname}"
            inherited = sc.routing.get(tname) if seg and not own else None
            if inherited is not None:  # a segment's bars filter the type's routing
                if all(step.group in barred for step in inherited):
                    out.append(
                        Problem(
                            f"{path}.data_residency",
                            f"bars every group in routing.{tname}: give the segment its own routing",
                        )
                    )
                continue
            steps = own
            if steps is not None:
                for i, step in enumerate(steps):
                    if step.group in barred:
                        group = sc.agent_groups[step.group]
                        out.append(
                            Problem(
                                f"{step_path}[{i}].group",
                                f"agent group {step.group!r} (provider {group.provider!r}, site "
                                f"{group.site!r}) is barred for {tname}{'/' + seg if seg else ''} "
                                f"by {path}.data_residency",
                            )
                        )
            elif not any(
                tname in g.skills and name not in barred for name, g in sc.agent_groups.items()
            ):
                out.append(
                    Problem(
                        f"{path}.data_residency",
                        "bars every agent group with the skill: nobody may take these contacts",
                    )
                )
    return out


def _policy_problems(sc: Scenario) -> list[Problem]:
    """References in routing_policy exist; reservations protect skills of their group."""
    out: list[Problem] = []
    rp = sc.routing_policy
    internal = set(sc.contact_types) | {
        f"{t}/{seg}" for t, ct in sc.contact_types.items() for seg in ct.segments
    }
    if rp.policy != "standard":
        module, _, cls = rp.policy.partition(":")
        if not module or not cls:
            out.append(
                Problem(
                    "routing_policy.policy",
                    f"expected 'standard' or a custom policy as 'package.module:Class', got {rp.policy!r}",
                )
            )
        else:
            try:
                import_class(rp.policy)
            except (ImportError, AttributeError, TypeError) as exc:
                out.append(Problem("routing_policy.policy", f"cannot import {rp.policy!r}: {exc}"))
    for field in ("priorities", "ageing"):
        for key in getattr(rp, field):
            if key not in internal:
                out.append(
                    Problem(
                        f"routing_policy.{field}.{key}",
                        _unknown("contact type", key, sorted(internal)),
                    )
                )
    if rp.ageing and not rp.priorities:
        out.append(
            Problem(
                "routing_policy.ageing",
                "ageing raises priorities: give routing_policy.priorities too",
            )
        )
    for i, res in enumerate(rp.reserve):
        group = sc.agent_groups.get(res.group)
        if group is None:
            out.append(
                Problem(
                    f"routing_policy.reserve[{i}].group",
                    _unknown("agent group", res.group, sc.agent_groups),
                )
            )
            continue
        for j, name in enumerate(res.protect):
            if name not in internal:
                out.append(
                    Problem(
                        f"routing_policy.reserve[{i}].protect[{j}]",
                        _unknown("contact type", name, sorted(internal)),
                    )
                )
            elif name.split("/")[0] not in group.skills:
                out.append(
                    Problem(
                        f"routing_policy.reserve[{i}].protect[{j}]",
                        f"agent group {res.group!r} lacks the skill {name.split('/')[0]!r}",
                    )
                )
    for gname, blend in rp.blending.items():
        group = sc.agent_groups.get(gname)
        if group is None:
            out.append(
                Problem(
                    f"routing_policy.blending.{gname}",
                    _unknown("agent group", gname, sc.agent_groups),
                )
            )
        elif not any(
            sc.contact_types[s].channel == "email" for s in group.skills if s in sc.contact_types
        ):
            out.append(
                Problem(
                    f"routing_policy.blending.{gname}",
                    "the group has no deferred (email) skill to blend",
                )
            )
        if blend.max_agents is not None and blend.min_agents > blend.max_agents:
            out.append(
                Problem(
                    f"routing_policy.blending.{gname}.min_agents",
                    f"above max_agents ({blend.max_agents})",
                )
            )
    return out


def _fed_types(sc: Scenario) -> set[str]:
    """Contact types that receive contacts from an IVR, a retrial or repeat switch, or a form."""
    fed = {c for ivr in sc.ivr.values() for c in ivr.choices}
    for ct in sc.contact_types.values():
        a = ct.access
        fed.update(a.resolution.switch)
        if a.retrial is not None:
            fed.update(a.retrial.switch)
        if a.offline_form_type is not None:
            fed.add(a.offline_form_type)
    return fed


def _unknown(what: str, name: str, choices: object) -> str:
    """The message for a name that is not defined, with the nearest one or the known ones."""
    return f"unknown {what} {name!r}{_hint(name, choices)}"


def _hint(word: str, choices: object) -> str:
    names = list(choices)  # type: ignore[call-overload]
    close = difflib.get_close_matches(word, names, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (known: {', '.join(names)})" if names else ""
