"""Reads a worker's answer as the type a state asks for: text, number, money, date, yes/no…

Each `read_*` returns the value to save, or None when the answer does not fit (the engine
then re-asks). Workers write "8,500 al mes", "15 de marzo del 2021", "simon", "3": all fine.

Her words are read as she meant them:
- Choices and yes/no are read by `bot.core.choices`. What she denies is never picked: "yo no
  renuncie, me corrieron" excludes "Renuncié", and a contrast ("no X, Y", "no X sino Y",
  "X no, Y") reads Y. The same holds for numbers, money and dates ("no fue el 15, fue el 16").
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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import dateparser

from bot.core.choices import (
    NO,
    NUMBER_WORDS,
    YES,
    asserted,
    first_clause,
    says_unsure,
)
from bot.core.clock import DEFAULT_TZ, Zone, local_now
from bot.core.events import Event, EventKind
from bot.core.flowfile import Input, InputType, Unit, When
from bot.core.phones import e164
from bot.core.textnorm import normalize
from bot.i18n import N_, fill, format_day, translate

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
EXTRAS = ("per", "assumed")  # the extra keys a reader may set; a new answer clears stale ones
EXTRAS_BY_TYPE = {InputType.MONEY: ("per",), InputType.DATE: ("assumed",),
                  InputType.NUMBER: ("assumed",)}

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
    first = first_clause(text)
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
    said_text = asserted(text)
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
    kept = asserted(text)
    found = _AMOUNT.search(kept.replace("$", " "))
    if not found:
        return None
    value = _to_decimal(found.group(1), found.group(2))
    if value is None or value <= 0 or not _within(value, spec):
        return None
    said = normalize(kept.replace(",", "").replace("$", " "))
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
    kept = asserted(text)
    for candidate in dict.fromkeys((kept, text)):
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
