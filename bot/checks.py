"""Every check `labor-bot flows check` runs: the flow files and the data files beside them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from bot.complaint.directory_file import data_problems
from bot.core.checker import check_flow_files
from bot.features import builtin_catalog
from bot.problems import Problem, Severity
from bot.rights.figures import dated_figure_problems, figure_names
from bot.rights.synonyms import synonym_problems
from bot.rights.topics import check_topics
from bot.severance.minimum_wage import minimum_wage_problems
from bot.systemtexts import SYSTEM_TEXTS_FILE, system_text_problems
from bot.workshops.table import workshop_problems


def check_all(directory: Path, lang: str = "es", today: date | None = None) -> list[Problem]:
    """All problems of the flows folder, in the language `lang`: errors first, then warnings.

    `today` (default: the real date) is what the date checks measure from: stale reviews,
    a dated figure with no value in force, a missing minimum wage.
    """
    problems = check_flow_files(directory, builtin_catalog(), lang).problems
    data = directory / "data"
    if data.is_dir():  # a folder of flows alone (a fixture, a draft) has no data files to check
        problems += minimum_wage_problems(data / "minimum_wages.yaml", today, lang)
        problems += data_problems(data, lang)
        problems += workshop_problems(data / "workshops.yaml", datetime.now(UTC), lang)
        if (data / "dated_figures.yaml").exists():
            problems += dated_figure_problems(data / "dated_figures.yaml", today, lang)
    if (directory / "topics").is_dir():
        problems += check_topics(directory / "topics", today=today,
                                 figures=figure_names(data / "dated_figures.yaml"), lang=lang)
    problems += system_text_problems(directory / SYSTEM_TEXTS_FILE, lang)
    if (directory / "matching").is_dir():
        problems += synonym_problems(directory / "matching" / "synonyms.yaml", lang)
    return in_order(problems)


def in_order(problems: list[Problem]) -> list[Problem]:
    """Errors first, then warnings; each group by file and line."""
    return sorted(problems, key=lambda p: (p.severity is not Severity.ERROR, str(p.path), p.line))


def summary(problems: list[Problem], _: Callable[[str], str]) -> str:
    """"2 errores, 10 avisos": how many of each."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    return ", ".join([(_("1 error") if errors == 1 else _("{n} errores").format(n=errors)),
                      (_("1 aviso") if warnings == 1 else _("{n} avisos").format(n=warnings))])
