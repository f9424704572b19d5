"""Reminders and notices end to end: seat scripts -> due set -> stream -> fake Telegram / Twilio."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis
from telegram import Bot

from bot.cli.worker import run_worker
from bot.core.session import Session
from bot.core.turn import Turn
from bot.outbox import Outbox
from bot.settings import Settings
from bot.store.base import CommitResult, UserKey
from bot.store.redis import RedisSessionStore
from bot.workshops.scheduler import CHANNEL, GROUP, STREAM, Scheduler
from bot.workshops.seats import Person, Terms
from bot.workshops.seats.redis import RedisSeats
from bot.workshops.senders import NoticeSender, TelegramChannel, WhatsAppChannel, template_sids
from bot.workshops.table import WorkshopTable, load_workshops
from tests.fakes.telegram_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilioApi, running_fake_twilio_api
from tests.workshop_samples import CDMX

WORKSHOPS = CDMX
START = datetime(2027, 3, 10, 0, 0, tzinfo=UTC)  # 18:00 in Mexico City
SIGNED_UP = START - timedelta(days=8)
DAY_BEFORE = START - timedelta(hours=24)
TELEGRAM = "{telegram:777}"
WHATSAPP = "{whatsapp:whatsapp:+5215512345678}"


@pytest.fixture(scope="module")
def bot_api() -> Iterator[FakeBotApi]:
    with running_fake_bot_api() as api:
        yield api


@pytest.fixture(scope="module")
def twilio_api() -> Iterator[FakeTwilioApi]:
    with running_fake_twilio_api() as api:
        yield api


@dataclass
class Rig:
    """Everything one Redis holds for the notices, and the two senders' channels."""

    client: Redis
    reader: Redis
    store: RedisSessionStore
    seats: RedisSeats
    scheduler: Scheduler
    table: WorkshopTable
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel
    now: list[datetime]

    def sender(self, **templates: str) -> NoticeSender:
        return NoticeSender(self.seats, self.store, lambda: self.table,
                            {"telegram": self.telegram, "whatsapp": self.whatsapp},
                            templates, clock=lambda: self.now[0])

    def outbox(self, claim_idle: float = 30.0) -> Outbox:
        return Outbox(self.reader, stream=STREAM, group=GROUP, claim_idle=claim_idle,
                      clock=lambda: self.now[0].timestamp())

    async def sign_up(self, tag: str, discreet: bool = False, capacity: int = 5) -> str:
        terms = Terms("cdmx", capacity, int(START.timestamp()), int(self.now[0].timestamp()))
        _, place = await self.seats.take(tag, terms, Person("", "n", "es", discreet))
        return place.code

    async def talked(self, tag: str, at: datetime, opted_out: bool = False) -> None:
        """She wrote to the bot at `at` (the WhatsApp window runs from her last message)."""
        channel, _, user = tag.strip("{}").partition(":")
        session = Session(flow="main", state="menu", started_at=at, updated_at=at, opted_out=opted_out)
        await self.store.commit(UserKey(channel, user), "m1", 0, Turn(session), at)

    async def due_now(self, when: datetime) -> int:
        self.now[0] = when
        await self.scheduler.collect(self.seats, ["cdmx"])
        return await self.scheduler.move_due(when.timestamp())


@pytest.fixture
async def rig(clean_redis: str, tmp_path: Path, bot_api: FakeBotApi,
              twilio_api: FakeTwilioApi) -> AsyncIterator[Rig]:
    bot_api.calls.clear()
    twilio_api.messages.clear()
    path = tmp_path / "workshops.yaml"
    path.write_text(WORKSHOPS.format(capacity=5), encoding="utf-8")
    client, reader = Redis.from_url(clean_redis), Redis.from_url(clean_redis)
    store = RedisSessionStore.from_url(clean_redis)
    whatsapp = WhatsAppChannel(ACCOUNT_SID, AUTH_TOKEN, FROM, twilio_api.base_url)
    async with Bot(TOKEN, base_url=bot_api.base_url) as bot:
        yield Rig(client, reader, store, RedisSeats(client), Scheduler(client), load_workshops(path),
                  TelegramChannel(bot), whatsapp, [SIGNED_UP])
    whatsapp.close()
    for closable in (client, reader, store):
        await closable.aclose()


async def test_a_reminder_reaches_telegram_once_at_its_time(rig: Rig, bot_api: FakeBotApi) -> None:
    code = await rig.sign_up(TELEGRAM)
    sender, outbox = rig.sender(), rig.outbox()
    await outbox.ensure_group()
    assert await rig.due_now(DAY_BEFORE - timedelta(minutes=1)) == 0
    assert await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10) == 0
    assert await rig.due_now(DAY_BEFORE) == 1
    assert await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10) == 1
    assert await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10) == 0
    assert bot_api.sent() == [{"chat_id": "777", "text": (
        "Recordatorio: mañana es tu taller «Negocia tu salario», martes 9 de marzo, 18:00 a 20:00 "
        f"(hora del centro). Lugar: Calle Ejemplo 1, Ciudad de México. Tu código es {code}. Si ya no "
        "puedes ir, escribe *taller* para cancelar y dejarle el lugar a otra compañera.")}]
    assert await outbox.depth() == 0 and await rig.scheduler.waiting() == 1  # the 2-hour one
    assert sender.counts == {"sent": 1}


