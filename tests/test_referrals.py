"""Referrals on a real Redis: written once per message, kept across a restart, exported once, forgotten.

Uses the throwaway servers of `tests/redis_server.py`, never the machine's own Redis.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.referrals import app, center_referrals
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.turn import Reply
from bot.service import BotService
from bot.store.redis import RedisSessionStore
from tests.redis_server import RedisServer
from tests.test_complaint import MONDAY, complaint_flowset

PHONE = "5215512345678"
CENTER = "ejemplo_guadalajara"
# From "hola" to "send it?": dismissal, Jalisco, company, not anonymous, her name, no story.
TO_CONFIRM = ("hola", "si", "queja", "1", "31/01/2026", "si", "Campo o rancho", "Jalisco", "si",
              "Textiles ABC", "no", "Ana Pérez", "no", "si", "1")


@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return complaint_flowset(tmp_path / "flows")


class Worker:
    """One worker on WhatsApp talking to the service; message ids are numbered unless given."""

    def __init__(self, service: BotService, user: str = PHONE) -> None:
        self.service, self.user, self.count = service, user, 0

    async def send(self, text: str, message_id: str | None = None) -> tuple[Reply, ...]:
        self.count += 1
        event = Event(EventKind.TEXT, "whatsapp", self.user, message_id or f"m{self.count}", text=text,
                      lang_hint="es")
        return await self.service.handle(event)

    async def press(self, value: str) -> tuple[Reply, ...]:
        self.count += 1
        event = Event(EventKind.CHOICE, "whatsapp", self.user, f"m{self.count}", value=value)
        return await self.service.handle(event)

    async def to_confirm(self) -> None:
        for text in TO_CONFIRM:
            await self.send(text)


def _service(flows: FlowSet, url: str) -> tuple[BotService, RedisSessionStore]:
    store = RedisSessionStore.from_url(url)
    return BotService(flows, store, clock=lambda: MONDAY), store


def _code(replies: tuple[Reply, ...]) -> str:
    text = " ".join(r.text for r in replies)
    return text.split("Tu código es *", 1)[1][:8]


async def _refer(flows: FlowSet, url: str) -> str:
    """A whole conversation ending in a referral; the final "sí" is delivered twice."""
    service, store = _service(flows, url)
    try:
        worker = Worker(service)
        await worker.to_confirm()
        first = await worker.send("si", message_id="final")
        again = await worker.send("si", message_id="final")  # the webhook delivered it again
        assert again == first
        return _code(first)
    finally:
        await store.aclose()


async def test_a_referral_is_written_once_though_the_final_message_came_twice(
        flows: FlowSet, clean_redis: str) -> None:
    code = await _refer(flows, clean_redis)
    store = RedisSessionStore.from_url(clean_redis)
    try:
        (record,) = await store.records("referral")
    finally:
        await store.aclose()
    assert record["code"] == code and record["center"] == CENTER
    assert record["name"] == "Ana Pérez" and record["employer"] == "Textiles ABC"
    assert "Nombre: Ana Pérez" in str(record["summary"])
    assert record["user"] == "{whatsapp:" + PHONE + "}"


async def test_two_deliveries_at_once_still_write_one_referral(flows: FlowSet, clean_redis: str) -> None:
    service, store = _service(flows, clean_redis)
    other, other_store = _service(flows, clean_redis)  # a second server process
    try:
        await Worker(service).to_confirm()
        event = Event(EventKind.TEXT, "whatsapp", PHONE, "final", text="si", lang_hint="es")
        first, second = await asyncio.gather(service.handle(event), other.handle(event))
        assert first == second
        assert len(await store.records("referral")) == 1
    finally:
        await store.aclose()
        await other_store.aclose()


def test_a_referral_survives_a_restart_and_is_exported_exactly_once(
        flows: FlowSet, make_redis_server: Callable[..., RedisServer]) -> None:
    server = make_redis_server(durable=True)
    code = asyncio.run(_refer(flows, server.url))
    server.restart()
    runner = CliRunner()
    env = {"REDIS_URL": server.url}

    result = runner.invoke(app, ["export", "--center", CENTER, "--format", "csv"], env=env)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["code"] for row in rows] == [code]
    assert rows[0]["name"] == "Ana Pérez" and rows[0]["contact_channel"] == "whatsapp"

    result = runner.invoke(app, ["export", "--center", CENTER, "--format", "json"], env=env)
    (record,) = json.loads(result.stdout)
    assert record["code"] == code and "personal" not in record

    result = runner.invoke(app, ["list", "--center", CENTER], env=env)
    assert code in result.stdout and "Ana" not in result.stdout  # no personal field in the list
    result = runner.invoke(app, ["export", "--center", "ejemplo_cdmx"], env=env)
    assert list(csv.DictReader(io.StringIO(result.stdout))) == []


async def test_deleting_her_data_removes_her_personal_fields_from_her_referrals(
        flows: FlowSet, clean_redis: str) -> None:
    await _refer(flows, clean_redis)
    service, store = _service(flows, clean_redis)
    try:
        worker = Worker(service)
        worker.count = 100
        await worker.send("borrar mis datos")
        await worker.press("cmd:forget:yes")
        records = await store.records("referral")
    finally:
        await store.aclose()
    assert len(records) == 1  # still counted
    text = json.dumps(records, ensure_ascii=False)
    assert "Ana" not in text and "Textiles" not in text and PHONE not in text
    assert not {"name", "employer", "summary"} & {k for k, v in records[0].items() if v}


async def test_no_personal_field_is_ever_logged(flows: FlowSet, clean_redis: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await _refer(flows, clean_redis)
    assert "Ana" not in caplog.text and "Textiles" not in caplog.text and PHONE not in caplog.text


def test_without_redis_there_is_nothing_to_list_across_processes() -> None:
    result = CliRunner().invoke(app, ["list", "--center", CENTER], env={"REDIS_URL": ""})
    assert result.exit_code == 0 and "REDIS_URL" in result.output


def test_center_referrals_keeps_one_per_code() -> None:
    records: list[dict[str, object]] = [
        {"center": "a", "code": "X"}, {"center": "a", "code": "X"}, {"center": "b", "code": "Y"},
        {"user": None, "forgotten": True}]
    assert center_referrals(records, "a") == [{"center": "a", "code": "X"}]


@pytest.mark.parametrize(("args", "expected"), [
    ([], "no hay referencias que listar desde aquí"), (["--lang", "en"], "no referrals to list from here")])
def test_referrals_speak_spanish_and_english_on_request(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["list", "--center", CENTER, *args], env={"REDIS_URL": "", "LANG": ""})
    assert result.exit_code == 0 and expected in result.output


# -- exports and terminals: formulas and control characters from her answers (red team F4, F5) ------

FORMULA_NAME = '=HYPERLINK("http://x","click")'
FORMULA_EMPLOYER = "+cmd|' /C calc'!A0"
ESCAPES = "\x1b[2J\x1b[31mFAKE\x1b[0m \x1b]0;pwned\x07 \x9b31m"


async def _refer_as(flows: FlowSet, url: str, name: str, employer: str) -> None:
    service, store = _service(flows, url)
    try:
        worker = Worker(service)
        for text in TO_CONFIRM:
            await worker.send({"Ana Pérez": name, "Textiles ABC": employer}.get(text, text))
        await worker.send("si")
    finally:
        await store.aclose()


def test_the_export_defuses_formulas_and_prints_no_control_characters(flows: FlowSet,
                                                                      clean_redis: str) -> None:
    asyncio.run(_refer_as(flows, clean_redis, FORMULA_NAME, FORMULA_EMPLOYER + ESCAPES))
    runner, env = CliRunner(), {"REDIS_URL": clean_redis}
    for args in (["export", "--center", CENTER], ["export", "--center", CENTER, "--format", "json"],
                 ["list", "--center", CENTER]):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, result.output
        assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f for c in result.stdout), args
    csv_out = runner.invoke(app, ["export", "--center", CENTER], env=env).stdout
    (row,) = list(csv.DictReader(io.StringIO(csv_out)))
    assert row["name"] == "'" + FORMULA_NAME
    assert row["employer"].startswith("'" + FORMULA_EMPLOYER) and "\\x1b[2J" in row["employer"]
    json_out = runner.invoke(app, ["export", "--center", CENTER, "--format", "json"], env=env).stdout
    (record,) = json.loads(json_out)
    assert record["employer"] == FORMULA_EMPLOYER + ESCAPES  # JSON escapes them and keeps the value
