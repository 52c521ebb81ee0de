"""``cccsim validate``, ``schema``, ``erlang`` and ``staff``: checks, theory and staffing."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer

from cccsim.cli.common import SetOption, app, guard, load_file, out, warn_closed_days
from cccsim.errors import Problem, ScenarioError
from cccsim.scenario.schema import Scenario
from cccsim.units import parse_duration


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    sets: SetOption = None,
) -> None:
    """Check a scenario file and summarise it, without simulating (sizes included)."""
    from cccsim.footprint import check_fits, memory_limit, show_bytes
    from cccsim.model import build_model

    def go() -> None:
        sc = load_file(scenario, sets)
        model = build_model(sc)
        size = check_fits(model, streaming=True)  # refused if it fits in no way
        days = sc.horizon / 86400
        out.print(
            f"[green]valid[/]: {sc.name} — {days:g} days, {len(sc.contact_types)} contact types, "
            f"{len(sc.agent_groups)} agent groups, {len(sc.targets)} targets"
        )
        for t in model.types:
            out.print(
                f"  {t.name} ({t.channel}): {t.arrivals.total:,.0f} expected contacts, "
                f"mean handle {t.handle.mean:.0f}s"
            )
        out.print(
            f"  per replication: up to about {size.contacts:,.0f} contacts; memory about "
            f"{show_bytes(size.in_memory)} with the contacts in memory, "
            f"{show_bytes(size.streamed)} streamed to disk (--out)"
        )
        limit, source = memory_limit()
        if limit is not None and size.in_memory > limit:
            out.print(
                f"[yellow]too large to hold in memory[/] (limit {show_bytes(limit)}, {source}): "
                "run it with --out DIR, which streams the contacts to disk"
            )
        warn_closed_days(sc)

    guard(go)


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the Markdown field reference instead.")
    ] = False,
) -> None:
    """Print the JSON schema of scenario files (for editor completion and validation)."""
    from cccsim.scenario.reference import render_reference

    text = render_reference() if markdown else json.dumps(Scenario.model_json_schema(), indent=2)
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        output.write_text(text + "\n")


@app.command()
def erlang(
    per_hour: Annotated[float, typer.Option(help="Arrivals per hour.")],
    aht: Annotated[str, typer.Option(help="Mean handle time, e.g. 3min.")],
    agents: Annotated[str, typer.Option(help="Agents: a number or a range like 10-20.")] = "",
    patience: Annotated[
        str | None, typer.Option(help="Mean patience (Erlang A); omitted = Erlang C.")
    ] = None,
    threshold: Annotated[str, typer.Option(help="Service-level threshold.")] = "20s",
    target: Annotated[
        float | None, typer.Option(help="Also report the fewest agents meeting this service level.")
    ] = None,
    blocking: Annotated[bool, typer.Option("--blocking", help="No queue: Erlang B.")] = False,
) -> None:
    """Exact Erlang B, C or A numbers for a quick check of a staffing level."""
    from rich.table import Table

    from cccsim import theory
    from cccsim.tables import fmt

    def go() -> None:
        lam = per_hour / 3600
        try:
            handle = parse_duration(aht)
            wait = parse_duration(threshold)
            mean_patience = parse_duration(patience) if patience else math.inf
        except ValueError as exc:
            raise ScenarioError([Problem("--aht/--patience/--threshold", str(exc))]) from None
        if handle <= 0:
            raise ScenarioError([Problem("--aht", "must be positive")])
        load = lam * handle
        lo, hi = _agent_range(agents, load)
        model = (
            "Erlang B" if blocking else ("Erlang A" if math.isfinite(mean_patience) else "Erlang C")
        )
        table = Table(title=f"{model}: {per_hour:g}/h, AHT {aht}, load {load:.2f} Erlangs")
        cols = [
            "agents",
            "service_level",
            "asa",
            "p_wait",
            "abandon_rate",
            "block_rate",
            "occupancy",
        ]
        for c in cols:
            table.add_column(c.replace("_", " "), justify="right")
        for n in range(lo, hi + 1):
            if blocking:
                m = theory.erlang_b_metrics(lam, handle, n)
            else:
                m = theory.erlang_a_metrics(lam, handle, mean_patience, n, wait)
            values = {
                "service_level": m.service_level,
                "asa": m.asa,
                "p_wait": m.p_wait,
                "abandon_rate": m.p_abandon,
                "block_rate": m.p_block,
                "occupancy": m.occupancy,
            }
            table.add_row(str(n), *(fmt(c, values[c]) for c in cols[1:]))
        out.print(table)
        if target is not None and not blocking:
            if not 0 < target < 1:
                raise ScenarioError(
                    [Problem("--target", "expected a share between 0 and 1, e.g. 0.8")]
                )
            n = theory.agents_for_service_level(lam, handle, wait, target, mean_patience)
            out.print(f"fewest agents for service level ≥ {target:.0%} within {threshold}: {n}")

    guard(go)


def _agent_range(text: str, load: float) -> tuple[int, int]:
    if not text:
        base = max(1, math.ceil(load))
        return base, base + 6
    try:
        if "-" in text:
            a, b = (int(x) for x in text.split("-", 1))
        else:
            a = b = int(text)
    except ValueError:
        raise ScenarioError(
            [Problem("--agents", f"expected a number or a range like 10-20, got {text!r}")]
        ) from None
    if a < 1 or b < a or b - a > 500:
        raise ScenarioError([Problem("--agents", "expected 1 ≤ first ≤ last, at most 500 rows")])
    return a, b
