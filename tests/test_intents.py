"""What she asks for inside a sentence, and the language her words are in (issue 14, part 3)."""

from __future__ import annotations

import pytest

from bot.core.intents import PERSON, Intents, same_word
from bot.i18n import language_in

INTENTS = Intents.build({
    "workshops": ["taller", "talleres", "workshop"], "centers": ["centro", "buscar un centro", "center"],
    "complaint": ["queja", "demanda", "complaint"], "severance": ["finiquito", "calcular"],
})


@pytest.mark.parametrize(("text", "target"), [
    ("quiero entrar al taller de negociación", "workshops"),
    ("dónde está el centro más cercano", "centers"),
    ("necesito un abogado ya", PERSON),
    ("kiero hablar con alguien", PERSON),
    ("abogao", PERSON),
    ("el tayer", "workshops"),
    ("sentro porfa", "centers"),
    ("quiero poner una keja contra mi patron", "complaint"),
    ("quiero calcular mi finiquito", "severance"),
    ("donde pongo la demanda", "complaint"),
    ("i need a lawyer", PERSON),
    ("where is the nearest center", "centers"),
])
def test_a_request_or_a_short_message_names_its_flow(text: str, target: str) -> None:
    assert INTENTS.find(text) == target


@pytest.mark.parametrize("text", [
    "en mi centro de trabajo no nos dejan tomar agua ni ir al baño, es legal?",
    "quiero saber si en mi centro de trabajo me deben dar agua",  # a question, and her workplace
    "me corrieron por poner una queja, que hago",  # no request: a rights question
    "una persona de mi trabajo me acosa",
    "trabajo en un taller de costura",
    "me pueden correr por ir al taller",
    "quiero saber cuanto me toca de finiquito",
    "necesito ir, pero el taller cierra",  # the clause ends before the trigger
    "hola buenas tardes me corrieron ayer q hago",
])
def test_a_question_that_mentions_a_word_is_not_a_request(text: str) -> None:
    assert INTENTS.find(text) is None


def test_words_are_compared_by_sound_and_one_letter_off_but_never_a_real_neighbour() -> None:
    assert same_word("nesesito", "necesito") and same_word("avogado", "abogado")
    assert not same_word("dentro", "centro") and not same_word("personal", "persona")
    assert not same_word("tal", "taller")


@pytest.mark.parametrize(("text", "lang"), [
    ("hola", "es"), ("buenas tardes", "es"), ("hi", "en"), ("hello", "en"),
    ("do they have to pay me extra for overtime? i work in tijuana", "en"),
    ("me corrieron ayer y no me pagaron nada", "es"), ("ok", None), ("1", None), ("menu", None),
])
def test_a_first_message_language_is_read_from_its_words(text: str, lang: str | None) -> None:
    assert language_in(text) == lang


def test_switching_a_conversation_needs_a_clear_sentence() -> None:
    assert language_in("hi", strict=True) is None and language_in("si", strict=True) is None
    assert language_in("where do i go to complain about my boss", strict=True) == "en"
    assert language_in("no me pagaron las horas extra de la semana", strict=True) == "es"
