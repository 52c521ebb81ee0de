"""The one exception family of cccsim; the CLI turns a ``ScenarioError`` into exit code 2."""

from __future__ import annotations

from dataclasses import dataclass


class CccsimError(Exception):
    """Base of every error cccsim raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (dotted field path, YAML line) and what was expected."""

    path: str
    message: str
    line: int | None = None
    override: str | None = None  # the override that caused it ("--set path=value"), if any

    def render(self, file: str | None) -> str:
        """One human line: ``retail_bank.yaml:12: agent_groups.inhouse.staff[3]: expected …``,
        or ``--set agent_groups.inhuose.staff=3: no agent group 'inhuose' (…)``."""
        if self.override is not None:
            same = self.override.split(" ", 1)[-1].partition("=")[0] == self.path
            return f"{self.override}: {'' if same else self.path + ': '}{self.message}"
        where = file or "<scenario>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        field = self.path or "(top level)"
        return f"{where}: {field}: {self.message}"


class ScenarioError(CccsimError):
    """A scenario (file, dict or override) is invalid; lists every problem found at once."""

    def __init__(self, problems: list[Problem], file: str | None = None) -> None:
        self.problems = list(problems)
        self.file = file
        super().__init__(self.render())

    def render(self) -> str:
        """All problems, one per line, each naming the file, the field path and what was expected."""
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in scenario {self.file or ''}".rstrip()
        return head + ":\n" + "\n".join("  " + p.render(self.file) for p in self.problems)

    @property
    def paths(self) -> list[str]:
        """The dotted field paths of the problems (tests and tools use them)."""
        return [p.path for p in self.problems]


class ExperimentError(CccsimError):
    """An experiment could not run as asked (bad backend, bad factor, a failed replication)."""


class LogError(CccsimError):
    """A contact log (or agent-state log) cannot be used: missing columns, or too few usable rows.

    The message names the file, counts the bad rows by problem and shows examples.
    """
