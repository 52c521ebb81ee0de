"""Read a scenario YAML file strictly: hostile or mistaken YAML is refused before anything else.

PyYAML on its own keeps the last of two identical keys (an agent group defined twice silently
loses its first definition), and it builds aliases as shared objects that later stages expand
as trees, so a sub-kilobyte "alias bomb" can take gigabytes. Here a file is composed into its
node graph first, then checked — aliases counted, the graph's fully expanded size and depth
measured (linear in the file, whatever the aliases), cycles refused, duplicate keys named with
both lines — and only then turned into Python objects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cccsim.errors import Problem, ScenarioError

MAX_FILE_BYTES = 5_000_000
"""Largest scenario file read."""
MAX_ALIASES = 1_000
"""Most aliases (``*name``) in one file."""
MAX_ALIAS_NODES = 200_000
"""Most YAML nodes (values, keys, list items) that aliases may add to the file when expanded."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists."""

Lines = dict[tuple[Any, ...], int]


def read_yaml(path: Path) -> tuple[dict[str, Any], Lines]:
    """The data of a scenario file and the YAML line of every key path (for messages).

    Raises:
        ScenarioError: unreadable file, invalid YAML, duplicate keys (with both lines), too many
            aliases or too large an expansion, a recursive alias, or nesting too deep.
    """
    file = str(path)
    text = _read_text(path)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            lines: Lines = {}
            duplicates: list[Problem] = []
            data: Any = None
            if node is not None:
                _check_graph(node, file)
                # before constructing, which merges ``<<`` keys into the nodes themselves
                _walk(node, (), lines, duplicates, set())
                data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        if isinstance(exc, _TooManyAliases):
            raise ScenarioError([Problem("", str(exc), exc.line)], file) from None
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError([Problem("", f"invalid YAML: {problem}", line)], file) from None
    except RecursionError:  # the composer recurses per nesting level
        raise ScenarioError(
            [Problem("", f"nested too deeply (a scenario needs at most {MAX_DEPTH} levels)")],
            file,
        ) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            [Problem("", f"expected a mapping of fields at the top, got {type(data).__name__}")],
            file,
        )
    if duplicates:
        raise ScenarioError(duplicates, file)
    if loader.aliases:
        data = _unshared(data)  # an override of one alias must not change the others
    return data, lines


def _read_text(path: Path) -> str:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                [
                    Problem(
                        "", f"file is {size:,} bytes; a scenario may be at most {MAX_FILE_BYTES:,}"
                    )
                ],
                file,
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem("", "file not found")], file) from None
    except IsADirectoryError:
        raise ScenarioError([Problem("", "is a directory, expected a YAML file")], file) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot read file: {exc.strerror}")], file) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            [Problem("", f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")], file
        ) from None


class _TooManyAliases(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(
            f"more than {MAX_ALIASES:,} YAML aliases (*name); write the repeated parts out"
        )


class _Loader(yaml.SafeLoader):
    """SafeLoader that counts aliases as it composes, stopping at the limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _TooManyAliases(self.peek_event().start_mark.line + 1)
        return super().compose_node(parent, index)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node, file: str) -> None:
    """Refuse recursive aliases, deep nesting and aliases that expand past the limit.

    The expanded size of every node is computed once (memoised by identity), so this is linear
    in the number of distinct nodes however often aliases repeat them.
    """
    sizes: dict[int, int] = {}
    distinct = 0
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        nonlocal distinct
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in active:
            raise ScenarioError([Problem("", "an alias refers to its own anchor", line)], file)
        if depth > MAX_DEPTH:
            raise ScenarioError(
                [Problem("", f"nested more than {MAX_DEPTH} levels deep", line)], file
            )
        active.add(key)
        distinct += 1
        total = 1 + sum(size(child, depth + 1) for child in _children(node))
        active.discard(key)
        sizes[key] = total
        return total

    expanded = size(root, 0)
    if expanded - distinct > MAX_ALIAS_NODES:
        raise ScenarioError(
            [
                Problem(
                    "",
                    f"YAML aliases expand this file by {expanded - distinct:,} values (at most "
                    f"{MAX_ALIAS_NODES:,} allowed); write the repeated parts out or use fewer aliases",
                )
            ],
            file,
        )


def _walk(
    node: yaml.Node,
    path: tuple[Any, ...],
    lines: Lines,
    duplicates: list[Problem],
    seen: set[int],
) -> None:
    """Record the line of every key path; name each duplicate key once, with both lines."""
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, Any], int] = {}
        for key, value in node.value:
            if not isinstance(key.value, str):
                continue  # a complex key: refused when the file is constructed
            line = key.start_mark.line + 1
            ident = (key.tag, key.value)
            if key.value != "<<" and ident in first and id(key) not in seen:
                seen.add(id(key))  # an aliased mapping is reported once, not per alias
                duplicates.append(
                    Problem(
                        render_path((*path, key.value)),
                        f"duplicate key {key.value!r}: first on line {first[ident]}, again on "
                        f"line {line} (YAML would silently keep only the last)",
                        line,
                    )
                )
            first.setdefault(ident, line)
            child = (*path, key.value)
            lines.setdefault(child, line)
            _walk(value, child, lines, duplicates, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, value in enumerate(node.value):
            lines.setdefault((*path, i), value.start_mark.line + 1)
            _walk(value, (*path, i), lines, duplicates, seen)


def render_path(path: tuple[Any, ...]) -> str:
    """A key path as text: ``agent_groups.inhouse.staff[3]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _unshared(value: Any) -> Any:
    """A copy in which every alias is its own object (a tree, not a graph)."""
    if isinstance(value, dict):
        return {k: _unshared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unshared(v) for v in value]
    return value
