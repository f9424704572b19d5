"""Reads a worker's answer as the type a state asks for: choice, text, number, money, date, yes/no…

Each `read_*` returns the value to save, or None when the answer does not fit (the engine
then re-asks). Workers write "8,500 al mes", "15 de marzo del 2021", "simon", "3": all fine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import dateparser
from rapidfuzz import fuzz, process

from bot.complaint.phones import e164
from bot.core.events import Event, EventKind
from bot.core.flowfile import Input, InputType, When
from bot.core.textnorm import normalize

YES = frozenset([
    "si", "s", "claro", "ok", "okay", "va", "sale", "simon", "acepto", "correcto", "yes", "y",
    "yeah", "yep", "sure", "de acuerdo", "esta bien", "si acepto", "si claro", "i agree",
])
NO = frozenset(["no", "n", "nel", "nop", "nope", "negativo", "nah", "no gracias", "no acepto", "no thanks"])
NUMBER_WORDS = {
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
PERIODS = (
    ("day", re.compile(r"\b(diari[oa]s?|al dia|por dia|x dia|el dia|daily|a day|per day)\b")),
    ("week", re.compile(r"\b(semana[l]?|a la semana|por semana|weekly|a week|per week)\b")),
    ("fortnight", re.compile(r"\b(quincena[l]?|a la quincena|por quincena|fortnight)\b")),
    ("month", re.compile(r"\b(mes|mensual(es)?|al mes|por mes|monthly|a month|per month)\b")),
)
_AMOUNT = re.compile(r"(?<![-\d])(\d{1,3}(?:[,\s]\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s*(mil|k)?\b")
FUZZY_CUTOFF = 85


@dataclass(frozen=True, slots=True)
class Answer:
    """A valid answer: `value` is saved under `save_as`; `extra` under `save_as` + suffix."""

    value: Any
    extra: dict[str, Any] = field(default_factory=dict)


def read_choice(text: str, options: Sequence[tuple[str, str]]) -> int | None:
    """The index of the option a worker picked: by number, by words, or a close misspelling."""
    said = normalize(text)
    if not said:
        return None
    number = int(said) if said.isdigit() else NUMBER_WORDS.get(said)
    if number is not None:
        return number - 1 if 1 <= number <= len(options) else None
    labels = [normalize(label) for label, _ in options]
    if said in labels:
        return labels.index(said)
    values = [normalize(value) for _, value in options]
    if said in values:
        return values.index(said)
    best = process.extract(said, labels, scorer=fuzz.token_set_ratio, limit=2,
                           score_cutoff=FUZZY_CUTOFF)
    if len(best) == 1 or (len(best) == 2 and best[0][1] > best[1][1]):
        return int(best[0][2])
    return None


def read_yes_no(text: str) -> bool | None:
    said = normalize(text)
    if said in YES or said == "1" or said.startswith(("si ", "yes ")):
        return True
    if said in NO or said == "2" or said.startswith(("no ", "no,")):
        return False
    return None


def read_number(text: str, spec: Input) -> Any:
    found = _AMOUNT.search(text.replace("$", ""))
    if not found:
        said = normalize(text)
        value: Decimal | None = Decimal(NUMBER_WORDS[said]) if said in NUMBER_WORDS else None
    else:
        value = _to_decimal(found.group(1), found.group(2))
    if value is None or not _within(value, spec):
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def read_money(text: str, spec: Input) -> Answer | None:
    said = normalize(text.replace(",", "").replace("$", " "))
    found = _AMOUNT.search(text.replace("$", " "))
    if not found:
        return None
    value = _to_decimal(found.group(1), found.group(2))
    if value is None or value <= 0 or not _within(value, spec):
        return None
    period = next((name for name, pattern in PERIODS if pattern.search(said)), None)
    return Answer(str(value.quantize(Decimal("0.01"))), {"per": period} if period else {})


def read_date(text: str, spec: Input, now: datetime) -> str | None:
    """An ISO date from "15/03/2021", "15 de marzo del 2021", "ayer"; checked against `when`."""
    cleaned = re.sub(r"\bdel\b", "de", text.strip(), flags=re.IGNORECASE)
    parsed = dateparser.parse(
        cleaned,
        languages=["es", "en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past",
                  "RELATIVE_BASE": now.replace(tzinfo=None), "REQUIRE_PARTS": ["day", "month"]},
    )
    if parsed is None:
        return None
    day = parsed.date()
    today = now.date()
    if (spec.when is When.PAST and day > today) or (spec.when is When.FUTURE and day < today):
        return None
    if day.year < 1900:
        return None
    return day.isoformat()


def read_phone(text: str) -> str | None:
    return e164(text)


def read_answer(
    kind: InputType, spec: Input | None, event: Event, now: datetime
) -> Answer | None:
    """Any non-choice input type; choices are read with `read_choice` against the options shown."""
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
        value = read_number(text, spec)
    elif kind is InputType.MONEY:
        return read_money(text, spec)
    elif kind is InputType.DATE:
        value = read_date(text, spec, now)
    elif kind is InputType.YES_NO:
        value = read_yes_no(text)
    elif kind is InputType.PHONE:
        value = read_phone(text)
    else:
        value = None
    return None if value is None else Answer(value)


def _to_decimal(digits: str, multiplier: str | None) -> Decimal | None:
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
