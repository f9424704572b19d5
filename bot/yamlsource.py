"""Reads staff-edited YAML files while keeping the line of every key, for `file:line` messages."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from bot.i18n import N_


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
    """A file that is not valid YAML; `line` is 1-based.

    `template` is a plain Spanish explanation marked for translation (`N_`), filled with
    `values`; `detail` is the parser's own English words, shown only in English.
    """

    def __init__(self, path: Path, line: int, template: str, values: dict[str, str] | None = None,
                 detail: str = "") -> None:
        self.path, self.line, self.template, self.values, self.detail = \
            path, line, template, values or {}, detail
        super().__init__(f"{path}:{line}: {self.message}")

    @property
    def message(self) -> str:
        """The explanation in Spanish."""
        return self.text(lambda text: text)

    def text(self, _: Callable[[str], str], lang: str = "es") -> str:
        """The explanation in the language of `_`; English readers also get the parser's words."""
        said = _(self.template).format(**self.values)
        return f"{said} ({self.detail})" if lang != "es" and self.detail and \
            self.template == NOT_YAML else said


NOT_YAML = N_("el archivo no se puede leer: revisa esta línea y la de arriba (comillas, dos puntos, "
              "sangría)")
NOT_UTF8 = N_("el archivo no está guardado como texto UTF-8: guárdalo otra vez como UTF-8")
BAD_DATE = N_("la fecha «{written}» no existe: escríbela como AAAA-MM-DD, por ejemplo 2026-11-24")
TAB = N_("hay un tabulador en esta línea: usa espacios, no tabuladores")
COLON = N_("hay dos puntos («:») dentro de un texto: pon el texto entre comillas, por ejemplo "
           "say: \"Horario: de 9 a 6\"")
INDENT = N_("la sangría no cuadra: revisa que las claves de un mismo nivel empiecen en la misma "
            "columna, con espacios")
DUPLICATE = N_("la clave «{key}» está dos veces en el mismo lugar: deja solo una")
QUOTE = N_("unas comillas se abren y no se cierran: cierra el texto con la misma comilla")
AFTER_QUOTE = N_("después de cerrar las comillas sigue más texto: pon todo el texto entre las comillas")
STARTS_WITH = N_("un texto no puede empezar con «{char}»: pon el texto entre comillas, por ejemplo "
                 "say: \"{char}…\"")

ALIAS = N_("aquí hay un alias de YAML («*{name}»): escribe el contenido completo en su lugar; los "
           "alias no se permiten en estos archivos")
TOO_BIG = N_("el archivo es demasiado grande ({size} KB; el máximo es {limit} KB): divídelo en varios "
             "archivos")
TOO_MANY_NODES = N_("el archivo tiene demasiados elementos (más de {limit}): divídelo en varios archivos")

# Limits for one staff-edited file, so that a mistaken or hostile file cannot take all the memory of
# `flows check` or of the server's hot reload (both read through `read_yaml`). The largest shipped
# file is under 30 KB and about 3,000 nodes.
MAX_BYTES = 1_000_000
MAX_NODES = 100_000


def read_yaml(path: Path) -> YamlDocument:
    """Parse one file; raise `YamlSyntaxError` with the line of the first problem, explained.

    Aliases are refused (9 nested levels of ten make 10^9 nodes once copied: the "billion laughs"),
    and files over `MAX_BYTES` or `MAX_NODES` too, before anything is built from them.
    """
    yaml = YAML(typ="rt")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise YamlSyntaxError(path, 1, TOO_BIG, {"size": str(size // 1000), "limit": str(MAX_BYTES // 1000)})
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlSyntaxError(path, 1, NOT_UTF8, detail=error.reason) from None
    try:
        _check_events(path, yaml, text)
        return YamlDocument(path, yaml.load(text))
    except MarkedYAMLError as error:
        line = _error_line(error, text)
        template, values = _explain(error, text, line)
        raise YamlSyntaxError(path, line, template, values, _error_text(error)) from None
    except ValueError:  # ruamel builds dates while parsing, so `2026-02-30` fails with no mark
        line, written = _impossible_date(text)
        raise YamlSyntaxError(path, line, BAD_DATE, {"written": written}) from None
    except YAMLError as error:
        raise YamlSyntaxError(path, 1, NOT_YAML, detail=str(error).splitlines()[0]) from None


def _check_events(path: Path, yaml: YAML, text: str) -> None:
    """Refuse an alias or too many nodes, reading the parser's events (nothing is built yet)."""
    nodes = 0
    for event in yaml.parse(text):
        if isinstance(event, AliasEvent):
            raise YamlSyntaxError(path, _line(event), ALIAS, {"name": str(event.anchor)})
        if isinstance(event, ScalarEvent | CollectionStartEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise YamlSyntaxError(path, _line(event), TOO_MANY_NODES, {"limit": str(MAX_NODES)})


def _line(event: Any) -> int:
    mark = getattr(event, "start_mark", None)
    return int(mark.line) + 1 if mark is not None else 1


_DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_DUPLICATE_KEY = re.compile(r'found duplicate key "([^"]*)"')
_BAD_START = re.compile(r"found character '(.)' that cannot start any token")


def _explain(error: MarkedYAMLError, text: str, line: int) -> tuple[str, dict[str, str]]:
    """The staff member's words for what the parser found: the traps of hand-edited YAML."""
    problem, context = error.problem or "", error.context or ""
    rows = text.splitlines()
    row = rows[line - 1] if 0 < line <= len(rows) else ""
    if "\t" in row or "'\\t'" in problem:
        return TAB, {}
    if duplicate := _DUPLICATE_KEY.search(problem):
        return DUPLICATE, {"key": duplicate.group(1)}
    if "mapping values are not allowed" in problem or "but got ':'" in problem:
        return COLON, {}
    if "quoted scalar" in context:
        return QUOTE, {}
    if "alias" in context or "anchor" in context:
        return STARTS_WITH, {"char": "*" if "alias" in context else "&"}
    if bad := _BAD_START.search(problem):
        return STARTS_WITH, {"char": bad.group(1)}
    if "expected <block end>" in problem or "expected ':'" in problem \
            or "expected key" in problem or "expected '-'" in problem:
        return INDENT, {}
    if "expected a comment or a line break" in problem:
        return AFTER_QUOTE, {}
    return NOT_YAML, {}


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
