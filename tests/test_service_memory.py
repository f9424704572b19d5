"""`BotService` with the in-memory store: replays, atomic commits, delete-my-data."""

from __future__ import annotations

import asyncio

from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.service import BotService
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore
from bot.workshops.resolvers import workshop_resolvers
from bot.workshops.seats.memory import MemorySeats


def text(message_id: str, body: str, user: str = "w1") -> Event:
    return Event(EventKind.TEXT, "whatsapp", user, message_id, text=body)


async def test_a_redelivered_message_gets_the_same_replies_without_a_second_step(
    shipped_flows: FlowSet,
) -> None:
    store = MemorySessionStore()
    service = BotService(shipped_flows, store, resolvers=workshop_resolvers(MemorySeats()))
    await service.handle(text("m1", "hola"))
    first = await service.handle(text("m2", "si"))
    again = await asyncio.gather(*(service.handle(text("m2", "si")) for _ in range(20)))
    assert all(replies == first for replies in again)
    assert len(await store.records("consent")) == 1


async def test_delete_my_data_removes_the_session_and_strips_records(shipped_flows: FlowSet) -> None:
    store = MemorySessionStore()
    service = BotService(shipped_flows, store, resolvers=workshop_resolvers(MemorySeats()))
    for i, body in enumerate(["hola", "si", "persona", "borrar mis datos", "si"]):
        await service.handle(text(str(i), body))
    loaded = await store.load(UserKey("whatsapp", "w1"), "new")
    assert loaded.session is None
    assert await store.records("handoff") == [{"user": None, "forgotten": True}]
    replayed = await service.handle(text("4", "si"))
    assert "Borré" in replayed[0].text
