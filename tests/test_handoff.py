"""Talking to a person: which center, when they answer, the pause, and `labor-bot handoff list|release`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis
from typer.testing import CliRunner

from bot.cli import handoff as cli
from bot.complaint.directory import Center, Directory
from bot.complaint.directory_file import load_directory
from bot.complaint.person import FREE_LINE, answer_time, handoff_center, request
from bot.compose import build_service
from bot.core.actions import ActionContext
from bot.core.commands import RELEASED
from bot.core.flowset import FlowSet
from bot.outbox import Outbox
from bot.settings import Settings
from bot.store.base import UserKey
from bot.store.redis import RedisSessionStore
from tests.redis_server import RedisServer
from tests.test_complaint import (
    Chat,
    complaint_flowset,
    english_draft,  # noqa: F401  (a fixture)
    shipped_data,
)
from tests.test_referrals import Worker

PHONE = "5213312345678"
TAG = "{whatsapp:" + PHONE + "}"


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory(production=False)


def _center(directory: Directory, center_id: str) -> Center:
    found = directory.get(center_id)
    assert found is not None
    return found


# -- when to expect an answer: the CDMX example is open Mon-Fri 9-18, Sat 10-14 (UTC-6) -----------------

@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2026, 3, 2, 15, 0, tzinfo=UTC), "Ahora están en horario de atención"),  # Mon 09:00
    (datetime(2026, 3, 2, 13, 0, tzinfo=UTC), "hoy después de las 9:00"),  # Mon 07:00
    (datetime(2026, 3, 3, 1, 0, tzinfo=UTC), "mañana después de las 9:00"),  # Mon 19:00
    (datetime(2026, 3, 7, 21, 0, tzinfo=UTC), "el lunes después de las 9:00"),  # Sat 15:00
    (datetime(2026, 3, 6, 23, 30, tzinfo=UTC), "Ahora están en horario de atención"),  # Fri 17:30
    (datetime(2026, 3, 7, 0, 30, tzinfo=UTC), "mañana después de las 10:00"),  # Fri 18:30 → Sat 10:00
])
def test_when_she_can_expect_an_answer(directory: Directory, now: datetime, expected: str) -> None:
    assert expected in answer_time(_center(directory, "ejemplo_cdmx"), now, "es")


@pytest.mark.usefixtures("english_draft")
def test_when_in_english(directory: Directory) -> None:
    saturday = datetime(2026, 3, 7, 21, 0, tzinfo=UTC)
    assert answer_time(_center(directory, "ejemplo_cdmx"), saturday, "en") == \
        "They will answer you on Monday after 9:00 AM."


def test_a_center_without_hours_answers_as_soon_as_it_can(directory: Directory) -> None:
    assert answer_time(_center(directory, "cfcrl"), datetime.now(UTC), "es") == \
        "Te contestarán en cuanto puedan."


def test_the_relevant_center_is_her_chosen_one_then_her_states_then_the_default(directory: Directory) -> None:
    assert _id(handoff_center(directory, {"center": "ejemplo_puebla", "mx_state": "JAL"})) == "ejemplo_puebla"
    assert _id(handoff_center(directory, {"center": "gone", "mx_state": "JAL"})) == "ejemplo_guadalajara"
    assert _id(handoff_center(directory, {"center": "cfcrl", "mx_state": "NLE"})) == "ejemplo_monterrey"
    assert _id(handoff_center(directory, {"mx_state": "YUC"})) == "ejemplo_cdmx"  # the default
    assert handoff_center(load_directory(production=True), {"mx_state": "JAL"}) is None


def _id(center: object) -> str | None:
    return getattr(center, "id", None)


def test_the_request_names_the_center_and_pauses_the_bot() -> None:
    ctx = ActionContext({"mx_state": "JAL", "_from_flow": "complaint"}, "es",
                        datetime(2026, 3, 7, 21, 0, tzinfo=UTC), "whatsapp", shipped_data())
    result = request(ctx)
    (effect,) = result.effects
    assert result.pause and effect.kind == "handoff"
    assert effect.data["center"] == "ejemplo_guadalajara" and effect.data["flow"] == "complaint"
    assert result.say == ("Listo, anoté que quieres hablar con una persona de Centro de ejemplo "
                          "Guadalajara. Te contestarán el lunes después de las 10:00.\n"
                          + FREE_LINE,)  # closed until Monday: a line that answers now


def test_an_open_center_answers_soon_and_no_other_line_is_needed() -> None:
    ctx = ActionContext({"mx_state": "JAL"}, "es", datetime(2026, 3, 9, 17, 0, tzinfo=UTC),
                        "whatsapp", shipped_data())  # Monday 11:00 in Guadalajara
    (text,) = request(ctx).say
    assert "en horario de atención" in text and "079" not in text


def test_in_production_with_no_real_center_she_still_gets_an_answer() -> None:
    ctx = ActionContext({}, "es", datetime(2026, 3, 2, 15, 0, tzinfo=UTC), "telegram",
                        shipped_data(production=True))
    result = request(ctx)
    assert result.pause and result.effects[0].data["center"] is None
    assert "en cuanto puedan" in result.say[0]
    assert "llama al 079" in result.say[0]  # nobody may read it: a real free line (N9)


def test_from_anywhere_persona_hands_her_over_and_her_messages_join_the_request(tmp_path: Path) -> None:
    chat = Chat(complaint_flowset(tmp_path / "flows"))
    chat.say("hola", "si", "queja", "1", "31/01/2026")
    turn = chat.send("persona")
    assert [e.kind for e in turn.effects] == ["handoff"]
    assert "te contestarán" in chat.said.lower()
    turn = chat.send("me despidieron ayer y no sé qué hacer")
    assert [e.kind for e in turn.effects] == ["handoff_message"]
    assert [r.text for r in turn.replies] == [  # never silence (N3)
        "Le pasé tu mensaje a la persona del centro. Lo leerá en cuanto pueda."]


# -- labor-bot handoff list | release, on a real Redis ------------------------------------------------

@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return complaint_flowset(tmp_path / "flows")


async def _ask_for_a_person(flows: FlowSet, url: str, message: str = "¿me pueden llamar?") -> None:
    store = RedisSessionStore.from_url(url)
    try:
        worker = Worker(build_service(Settings(), store, flows=flows), PHONE)
        for text in ("hola", "si", "centro", "1", "Jalisco", "persona", message):
            await worker.send(text)
    finally:
        await store.aclose()


async def _paused_until(url: str) -> datetime | None:
    store = RedisSessionStore.from_url(url)
    try:
        loaded = await store.load(UserKey("whatsapp", PHONE), "peek")
    finally:
        await store.aclose()
    return loaded.session.paused_until if loaded.session else None


async def _outbox_depth(url: str) -> int:
    redis = Redis.from_url(url)
    try:
        return await Outbox(redis).depth()
    finally:
        await redis.aclose()


def test_staff_list_and_release_a_worker(shipped_flows: FlowSet, clean_redis: str) -> None:
    # The shipped flows on both sides: `handoff release` loads them itself, as it does for staff.
    asyncio.run(_ask_for_a_person(shipped_flows, clean_redis))
    runner, env = CliRunner(), {"REDIS_URL": clean_redis}

    listed = runner.invoke(cli.app, ["list", "--messages"], env=env)
    assert listed.exit_code == 0, listed.output
    assert TAG in listed.stdout and "ejemplo_guadalajara" in listed.stdout
    assert "1 mensaje(s)" in listed.stdout and "¿me pueden llamar?" in listed.stdout

    released = runner.invoke(cli.app, ["release", TAG], env=env)
    assert released.exit_code == 0, released.output
    assert RELEASED.split(".")[0] in released.stdout
    assert asyncio.run(_paused_until(clean_redis)) is None
    assert asyncio.run(_outbox_depth(clean_redis)) == 1  # the message telling her, for delivery

    assert TAG not in runner.invoke(cli.app, ["list"], env=env).stdout
    again = runner.invoke(cli.app, ["release", TAG], env=env)
    assert again.exit_code == 1 and "no está esperando" in again.stdout


def test_what_she_wrote_reaches_the_staff_terminal_without_control_characters(
        flows: FlowSet, clean_redis: str) -> None:
    message = "hola \x1b[2J\x1b[31mFAKE\x1b[0m \x1b]0;pwned\x07\nlinea"
    asyncio.run(_ask_for_a_person(flows, clean_redis, message))
    listed = CliRunner().invoke(cli.app, ["list", "--messages"], env={"REDIS_URL": clean_redis})
    assert listed.exit_code == 0, listed.output
    assert "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "hola \\x1b[2J\\x1b[31mFAKE" in listed.stdout and "\\nlinea" in listed.stdout  # shown, not run


def test_release_needs_a_worker_as_list_shows_it(clean_redis: str) -> None:
    result = CliRunner().invoke(cli.app, ["release", "nobody"], env={"REDIS_URL": clean_redis})
    assert result.exit_code != 0


def test_without_redis_there_is_nothing_to_list() -> None:
    result = CliRunner().invoke(cli.app, ["list"], env={"REDIS_URL": ""})
    assert result.exit_code == 0 and "REDIS_URL" in result.output


def test_a_request_expires_after_24_hours(make_redis_server: Callable[..., RedisServer],
                                          flows: FlowSet) -> None:
    server = make_redis_server()
    asyncio.run(_ask_for_a_person(flows, server.url))

    async def open_later(hours: float) -> int:
        store = RedisSessionStore.from_url(server.url)
        try:
            later = datetime.now(UTC).timestamp() + hours * 3600
            return len(await cli.open_requests(store, datetime.fromtimestamp(later, UTC)))
        finally:
            await store.aclose()

    assert asyncio.run(open_later(23)) == 1
    assert asyncio.run(open_later(25)) == 0


@pytest.mark.parametrize(("args", "expected"), [
    ([], "no está esperando a una persona: no hice nada."),
    (["--lang", "en"], "is not waiting for a person: I did nothing.")])
def test_handoff_speaks_spanish_and_english_on_request(clean_redis: str, args: list[str],
                                                       expected: str) -> None:
    result = CliRunner().invoke(cli.app, ["release", "telegram:nobody", *args],
                                env={"REDIS_URL": clean_redis, "LANG": ""})
    assert result.exit_code == 1 and f"telegram:nobody {expected}" in result.output, result.output
