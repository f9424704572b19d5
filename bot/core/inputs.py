"""Reads a worker's answer as the type a state asks for: choice, text, number, money, date, yes/no…

Each `read_*` returns the value to save, or None when the answer does not fit (the engine
then re-asks). Workers write "8,500 al mes", "15 de marzo del 2021", "simon", "3": all fine.

Her words are read as she meant them:
- What she denies is never picked: "yo no renuncie, me corrieron" excludes "Renuncié", and a
  contrast ("no X, Y", "no X sino Y", "X no, Y") reads Y. The same holds for numbers, money and
  dates ("no fue el 15, fue el 16").
- "no sé", "ni idea", "no me acuerdo" are not a No: they pick a "No sé" option when there is
  one, and otherwise give no answer. "si pero …" / "no, pero …" still read the yes or the no.
- Dates are read in her time zone (`tz`, America/Mexico_City by default; see bot/core/clock.py),
  never in UTC, and so are the `when: past|future` checks.

`read_answer` returns an `Answer(value, extra)`; the engine saves `value` under `save_as` and
each `extra[key]` under `save_as_key`:
- `per` (money): "day" | "week" | "fortnight" | "month" when she named the period, so a flow
  can skip "¿cada cuánto?";
- `assumed`: a `Note` saying what the reader had to assume ("Tomé el 1 de marzo de 2022 porque
  no dijiste el día." for "marzo 2022"); the engine saves it translated, for `{name_assumed}`.
A new answer to the same state clears the extras the old one left (`EXTRAS`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import dateparser
from rapidfuzz import fuzz

from bot.complaint.phones import e164
from bot.core.clock import DEFAULT_TZ, Zone, local_now
from bot.core.events import Event, EventKind
from bot.core.flowfile import Input, InputType, Unit, When
from bot.core.textnorm import normalize
from bot.i18n import N_, fill, format_day, translate

YES = frozenset([
    "si", "s", "claro", "ok", "okay", "va", "sale", "simon", "acepto", "correcto", "yes", "y",
    "yeah", "yep", "sure", "de acuerdo", "esta bien", "si acepto", "si claro", "i agree",
])
NO = frozenset(["no", "n", "nel", "nop", "nope", "negativo", "nah", "no gracias", "no acepto", "no thanks"])
NUMBER_WORDS = {
    "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "quince": 15, "one": 1, "a": 1, "an": 1,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}
ZERO_WORDS = frozenset(["cero", "nada", "ninguno", "ninguna", "zero", "none", "nothing"])
PERIODS = (
    ("day", re.compile(r"\b(diari[oa]s?|al dia|por dia|x dia|el dia|daily|a day|per day)\b")),
    ("week", re.compile(r"\b(semana[l]?|semanales|a la semana|por semana|weekly|a week|per week)\b")),
    ("fortnight", re.compile(r"\b(quincena[l]?|quincenales|a la quincena|por quincena|fortnight)\b")),
    ("month", re.compile(r"\b(mes|mensual(es)?|al mes|por mes|monthly|a month|per month)\b")),
)
_AMOUNT = re.compile(
    r"(?<![-\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,3}(?:\.\d{3})+(?![\d.,])|\d{1,3}(?: \d{3})+"
    r"|\d+(?:\.\d{1,2})?)\s*(mil|k)?\b")
FUZZY_CUTOFF = 85
EXTRAS = ("per", "assumed")  # the extra keys a reader may set; a new answer clears stale ones
EXTRAS_BY_TYPE = {InputType.MONEY: ("per",), InputType.DATE: ("assumed",),
                  InputType.NUMBER: ("assumed",)}

# -- negation and contrast ----------------------------------------------------------------------
NEGATORS = frozenset([
    "no", "nunca", "jamas", "tampoco", "ni", "not", "never", "didnt", "dont", "doesnt", "wasnt",
    "isnt", "werent", "arent", "cant", "wont",
])
_PIECES = re.compile(r"[,;:.!?¡¿()]+|\s(?:sino|pero|mas bien|más bien|but|rather|instead)\s",
                     re.IGNORECASE)
_AND = re.compile(r"\s(?:y|and|e)\s")
STOP = frozenset([
    "yo", "me", "mi", "mis", "te", "se", "le", "lo", "la", "los", "las", "el", "un", "una", "de",
    "del", "a", "al", "en", "por", "para", "con", "sin", "que", "es", "era", "fue", "ya", "o", "y",
    "mas", "muy", "pues", "bueno", "como", "i", "my", "it", "was", "the", "to", "of", "for", "at",
    "on", "in", "and", "or", "is", "am", "me", "with", "without",
])
# Ways to say she was dismissed, read as one word so "me corrieron" finds "Me despidieron".
SAME_WORD = {w: "despidieron" for w in (
    "corrieron", "corrio", "despidio", "despidieron", "echaron", "botaron", "corrido", "despedida",
    "despedido", "despido")} | {w: "fired" for w in ("fired", "dismissed", "sacked")} | {
    "mensual": "mes", "mensuales": "mes", "semanal": "semana", "semanales": "semana",
    "quincenal": "quincena", "quincenales": "quincena", "diario": "dia", "diarios": "dia",
    "diaria": "dia", "diarias": "dia", "dias": "dia", "semanas": "semana", "meses": "mes"}

# -- "I don't know" --------------------------------------------------------------------------------
_UNSURE_ANY = re.compile(
    r"^(?:ni idea|no tengo (?:ni )?idea|no me acuerdo|no recuerdo|no estoy segur[oa]|quien sabe"
    r"|i dont know|i do not know|dont know|idk|not sure|no idea|no clue|i dont remember"
    r"|no lo se)\b")
_UNSURE_ALONE = re.compile(
    r"^(?:no se|nose|ns|nop se)(?: (?:si|cual|cuando|cuanto|cuantos|como|donde|que|bien|exactamente"
    r"|la verdad|nada|todavia|aun))*$")
UNSURE_LABELS = frozenset(["no se", "no lo se", "no estoy segura", "no estoy seguro", "i dont know",
                           "i do not know", "not sure", "dont know", "no idea"])

# -- dates ------------------------------------------------------------------------------------------
MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "ene": 1, "feb": 2, "abr": 4, "jun": 6, "jul": 7, "sep": 9, "sept": 9,  # not "ago", "mar"
    "oct": 10, "nov": 11, "dic": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
WEEKDAYS = {
    "lunes": 0, "martes": 1, "miercoles": 2, "jueves": 3, "viernes": 4, "sabado": 5, "domingo": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_COUNT = r"(\d{1,3}|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|quince|a|an|one|two" \
         r"|three|four|five|six|seven|eight|nine|ten)"
_SPAN = {"dia": "day", "dias": "day", "day": "day", "days": "day",
         "semana": "week", "semanas": "week", "week": "week", "weeks": "week",
         "quincena": "fortnight", "quincenas": "fortnight", "fortnight": "fortnight",
         "fortnights": "fortnight",
         "mes": "month", "meses": "month", "month": "month", "months": "month",
         "ano": "year", "anos": "year", "year": "year", "years": "year"}
_SPAN_WORDS = "(" + "|".join(sorted(_SPAN, key=len, reverse=True)) + ")"
_AGO = re.compile(rf"\bhace (?:como |unos |unas |mas o menos |casi |ya )*{_COUNT} {_SPAN_WORDS}"
                  rf"( y medi[oa])?\b|\b{_COUNT} {_SPAN_WORDS}( and a half)? ago\b")
_MORE_THAN = re.compile(r"\b(mas de|more than|over)\b")  # "hace más de 2 meses": no day to take
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})(?:[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?"
                      r"|\.(\d{1,2})\.(\d{4}|\d{2}))(?![\d/.-])")  # "1.5" is no date; "1.5.2024" is
_MONTH_YEAR_NUMERIC = re.compile(r"^\s*(\d{1,2})[/-](\d{4})\s*$")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:ro|er|o|st|nd|rd|th)?(?: de)? {_MONTH}\b"
                        rf"(?: (?:de |del )?(\d{{4}}|\d{{2}})\b)?")
_MONTH_DAY = re.compile(rf"\b{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?\b(?: (\d{{4}})\b)?")
_MONTH_ONLY = re.compile(rf"\b{_MONTH}\b(?: (?:de |del |of )?(\d{{4}})\b)?")
_WEEKDAY = re.compile(r"\b(lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday"
                      r"|wednesday|thursday|friday|saturday|sunday)\b")

ASSUMED_FIRST_OF_MONTH = N_("Tomé el {date} porque no dijiste el día.")
ASSUMED_MONDAY = N_("Tomé el {date}, el lunes de esa semana, porque no dijiste el día.")
ASSUMED_DAYS = N_("Conté «{said}» como {days} días.")


@dataclass(frozen=True, slots=True)
class Note:
    """A sentence about how an answer was read, in Spanish; `render` gives it in her language
    (dates in `values` are written out for her locale)."""

    text: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "es") -> str:
        shown = {k: format_day(v, lang) if isinstance(v, date) else v for k, v in self.values.items()}
        return fill(translate(lang, self.text), shown)

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class Answer:
    """A valid answer: `value` is saved under `save_as`; `extra` under `save_as` + suffix."""

    value: Any
    extra: dict[str, Any] = field(default_factory=dict)


# -- choices ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Part:
    """A stretch of what she wrote, and whether she denies it."""

    negated: bool
    words: tuple[str, ...]

    @property
    def content(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in STOP)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def read_choice(text: str, options: Sequence[tuple[str, str]]) -> int | None:
    """The index of the option a worker picked: by number, by words, or a close misspelling.

    Never an option her words deny: a negated option is excluded, and with a contrast
    ("no X, Y") only Y counts. Among the options her words name, the one sharing the most of
    its words wins ("renuncie por culpa del patron" -> "Me fui por culpa del patrón", not
    "Renuncié"); a tie is no answer, and the engine asks again.
    """
    said = normalize(text)
    if not said:
        return None
    number = int(said) if said.isdigit() else NUMBER_WORDS.get(said)
    if number is not None and (said.isdigit() or said not in ("a", "an", "un")):
        return number - 1 if 1 <= number <= len(options) else None
    labels = [normalize(label) for label, _ in options]
    if said in labels:
        return labels.index(said)
    values = [normalize(value) for _, value in options]
    if said in values:
        return values.index(said)
    if says_unsure(text):
        return next((i for i, label in enumerate(labels) if _contracted(label) in UNSURE_LABELS),
                    None)
    first = _first_clause(text)
    for words, wanted in ((YES, ("si", "yes")), (NO, ("no",))):
        if first in words:
            found = [i for i, label in enumerate(labels) if label in wanted]
            if len(found) == 1:
                return found[0]
    return _best_option(_parts(text), [_part_of(label) for label, _ in options])


def named_options(text: str, options: Sequence[tuple[str, str]]) -> list[int]:
    """The options her words name and do not deny, best first: when `read_choice` finds no single
    one ("me corrieron" and two kinds of dismissal), she meant one of these, so ask again."""
    return [index for _, _, index in _scored(_parts(text), [_part_of(label) for label, _ in options])]


def _best_option(parts: list[_Part], labels: list[_Part]) -> int | None:
    scored = _scored(parts, labels)
    if len(scored) == 1 or (len(scored) > 1 and scored[0][:2] != scored[1][:2]):
        return scored[0][2]
    return None


def _scored(parts: list[_Part], labels: list[_Part]) -> list[tuple[int, float, int]]:
    """(words shared, fuzzy ratio, index) of each option her words name and do not deny."""
    parts = [p for p in parts if p.content]
    scored: list[tuple[int, float, int]] = []
    for index, label in enumerate(labels):
        denied, hits, ratio = False, 0, 0.0
        for part in parts:
            if part.negated != label.negated:
                # She denies an option when everything she negates is in it: "no renuncie"
                # denies "Renuncié"; "no me corrieron por una falta grave" leaves "sin razón".
                denied = denied or _hits(label.content, part.content) == len(part.content)
                continue
            part_ratio = fuzz.token_set_ratio(part.text, label.text) if label.text else 0.0
            part_hits = _hits(part.content, label.content)
            if part_ratio >= FUZZY_CUTOFF or part_hits > 0:
                hits, ratio = hits + part_hits, max(ratio, part_ratio)
        if not denied and (ratio >= FUZZY_CUTOFF or hits >= min(2, len(label.content))):
            scored.append((hits, ratio, index))
    return sorted(scored, reverse=True)


def _hits(said: Sequence[str], label: Sequence[str]) -> int:
    """How many of the label's words she wrote (misspellings and "corrieron"/"despidieron" too)."""
    return sum(1 for wanted in label if any(_same(wanted, word) for word in said))


