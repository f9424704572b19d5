"""Reads a staff-edited YAML data file into a pydantic model, with each problem as a `file:line` `Problem`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.errors import InputError
from bot.i18n import N_, translator
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, YamlSyntaxError, read_yaml

Loc = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")

Translate = Callable[[str], str]
SPANISH: Translate = translator("es")

INVALID_VALUE = N_("valor no válido en {where}: {msg}")
WHOLE_FILE = N_("(archivo)")

# What pydantic's English messages mean, in words staff know; `{…}` come from the error's `ctx`.
_EXPLAINED = {
    "missing": N_("falta esta clave"),
    "extra_forbidden": N_("clave desconocida: revisa cómo se escribe, o bórrala"),
    "int_type": N_("debe ser un número entero, por ejemplo 20"),
    "int_parsing": N_("debe ser un número entero, por ejemplo 20"),
    "int_from_float": N_("debe ser un número entero, sin decimales"),
    "float_type": N_("debe ser un número, por ejemplo 207.44"),
    "float_parsing": N_("debe ser un número, por ejemplo 207.44"),
    "decimal_type": N_("debe ser un número, por ejemplo 207.44"),
    "decimal_parsing": N_("debe ser un número, por ejemplo 207.44"),
    "decimal_max_places": N_("usa como máximo {decimal_places} decimales"),
    "bool_type": N_("debe ser true o false"),
    "bool_parsing": N_("debe ser true o false"),
    "string_type": N_("debe ser un texto"),
    "string_too_short": N_("es demasiado corto: al menos {min_length} letras"),
    "string_too_long": N_("es demasiado largo: como máximo {max_length} letras"),
    "string_pattern_mismatch": N_("no tiene la forma esperada"),
    "list_type": N_("debe ser una lista: una línea por elemento, cada una con «- »"),
    "dict_type": N_("debe tener claves debajo, una por línea («clave: valor»)"),
    "model_type": N_("debe tener claves debajo, una por línea («clave: valor»)"),
    "too_short": N_("necesita al menos {min_length} elemento(s)"),
    "too_long": N_("admite como máximo {max_length} elemento(s)"),
    "greater_than": N_("debe ser mayor que {gt}"),
    "greater_than_equal": N_("debe ser {ge} o más"),
    "less_than": N_("debe ser menor que {lt}"),
    "less_than_equal": N_("debe ser {le} o menos"),
    "literal_error": N_("usa uno de estos valores: {expected}"),
    "enum": N_("usa uno de estos valores: {expected}"),
    "date_type": N_("escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24"),
    "date_parsing": N_("escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24"),
    "date_from_datetime_parsing": N_("escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24"),
    "date_from_datetime_inexact": N_("escribe solo la fecha, sin hora: AAAA-MM-DD"),
    "datetime_type": N_("escribe la fecha y hora así: 2027-03-09 18:00:00"),
    "datetime_parsing": N_("escribe la fecha y hora así: 2027-03-09 18:00:00"),
    "datetime_from_date_parsing": N_("escribe la fecha y hora así: 2027-03-09 18:00:00"),
}


def explain(detail: Any, _: Translate = SPANISH) -> str:
    """A pydantic error in the staff member's words; an unknown kind keeps pydantic's own."""
    template = _EXPLAINED.get(str(detail.get("type", "")))
    if template is None:
        return str(detail.get("msg", ""))
    context = {k: str(v) for k, v in (detail.get("ctx") or {}).items()}
    try:
        return _(template).format(**context)
    except (KeyError, IndexError):
        return _(template)


def open_data(path: Path, missing: Problem | None = None, _: Translate = SPANISH
              ) -> tuple[YamlDocument | None, list[Problem]]:
    """The parsed file, or None with the one problem that stops reading it: the file is missing
    (`missing`; without it `FileNotFoundError` propagates) or is not valid YAML."""
    try:
        return read_yaml(path), []
    except FileNotFoundError:
        if missing is None:
            raise
        return None, [missing]
    except YamlSyntaxError as error:
        return None, [Problem(path, error.line, "yaml-syntax", error.text(_))]


def validate(doc: YamlDocument, model: type[ModelT], data: Any, code: str, prefix: Loc = (), *,
             template: str = INVALID_VALUE, whole_file: str = WHOLE_FILE,
             numeric_keys: bool = False, _: Translate = SPANISH) -> tuple[ModelT | None, list[Problem]]:
    """`data` (read from `doc` at `prefix`) as `model`, or None with its schema problems."""
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, schema_problems(doc, error, code, prefix, template=template, whole_file=whole_file,
                                     numeric_keys=numeric_keys, _=_)


def schema_problems(doc: YamlDocument, error: ValidationError, code: str, prefix: Loc = (), *,
                    template: str = INVALID_VALUE, whole_file: str = WHOLE_FILE,
                    numeric_keys: bool = False, _: Translate = SPANISH) -> list[Problem]:
    """One problem per pydantic error, at the line of the deepest YAML node its location reaches.

    `template` gets `where` (the dotted location, `whole_file` when it is the file itself) and
    `msg` (`explain`ed); it is a Spanish source text, translated with `_`.
    `numeric_keys`: the YAML keys are numbers (years) that `plain` turned into text.
    """
    problems = []
    for detail in error.errors():
        loc: Loc = (*prefix, *detail["loc"])
        if numeric_keys:
            loc = tuple(int(p) if isinstance(p, str) and p.isdigit() else p for p in loc)
        where = ".".join(str(part) for part in loc) or _(whole_file)
        message = _(template).format(where=where, msg=explain(detail, _))
        problems.append(Problem(doc.path, doc.line_of(loc), code, message))
    return problems


def or_input_error(value: T | None, problems: Sequence[Problem]) -> T:
    """`value` when it was read and `problems` hold no error; else `InputError` with the first error."""
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if value is None or errors:
        raise InputError(errors[0].render())
    return value
