"""Dated figures: a figure the law changes on a date (the weekly hours limit), read from
the staff-edited `flows/data/dated_figures.yaml` and put into rights answers by placeholder.

A topic text says `{weekly_hours_limit} horas`; its English translation says
`{weekly_hours_limit} hours`. The value in force on the worker's own date (Mexico City time)
replaces the placeholder after translation, so an answer changes by itself on the day the
figure does, and nobody has to rewrite a sentence at midnight on 31 December.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.datafile import SPANISH, Translate, open_data, validate
from bot.errors import FlowError
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, PLACEHOLDER, translator
from bot.paths import DATA_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, plain

DATED_FIGURES_FILE = DATA_DIR / "dated_figures.yaml"
# Where the workers this bot serves live; a state-specific zone is not worth the risk for a
# figure that changes at midnight on 1 January (Quintana Roo is one hour ahead: a worker
# there sees the new figure one hour late, never a figure that is not yet in force).
# Any `{…}` in a text, to catch misspelled names that PLACEHOLDER would not even match.
BRACED = re.compile(r"\{([^{}\n]*)\}")
_WORDS = re.compile(r"[^\W\d_]", re.UNICODE)

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FigureValue(BaseModel):
    """One value of a figure and the day it takes effect; `value_en` only when it has words."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: date = Field(alias="from")
    value: _Text
    value_en: _Text | None = None
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3)]

    def text(self, lang: str) -> str:
        """The value as the worker reads it: `value_en` in English when staff wrote one."""
        return self.value_en if lang == "en" and self.value_en else self.value


class _FigureFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    figures: dict[str, list[FigureValue]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class DatedFigures:
    """The loaded figures, each a list of values sorted by the day they start."""

    figures: Mapping[str, tuple[FigureValue, ...]]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.figures)

    def value_on(self, name: str, day: date) -> FigureValue:
        """The value in force on `day`: the last one that started on or before it.

        The checker refuses a file where a figure has no value for today, so the fallback to
        the first value only matters for a clock set back in time.
        """
        values = self.figures[name]
        in_force = [v for v in values if v.start <= day]
        return in_force[-1] if in_force else values[0]

    def fill(self, text: str, day: date, lang: str) -> str:
        """`text` with each known `{name}` replaced by its value on `day`; other text untouched."""
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            return self.value_on(name, day).text(lang) if name in self.figures else match.group(0)
        return PLACEHOLDER.sub(value, text)


NO_FIGURES = DatedFigures({})


def placeholders_in(text: str) -> list[str]:
    """Every `{…}` written in a text, as written (to report unknown or misspelled names)."""
    return [m.group(1) for m in BRACED.finditer(text)]


def load_dated_figures(path: Path = DATED_FIGURES_FILE, today: date | None = None) -> DatedFigures:
    """Read and check the file; `FlowError` with every error, so a broken edit never goes live."""
    table, problems = _read(path, today or date.today())
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if table is None or errors:
        raise FlowError(errors)
    return DatedFigures({name: tuple(values) for name, values in table.figures.items()})


def dated_figure_problems(path: Path = DATED_FIGURES_FILE, today: date | None = None,
                          lang: str = "es") -> list[Problem]:
    """The file's problems for `labor-bot flows check`, errors and warnings, with their lines,
    in the language `lang`."""
    return _read(path, today or date.today(), translator(lang))[1]


def figure_names(path: Path) -> frozenset[str]:
    """The names the file defines (for the topic checker), or none when it cannot be read."""
    table, _ = _read(path, date.today()) if path.exists() else (None, [])
    return frozenset(table.figures) if table else frozenset()


def _read(path: Path, today: date, _: Translate = SPANISH) -> tuple[_FigureFile | None, list[Problem]]:
    doc, problems = open_data(path, Problem(path, 0, "figure-missing-file",
                                            _("falta el archivo de cifras con fecha")), _)
    if doc is None:
        return None, problems
    table, problems = validate(doc, _FigureFile, plain(doc.data), "figure-invalid", _=_)
    if table is None:
        return None, problems
    return table, _sanity_problems(doc, table, today, _)


def _sanity_problems(doc: YamlDocument, table: _FigureFile, today: date, _: Translate) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: tuple[str | int, ...], code: str, message: str,
            severity: Severity = Severity.ERROR) -> None:
        problems.append(Problem(doc.path, doc.line_of(("figures", *loc)), code, message, severity))

    for name, values in table.figures.items():
        if not PLACEHOLDER.fullmatch(f"{{{name}}}"):
            add((name,), "figure-name", _("«{name}»: el nombre de una cifra va en minúsculas, sin "
                "acentos ni espacios, con «_» entre palabras (por ejemplo weekly_hours_limit)").format(
                    name=name))
        if not values:
            add((name,), "figure-no-value", _("«{name}» no tiene ningún valor").format(name=name))
            continue
        for i in range(1, len(values)):
            if values[i].start <= values[i - 1].start:
                add((name, i, "from"), "figure-order",
                    _("«{name}»: las fechas «from» van de la más antigua a la más nueva, sin "
                      "repetir ({day} no va después de {before})").format(
                          name=name, day=values[i].start.isoformat(),
                          before=values[i - 1].start.isoformat()))
        if values[0].start > today:
            add((name, 0, "from"), "figure-not-in-force",
                _("«{name}» no tiene valor para hoy ({today}): su primer valor empieza el {first}; "
                  "agrega el valor vigente hoy con su fuente").format(
                      name=name, today=today.isoformat(), first=values[0].start.isoformat()))
        for i, value in enumerate(values):
            others = [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
            if _WORDS.search(value.value) and value.value_en is None and others:
                add((name, i, "value"), "figure-untranslated",
                    _("«{name}»: «{value}» tiene palabras y no tiene «value_en»; en inglés se "
                      "mostraría en español. Pon solo el número (la palabra va en el texto del "
                      "tema: «{placeholder} horas») o agrega «value_en»").format(
                          name=name, value=value.value, placeholder=f"{{{name}}}"),
                    Severity.WARNING)
    return problems
