"""Babel extraction from flow files, catalogs, fallback to Spanish, money and dates by locale."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from babel.messages.extract import extract

from bot.i18n import fill, format_day, format_money, language_from_hint, translate
from bot.i18n.extract import extract_flows

FLOW = """\
flow: demo
start: a
states:
  a:
    say: Hola {name}
    choices:
      - {label: Uno, go: b}
  b:
    say:
      - Primero
      - Segundo
    help: Ayuda
    end: true
"""


def test_extractor_yields_each_text_with_its_line() -> None:
    found = list(extract_flows(io.BytesIO(FLOW.encode()), {}, [], {}))
    assert [(line, text) for line, _, text, _ in found] == [
        (5, "Hola {name}"), (7, "Uno"), (10, "Primero"), (11, "Segundo"), (12, "Ayuda"),
    ]


def test_extractor_is_registered_with_babel() -> None:
    found = list(extract("labor_flows", io.BytesIO(FLOW.encode())))
    assert [text for _, text, _, _ in found][:2] == ["Hola {name}", "Uno"]


def test_broken_yaml_extracts_nothing_instead_of_crashing() -> None:
    assert list(extract_flows(io.BytesIO(b"states: [unclosed"), {}, [], {})) == []


def test_translation_falls_back_to_spanish() -> None:
    assert translate("en", "Menú principal") == "Main menu"
    assert translate("en", "Un texto que nadie tradujo") == "Un texto que nadie tradujo"
    assert translate("es", "Menú principal") == "Menú principal"


def test_language_hint() -> None:
    assert language_from_hint("en-US") == "en"
    assert language_from_hint("pt-BR") == "es"
    assert language_from_hint(None) == "es"


def test_placeholders_are_filled_and_missing_ones_left_empty() -> None:
    assert fill("Hola {name}, {missing}listo", {"name": "Rosa"}) == "Hola Rosa, listo"


def test_money_and_dates_follow_the_locale() -> None:
    assert format_money(Decimal("1234.5"), "es") == "$1,234.50"
    assert format_money(Decimal("1234.5"), "en") == "MX$1,234.50"
    assert format_day(date(2025, 3, 7), "es") == "7 de marzo de 2025"
    assert format_day(date(2025, 3, 7), "en") == "March 7, 2025"
