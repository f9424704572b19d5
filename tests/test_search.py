"""The free-text search as the engine's fallback: answer, offer three topics, or ask again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.engine import step
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.session import Session
from bot.loader import load_assets
from bot.rights.search import RightsSearch
from bot.rights.synonyms import synonym_problems

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    return load_assets()


def at_menu(flows: FlowSet) -> Session:
    session = None
    for i, text in enumerate(["hola", "si"]):
        session = step(flows, session, Event(EventKind.TEXT, "whatsapp", "w", str(i), text=text), NOW).session
    assert session is not None and session.state == "menu"
    return session


def test_a_confident_match_answers_directly(flows: FlowSet) -> None:
    search = flows.fallback
    assert isinstance(search, RightsSearch)
    replies = search("no me an pagado el aguinaldo", "es", NOW)
    assert replies is not None
    assert replies[0].text.startswith("*Aguinaldo*")
    assert replies[-1].choices[-1].value == "go:main.menu"


def test_a_close_call_offers_the_likeliest_topics(flows: FlowSet) -> None:
    search = flows.fallback
    assert isinstance(search, RightsSearch)
    questions = ("me quieren correr", "trabajo en una casa", "el sindicato")
    offered = [search(text, "es", NOW) for text in questions]
    close_calls = [r for r in offered if r and r[0].text.startswith("¿Tu pregunta es sobre")]
    assert close_calls, "no question in this list was a close call: pick vaguer ones"
    for replies in close_calls:
        values = [c.value for c in replies[0].choices]
        assert 2 <= len(values) <= 5
        assert all(v.startswith("go:rights.answer|topic=") for v in values[:-2])
        assert values[-2:] == ["go:rights.categories", "go:main.menu"]


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "a" * 4000, "quel temps fait-il à Paris", "hola"])
def test_no_topic_is_none_and_never_an_error(flows: FlowSet, text: str) -> None:
    assert flows.fallback is not None
    assert flows.fallback(text, "es", NOW) is None


def test_an_offered_topic_can_be_picked_by_its_number(flows: FlowSet) -> None:
    session = at_menu(flows)
    turn = step(flows, session, Event(EventKind.TEXT, "whatsapp", "w", "q", text="me corrieron ayer"), NOW)
    assert turn.session is not None and turn.session.offer
    picked = step(flows, turn.session, Event(EventKind.TEXT, "whatsapp", "w", "p", text="1"), NOW)
    assert picked.session is not None and picked.session.flow == "rights"


def test_the_shipped_synonyms_are_sound_and_a_broken_file_is_reported(tmp_path: Path) -> None:
    assert synonym_problems(Path("flows/matching/synonyms.yaml")) == []
    broken = tmp_path / "synonyms.yaml"
    broken.write_text("es:\n  spelling:\n    an: han\n  synonims: {}\n", encoding="utf-8")
    (problem,) = synonym_problems(broken)
    assert (problem.line, problem.code) == (4, "invalid-value")
