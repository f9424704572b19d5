"""Faults, on loopback only and bounded in time: Redis restarted or unreachable mid-conversation,
a server killed with SIGKILL during a load of workshop sign-ups, the reminder worker killed
while it sends. What must hold: nothing acknowledged is lost, nothing is applied twice, nothing
is left half-written."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import httpx
import pytest
from redis.asyncio import Redis
from starlette.requests import Request
from starlette.responses import JSONResponse

from bench import load
from bot.paths import FLOWS_DIR
from bot.settings import Settings
from bot.store.base import UserKey
from bot.store.redis import RedisSessionStore
from bot.workshops.seats import Person, Terms
from bot.workshops.seats.redis import RedisSeats
from tests.fakes import asgi_client, serve_in_thread, wait_until
from tests.fakes.telegram_api import FakeBotApi
from tests.redis_server import RedisServer
from webhooks.app import create_app

pytestmark = pytest.mark.slow  # Redis restarts, SIGKILLed servers and workers, real waits

ROOT = Path(__file__).resolve().parents[1]
TROUBLE = "problemas técnicos"
WORKSHOP = "prueba-fallas"
SIGNUP = ("hola", "no", "taller", "1", "1", "si", "Lupita", "no", "Trabajo del hogar", "si", "no",
          "Discretos")


def flows_with_one_workshop(tmp_path: Path, starts_in: timedelta, capacity: int) -> Path:
    """A copy of the shipped flows whose only workshop starts `starts_in` from now."""
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS_DIR, folder)
    zone = ZoneInfo("America/Mexico_City")
    start = (datetime.now(zone) + starts_in).replace(microsecond=0, tzinfo=None)
    (folder / "data" / "workshops.yaml").write_text(
        "workshops:\n"
        f"  - id: {WORKSHOP}\n"
        "    title: Negocia tu salario\n"
        "    description: Un taller de prueba.\n"
        f"    start: {start:%Y-%m-%d %H:%M:%S}\n"
        f"    end: {start + timedelta(hours=2):%Y-%m-%d %H:%M:%S}\n"
        "    timezone: America/Mexico_City\n"
        "    place: Centro de Trabajadoras, Calle Uno 1, Ciudad de México\n"
        "    state: Ciudad de México\n"
        f"    capacity: {capacity}\n"
        "    language: es\n"
        "    childcare: true\n", encoding="utf-8")
    return folder


def server_settings(redis_url: str, telegram_api: str | None = None, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "redis_url": redis_url, "twilio_auth_token": load.AUTH_TOKEN,
        "public_base_url": load.PUBLIC, "flows_reload_seconds": 0, **changes}
    if telegram_api is not None:
        values.update(telegram_token=load.TELEGRAM_TOKEN, telegram_secret=load.TELEGRAM_SECRET,
                      telegram_api_base_url=telegram_api)
    return Settings(**values)


def texts(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


async def records(url: str, kind: str) -> list[dict[str, object]]:
    store = RedisSessionStore.from_url(url, timeout=2)
    try:
        return await store.records(kind)
    finally:
        await store.aclose()


async def test_redis_restarted_in_the_middle_of_a_conversation(
    make_redis_server: Callable[..., RedisServer],
) -> None:
    server = make_redis_server(durable=True)  # append-only file: a restart keeps the data
    whatsapp = load.WhatsApp(run=1)

    async with asgi_client(create_app(server_settings(server.url))) as client:
        async def say(text: str) -> list[str]:
            body, headers = whatsapp.request(1, text)
            return texts(await client.post("/webhooks/whatsapp", content=body, headers=headers))

        assert "de acuerdo en que guarde" in " ".join(await say("finiquito"))
        assert "Cuánto ganabas" in " ".join(await say("si"))

        server.restart()  # SIGTERM, then a new process on the same port and files

        # The pooled connections died with the old process: the next message reconnects, and the
        # conversation goes on from where it was, with her consent recorded once.
        assert "por día, por semana, por quincena o por mes" in " ".join(await say("9,000"))
        assert TROUBLE not in " ".join(await say("al mes"))
    consents = await records(server.url, "consent")
    assert len(consents) == 1


async def test_redis_unreachable_for_a_while(
    make_redis_server: Callable[..., RedisServer], bot_api: FakeBotApi
) -> None:
    server = make_redis_server(durable=True)
    telegram, whatsapp = load.Telegram(run=2), load.WhatsApp(run=2)
    chat = 7_000_000_000 + 5

    async with asgi_client(create_app(server_settings(server.url, bot_api.base_url))) as client:
        async def update(body: bytes, headers: dict[str, str]) -> int:
            return (await client.post("/webhooks/telegram", content=body, headers=headers)).status_code

        assert await update(*telegram.request(5, "hola")) == 200
        sent = len(bot_api.texts())
        assert sent == 2  # the welcome and the privacy question
        second = telegram.request(5, "si")

        server.stop()
        started = time.monotonic()
        # Telegram is told to deliver again (a non-2xx); nothing is sent to her meanwhile.
        assert await update(*second) == 503
        assert len(bot_api.texts()) == sent
        # Twilio does not deliver again: the worker is asked to write again.
        body, headers = whatsapp.request(9, "hola")
        answer = texts(await client.post("/webhooks/whatsapp", content=body, headers=headers))
        assert len(answer) == 1 and TROUBLE in answer[0]
        assert time.monotonic() - started < 10  # refused connections fail fast

        server.start()
        # Telegram's re-deliveries (it may send the same update more than once): applied once.
        assert await update(*second) == 200
        assert await update(*second) == 200
        after = bot_api.texts()[sent:]
        assert after[0] == "Gracias por tu confianza."
        assert await update(*telegram.request(5, "menu")) == 200

    store = RedisSessionStore.from_url(server.url)
    try:
        loaded = await store.load(UserKey("telegram", str(chat)), "-")
        assert loaded.version == 3  # hola, si (once), menu
        assert len(await store.records("consent")) == 1
    finally:
        await store.aclose()


class Driver:
    """Workers signing up for a workshop over Telegram, each message re-delivered until answered
    with a 2xx, as Telegram does (every try bounded in time)."""

    def __init__(self, base: str, workers: int, deadline: float) -> None:
        self.base, self.deadline = base, deadline
        self.workers = range(workers)
        self.acknowledged: Counter[int] = Counter()  # worker -> messages acknowledged
        self.failures = 0
        self._ids = itertools.count(1)

    def request(self, worker: int, text: str) -> tuple[bytes, dict[str, str]]:
        update_id = next(self._ids)
        chat = 7_100_000_000 + worker
        update = {"update_id": update_id, "message": {
            "message_id": update_id, "date": int(time.time()), "text": text,
            "from": {"id": chat, "is_bot": False, "first_name": "Ana", "language_code": "es"},
            "chat": {"id": chat, "type": "private", "first_name": "Ana"}}}
        return json.dumps(update).encode(), {"Content-Type": "application/json",
                                             "X-Telegram-Bot-Api-Secret-Token": load.TELEGRAM_SECRET}

    async def conversation(self, worker: int) -> None:
        http = load.Http(self.base)
        try:
            for text in SIGNUP:
                body, headers = self.request(worker, text)  # the same update until it is taken
                while True:
                    if time.monotonic() > self.deadline:
                        raise TimeoutError(f"worker {worker} did not get through {text!r}")
                    try:
                        status, _ = await http.post("/webhooks/telegram", body, headers)
                    except (OSError, TimeoutError, asyncio.IncompleteReadError):
                        status = 0
                        await http.close()
                    if 200 <= status < 300:
                        self.acknowledged[worker] += 1
                        break
                    self.failures += 1
                    await asyncio.sleep(0.1)
        finally:
            await http.close()

    async def run(self, concurrency: int) -> None:
        queue = iter(self.workers)

        async def slot() -> None:
            for worker in queue:
                await self.conversation(worker)

        await asyncio.gather(*(slot() for _ in range(concurrency)))


async def test_a_server_killed_during_sign_ups_loses_none_and_doubles_none(
    clean_redis: str, bot_api: FakeBotApi, tmp_path: Path
) -> None:
    flows = flows_with_one_workshop(tmp_path, timedelta(days=30), capacity=10)
    env = load.server_env(clean_redis, bot_api.base_url, flows)
    server, base = load.bot_server(env, 2, tmp_path / "server.log")
    server.start()
    workers, done_before_kill = 24, 8
    driver = Driver(base, workers, deadline=time.monotonic() + 120)
    try:
        running = asyncio.ensure_future(driver.run(concurrency=8))
        limit = time.monotonic() + 60
        while sum(n == len(SIGNUP) for n in driver.acknowledged.values()) < done_before_kill:
            assert time.monotonic() < limit and not running.done(), "the load did not get going"
            await asyncio.sleep(0.01)
        server.kill()  # SIGKILL to the server and its workers, mid-load
        killed_at = sum(driver.acknowledged.values())
        await asyncio.sleep(0.5)  # Telegram keeps re-delivering meanwhile
        await asyncio.to_thread(server.start)
        await running
    finally:
        server.stop()

    print(f"\nkilled after {killed_at} of {workers * len(SIGNUP)} messages were acknowledged; "
          f"{driver.failures} deliveries failed and were delivered again")
    assert killed_at < workers * len(SIGNUP)  # the kill did land in the middle of the load
    assert driver.failures > 0  # and some deliveries failed because of it
    signups = await records(clean_redis, "signup")
    tags = Counter(str(r["user"]) for r in signups)
    expected = {f"{{telegram:{7_100_000_000 + w}}}" for w in range(workers)}
    assert set(tags) == expected and set(tags.values()) == {1}  # each sign-up exactly once
    client = Redis.from_url(clean_redis)
    try:
        seats = RedisSeats(client)
        counts = await seats.counts(WORKSHOP)
        assert (counts.confirmed, counts.waiting) == (10, workers - 10)
        for tag in expected:  # none half-written: each recorded sign-up holds its place
            held = await seats.person(WORKSHOP, tag)
            assert held is not None
        store = RedisSessionStore.from_url(clean_redis)
        try:
            for w in range(workers):
                session = (await store.load(UserKey("telegram", str(7_100_000_000 + w)), "-")).session
                assert session is not None and session.flow == "workshops"
                assert session.vars.get("code")  # her code, as the seat script gave it
        finally:
            await store.aclose()
    finally:
        await client.aclose()
    assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")


class SlowBotApi(FakeBotApi):
    """The fake Bot API, taking 30 ms per sent message: so a kill lands while sending."""

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params.get("method") == "sendMessage":
            await asyncio.sleep(0.03)
        return await super()._endpoint(request)


def worker_process(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "bot", "worker", "--interval", "0.1", "--claim-after", "1"]
    with open(log, "ab") as out:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


async def test_the_reminder_worker_killed_while_sending_delivers_each_once(
    clean_redis: str, tmp_path: Path
) -> None:
    flows = flows_with_one_workshop(tmp_path, timedelta(hours=5), capacity=100)
    reminders = 40
    client = Redis.from_url(clean_redis)
    try:  # 40 seats taken a day ago for a workshop in 5 hours: each one's "day" reminder is due
        seats = RedisSeats(client)
        now = int(time.time())
        terms = Terms(WORKSHOP, 100, starts=now + 5 * 3600, now=now - 25 * 3600)
        for n in range(reminders):
            outcome, _ = await seats.take(f"{{telegram:{7_200_000_000 + n}}}", terms,
                                          Person("", f"nonce-{n}", "es", False))
            assert outcome == "confirmed"
    finally:
        await client.aclose()

    api = SlowBotApi(token=load.TELEGRAM_TOKEN)
    with serve_in_thread(api.app()) as url:
        api.base_url = f"{url}/bot"
        env = load.server_env(clean_redis, api.base_url, flows)
        log = tmp_path / "worker.log"

        def chats() -> Counter[str]:
            return Counter(str(p["chat_id"]) for p in api.sent())

        first = worker_process(env, log)
        try:
            wait_until(lambda: len(chats()) >= reminders // 3, timeout=30, what="a third of the reminders")
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # mid-sending: no handler runs
            first.wait(10)
        at_kill = len(chats())
        assert at_kill < reminders
        second = worker_process(env, log)
        try:
            wait_until(lambda: len(chats()) == reminders, timeout=30, what="every reminder")
            time.sleep(1.5)  # a reminder sent twice would show up by now (claim-after is 1 s)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(20)

    sent = chats()
    print(f"\n{at_kill} of {reminders} reminders sent when the worker was killed; "
          f"sent twice: {sum(sent.values()) - reminders}")
    assert set(sent) == {str(7_200_000_000 + n) for n in range(reminders)}  # each one delivered
    # At least once, and twice only for the one reminder in flight when the worker died.
    assert sum(sent.values()) - reminders <= 1, sent.most_common(3)