def _same(a: str, b: str) -> bool:
    a, b = SAME_WORD.get(a, a), SAME_WORD.get(b, b)
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= 80)


def _contracted(text: str) -> str:
    """`don t` (how `normalize` leaves "don't") -> `dont`, so English negations are one word."""
    return re.sub(r"\b(\w+n) t\b", r"\1t", text)


def _words(text: str) -> list[str]:
    return [SAME_WORD.get(w, w) for w in _contracted(normalize(text)).split()]


def _part_of(label: str) -> _Part:
    """An option's label as a part: "No me pagan" is negated, with the words "me pagan"."""
    words = _words(label)
    negated = any(w in NEGATORS for w in words)
    return _Part(negated, tuple(w for w in words if w not in NEGATORS))


def _parts(text: str) -> list[_Part]:
    """Her message as parts she asserts and parts she denies.

    Clauses end at punctuation, "sino", "pero", "y". Within a clause a negation covers what
    follows it ("yo no renuncie"); a negation that ends the clause covers what comes before
    ("al mes no"). Without any negation the whole message is one part, as it always was.
    """
    words = _words(text)
    if not any(w in NEGATORS for w in words):
        return [_Part(False, tuple(words))]
    parts: list[_Part] = []
    for piece in _PIECES.split(text):
        for clause in _AND.split(f" {piece or ''} "):
            parts.extend(_clause_parts(_words(clause)))
    return parts


