"""`Problem`: one finding of a checker, printed as `file:line: message` for staff."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """`code` names the kind of problem (tests and tools match on it); `message` is for people.
    `line` is 1-based, or 0 for a problem about a whole file or folder."""

    path: Path
    line: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def render(self, warning_word: str = "aviso") -> str:
        prefix = f"{warning_word}: " if self.severity is Severity.WARNING else ""
        where = f"{_shown(self.path)}:{self.line}" if self.line else f"{_shown(self.path)}"
        return f"{where}: {prefix}{self.message}"


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def _shown(path: Path) -> Path:
    """A path as staff typed it: relative to the current folder when it lies inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path
