"""States with `await`: the service answers the engine's request before the one atomic commit."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.loading import load_flowset
from bot.errors import FlowError
from bot.problems import Problem
from bot.service import BotService
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore

FLOWS = Path(__file__).parent / "fixtures" / "flows_await"


def catalog() -> ActionCatalog:
    """A catalog of the test's own: one action that asks for a seat, and the request it makes."""
    test = ActionCatalog()

    @test.action("test.ask_seat")
    def ask_seat(ctx: ActionContext[None]) -> ActionResult:
        return ActionResult(request={"workshop": "w1"})

    test.request("seat", outcomes=("confirmed", "waitlisted"), provides=("code", "place"))
    return test


@pytest.fixture
def flows() -> FlowSet:
    return load_flowset(FLOWS, catalog())


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


def test_a_request_nobody_answers_is_refused_when_the_service_is_built(flows: FlowSet) -> None:
    with pytest.raises(FlowError, match="no resolver answers «await: seat»"):
        BotService(flows, MemorySessionStore())


def test_a_state_awaiting_an_unknown_request_is_a_checker_error_at_its_line(tmp_path: Path) -> None:
    text = (FLOWS / "main.yaml").read_text(encoding="utf-8").replace("await: seat", "await: seats")
    (tmp_path / "main.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FlowError) as raised:
        load_flowset(tmp_path, catalog())
    (problem,) = raised.value.problems
    assert isinstance(problem, Problem)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "await: seats" in row)
    assert (problem.path.name, problem.line, problem.code) == ("main.yaml", line, "unknown-await")
    assert "¿Quisiste decir «seat»?" in problem.message
