"""Checks flows/matching/synonyms.yaml, the staff-edited slang and spelling lists of the matcher."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.datafile import open_data, validate
from bot.i18n import LANGUAGES, translator
from bot.problems import Problem
from bot.yamlsource import plain

Word = str


class LanguageLists(BaseModel):
    """One language's section: spelling fixes, synonyms and the word lists the matcher weighs."""

    model_config = ConfigDict(extra="forbid")

    spelling: dict[Word, Word] = Field(default_factory=dict)
    synonyms: dict[Word, list[Word]] = Field(default_factory=dict)
    stop_words: list[Word] = Field(default_factory=list)
    negators: list[Word] = Field(default_factory=list)
    labor_words: list[Word] = Field(default_factory=list)
    weak_words: list[Word] = Field(default_factory=list)
    everyday_words: list[Word] = Field(default_factory=list)
    off_topic_words: list[Word] = Field(default_factory=list)


def synonym_problems(path: Path, lang: str = "es") -> list[Problem]:
    """Problems of the synonyms file, each with its line; an empty list when it is sound."""
    _ = translator(lang)
    doc, problems = open_data(path, Problem(path, 0, "missing-file", _("falta el archivo de sinónimos")), _)
    if doc is None:
        return problems
    data = plain(doc.data)
    if not isinstance(data, dict):
        return [Problem(path, 1, "not-a-synonyms-file", _("el archivo empieza con «es:» y «en:»"))]
    problems = [Problem(path, doc.line_of((name,)), "unknown-language",
                        _("idioma desconocido «{lang}»; usa: {known}").format(
                            lang=name, known=", ".join(LANGUAGES)))
                for name in data if name not in LANGUAGES]
    for name in LANGUAGES:
        problems += validate(doc, LanguageLists, data.get(name) or {}, "invalid-value", (name,),
                             template="{where}: {msg}", _=_)[1]
    return problems
