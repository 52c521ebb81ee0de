"""Regenerate the command outputs shown in the docs.

A fenced ``text`` block right after ``<!-- output: COMMAND -->`` shows what COMMAND prints, run
from the repository's root at 100 columns. tests/test_docs.py fails when a shown output is no
longer what the command prints; then run this and review the diff:

    python docs/make_outputs.py
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = re.compile(r"(<!-- output: (?P<command>.+?) -->\n```text\n)(?P<output>.*?)(```)", re.S)
WIDTH = 100


def output_of(command: str) -> str:
    """What ``command`` (a ``cccsim …`` line) prints on stdout, as the docs show it."""
    words = shlex.split(command)
    if words[0] == "cccsim":
        words = [str(Path(sys.executable).parent / "cccsim"), *words[1:]]
    env = {**os.environ, "COLUMNS": str(WIDTH), "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return "".join(line.rstrip() + "\n" for line in proc.stdout.splitlines())


def regenerated(text: str) -> str:
    """``text`` with every shown output replaced by what its command prints now."""
    return SHOWN.sub(lambda m: m[1] + output_of(m["command"]) + m[4], text)


def main() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        if SHOWN.search(text) and (new := regenerated(text)) != text:
            page.write_text(new, encoding="utf-8")
            print(f"updated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
