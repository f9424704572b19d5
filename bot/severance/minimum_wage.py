"""The daily minimum wage by year and zone, read from the staff-edited `flows/data/minimum_wages.yaml`.

The severance calculator needs it for the seniority premium's daily base (LFT Art. 162 fr. II
with Art. 485-486: at least the minimum wage and at most twice it, of the zone) and to tell a
worker paid below the minimum. Staff add a year when CONASAMI publishes it (early December); until
then the calculator uses the latest year it has and says so (`closest_year`).
`minimum_wage_problems` gives `labor-bot flows check` the file's errors as `file:line` problems,
and `load_minimum_wages` raises `InputError` with the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.datafile import SPANISH, Translate, open_data, or_input_error, validate
from bot.errors import InputError
from bot.i18n import translator
from bot.paths import DATA_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, plain

MINIMUM_WAGES_FILE = DATA_DIR / "minimum_wages.yaml"

# Far above any real figure (2026: 440.87): catches a monthly amount or a typo.
_Wage = Annotated[Decimal, Field(gt=0, lt=10_000, decimal_places=2)]
_Year = Annotated[int, Field(ge=2000, le=2100)]


class Zone(StrEnum):
    """Minimum-wage zones: the Zona Libre de la Frontera Norte (`border`) and the rest (`general`)."""

    GENERAL = "general"
    BORDER = "border"


class YearWages(BaseModel):
    """One year's daily minimum wages, with where they came from and when staff checked them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    general: _Wage
    border: _Wage
    source: str = Field(min_length=3)
    checked: date


class _WageFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    years: dict[_Year, YearWages] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class MinimumWageTable:
    """The loaded table; `daily(year, zone)` is the lookup the calculators use."""

    years: Mapping[int, YearWages]
    path: Path = MINIMUM_WAGES_FILE

    def has_year(self, year: int) -> bool:
        return year in self.years

    def closest_year(self, year: int) -> int | None:
        """`year` when the table has it; else the latest year before it (a new year CONASAMI has not
        published yet uses the last one, H5); else the earliest year it has; None for an empty table."""
        if year in self.years:
            return year
        earlier = [known for known in self.years if known < year]
        if earlier:
            return max(earlier)
        return min(self.years) if self.years else None

    def daily(self, year: int, zone: Zone) -> Decimal:
        """The daily minimum wage in MXN; `InputError` naming the file when the year is missing."""
        wages = self.years.get(year)
        if wages is None:
            raise InputError(f"{self.path.name} no tiene el salario mínimo de {year} "
                             f"(años disponibles: {self.years_text()}); agrégalo con su fuente "
                             "y corre `labor-bot flows check`.")
        return wages.border if zone is Zone.BORDER else wages.general

    def years_text(self) -> str:
        return ", ".join(str(year) for year in sorted(self.years)) or "ninguno"


def load_minimum_wages(path: Path = MINIMUM_WAGES_FILE) -> MinimumWageTable:
    """Read and validate the table; `InputError` with `file:line: …` for the first error."""
    table = or_input_error(*_read(path, date.today()))
    return MinimumWageTable(table.years, path)


@lru_cache(maxsize=1)
def default_minimum_wages() -> MinimumWageTable:
    """The table shipped in flows/data, read once per process."""
    return load_minimum_wages()


def minimum_wage_problems(path: Path = MINIMUM_WAGES_FILE, today: date | None = None,
                          lang: str = "es") -> list[Problem]:
    """Errors of the file, and a warning when the current year is missing (CONASAMI is late or staff are)."""
    return _read(path, today or date.today(), translator(lang))[1]


def _read(path: Path, today: date, _: Translate = SPANISH) -> tuple[_WageFile | None, list[Problem]]:
    doc, problems = open_data(path, Problem(path, 1, "minimum-wage-missing-file",
                                            _("falta el archivo de salarios mínimos")), _)
    if doc is None:
        return None, problems
    # `plain` turns the year keys into text; the YAML nodes are keyed by the numbers.
    table, problems = validate(doc, _WageFile, plain(doc.data), "minimum-wage-invalid",
                               numeric_keys=True, _=_)
    if table is None:
        return None, problems
    return table, _sanity_problems(doc, table, today, _)


def _sanity_problems(doc: YamlDocument, table: _WageFile, today: date, _: Translate) -> list[Problem]:
    problems: list[Problem] = []
    for year, wages in table.years.items():
        if wages.border < wages.general:
            problems.append(Problem(doc.path, doc.line_of(("years", year, "border")), "minimum-wage-zones",
                                    _("{year}: el salario de la frontera ({border}) es menor que "
                                      "el general ({general}); ¿están invertidos?").format(
                                        year=year, border=wages.border, general=wages.general)))
    if today.year not in table.years:
        problems.append(Problem(doc.path, doc.line_of(("years",)), "minimum-wage-current-year",
                                _("falta el salario mínimo de {year}: la calculadora usa el del "
                                  "último año que tiene y lo dice; agrégalo con su fuente cuando la "
                                  "CONASAMI lo publique").format(year=today.year), Severity.WARNING))
    return problems
