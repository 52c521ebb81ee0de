"""RESULTS.md sections that a benchmark script owns between its own two markers."""

from __future__ import annotations

from pathlib import Path


def put_section(path: Path, start: str, end: str, section: str) -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) into ``path`` in place
    of the one between those markers, or at the end if there is none yet."""
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)