def _clause_parts(words: list[str]) -> list[_Part]:
    cut = next((i for i, w in enumerate(words) if w in NEGATORS), None)
    if cut is None:
        return [_Part(False, tuple(words))]
    before, after = words[:cut], [w for w in words[cut + 1:] if w not in NEGATORS]
    if not after and before:  # "al mes no": the negation closes the clause
        return [_Part(True, tuple(before))]
    return [_Part(False, tuple(before)), _Part(True, tuple(after))]


def _asserted(text: str) -> str:
    """What she asserts, in her own characters: with a contrast ("no son 9000, son 900", "no me
    acuerdo el dia, fue en marzo"), the clauses without a negation; otherwise the whole text."""
    if not any(w in NEGATORS for w in _words(text)):
        return text
    kept = [piece for piece in _PIECES.split(text)
            if piece and piece.strip() and not any(w in NEGATORS for w in _words(piece))]
    return " , ".join(kept) if kept else text


def _first_clause(text: str) -> str:
    """The words before the first comma or "pero": "si pero no tengo carta" -> "si"."""
    return normalize(_PIECES.split(text, maxsplit=1)[0])


def says_unsure(text: str) -> bool:
    """She says she does not know: "no se", "no sé si", "ni idea", "no me acuerdo", "idk"."""
    first = _contracted(_first_clause(text))
    return bool(_UNSURE_ANY.match(first) or _UNSURE_ALONE.match(first))


