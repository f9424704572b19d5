"""Rights content: loads `flows/topics/*.yaml` and checks it for staff, with file and line."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Strict, StringConstraints, ValidationError, field_validator
from pydantic_core import ErrorDetails

from bot.datafile import SPANISH, Loc, Translate, open_data
from bot.errors import FlowError
from bot.i18n import LANGUAGES, format_marker_in, translator
from bot.paths import FLOWS_DIR
from bot.problems import Problem, Severity
from bot.rights.figures import figure_names, placeholders_in
from bot.yamlsource import YamlDocument, plain

TOPICS_DIR = FLOWS_DIR / "topics"
TITLE_MAX = 30  # a button label on a phone
ANSWER_MAX = 700  # one screen on a cheap phone
MORE_MAX = 1500
MENU_MAX = 10  # categories the rights menu can show on one screen
CHECKED_MAX_AGE_DAYS = 365
REVIEWED_MAX_AGE_MONTHS = 6  # a topic file's whole review, against the current legal facts
NEXT_LINKS = ("severance_calculator", "complaint", "find_center", "person", "workshops")
# An article number a worker would read inside a sentence ("(Art. 61)", "artículo 123").
INLINE_ARTICLE = re.compile(r"\b(?:arts?\.|art[ií]culos?)\s*\d", re.IGNORECASE)
LAW_LINE = "Ley:"  # the one place an answer names articles: its closing line


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class TopicEntry(_Content):
    """One topic as staff write it in a content file."""

    id: str
    title: str
    answer: str
    more: str = ""
    next: list[str]
    refs: list[str]
    sources: list[str]
    checked: Annotated[date, Strict()]
    match: dict[str, list[str]]

    @field_validator("more", mode="before")
    @classmethod
    def _empty_more(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("refs", "sources", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        """`[LFT Art. 46-50, 518]`: YAML reads `518` as a number; a reference is text."""
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                    for v in value]
        return value


class Reviewed(_Content):
    """Who last reviewed a whole topic file against the legal facts, and on what day."""

    by: Annotated[str, StringConstraints(min_length=3)]
    on: Annotated[date, Strict()]


class Topic(TopicEntry):
    """A topic as the bot uses it: the entry, its category and the line where it starts."""

    category: str
    line: int


class Category(_Content):
    """One content file: a rights-menu entry and its topics, in file order."""

    category: str
    title: str
    order: int
    topics: list[Topic]
    path: Path
    reviewed: Reviewed | None = None


class _CategoryHeader(_Content):
    category: str
    title: str
    order: int
    reviewed: Reviewed | None = None  # missing is a warning, not an error (see _check_review)
    topics: list[Any]


@dataclass(frozen=True, slots=True)
class TopicCatalog:
    """All the rights content: `categories` in menu order, `topics` by id."""

    categories: list[Category]
    topics: dict[str, Topic]


def load_topics(
    directory: Path = TOPICS_DIR, *, spec_ids: set[str] | None = None, today: date | None = None,
    figures: Collection[str] | None = None, lang: str = "es",
) -> TopicCatalog:
    """Read every content file; raise `FlowError` if `check_topics` finds any error.

    `figures`: the names of the dated figures the texts may name as `{name}` (any other `{…}` in
    a text is an error); by default those of `data/dated_figures.yaml` beside the topics folder.
    `lang`: the language of the problems in the `FlowError`.
    """
    reader = _Reader(directory, spec_ids, today or date.today(), _figures_beside(directory, figures),
                     translator(lang))
    reader.run()
    errors = [p for p in reader.problems if p.severity is Severity.ERROR]
    if errors:
        raise FlowError(errors)
    categories = sorted(reader.categories, key=lambda c: (c.order, c.category))
    return TopicCatalog(categories, {t.id: t for c in categories for t in c.topics})


def check_topics(
    directory: Path, spec_ids: set[str] | None = None, *, today: date | None = None,
    figures: Collection[str] | None = None, lang: str = "es",
) -> list[Problem]:
    """Every problem in the content files, in the language `lang`; with `spec_ids`, also ids
    missing or unknown."""
    reader = _Reader(directory, spec_ids, today or date.today(), _figures_beside(directory, figures),
                     translator(lang))
    reader.run()
    return reader.problems


def _figures_beside(directory: Path, figures: Collection[str] | None) -> frozenset[str]:
    """The figure names given, or those of the flows folder the topics folder belongs to."""
    if figures is not None:
        return frozenset(figures)
    return figure_names(directory.parent / "data" / "dated_figures.yaml")


def topic_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


@dataclass(slots=True)
class _Reader:
    directory: Path
    spec_ids: set[str] | None
    today: date
    figures: frozenset[str]
    tr: Translate = SPANISH  # the staff member's language
    problems: list[Problem] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    seen_ids: dict[str, tuple[Path, int]] = field(default_factory=dict)
    seen_categories: dict[str, Path] = field(default_factory=dict)
    seen_orders: dict[int, Path] = field(default_factory=dict)

    def run(self) -> None:
        _ = self.tr
        for path in topic_files(self.directory):
            self._read_file(path)
        if len(self.categories) > MENU_MAX:
            self._add(self.directory, 0, "too-many-categories",
                      _("hay {n} categorías y el menú muestra {shown}: junta algunas en un mismo "
                        "archivo").format(n=len(self.categories), shown=MENU_MAX))
        if self.spec_ids is not None:
            self._check_spec(self.spec_ids)

    def _add(self, file: Path, line: int, code: str, message: str,
             severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(file, line, code, message, severity))

    def _at(self, doc: YamlDocument, loc: Loc, code: str, message: str,
            severity: Severity = Severity.ERROR) -> None:
        self._add(doc.path, doc.line_of(loc), code, message, severity)

    def _read_file(self, path: Path) -> None:
        _ = self.tr
        doc, problems = open_data(path, _=_)
        if doc is None:
            self.problems += problems
            return
        if not isinstance(doc.data, dict):
            self._add(path, 1, "not-a-topic-file", _("un archivo de temas empieza con «category:», "
                      "«title:», «order:» y «topics:»"))
            return
        data = plain(doc.data)
        header: _CategoryHeader | None = None
        try:
            header = _CategoryHeader.model_validate(data)
        except ValidationError as error:
            for detail in error.errors():
                self._schema_problem(doc, (), detail, _CategoryHeader)
        if header is not None:
            self._check_header(doc, header)
        raw_topics = data.get("topics")
        if not isinstance(raw_topics, list):
            return
        name = header.category if header else str(data.get("category") or path.stem)
        topics = [t for i, raw in enumerate(raw_topics) if (t := self._read_topic(doc, i, raw, name))]
        if header is not None:
            self.categories.append(Category(category=header.category, title=header.title,
                                            order=header.order, topics=topics, path=path,
                                            reviewed=header.reviewed))

    def _check_header(self, doc: YamlDocument, header: _CategoryHeader) -> None:
        _ = self.tr
        self._check_text(doc, ("title",), header.title, TITLE_MAX, "title")
        self._check_review(doc, header.reviewed)
        if header.order < 1:
            self._at(doc, ("order",), "invalid-value", _("«order» es la posición en el menú: "
                     "usa un número desde 1"))
        other = self.seen_categories.setdefault(header.category, doc.path)
        if other != doc.path:
            self._at(doc, ("category",), "duplicate-category",
                     _("la categoría «{category}» ya está en {file}").format(
                         category=header.category, file=other))
        other = self.seen_orders.setdefault(header.order, doc.path)
        if other != doc.path:
            self._at(doc, ("order",), "duplicate-order",
                     _("otra categoría ya tiene «order: {order}» ({file}); cada categoría necesita "
                       "su propio lugar en el menú").format(order=header.order, file=other))
        if header.category != doc.path.stem:
            self._at(doc, ("category",), "category-file-name",
                     _("la categoría «{category}» está en el archivo «{file}»; llama al archivo "
                       "«{category}.yaml» para encontrarla fácil").format(
                           category=header.category, file=doc.path.name),
                     Severity.WARNING)

    def _check_review(self, doc: YamlDocument, reviewed: Reviewed | None) -> None:
        """A warning, not an error: an old review must not take the answers away from workers."""
        _ = self.tr
        if reviewed is None:
            self._at(doc, ("order",), "missing-reviewed",
                     _("falta quién revisó este archivo y cuándo: después de «order:» agrega "
                       "«reviewed: {{by: tu nombre o equipo, on: AAAA-MM-DD}}»").format(),
                     Severity.WARNING)
            return
        limit = months_before(self.today, REVIEWED_MAX_AGE_MONTHS)
        if reviewed.on < limit:
            self._at(doc, ("reviewed",), "stale-reviewed",
                     _("este archivo se revisó el {day}, hace más de {months} meses: revisa cada "
                       "respuesta con los datos legales vigentes (shared/spec/legal_facts.md) y "
                       "actualiza «reviewed»").format(day=reviewed.on.isoformat(),
                                                      months=REVIEWED_MAX_AGE_MONTHS),
                     Severity.WARNING)

    def _read_topic(self, doc: YamlDocument, index: int, raw: Any, category: str) -> Topic | None:
        _ = self.tr
        loc: Loc = ("topics", index)
        line = doc.line_of(loc)
        topic_id = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(topic_id, str) and topic_id.strip():
            topic_id = topic_id.strip()
            where = self.seen_ids.setdefault(topic_id, (doc.path, line))
            if where != (doc.path, line):
                self._at(doc, (*loc, "id"), "duplicate-id",
                         _("el tema «{id}» ya está en {file}:{line}").format(
                             id=topic_id, file=where[0], line=where[1]))
                return None
        try:
            entry = TopicEntry.model_validate(raw)
        except ValidationError as error:
            for detail in error.errors():
                self._schema_problem(doc, loc, detail, TopicEntry)
            return None
        if self._check_entry(doc, loc, entry):
            return Topic(**entry.model_dump(), category=category, line=line)
        return None

    def _check_entry(self, doc: YamlDocument, loc: Loc, entry: TopicEntry) -> bool:
        """Checks that need a valid entry; True when it has no errors."""
        _ = self.tr
        before = sum(p.severity is Severity.ERROR for p in self.problems)
        self._check_text(doc, (*loc, "title"), entry.title, TITLE_MAX, "title")
        self._check_text(doc, (*loc, "answer"), entry.answer, ANSWER_MAX, "answer")
        if entry.more:
            self._check_text(doc, (*loc, "more"), entry.more, MORE_MAX, "more")
        for key in ("answer", "more"):
            self._check_law_line(doc, (*loc, key), getattr(entry, key), key)
        for i, link in enumerate(entry.next):
            if link not in NEXT_LINKS:
                self._at(doc, (*loc, "next", i), "unknown-next",
                         _("«{link}» no es un enlace conocido.{hint} Usa: {links}").format(
                             link=link, hint=_suggest(link, NEXT_LINKS, _), links=", ".join(NEXT_LINKS)))
        for lang in entry.match:
            if lang not in LANGUAGES:
                self._at(doc, (*loc, "match", lang), "unknown-language",
                         _("idioma desconocido «{lang}» en «match»; usa: {languages}").format(
                             lang=lang, languages=", ".join(LANGUAGES)))
        age = (self.today - entry.checked).days
        if age > CHECKED_MAX_AGE_DAYS:
            self._at(doc, (*loc, "checked"), "stale-checked",
                     _("las cifras de «{id}» se revisaron el {day}, hace más de un año: revísalas "
                       "con los datos legales vigentes y actualiza «checked»").format(
                           id=entry.id, day=entry.checked.isoformat()),
                     Severity.WARNING)
        return sum(p.severity is Severity.ERROR for p in self.problems) == before

    def _check_text(self, doc: YamlDocument, loc: Loc, text: str, limit: int, key: str) -> None:
        _ = self.tr
        if not text:
            self._at(doc, loc, "empty-text", _("«{key}» está vacío").format(key=key))
        elif len(text) > limit:
            hint = {"title": _(" (es el texto de un botón)"),
                    "answer": _("; acórtala o pasa una parte a «more»")}.get(key, "")
            self._at(doc, loc, f"{key}-too-long",
                     _("«{key}» tiene {n} caracteres; el máximo es {limit}{hint}").format(
                         key=key, n=len(text), limit=limit, hint=hint))
        self._check_placeholders(doc, loc, text, key)
        if found := format_marker_in(text):
            marker, seen = found
            self._at(doc, loc, "percent-sign",
                     _("en «{seen}» las herramientas de traducción leen «{marker}» como un marcador "
                       "y `make i18n` falla: escribe «por ciento», o pon después del «%» una "
                       "palabra como «más» (por ejemplo «25% más»)").format(seen=seen, marker=marker))

    def _check_law_line(self, doc: YamlDocument, loc: Loc, text: str, key: str) -> None:
        """Article numbers go on one closing «Ley: …» line, not inside the sentences she reads.

        A warning: the texts are being moved over, and an answer with an article inside is
        still better than no answer.
        """
        _ = self.tr
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        law = [i for i, line in enumerate(lines) if line.startswith(LAW_LINE)]
        inline = [line for line in lines if not line.startswith(LAW_LINE) and INLINE_ARTICLE.search(line)]
        if inline:
            found = INLINE_ARTICLE.search(inline[0])
            seen = found.group(0) if found else ""
            self._at(doc, loc, "inline-article",
                     _("«{key}» nombra artículos dentro del texto («{seen}…»): pásalos a una "
                       "última línea «{law} LFT Art. …» y explica la regla con palabras").format(
                           key=key, seen=seen, law=LAW_LINE),
                     Severity.WARNING)
        if law and (len(law) > 1 or law[-1] != len(lines) - 1):
            self._at(doc, loc, "inline-article",
                     _("en «{key}» la línea «{law} …» va una sola vez y al final del texto").format(
                         key=key, law=LAW_LINE),
                     Severity.WARNING)

    def _check_placeholders(self, doc: YamlDocument, loc: Loc, text: str, key: str) -> None:
        """`{name}` must be a dated figure, and only in an answer (a title is a button label)."""
        _ = self.tr
        for name in placeholders_in(text):
            if key == "title":
                self._at(doc, loc, "unknown-placeholder",
                         _("«{placeholder}» en un título: los títulos no llevan cifras con "
                           "fecha").format(placeholder=f"{{{name}}}"))
            elif name not in self.figures:
                known = ", ".join(f"{{{f}}}" for f in sorted(self.figures)) or _("ninguna")
                self._at(doc, loc, "unknown-placeholder",
                         _("«{placeholder}» no es una cifra con fecha de "
                           "flows/data/dated_figures.yaml.{hint} Cifras conocidas: {known}").format(
                               placeholder=f"{{{name}}}", hint=_suggest(name, self.figures, _),
                               known=known))

    def _check_spec(self, spec_ids: set[str]) -> None:
        _ = self.tr
        for topic_id, (path, line) in self.seen_ids.items():
            if topic_id not in spec_ids:
                self._add(path, line, "unknown-id",
                          _("el tema «{id}» no está en la lista de temas (topics.yaml).{hint}").format(
                              id=topic_id, hint=_suggest(topic_id, spec_ids, _)))
        for topic_id in sorted(spec_ids - self.seen_ids.keys()):
            self._add(self.directory, 0, "missing-topic",
                      _("el tema «{id}» no tiene contenido en ningún archivo").format(id=topic_id))

    def _schema_problem(self, doc: YamlDocument, prefix: Loc, error: ErrorDetails,
                        model: type[BaseModel]) -> None:
        _ = self.tr
        loc: Loc = (*prefix, *error["loc"])
        key = str(error["loc"][-1]) if error["loc"] else ""
        kind = error["type"]
        if kind == "extra_forbidden" and len(error["loc"]) == 1:
            allowed = list(model.model_fields)
            self._at(doc, loc, "unknown-key",
                     _("clave desconocida «{key}».{hint} Claves válidas aquí: {allowed}").format(
                         key=key, hint=_suggest(key, allowed, _), allowed=", ".join(allowed)))
        elif kind == "missing":
            self._at(doc, loc, "missing-key", _("falta la clave «{key}»").format(key=key))
        else:
            where = ".".join(str(p) for p in error["loc"])
            place = _(" en «{where}»").format(where=where) if where else ""
            self._at(doc, loc, "invalid-value",
                     _("valor no válido{place}: {explanation}").format(
                         place=place, explanation=_explain(kind, error["msg"], _)))


def _explain(kind: str, default: str, _: Translate) -> str:
    if kind.startswith("date"):
        return _("escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24")
    if kind.startswith("int"):
        return _("debe ser un número entero")
    return {
        "string_type": _("debe ser un texto"),
        "list_type": _("debe ser una lista, por ejemplo [uno, dos]"),
        "dict_type": _("debe tener un idioma por línea con su lista, por ejemplo «es: [uno, dos]»"),
        "model_type": _("cada tema va en líneas con «id:», «title:», «answer:»…"),
    }.get(kind, default)


def _suggest(word: str, candidates: Iterable[str], _: Translate) -> str:
    guess = difflib.get_close_matches(word, list(candidates), n=1)
    return _(" ¿Quisiste decir «{guess}»?").format(guess=guess[0]) if guess else ""


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier; the month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))
