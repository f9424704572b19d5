"""Property-based tests of the engine on the shipped flows: any sequence of messages, on any flow,
never raises and always leaves a valid session, and every reply renders on both channels.

The messages mix what a worker would really send (each flow's trigger words, global commands,
numbers, yes/no, dates, amounts, the labels and values of the buttons just shown, locations,
stickers) with arbitrary text, and the clock jumps forward between messages (idle resumes,
the handoff pause ending). Requests of `await:` states are answered by the real resolvers on
in-memory seats, through `BotService` on the in-memory store, exactly as in production.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.compose import build_service
from bot.core.commands import WORDS
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.session import Session
from bot.core.turn import Reply
from bot.loader import load_assets
from bot.render import TELEGRAM_LIMIT, WHATSAPP_LIMIT, render_telegram, render_whatsapp
from bot.settings import Settings
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore

pytestmark = pytest.mark.slow  # Hypothesis: generated conversations

START = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
PLAIN = ["hola", "si", "sí", "no", "1", "2", "3", "4", "7", "12", "0", "-5", "9,000", "$8,500.50",
         "al mes", "por semana", "15/03/2024", "1 de marzo de 2020", "mañana", "31/02/2025", "ayer",
         "CDMX", "Jalisco", "Tijuana", "Lupita", "no sé", "me corrieron sin razon",
         "no me pagan horas extras", "english", "español", "5215512345678", "  ", "🙂", "?"]


@cache
def shipped() -> FlowSet:
    return load_assets()


def vocabulary(flows: FlowSet) -> list[str]:
    words = [w for flow in flows.flows.values() for ws in flow.triggers.values() for w in ws]
    words += [w for ws in WORDS.values() for w in ws]
    return sorted(set(words + PLAIN))


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as run:
        yield run


def check_session(flows: FlowSet, session: Session) -> None:
    assert Session.from_json(session.to_json()) == session  # stores and loads as it is
    assert flows.state(session.position) is not None, session.position
    assert session.lang in ("es", "en")
    for _, value in session.offer:
        assert value.startswith(("cmd:", "go:")), value


def check_replies(replies: tuple[Reply, ...]) -> None:
    for reply in replies:
        assert isinstance(reply.text, str)
        assert all(len(body) <= WHATSAPP_LIMIT for body in render_whatsapp(reply))
        assert all(len(piece.text) <= TELEGRAM_LIMIT for piece in render_telegram(reply))
        for choice in reply.choices:
            assert choice.label and choice.value


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data(), channel=st.sampled_from(["whatsapp", "telegram", "webchat"]),
       lang_hint=st.sampled_from([None, "es", "en", "es-MX", "fr"]))
def test_any_messages_on_any_flow_leave_a_valid_session(
    runner: asyncio.Runner, data: st.DataObject, channel: str, lang_hint: str | None
) -> None:
    flows = shipped()
    words = vocabulary(flows)
    clock = [START]
    store = MemorySessionStore()
    service = build_service(Settings(), store, flows=flows, clock=lambda: clock[0])
    key = UserKey(channel, "fuzz")
    ids = itertools.count()
    shown: list[tuple[str, str]] = []  # (label, value) of the buttons of the last answer

    def event(kind: EventKind, **fields: object) -> Event:
        return Event(kind, channel, key.user, f"m{next(ids)}", lang_hint=lang_hint, **fields)  # type: ignore[arg-type]

    def send(message: Event) -> None:
        replies = runner.run(service.handle(message))
        check_replies(replies)
        loaded = runner.run(store.load(key, "-"))
        if loaded.session is not None:  # None only after "delete my data"
            check_session(flows, loaded.session)
        buttons = [(c.label, c.value) for r in replies for c in r.choices]
        if buttons:
            shown[:] = buttons

    first_flow = data.draw(st.sampled_from(sorted(flows.flows)), label="flow")
    triggers = [w for ws in flows.flows[first_flow].triggers.values() for w in ws] or ["hola"]
    send(event(EventKind.TEXT, text=data.draw(st.sampled_from(triggers), label="first")))
    for _ in range(data.draw(st.integers(1, 14), label="length")):
        kind = data.draw(st.sampled_from(["word", "text", "button", "label", "choice", "location",
                                          "contact", "unsupported", "wait"]), label="kind")
        if kind == "wait":
            clock[0] += timedelta(minutes=data.draw(st.integers(1, 3 * 24 * 60), label="minutes"))
        elif kind == "word":
            send(event(EventKind.TEXT, text=data.draw(st.sampled_from(words), label="word")))
        elif kind == "text":
            send(event(EventKind.TEXT, text=data.draw(st.text(max_size=300), label="text")))
        elif kind in ("button", "label"):
            if shown:
                label, value = data.draw(st.sampled_from(shown), label="shown")
                send(event(EventKind.CHOICE, value=value, text=label) if kind == "button"
                     else event(EventKind.TEXT, text=label))
        elif kind == "choice":
            value = data.draw(st.text(max_size=64) | st.sampled_from(
                ["cmd:menu", "cmd:forget:yes", "cmd:lang:en", "cmd:resume", "go:menu",
                 "go:nowhere", "go:main.menu|x=1", "cmd:", ":", "1", "99"]), label="value")
            send(event(EventKind.CHOICE, value=value))
        elif kind == "location":
            send(event(EventKind.LOCATION, latitude=data.draw(st.floats(-90, 90), label="lat"),
                       longitude=data.draw(st.floats(-180, 180), label="lon")))
        elif kind == "contact":
            send(event(EventKind.CONTACT, phone=data.draw(
                st.sampled_from(["+5215512345678", "5512345678", "", "abc"]), label="phone")))
        else:
            send(event(EventKind.UNSUPPORTED))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flow=st.sampled_from(sorted(shipped().flows)), texts=st.lists(st.text(max_size=80), max_size=8))
def test_each_flow_from_its_start_survives_arbitrary_text(
    runner: asyncio.Runner, flow: str, texts: list[str]
) -> None:
    """Pressing `go:<flow>` from the menu, then typing anything at all."""
    flows = shipped()
    store = MemorySessionStore()
    service = build_service(Settings(), store, flows=flows, clock=lambda: START)
    key = UserKey("whatsapp", "fuzz")
    runner.run(service.handle(Event(EventKind.TEXT, "whatsapp", key.user, "m0", text="hola")))
    runner.run(service.handle(Event(EventKind.CHOICE, "whatsapp", key.user, "m1", value=f"go:{flow}")))
    for n, text in enumerate(texts):
        replies = runner.run(service.handle(Event(EventKind.TEXT, "whatsapp", key.user, f"t{n}",
                                                  text=text)))
        check_replies(replies)
        session = runner.run(store.load(key, "-")).session
        if session is not None:
            check_session(flows, session)
