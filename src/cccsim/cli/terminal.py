"""Tables that fit the terminal they are printed on: a header is never cut.

rich shrinks a table that is wider than the terminal by cutting cells, headers too
("operati…"). ``Fitted`` renders a table so that every header keeps its words whole: as it is if
that fits; else with short headers and a legend under the table; else split into several tables
(the first column repeated in each). Values wrap at spaces or fold; nothing is cut off.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.measure import Measurement
from rich.table import Table

SHORT = {
    "operating": "oper.",
    "telephony": "tel.",
    "customers' cost": "cust. cost",
    "contact type": "type",
    "share answered": "share",
}
"""Short forms of long headers, explained in a legend when they are used."""


def short_header(header: str) -> str:
    """A header's short form: from ``SHORT``, or a dotted path's last part (sweep factors)."""
    if header in SHORT:
        return SHORT[header]
    if "." in header and " " not in header:
        return header.rsplit(".", 1)[-1]
    return header


class Fitted:
    """A rich renderable: ``table`` laid out to fit the console (see the module docstring)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Table]:
        width = options.max_width
        whole = list(range(len(self.table.columns)))
        fitted = _laid_out(self.table, whole, {}, "", console, options, width)
        if fitted is not None:
            yield fitted
            return
        headers = {i: str(c.header) for i, c in enumerate(self.table.columns)}
        short = {i: short_header(h) for i, h in headers.items() if short_header(h) != h}
        legend = "; ".join(f"{short[i]} = {headers[i]}" for i in short)
        fitted = _laid_out(self.table, whole, short, legend, console, options, width)
        if fitted is not None:
            yield fitted
            return
        yield from _split(self.table, short, legend, console, options)


def _split(
    table: Table, short: dict[int, str], legend: str, console: Console, options: ConsoleOptions
) -> Iterator[Table]:
    """The columns after the first, over as many tables as it takes (each at least one column)."""
    width = options.max_width
    parts: list[list[int]] = [[0]]
    for i in range(1, len(table.columns)):
        trial = [*parts[-1], i]
        if (
            len(parts[-1]) > 1
            and _laid_out(table, trial, short, "", console, options, width) is None
        ):
            parts.append([0])
        parts[-1].append(i)
    for n, columns in enumerate(parts):
        note = legend if n == len(parts) - 1 else ""
        part = _laid_out(table, columns, short, note, console, options, width)
        if part is None:  # one column wider than the terminal: rich folds its words
            part = _rebuild(table, columns, short, note)
        if n:
            part.title = f"{table.title} (continued)" if table.title else None
        yield part


def _laid_out(
    table: Table,
    columns: list[int],
    headers: dict[int, str],
    legend: str,
    console: Console,
    options: ConsoleOptions,
    width: int,
) -> Table | None:
    """``columns`` of ``table`` with widths that keep every word whole in ``width``, or None.

    Each column gets at least its longest word (header or value); what is left is shared out
    towards each column's longest line. rich's own shrinking does not respect those minimums.
    """
    new = _rebuild(table, columns, headers, legend)
    wide = options.update(max_width=10_000)
    ranges = []  # (longest word, header on one line, longest line) per column
    for column in new.columns:
        head = Measurement.get(console, wide, column.header)
        sizes = [head, *(Measurement.get(console, wide, cell) for cell in column.cells)]
        low, high = max(m.minimum for m in sizes), max(m.maximum for m in sizes)
        ranges.append((low, max(low, head.maximum), high))
    _, right, _, left = new.padding
    frame = len(ranges) * (left + right) + len(ranges) + 1  # padding and the vertical rules
    slack = width - frame - sum(low for low, _, _ in ranges)
    if slack < 0:
        return None
    widths = [low for low, _, _ in ranges]
    # headers on one line first (where the room allows), then longest lines, shared out
    for target in ([head for _, head, _ in ranges], [high for _, _, high in ranges]):
        wanted = [max(0, t - w) for t, w in zip(target, widths, strict=True)]
        total = sum(wanted)
        extra = wanted if total <= slack else [w * slack // total for w in wanted]
        widths = [w + e for w, e in zip(widths, extra, strict=True)]
        slack -= sum(extra)
    for column, size in zip(new.columns, widths, strict=True):
        column.width = size
    return new


def _rebuild(
    table: Table, columns: Iterable[int], headers: dict[int, str], legend: str = ""
) -> Table:
    """A copy of ``table`` with only ``columns``, some headers replaced, values that fold."""
    columns = list(columns)
    new = copy.copy(table)
    new.columns, new.rows = [], []
    if legend:
        new.caption = f"{table.caption}\n{legend}" if table.caption else legend
    for i in columns:
        c = table.columns[i]
        new.add_column(
            headers.get(i, c.header),
            justify=c.justify,
            style=c.style,
            header_style=c.header_style,
            vertical=c.vertical,
            overflow="fold",
        )
    cells = [list(table.columns[i].cells) for i in columns]
    for r, row in enumerate(table.rows):
        new.add_row(*(col[r] for col in cells), style=row.style, end_section=row.end_section)
    return new


class FittingConsole(Console):
    """A Console whose printed tables fit its width (``Fitted``)."""

    def print(self, *objects: Any, **options: Any) -> None:
        shown: list[RenderableType] = [Fitted(o) if isinstance(o, Table) else o for o in objects]
        super().print(*shown, **options)
