"""`labor-bot chat`: the terminal simulator, with the in-memory store."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from bot.cli.common import cli_settings, exit_on_flow_error
from bot.compose import build_service
from bot.simulator import run_chat
from bot.store.memory import MemorySessionStore


class Channel(StrEnum):
    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"


class Lang(StrEnum):
    ES = "es"
    EN = "en"


def chat(
    lang: Lang = typer.Option(Lang.ES, help="The language the worker's phone reports."),
    channel: Channel = typer.Option(Channel.WHATSAPP, help="Show replies as this channel would."),
) -> None:
    """Talk to the bot in the terminal."""
    settings = cli_settings()
    with exit_on_flow_error():
        service = build_service(settings, MemorySessionStore())
    asyncio.run(run_chat(service, channel.value, lang.value))