# -- yes / no ---------------------------------------------------------------------------------------
def read_yes_no(text: str) -> bool | None:
    """True, False, or None: "si pero…" is a yes, "no, pero…" a no, "no sé" neither."""
    said = normalize(text)
    if said in YES or said == "1":
        return True
    if said in NO or said == "2":
        return False
    if says_unsure(text):
        return None
    first = _first_clause(text)
    if first in YES or said.startswith(("si ", "yes ")):
        return True
    if first in NO or said.startswith("no "):
        return False
    return None


# -- numbers and money ------------------------------------------------------------------------------
def read_number(text: str, spec: Input) -> Any:
    """A number ("3", "tres", "34 años"); with `unit: days`, "2 semanas" is 14 and "un mes" 30."""
    answer = read_number_answer(text, spec)
    return None if answer is None else answer.value


def read_number_answer(text: str, spec: Input) -> Answer | None:
    said_text = _asserted(text)
    said = normalize(said_text)
    extra: dict[str, Any] = {}
    value: Decimal | None
    span = _span_amount(said) if spec.unit is Unit.DAYS else None
    if span is not None:
        value, span_name, phrase = span
        if span_name in ("month", "year"):
            extra["assumed"] = Note(ASSUMED_DAYS, {"said": phrase, "days": _plain(value)})
    elif found := _AMOUNT.search(said_text.replace("$", "")):
        value = _to_decimal(found.group(1), found.group(2))
    elif said in NUMBER_WORDS and said not in ("a", "an"):
        value = Decimal(NUMBER_WORDS[said])
    elif not says_unsure(said_text) and ZERO_WORDS & set(said.split()):  # "no me deben nada"
        value = Decimal(0)
    else:
        value = None
    if value is None or not _within(value, spec):
        return None
    return Answer(_plain(value), extra)


