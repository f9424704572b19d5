"""Reading answers the way workers type them: numbers, money, dates, yes/no, phones, choices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.flowfile import Input, InputType, When
from bot.core.inputs import read_choice, read_date, read_money, read_number, read_phone, read_yes_no

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
MENU = [("Mis derechos", "1"), ("Talleres para mujeres", "2"), ("Hablar con una persona", "3")]


@pytest.mark.parametrize(("text", "index"), [
    ("2", 1), (" 2. ", 1), ("dos", 1), ("talleres", 1), ("Talleres para mujeres", 1),
    ("talleres para mujere", 1), ("mis derechos", 0), ("MIS DERECHOS", 0), ("persona", 2),
])
def test_choice_by_number_words_or_misspelling(text: str, index: int) -> None:
    assert read_choice(text, MENU) == index


@pytest.mark.parametrize("text", ["4", "0", "", "me corrieron ayer", "🙂"])
def test_choice_that_matches_nothing(text: str) -> None:
    assert read_choice(text, MENU) is None


@pytest.mark.parametrize(("text", "value"), [
    ("si", True), ("Sí", True), ("simon", True), ("claro", True), ("ok", True), ("yes", True),
    ("no", False), ("nel", False), ("No gracias", False), ("quien sabe", None),
])
def test_yes_no(text: str, value: bool | None) -> None:
    assert read_yes_no(text) is value


@pytest.mark.parametrize(("text", "amount", "per"), [
    ("8,500 al mes", "8500.00", "month"), ("300 diarios", "300.00", "day"),
    ("$8500.50", "8500.50", None), ("8 mil", "8000.00", None),
    ("2,000 a la semana", "2000.00", "week"), ("1500 quincenal", "1500.00", "fortnight"),
])
def test_money(text: str, amount: str, per: str | None) -> None:
    answer = read_money(text, Input(type=InputType.MONEY))
    assert answer is not None and answer.value == amount
    assert answer.extra.get("per") == per


@pytest.mark.parametrize("text", ["nada", "0", "-5"])
def test_money_that_is_not_an_amount(text: str) -> None:
    assert read_money(text, Input(type=InputType.MONEY)) is None


def test_number_limits() -> None:
    spec = Input(type=InputType.NUMBER, min=14, max=99)
    assert read_number("34 años", spec) == 34
    assert read_number("5", spec) is None
    assert read_number("tres", Input(type=InputType.NUMBER)) == 3


@pytest.mark.parametrize(("text", "iso"), [
    ("15 de marzo del 2021", "2021-03-15"), ("15/03/2021", "2021-03-15"),
    ("2021-03-15", "2021-03-15"), ("ayer", "2026-11-23"), ("March 15, 2021", "2021-03-15"),
])
def test_dates_as_people_write_them(text: str, iso: str) -> None:
    assert read_date(text, Input(type=InputType.DATE), NOW) == iso


def test_impossible_or_future_dates() -> None:
    past_only = Input(type=InputType.DATE, when=When.PAST)
    assert read_date("31/02/2021", past_only, NOW) is None
    assert read_date("15/03/2030", past_only, NOW) is None
    assert read_date("15/03/2030", Input(type=InputType.DATE, when=When.FUTURE), NOW) == "2030-03-15"


def test_phone_numbers_are_validated_and_normalised() -> None:
    assert read_phone("55 1234 5678") == "+525512345678"
    assert read_phone("+52 55 1234 5678") == "+525512345678"
    assert read_phone("12345") is None