async def test_a_discreet_reminder_names_no_workshop(rig: Rig, bot_api: FakeBotApi) -> None:
    await rig.sign_up(TELEGRAM, discreet=True)
    outbox = rig.outbox()
    await outbox.ensure_group()
    await rig.due_now(START - timedelta(hours=2))  # both reminders are due by now
    await outbox.deliver("w1", {CHANNEL: rig.sender()}, block_ms=10)
    assert bot_api.texts() == ["Recordatorio: tu cita es mañana a las 18:00.",
                               "Recordatorio: tu cita es hoy a las 18:00."]


async def test_a_cancellation_promotes_and_she_is_told_at_once(rig: Rig, bot_api: FakeBotApi) -> None:
    await rig.sign_up("{telegram:1}", capacity=1)
    code = await rig.sign_up(TELEGRAM, capacity=1)
    terms = Terms("cdmx", 1, int(START.timestamp()), int(rig.now[0].timestamp()))
    assert await rig.seats.cancel("{telegram:1}", terms, "x") == "cancelled"
    outbox = rig.outbox()
    await outbox.ensure_group()
    assert await rig.due_now(rig.now[0]) == 1
    await outbox.deliver("w1", {CHANNEL: rig.sender()}, block_ms=10)
    assert [p["chat_id"] for p in bot_api.sent()] == ["777"]
    assert "Se liberó un lugar y ya es tuyo" in bot_api.texts()[0] and code in bot_api.texts()[0]


async def test_whatsapp_inside_the_window_is_free_text(rig: Rig, twilio_api: FakeTwilioApi) -> None:
    code = await rig.sign_up(WHATSAPP)
    await rig.talked(WHATSAPP, DAY_BEFORE - timedelta(hours=3))
    outbox = rig.outbox()
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    await outbox.deliver("w1", {CHANNEL: rig.sender(**{"day:es": "HXday"})}, block_ms=10)
    (message,) = twilio_api.sent()
    assert (message["To"], message["From"]) == ("whatsapp:+5215512345678", FROM)
    assert message["Body"].startswith("Recordatorio: mañana es tu taller") and code in message["Body"]
    assert "ContentSid" not in message


async def test_whatsapp_outside_the_window_is_the_approved_template(rig: Rig,
                                                                    twilio_api: FakeTwilioApi) -> None:
    code = await rig.sign_up(WHATSAPP)
    await rig.talked(WHATSAPP, DAY_BEFORE - timedelta(hours=30))
    outbox = rig.outbox()
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    templates = template_sids({"WHATSAPP_TEMPLATE_REMINDER_DAY": "HXday"})
    await outbox.deliver("w1", {CHANNEL: rig.sender(**templates)}, block_ms=10)
    (message,) = twilio_api.sent()
    assert message["ContentSid"] == "HXday" and "Body" not in message
    assert json.loads(message["ContentVariables"]) == {
        "1": "Negocia tu salario", "2": "martes 9 de marzo, 18:00 a 20:00 (hora del centro)",
        "3": "Calle Ejemplo 1, Ciudad de México", "4": code}


async def test_without_a_template_it_is_skipped_and_counted_never_free_text(
        rig: Rig, twilio_api: FakeTwilioApi) -> None:
    await rig.sign_up(WHATSAPP, discreet=True)  # no session at all: outside the window too
    outbox, sender = rig.outbox(), rig.sender(**{"day:es": "HXnormal-only"})
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)
    assert twilio_api.sent() == [] and sender.counts == {"skipped_no_template": 1}
    assert await outbox.depth() == 0  # acknowledged: not retried as free text later


async def test_opted_out_and_cancelled_workers_get_nothing(rig: Rig, bot_api: FakeBotApi) -> None:
    await rig.sign_up(TELEGRAM)
    await rig.talked(TELEGRAM, SIGNED_UP, opted_out=True)
    await rig.sign_up("{telegram:2}")
    terms = Terms("cdmx", 5, int(START.timestamp()), int(SIGNED_UP.timestamp()))
    await rig.scheduler.collect(rig.seats, ["cdmx"])  # her reminders are already scheduled…
    await rig.seats.cancel("{telegram:2}", terms, "x")  # …when she cancels
    outbox, sender = rig.outbox(), rig.sender()
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)
    assert bot_api.sent() == []
    assert sender.counts == {"skipped_opted_out": 1, "skipped_cancelled": 1}