def _span_amount(said: str) -> tuple[Decimal, str, str] | None:
    """Days in "2 semanas", "como 15 dias", "una quincena", "un mes" (30), "medio mes" (15)."""
    if re.search(r"\bmedi[oa] (mes|month)\b", said):
        return Decimal(15), "fortnight", "medio mes"
    found = re.search(rf"\b{_COUNT} {_SPAN_WORDS}\b", said)
    if found is None:
        return None
    count = _count(found.group(1))
    days = {"day": 1, "week": 7, "fortnight": 15, "month": 30, "year": 365}[_SPAN[found.group(2)]]
    return Decimal(count * days), _SPAN[found.group(2)], found.group(0)


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def read_money(text: str, spec: Input) -> Answer | None:
    """An amount in pesos ("9 mil", "9,000", "$350"); `extra["per"]` when she named the period
    ("al día", "semanal", "a la quincena", "mensuales"). A denied period ("no al mes") is not one."""
    asserted = _asserted(text)
    found = _AMOUNT.search(asserted.replace("$", " "))
    if not found:
        return None
    value = _to_decimal(found.group(1), found.group(2))
    if value is None or value <= 0 or not _within(value, spec):
        return None
    said = normalize(asserted.replace(",", "").replace("$", " "))
    period = next((name for name, pattern in PERIODS if pattern.search(said)), None)
    return Answer(str(value.quantize(Decimal("0.01"))), {"per": period} if period else {})


# -- dates ------------------------------------------------------------------------------------------
def read_date(text: str, spec: Input, now: datetime, tz: Zone = DEFAULT_TZ) -> str | None:
    """An ISO date from "15/03/2021", "15 de marzo del 2021", "ayer"; checked against `when`.

    See `read_date_answer` for what is understood; this returns only the date.
    """
    answer = read_date_answer(text, spec, now, tz=tz)
    return None if answer is None else str(answer.value)


