"""States with `await`: the service answers the engine's request before the one atomic commit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.core.actions import REGISTRY, ActionContext, ActionResult, action
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet, load_flowset
from bot.errors import BotError
from bot.service import BotService
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore

FLOWS = Path(__file__).parent / "fixtures" / "flows_await"


@pytest.fixture
def flows() -> Iterator[FlowSet]:
    @action("test.ask_seat", provides=("code", "place"), outcomes=("confirmed", "waitlisted"))
    def ask_seat(ctx: ActionContext) -> ActionResult:
        return ActionResult(request={"workshop": "w1"})

    yield load_flowset(FLOWS)
    del REGISTRY["test.ask_seat"]


class Seats:
    """An idempotent seat keeper: asking twice for the same worker gives the same answer."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.order: list[UserKey] = []
        self.calls = 0

    async def __call__(self, key: UserKey, request: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        self.calls += 1
        assert request == {"name": "seat", "workshop": "w1"}
        if key not in self.order:
            self.order.append(key)
        place = self.order.index(key) + 1
        if place <= self.capacity:
            return "confirmed", {"code": f"C{place}"}
        return "waitlisted", {"place": place - self.capacity}


def message(user: str, message_id: str, text: str) -> Event:
    return Event(EventKind.TEXT, "whatsapp", user, message_id, text=text)


async def test_the_answer_routes_the_conversation_within_one_message(flows: FlowSet) -> None:
    seats = Seats(capacity=1)
    service = BotService(flows, MemorySessionStore(), resolvers={"seat": seats})
    await service.handle(message("ana", "1", "hola"))
    replies = await service.handle(message("ana", "2", "1"))
    assert [r.text for r in replies] == ["Tienes lugar, tu código es C1."]
    await service.handle(message("eva", "1", "hola"))
    replies = await service.handle(message("eva", "2", "si"))
    assert [r.text for r in replies] == ["Estás en la lista de espera, lugar 1."]


async def test_a_redelivery_does_not_ask_again(flows: FlowSet) -> None:
    seats = Seats(capacity=1)
    store = MemorySessionStore()
    service = BotService(flows, store, resolvers={"seat": seats})
    await service.handle(message("ana", "1", "hola"))
    first = await service.handle(message("ana", "2", "1"))
    again = await service.handle(message("ana", "2", "1"))
    assert again == first and seats.calls == 1
    loaded = await store.load(UserKey("whatsapp", "ana"), "3")
    assert loaded.session is not None and loaded.session.state == "confirmed"
    assert await store.records("request") == []  # requests are questions, never records


async def test_a_request_nobody_answers_is_a_configuration_error(flows: FlowSet) -> None:
    service = BotService(flows, MemorySessionStore())
    await service.handle(message("ana", "1", "hola"))
    with pytest.raises(BotError, match="no resolver for the request 'seat'"):
        await service.handle(message("ana", "2", "1"))
