"""Channel rendering: numbered lists, buttons, and splitting long texts at sentence ends."""

from __future__ import annotations

from bot.core.turn import Choice, Reply
from bot.render import render_telegram, render_whatsapp, split_text


def test_whatsapp_menu_is_a_numbered_list() -> None:
    reply = Reply("¿Qué quieres?", (Choice("Derechos", "1"), Choice("Talleres", "2")))
    assert render_whatsapp(reply) == ["¿Qué quieres?\n\n1. Derechos\n2. Talleres"]


def test_long_text_is_split_at_sentence_ends_within_the_limit() -> None:
    sentence = "Esta es una oración de prueba con varias palabras. "
    text = sentence * 80  # about 4,000 characters
    pieces = split_text(text, 1600)
    assert len(pieces) == 3
    assert all(len(p) <= 1600 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(" ".join(p.split()) for p in pieces) == " ".join(text.split())


def test_a_sentence_longer_than_the_limit_is_cut_between_words() -> None:
    pieces = split_text("palabra " * 500, 1600)
    assert all(len(p) <= 1600 for p in pieces)
    assert all(not p.startswith(" ") and "palabr " not in p for p in pieces)


def test_telegram_buttons_go_on_the_last_piece() -> None:
    reply = Reply("Uno. " * 1000, (Choice("Sí", "1"),))
    messages = render_telegram(reply)
    assert len(messages) == 2
    assert messages[0].buttons == () and messages[1].buttons == (Choice("Sí", "1"),)
