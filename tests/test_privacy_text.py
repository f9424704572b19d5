"""The privacy text quotes the configured retention (SESSION_TTL_DAYS), never a fixed 7 days (red team F6)."""

from __future__ import annotations

import pytest

from bot.compose import build_service
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.settings import Settings
from bot.store.memory import MemorySessionStore

LABEL_EN = "My data and privacy"


async def _privacy_text(flows: FlowSet, days: str, lang: str) -> str:
    service = build_service(Settings.from_env({"SESSION_TTL_DAYS": days}), MemorySessionStore(), flows=flows)
    said: list[str] = []
    words = ["hola", "si", "Mis datos y privacidad"] if lang == "es" else ["hello", "yes", LABEL_EN]
    for n, text in enumerate(words):  # the menu's button, typed as its label
        event = Event(EventKind.TEXT, "webchat", "anon-privacy", f"m{n}", text=text, lang_hint=lang)
        said += [reply.text for reply in await service.handle(event)]
    return "\n".join(said)


@pytest.mark.parametrize(("days", "lang", "expected"), [
    ("30", "es", "si pasan 30 días sin que escribas"),
    ("2.5", "es", "si pasan 2.5 días sin que escribas"),
    ("30", "en", "after 30 days without a message"),
])
async def test_the_privacy_text_quotes_session_ttl_days(shipped_flows: FlowSet, days: str, lang: str,
                                                        expected: str) -> None:
    text = await _privacy_text(shipped_flows, days, lang)
    assert expected in text and "7 d" not in text and "{retention_days}" not in text
