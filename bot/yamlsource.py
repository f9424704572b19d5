"""Reads staff-edited YAML files while keeping the line of every key, for `file:line` messages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A parsed file: `data` keeps ruamel's line information for `line_of`."""

    path: Path
    data: Any

    def line_of(self, loc: Sequence[str | int]) -> int:
        """The 1-based line of the deepest node of `loc` (a pydantic error location) found."""
        node, line = self.data, 1
        for part in loc:
            lc = getattr(node, "lc", None)
            if lc is None:
                break
            try:
                if isinstance(node, dict) and part in node:
                    line = lc.key(part)[0] + 1
                    node = node[part]
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    line = lc.item(part)[0] + 1
                    node = node[part]
                else:
                    break
            except (KeyError, IndexError, TypeError):
                break
        return line


class YamlSyntaxError(Exception):
    """A file that is not valid YAML; `line` is 1-based."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


def read_yaml(path: Path) -> YamlDocument:
    """Parse one file; raise `YamlSyntaxError` with the line of the first problem."""
    yaml = YAML(typ="rt")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(path, 1, f"not UTF-8 text ({error.reason})") from None
    try:
        return YamlDocument(path, yaml.load(text))
    except MarkedYAMLError as error:
        raise YamlSyntaxError(path, _error_line(error, text), _error_text(error)) from None
    except ValueError:  # ruamel builds dates while parsing, so `2026-13-45` fails with no mark
        line, written = _impossible_date(text)
        raise YamlSyntaxError(
            path, line, f"la fecha «{written}» no existe: escríbela como AAAA-MM-DD, por ejemplo 2026-11-24"
        ) from None
    except YAMLError as error:
        raise YamlSyntaxError(path, 1, str(error).splitlines()[0]) from None


_DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _impossible_date(text: str) -> tuple[int, str]:
    """The first date-like text that is not a real date, with its line."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE_LIKE.finditer(line.split("#", 1)[0]):
            try:
                date(*(int(part) for part in match.groups()))
            except ValueError:
                return number, match.group(0)
    return 1, "?"


def _error_line(error: MarkedYAMLError, text: str) -> int:
    """Where to send a person: the problem, or where the unfinished thing began if the
    problem is only "the file ended" (an unclosed quote or bracket)."""
    problem, context = error.problem_mark, error.context_mark
    last_line = len(text.rstrip().splitlines())
    if problem is not None and (problem.line < last_line or context is None):
        return int(problem.line) + 1
    mark = context or problem
    return int(mark.line) + 1 if mark is not None else 1


def _error_text(error: MarkedYAMLError) -> str:
    parts = [error.context, error.problem]
    return "; ".join(p for p in parts if p) or "invalid YAML"


def plain(data: Any) -> Any:
    """ruamel's round-trip containers and scalars as plain Python values."""
    if isinstance(data, dict):
        return {str(k): plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [plain(v) for v in data]
    if isinstance(data, str):
        return str(data)
    if isinstance(data, bool) or data is None:
        return data
    if isinstance(data, int):
        return int(data)
    if isinstance(data, float):
        return float(data)
    return data
