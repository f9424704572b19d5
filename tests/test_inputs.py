"""Reading answers the way workers type them: numbers, money, dates, yes/no, phones, choices."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.choices import named_options, read_choice
from bot.core.flowfile import Input, InputType, Unit, When
from bot.core.inputs import (
    Note,
    read_date,
    read_date_answer,
    read_money,
    read_number,
    read_number_answer,
    read_phone,
    read_yes_no,
)

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


# -- N1: what her words deny is never picked --------------------------------------------------------
REASONS = [("Renuncié", "resignation"), ("Me despidieron sin razón", "unjust_dismissal"),
           ("Me fui por culpa del patrón", "employer_fault"), ("Otra cosa", "other")]
REASONS_TODAY = [("Renuncié", "resignation"), ("Me corrieron sin razón", "unjust_dismissal"),
                 ("Me corrieron por una falta grave", "justified_dismissal"),
                 ("Me fui por culpa del patrón", "employer_fault")]
PERIODS = [("Al día", "day"), ("A la semana", "week"), ("A la quincena", "fortnight"),
           ("Al mes", "month")]


def test_a_denied_option_is_never_picked_and_the_other_side_of_the_contrast_is() -> None:
    assert read_choice("yo no renuncie, me corrieron", REASONS) == 1
    assert read_choice("no renuncié sino que me despidieron", REASONS) == 1
    assert read_choice("no renuncie, me fui por culpa del patron", REASONS) == 2
    # Two dismissals match "me corrieron": no answer (she is asked again), never Renuncié.
    assert read_choice("yo no renuncie, me corrieron", REASONS_TODAY) is None
    assert read_choice("no renuncie", REASONS_TODAY) is None


@pytest.mark.parametrize(("text", "index"), [
    ("no era al mes", None), ("no era al mes, regresame", None), ("al mes no", None),
    ("no era al mes, era a la semana", 1), ("no al mes sino a la quincena", 2),
    ("al mes no, al dia", 0), ("mensual no, semanal", 1), ("al mes", 3),
])
def test_a_denied_period_is_not_read(text: str, index: int | None) -> None:
    assert read_choice(text, PERIODS) == index


def test_the_option_naming_more_of_her_words_wins() -> None:
    assert read_choice("renuncie por culpa del patron", REASONS_TODAY) == 3
    assert read_choice("renuncie", REASONS_TODAY) == 0
    assert read_choice("no renuncie por gusto, fue por culpa del patron", REASONS_TODAY) == 3


def test_a_negated_option_label_matches_her_negation() -> None:
    kinds = [("Me despidieron", "dismissal"), ("No me pagan salario o prestaciones", "wages")]
    assert read_choice("no me pagan", kinds) == 1
    assert read_choice("no me corrieron, no me pagan", kinds) == 1
    assert read_choice("no me despidieron", kinds) is None  # denied, and nothing else named
    assert read_choice("me corrieron y no me pagaron", kinds) == 0  # "no me pagaron" denies no option


# -- N16: "no sé" is not a No -----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["no se", "No sé", "nose", "ni idea", "no me acuerdo",
                                  "no sé si", "no lo sé", "I don't know", "no estoy segura"])
def test_not_knowing_is_no_answer_to_a_yes_no_question(text: str) -> None:
    assert read_yes_no(text) is None


@pytest.mark.parametrize(("text", "index"), [
    ("no se", 2), ("ni idea", 2), ("no me acuerdo", 2), ("nose", 2), ("no", 1), ("si", 0),
    ("no, gracias", 1), ("si pero no se cuanto", 0),
])
def test_not_knowing_picks_a_no_se_option_when_there_is_one(text: str, index: int) -> None:
    assert read_choice(text, [("Sí", "yes"), ("No", "no"), ("No sé", "unknown")]) == index


def test_not_knowing_picks_nothing_without_a_no_se_option() -> None:
    assert read_choice("no se", [("Sí", "yes"), ("No", "no")]) is None
    assert read_choice("I don't know", [("Yes", "yes"), ("No", "no"), ("I don't know", "x")]) == 2


@pytest.mark.parametrize(("text", "value"), [
    ("si pero no tengo carta", True), ("sí, pero me da miedo", True), ("no, pero casi", False),
    ("no pero ya me voy", False), ("No, no sé", False), ("yes but only sometimes", True),
])
def test_a_yes_or_no_with_a_but_keeps_its_answer(text: str, value: bool) -> None:
    assert read_yes_no(text) is value


# -- amounts with units -----------------------------------------------------------------------------
DAYS = Input(type=InputType.NUMBER, min=0, max=366, unit=Unit.DAYS)


@pytest.mark.parametrize(("text", "days"), [
    ("2 semanas", 14), ("como 15 dias", 15), ("dos semanas", 14), ("una quincena", 15),
    ("3", 3), ("10 días", 10), ("nada", 0), ("0", 0), ("no me deben nada", 0),
])
def test_days_asked_read_weeks_as_days(text: str, days: int) -> None:
    assert read_number(text, DAYS) == days


def test_months_as_days_say_how_they_were_counted() -> None:
    answer = read_number_answer("un mes", DAYS)
    assert answer is not None and answer.value == 30
    assert str(answer.extra["assumed"]) == "Conté «un mes» como 30 días."


def test_a_plain_number_keeps_its_words() -> None:
    assert read_number("2 semanas", Input(type=InputType.NUMBER)) == 2  # no unit asked: as before
    assert read_number("34 años", Input(type=InputType.NUMBER)) == 34


@pytest.mark.parametrize(("text", "amount", "per"), [
    ("9 mil al mes", "9000.00", "month"), ("9,000 mensuales", "9000.00", "month"),
    ("$350 diarios", "350.00", "day"), ("350 al dia", "350.00", "day"),
    ("9.000 al mes", "9000.00", "month"), ("como 2 mil a la semana", "2000.00", "week"),
    ("4,500 a la quincena", "4500.00", "fortnight"), ("9000", "9000.00", None),
    ("no son 9000, son 900 a la semana", "900.00", "week"), ("9000 pero no al mes", "9000.00", None),
])
def test_money_with_its_period(text: str, amount: str, per: str | None) -> None:
    answer = read_money(text, Input(type=InputType.MONEY))
    assert answer is not None and (answer.value, answer.extra.get("per")) == (amount, per)


# -- N2: dates on her calendar ----------------------------------------------------------------------
EVENING = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 21:30 on 1 Dec 2026 in Mexico City
ANY = Input(type=InputType.DATE)
PAST = Input(type=InputType.DATE, when=When.PAST)


@pytest.mark.parametrize(("text", "iso"), [
    ("hoy", "2026-12-01"), ("ayer", "2026-11-30"), ("antier", "2026-11-29"),
    ("el viernes pasado", "2026-11-27"), ("el viernes", "2026-11-27"), ("el martes", "2026-11-24"),
    ("el lunes pasado", "2026-11-30"), ("hace 3 semanas", "2026-11-10"),
    ("hace tres semanas", "2026-11-10"), ("hace 2 meses", "2026-10-01"),
    ("hace un año", "2025-12-01"), ("hace como 5 dias", "2026-11-26"),
    ("hace un mes y medio", "2026-10-16"), ("el domingo antepasado", "2026-11-22"),
    ("el 1ro de mayo", "2026-05-01"),
    ("3 weeks ago", "2026-11-10"), ("yesterday", "2026-11-30"),
    ("el 3 de noviembre", "2026-11-03"), ("fue el 15 de marzo de 2021", "2021-03-15"),
    ("3/11/26", "2026-11-03"), ("15/12", "2025-12-15"),
    ("no fue el 15, fue el 16 de noviembre", "2026-11-16"),
])
def test_relative_dates_are_read_in_mexico_city(text: str, iso: str) -> None:
    assert read_date(text, PAST, EVENING) == iso


def test_the_reader_takes_her_zone() -> None:
    # 23:30 on 1 Dec in Tijuana is 07:30 UTC on 2 Dec, already 2 Dec in Mexico City.
    late = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
    assert read_date("hoy", PAST, late) == "2026-12-02"
    assert read_date("hoy", PAST, late, tz="America/Tijuana") == "2026-12-01"
    assert read_date("ayer", PAST, late, tz=ZoneInfo("America/Tijuana")) == "2026-11-30"


def test_past_and_future_are_checked_on_her_calendar() -> None:
    # At 21:30 on 1 Dec in Mexico City, 2 Dec has not come yet (in UTC it has).
    assert read_date("2/12/2026", PAST, EVENING) is None
    assert read_date("1/12/2026", Input(type=InputType.DATE, when=When.FUTURE), EVENING) == "2026-12-01"


@pytest.mark.parametrize(("text", "iso", "day_words"), [
    ("marzo 2022", "2022-03-01", "1 de marzo de 2022"),
    ("en marzo del 2022", "2022-03-01", "1 de marzo de 2022"),
    ("fue en marzo de 2021", "2021-03-01", "1 de marzo de 2021"),
    ("no me acuerdo el dia, fue en marzo del 2022", "2022-03-01", "1 de marzo de 2022"),
    ("03/2022", "2022-03-01", "1 de marzo de 2022"),
    ("en marzo", "2026-03-01", "1 de marzo de 2026"),
    ("el mes pasado", "2026-11-01", "1 de noviembre de 2026"),
])
def test_a_month_without_a_day_is_its_first_day_and_says_so(text: str, iso: str, day_words: str) -> None:
    answer = read_date_answer(text, PAST, EVENING)
    assert answer is not None and answer.value == iso
    note = answer.extra["assumed"]
    assert isinstance(note, Note)
    assert str(note) == f"Tomé el {day_words} porque no dijiste el día."


def test_a_month_note_in_english_after_make_i18n() -> None:
    answer = read_date_answer("marzo 2022", PAST, EVENING)
    assert answer is not None
    assert "March 1, 2022" in answer.extra["assumed"].render("en")


def test_last_week_is_its_monday_and_says_so() -> None:
    answer = read_date_answer("la semana pasada", PAST, EVENING)
    assert answer is not None and answer.value == "2026-11-23"
    assert "lunes" in str(answer.extra["assumed"])


@pytest.mark.parametrize("text", ["2021", "en 2021", "no me acuerdo", "31/02/2026", "el año pasado",
                                  "hace mas de 2 meses", "1.5 years ago", "hace 1.5 años"])
def test_no_date_where_she_gave_none(text: str) -> None:
    assert read_date_answer(text, PAST, EVENING) is None


def test_a_full_date_carries_no_note() -> None:
    answer = read_date_answer("15 de marzo de 2022", PAST, EVENING)
    assert answer is not None and answer.extra == {}


def test_a_future_month_is_not_a_past_date() -> None:
    assert read_date("enero 2027", PAST, EVENING) is None
    assert read_date("enero 2027", Input(type=InputType.DATE, when=When.FUTURE), EVENING) == "2027-01-01"


def test_named_options_are_what_a_tie_was_between() -> None:
    assert sorted(named_options("yo no renuncie, me corrieron", REASONS_TODAY)) == [1, 2]
    assert named_options("me corrieron ayer", MENU) == []
    assert named_options("no renuncie", REASONS_TODAY) == []
