"""`labor-bot chat`: the terminal simulator, with the in-memory store."""

from __future__ import annotations

import asyncio
from enum import StrEnum

import typer

from bot.cli.common import exit_on_flow_error
from bot.followups import Followups
from bot.loader import load_assets
from bot.service import BotService
from bot.simulator import run_chat
from bot.store.memory import MemorySessionStore
from bot.workshops.resolvers import workshop_resolvers
from bot.workshops.seats.memory import MemorySeats


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
    with exit_on_flow_error():
        flows = load_assets()
    seats = MemorySeats()
    service = BotService(flows, MemorySessionStore(), resolvers=workshop_resolvers(seats))
    service.after_commit = Followups(lambda: service.flows, seats, outbox=None)
    asyncio.run(run_chat(service, channel.value, lang.value))
