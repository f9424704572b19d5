"""The terminal simulator holds a whole conversation through the main menu in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.flowset import FlowSet
from bot.service import BotService
from bot.simulator import run_chat
from bot.store.memory import MemorySessionStore
from bot.workshops.resolvers import workshop_resolvers
from bot.workshops.seats.memory import MemorySeats


def scripted(lines: list[str]) -> Callable[[str], str]:
    queue = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(queue)
        except StopIteration:
            raise EOFError from None

    return read


async def converse(flows: FlowSet, lines: list[str], channel: str, lang: str) -> str:
    out: list[str] = []
    service = BotService(flows, MemorySessionStore(), resolvers=workshop_resolvers(MemorySeats()))
    await run_chat(service, channel, lang, read=scripted(lines), write=out.append)
    return "\n".join(out)


async def test_spanish_conversation_on_whatsapp(shipped_flows: FlowSet) -> None:
    screen = await converse(shipped_flows, ["hola", "si", "6", "7", "menu", "5", "/sticker", "/salir"],
                            "whatsapp", "es")
    assert "¿Estás de acuerdo en que guarde tus respuestas?\n\n1. Sí\n2. No" in screen
    menu = ("1. Conocer mis derechos\n2. Poner una queja\n3. Buscar un centro\n"
            "4. Talleres para mujeres\n5. Hablar con una persona\n6. Cómo usar este bot\n"
            "7. Mis datos y privacidad")
    assert menu in screen
    assert "como se la contarías a una amiga" in screen
    assert "borro la conversación si pasan 7 días" in screen
    assert "anoté que quieres hablar con una persona" in screen
    assert "Solo puedo leer mensajes de texto" in screen


async def test_english_conversation_on_telegram_with_buttons(shipped_flows: FlowSet) -> None:
    screen = await converse(shipped_flows, ["hi", "1", "7", "language", "1", "/salir"], "telegram", "en")
    assert "Do you agree that I keep your answers?\n  [1] Yes\n  [2] No" in screen
    assert "Thank you for your trust." in screen
    assert "  [7] My data and privacy" in screen
    assert "I keep your answers only while you need them" in screen
    assert "Listo, te escribiré en español." in screen


@pytest.mark.parametrize("line", ["/ubicacion", "/ubicacion norte sur"])
async def test_bad_location_command_explains_itself(line: str, shipped_flows: FlowSet) -> None:
    screen = await converse(shipped_flows, [line], "whatsapp", "es")
    assert "uso: /ubicacion" in screen
