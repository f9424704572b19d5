"""Checks flows/matching/synonyms.yaml, the staff-edited slang and spelling lists of the matcher."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.datafile import open_data, validate
from bot.i18n import LANGUAGES
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


def synonym_problems(path: Path) -> list[Problem]:
    """Problems of the synonyms file, each with its line; an empty list when it is sound."""
    doc, problems = open_data(path, Problem(path, 0, "missing-file", "falta el archivo de sinónimos"))
    if doc is None:
        return problems
    data = plain(doc.data)
    if not isinstance(data, dict):
        return [Problem(path, 1, "not-a-synonyms-file", "el archivo empieza con «es:» y «en:»")]
    problems = [Problem(path, doc.line_of((lang,)), "unknown-language",
                        f"idioma desconocido «{lang}»; usa: {', '.join(LANGUAGES)}")
                for lang in data if lang not in LANGUAGES]
    for lang in LANGUAGES:
        problems += validate(doc, LanguageLists, data.get(lang) or {}, "invalid-value", (lang,),
                             template="{where}: {msg}")[1]
    return problems