async def test_her_baja_outlives_her_session(rig: Rig, clean_redis: str, bot_api: FakeBotApi) -> None:
    """She says *baja*, then says nothing for longer than SESSION_TTL_DAYS: still no reminder."""
    await rig.sign_up(TELEGRAM)
    brief = RedisSessionStore.from_url(clean_redis, session_ttl=timedelta(milliseconds=100))
    try:
        await rig.talked(TELEGRAM, SIGNED_UP, opted_out=True)
        key = UserKey("telegram", "777")
        session = Session(flow="main", state="menu", started_at=SIGNED_UP, updated_at=SIGNED_UP,
                          opted_out=True)
        assert await brief.commit(key, "m2", 1, Turn(session), SIGNED_UP) == CommitResult.APPLIED
        await asyncio.sleep(0.3)
        assert (await brief.load(key, "peek")).session is None  # her session has expired…
        assert await brief.opted_out(key)  # …her *baja* has not
    finally:
        await brief.aclose()
    outbox, sender = rig.outbox(), rig.sender()
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)
    assert bot_api.sent() == [] and sender.counts == {"skipped_opted_out": 1}


async def test_writing_again_takes_her_baja_back(rig: Rig) -> None:
    key = UserKey("telegram", "777")
    await rig.talked(TELEGRAM, SIGNED_UP, opted_out=True)
    assert await rig.store.opted_out(key)
    session = Session(flow="main", state="menu", started_at=SIGNED_UP, updated_at=SIGNED_UP)
    assert await rig.store.commit(key, "m2", 1, Turn(session), SIGNED_UP) == CommitResult.APPLIED
    assert not await rig.store.opted_out(key)


async def test_a_notice_is_enqueued_once_even_if_collected_again(rig: Rig) -> None:
    await rig.sign_up(TELEGRAM)
    notices = await rig.seats.notices("cdmx")
    assert await rig.scheduler.schedule(notices) == 2
    assert await rig.scheduler.schedule(notices) == 0  # already waiting
    assert await rig.due_now(START) == 2
    assert await rig.scheduler.schedule(notices) == 0  # already moved: a late copy is ignored
    assert await rig.scheduler.move_due(START.timestamp()) == 0
    assert await rig.client.xlen(STREAM) == 2


async def test_a_failed_send_is_retried_with_backoff(rig: Rig, bot_api: FakeBotApi) -> None:
    await rig.sign_up(TELEGRAM)
    outbox, sender = rig.outbox(claim_idle=0.05), rig.sender()
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    bot_api.fail_next("sendMessage", status=502, description="Bad Gateway")
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)
    assert len(bot_api.texts()) == 1 and await outbox.depth() == 1  # one attempt, kept
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)  # not before 5 s: left waiting
    assert len(bot_api.texts()) == 1
    rig.now[0] += timedelta(seconds=6)
    await asyncio.sleep(0.1)
    await outbox.deliver("w1", {CHANNEL: sender}, block_ms=10)
    assert len(bot_api.texts()) == 2 and await outbox.depth() == 0
    assert sender.counts == {"sent": 1}


@pytest.mark.slow  # a real wait past the claim idle time
async def test_a_dead_consumers_entry_is_claimed_back_and_sent_once(rig: Rig, bot_api: FakeBotApi) -> None:
    await rig.sign_up(TELEGRAM)
    outbox = rig.outbox(claim_idle=0.3)
    await outbox.ensure_group()
    await rig.due_now(DAY_BEFORE)
    assert len(await outbox.take("dead", block_ms=10)) == 1  # taken, then the process died
    assert await outbox.deliver("alive", {CHANNEL: rig.sender()}, block_ms=10) == 0  # not idle yet
    await asyncio.sleep(0.4)
    assert await outbox.deliver("alive", {CHANNEL: rig.sender()}, block_ms=10) == 1
    assert len(bot_api.texts()) == 1 and await outbox.depth() == 0


async def test_labor_bot_worker_sends_a_freed_seat_notice(clean_redis: str, tmp_path: Path,
                                                          bot_api: FakeBotApi) -> None:
    bot_api.calls.clear()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "workshops.yaml").write_text(WORKSHOPS.format(capacity=1), encoding="utf-8")
    client = Redis.from_url(clean_redis)
    try:
        seats, now = RedisSeats(client), int(datetime.now(UTC).timestamp())
        terms = Terms("cdmx", 1, int(START.timestamp()), now)
        await seats.take("{telegram:1}", terms, Person("", "a"))
        await seats.take(TELEGRAM, terms, Person("", "b"))
        await seats.cancel("{telegram:1}", terms, "c")
    finally:
        await client.aclose()
    env = {"REDIS_URL": clean_redis, "TELEGRAM_BOT_TOKEN": TOKEN, "FLOWS_DIR": str(tmp_path),
           "TELEGRAM_API_BASE_URL": bot_api.base_url}
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(Settings.from_env(env), stop, interval=0.05))
    for _ in range(200):
        if bot_api.texts() or task.done():
            break
        await asyncio.sleep(0.05)
    stop.set()
    sender = await asyncio.wait_for(task, 10)
    assert [p["chat_id"] for p in bot_api.sent()] == ["777"] and sender.counts == {"sent": 1}
    assert "Se liberó un lugar" in bot_api.texts()[0]
    client = Redis.from_url(clean_redis)
    try:
        assert await Scheduler(client).tallies() == {"sent": 1}  # what `workshops list` shows staff
    finally:
        await client.aclose()