def read_date_answer(text: str, spec: Input, now: datetime, *, tz: Zone = DEFAULT_TZ) -> Answer | None:
    """Her date, read on her calendar (`tz`, Mexico City by default): "hoy", "ayer", "antier",
    "el viernes pasado", "hace 3 semanas", "hace un año", "15/03/2021", "3 de noviembre".

    A month without a day ("marzo 2022", "fue en marzo del 2022", "03/2022", "el mes pasado")
    is the first day of that month, which errs early (the safe side for a deadline), and
    `extra["assumed"]` says so. "la semana pasada" is the Monday of last week, also noted.
    """
    local = local_now(now, tz)
    today = local.date()
    read: tuple[date, Note | None] | None = None
    asserted = _asserted(text)
    for candidate in dict.fromkeys((asserted, text)):
        read = _parse_day(candidate, today, spec.when, local)
        if read is not None:
            break
    if read is None:
        return None
    day, note = read
    if day.year < 1900:
        return None
    if (spec.when is When.PAST and day > today) or (spec.when is When.FUTURE and day < today):
        return None
    return Answer(day.isoformat(), {"assumed": note} if note else {})


def _parse_day(text: str, today: date, when: When, local: datetime) -> tuple[date, Note | None] | None:
    said = normalize(re.sub(r"\bdel\b", "de", text, flags=re.IGNORECASE))
    future = when is When.FUTURE
    if (found := _ISO.search(text)) is not None:
        return _checked(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    if (found := _MONTH_YEAR_NUMERIC.match(text)) is not None:
        return _first_of(int(found.group(2)), int(found.group(1)))
    if (found := _NUMERIC.search(text)) is not None:
        day, month = int(found.group(1)), int(found.group(2) or found.group(4))
        year = found.group(3) or found.group(5)
        return _dated(day, month, _year(year) if year else None, today, future)
    if (found := _DAY_MONTH.search(said)) is not None:
        year = found.group(3)
        return _dated(int(found.group(1)), MONTHS[found.group(2)], _year(year) if year else None,
                      today, future)
    if (found := _MONTH_DAY.search(said)) is not None:
        year = found.group(3)
        return _dated(int(found.group(2)), MONTHS[found.group(1)], int(year) if year else None,
                      today, future)
    # "hace 1.5 años" must not read as "5 años": a decimal stays one token.
    relative = _relative(normalize(re.sub(r"(\d)[.,](\d)", r"\1x\2", text)), today)
    if relative is not None:
        return relative
    if not re.search(r"\d", re.sub(r"\b\d{4}\b", "", said)) \
            and (found := _MONTH_ONLY.search(said)) is not None:
        month, year = MONTHS[found.group(1)], found.group(2)
        if year is None:  # "en marzo": the last March that has begun (the next one, if future)
            year_now = today.year
            start = date(year_now, month, 1)
            guess = year_now + 1 if future and start < today.replace(day=1) else (
                year_now - 1 if not future and start > today else year_now)
            return _first_of(guess, month)
        return _first_of(int(year), month)
    if not re.search(r"\d", said):
        return None  # "el año pasado", "hace tiempo": too vague to guess a day without erring late
    parsed = dateparser.parse(
        text, languages=["es", "en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future" if future else "past",
                  "RELATIVE_BASE": local.replace(tzinfo=None), "REQUIRE_PARTS": ["day", "month"]},
    )
    return (parsed.date(), None) if parsed is not None else None


def _relative(said: str, today: date) -> tuple[date, Note | None] | None:
    """Days counted back from her today: hoy, ayer, antier, hace N…, weekdays, last week/month."""
    if re.search(r"\b(antier|anteayer|antes de ayer|day before yesterday)\b", said):
        return today - timedelta(days=2), None
    if re.search(r"\b(ayer|yesterday)\b", said):
        return today - timedelta(days=1), None
    if re.search(r"\b(hoy|today|ahorita|esta manana|this morning)\b", said):
        return today, None
    if (found := _AGO.search(said)) is not None:
        if _MORE_THAN.search(said):
            return None
        count = _count(found.group(1) or found.group(4))
        span = _SPAN[found.group(2) or found.group(5)]
        half = bool(found.group(3) or found.group(6))  # "y medio": half a span more, rounded up
        if span in ("month", "year"):
            months = count * (12 if span == "year" else 1) + (6 if half and span == "year" else 0)
            back = _months_before(today, months)
            return back - timedelta(days=16 if half and span == "month" else 0), None
        days = count * {"day": 1, "week": 7, "fortnight": 15}[span]
        return today - timedelta(days=days + ({"day": 1, "week": 4, "fortnight": 8}[span] if half
                                              else 0)), None
    if re.search(r"\b(la semana pasada|last week)\b", said):
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, Note(ASSUMED_MONDAY, {"date": monday})
    if re.search(r"\b(el mes pasado|last month)\b", said):
        first = _months_before(today.replace(day=1), 1)
        return first, Note(ASSUMED_FIRST_OF_MONTH, {"date": first})
    if (found := _WEEKDAY.search(said)) is not None and not re.search(r"\d", said):
        days_back = (today.weekday() - WEEKDAYS[found.group(1)]) % 7 or 7  # today's name: a week ago
        if re.search(r"\bantepasado\b", said):
            days_back += 7
        return today - timedelta(days=days_back), None
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier; a day the month lacks becomes its last (31 Mar -> 28 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _year(digits: str) -> int:
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _checked(year: int, month: int, day: int) -> tuple[date, Note | None] | None:
    try:
        return date(year, month, day), None
    except ValueError:  # 31/02: not a date, ask again
        return None


def _dated(day: int, month: int, year: int | None, today: date,
           future: bool) -> tuple[date, Note | None] | None:
    """A day and month, in the year she gave or else the nearest one in the right direction."""
    if year is not None:
        return _checked(year, month, day)
    for guess in (today.year, today.year + 1 if future else today.year - 1):
        read = _checked(guess, month, day)
        if read is None:
            continue
        if (read[0] >= today) if future else (read[0] <= today):
            return read
    return _checked(today.year, month, day)


def _first_of(year: int, month: int) -> tuple[date, Note | None] | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    first = date(year, month, 1)
    return first, Note(ASSUMED_FIRST_OF_MONTH, {"date": first})


# -- the rest ---------------------------------------------------------------------------------------
def read_phone(text: str) -> str | None:
    return e164(text)


def read_answer(
    kind: InputType, spec: Input | None, event: Event, now: datetime, *, tz: Zone = DEFAULT_TZ
) -> Answer | None:
    """Any non-choice input type; choices are read with `read_choice` against the options shown.

    `tz` is her time zone (from her state, see `bot.core.clock.zone_for`); dates are read in it.
    """
    spec = spec or Input(type=kind)
    text = event.text.strip()
    if kind is InputType.LOCATION:
        if event.kind is EventKind.LOCATION and event.latitude is not None:
            return Answer({"lat": event.latitude, "lon": event.longitude})
        return None
    if kind is InputType.PHONE and event.kind is EventKind.CONTACT and event.phone:
        phone = read_phone(event.phone)
        return Answer(phone) if phone else None
    if event.kind is not EventKind.TEXT or not text:
        return None
    value: Any
    if kind is InputType.TEXT:
        value = text if len(text) <= spec.max_length else None
    elif kind is InputType.NUMBER:
        return read_number_answer(text, spec)
    elif kind is InputType.MONEY:
        return read_money(text, spec)
    elif kind is InputType.DATE:
        return read_date_answer(text, spec, now, tz=tz)
    elif kind is InputType.YES_NO:
        value = read_yes_no(text)
    elif kind is InputType.PHONE:
        value = read_phone(text)
    else:
        value = None
    return None if value is None else Answer(value)


def _to_decimal(digits: str, multiplier: str | None) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):  # "9.000": a thousands dot, not cents
        digits = digits.replace(".", "")
    try:
        value = Decimal(re.sub(r"[,\s]", "", digits))
    except InvalidOperation:
        return None
    return value * 1000 if multiplier else value


def _within(value: Decimal, spec: Input) -> bool:
    return not ((spec.min is not None and value < Decimal(str(spec.min)))
                or (spec.max is not None and value > Decimal(str(spec.max))))


def parse_iso_date(value: str) -> date:
    return date.fromisoformat(value)
