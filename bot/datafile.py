"""Reads a staff-edited YAML data file into a pydantic model, with each problem as a `file:line` `Problem`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.errors import InputError
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, YamlSyntaxError, read_yaml

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")

INVALID_VALUE = "valor no válido en {where}: {msg}"


def open_data(path: Path, missing: Problem | None = None) -> tuple[YamlDocument | None, list[Problem]]:
    """The parsed file, or None with the one problem that stops reading it: the file is missing
    (`missing`; without it `FileNotFoundError` propagates) or is not valid YAML."""
    try:
        return read_yaml(path), []
    except FileNotFoundError:
        if missing is None:
            raise
        return None, [missing]
    except YamlSyntaxError as error:
        return None, [Problem(path, error.line, "yaml-syntax", error.message)]


def validate(doc: YamlDocument, model: type[ModelT], data: Any, code: str, prefix: Loc = (), *,
             template: str = INVALID_VALUE, whole_file: str = "(archivo)",
             numeric_keys: bool = False) -> tuple[ModelT | None, list[Problem]]:
    """`data` (read from `doc` at `prefix`) as `model`, or None with its schema problems."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, schema_problems(doc, error, code, prefix, template=template, whole_file=whole_file,
                                     numeric_keys=numeric_keys)


def schema_problems(doc: YamlDocument, error: ValidationError, code: str, prefix: Loc = (), *,
                    template: str = INVALID_VALUE, whole_file: str = "(archivo)",
                    numeric_keys: bool = False) -> list[Problem]:
    """One problem per pydantic error, at the line of the deepest YAML node its location reaches.

    `template` gets `where` (the dotted location, `whole_file` when it is the file itself) and
    `msg`. `numeric_keys`: the YAML keys are numbers (years) that `plain` turned into text.
    """
    problems = []
    for detail in error.errors():
        loc: Loc = (*prefix, *detail["loc"])
        if numeric_keys:
            loc = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in loc)
        where = ".".join(str(part) for part in loc) or whole_file
        message = template.format(where=where, msg=detail["msg"])
        problems.append(Problem(doc.path, doc.line_of(loc), code, message))
    return problems


def or_input_error(value: T | None, problems: Sequence[Problem]) -> T:
    """`value` when it was read and `problems` hold no error; else `InputError` with the first error."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if value is None or errors:
        raise InputError(errors[0].render())
    return value
