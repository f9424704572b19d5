"""Flooding and time budgets (issue 18, F2 and F9): the web chat's budgets of new conversations,
the switch that turns it off, `/readyz` near Redis's memory limit, staff notices per center,
and a hung Redis answered within Twilio's 15 s."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bench import load
from bot.compose import build_service
from bot.core.flowset import FlowSet
from bot.core.turn import Effect, Turn
from bot.outbox import Outbox, OutboxEntry
from bot.settings import Settings
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore
from tests.fakes import asgi_client
from tests.fakes.telegram_api import FakeBotApi
from tests.redis_server import RedisServer
from tests.test_faults import TROUBLE, server_settings, texts
from tests.test_followups import flows_with_staff_group
from webhooks.app import create_app
from webhooks.limits import Admission, MemoryWebchatBudget, RedisWebchatBudget, WebchatBudget

HOUR = 3600.0
START = 1_800_000_000.0  # a fixed instant at the start of an hour window
FLOOD, SPARE = 4000, 6 * 1024 * 1024


async def web(client: httpx.AsyncClient, user: str, text: str, address: str = "198.51.100.7"
              ) -> httpx.Response:
    """A web-chat message as the proxy forwards it: the client's address in X-Forwarded-For."""
    return await client.post("/webchat/messages", headers={"X-Forwarded-For": address}, json={
        "user": user, "message_id": uuid.uuid4().hex, "text": text, "lang": "es"})


def proxied_app(app: Any) -> Any:
    """`app` behind uvicorn's proxy-headers middleware, as `labor-bot serve` runs it: the client
    (127.0.0.1, the proxy) is trusted, so X-Forwarded-For is the client's address."""
    return ProxyHeadersMiddleware(app, trusted_hosts="127.0.0.1")


# --- the budgets themselves ------------------------------------------------------------------
@pytest.mark.parametrize("where", ["memory", "redis"])
async def test_new_conversations_are_budgeted_per_address_and_in_all(where: str, clean_redis: str) -> None:
    client = Redis.from_url(clean_redis)
    budget: WebchatBudget = (MemoryWebchatBudget(2, 3, keep_seconds=HOUR * 24) if where == "memory"
                             else RedisWebchatBudget(client, 2, 3, keep_seconds=HOUR * 24))
    try:
        assert await budget.admit("s1", "a", START) is Admission.ALLOW
        assert await budget.admit("s2", "a", START + 1) is Admission.ALLOW
        assert await budget.admit("s3", "a", START + 2) is Admission.ADDRESS_FULL
        assert await budget.admit("s1", "a", START + 3) is Admission.ALLOW  # under way: never cut off
        assert await budget.admit("s4", "b", START + 4) is Admission.ALLOW
        assert await budget.admit("s5", "c", START + 5) is Admission.ALL_FULL
        assert await budget.admit("s2", "a", START + 6) is Admission.ALLOW
        assert await budget.admit("s5", "c", START + HOUR) is Admission.ALLOW  # the next hour
        assert await budget.admit("s3", "a", START + HOUR + 1) is Admission.ALLOW
    finally:
        await client.aclose()


async def test_the_web_chat_can_be_switched_off() -> None:
    async with asgi_client(create_app(Settings(flows_reload_seconds=0, webchat_enabled=False))) as client:
        page = await client.get("/")
        post = await web(client, "anon-0123456789", "hola")
        ready = await client.get("/readyz")
    assert page.status_code == 404 and post.status_code == 404
    assert ready.status_code == 200


async def test_over_the_budget_the_page_gets_a_message_to_show() -> None:
    app = create_app(Settings(flows_reload_seconds=0, webchat_new_per_ip_per_hour=1))
    async with asgi_client(app):  # runs the lifespan; the client below goes through the proxy headers
        transport = httpx.ASGITransport(app=proxied_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as proxied:
            first = await web(proxied, "anon-first-0001", "hola")
            second = await web(proxied, "anon-second-002", "hola", address=first.request.headers[
                "X-Forwarded-For"])
            other = await web(proxied, "anon-third-0003", "hola", address="203.0.113.9")
            again = await web(proxied, "anon-first-0001", "menu")
    assert first.status_code == 200 and other.status_code == 200 and again.status_code == 200
    assert second.status_code == 429
    assert "demasiadas conversaciones nuevas" in second.json()["message"]


# --- the flood -------------------------------------------------------------------------------
async def test_a_web_chat_flood_leaves_whatsapp_answered_and_redis_with_room(
    make_redis_server: Callable[..., RedisServer],
) -> None:
    """4,000 fresh web ids (half from one address, half from 300 others, 32 in flight) against a
    Redis with 6 MB to spare and no eviction, as in the red-team run (#33, #39): unbudgeted, they
    would take about 6.4 MB (1.6 KB each), and 32 connections' buffers need some room too."""
    server = make_redis_server()
    admin = Redis.from_url(server.url)
    used = int((await admin.info("memory"))["used_memory"])
    await admin.config_set("maxmemory", str(used + SPARE))
    await admin.config_set("maxmemory-policy", "noeviction")
    settings = server_settings(server.url)  # the shipped budgets: 20 per address, 300 in all
    whatsapp = load.WhatsApp(run=3)
    app = create_app(settings)
    others = [f"10.9.{k // 100}.{k % 100}" for k in range(300)]
    flood_ids = [(f"flood-{n:06d}-{uuid.uuid4().hex[:8]}", "192.0.2.1" if n % 2 else others[n // 2 % 300])
                 for n in range(FLOOD)]
    async with asgi_client(app) as client:
        transport = httpx.ASGITransport(app=proxied_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as proxied:
            async def say(text: str) -> str:
                body, headers = whatsapp.request(1, text)
                return " ".join(texts(await client.post("/webhooks/whatsapp", content=body, headers=headers)))

            assert "de acuerdo en que guarde" in await say("finiquito")
            assert (await web(proxied, "anon-before-flood", "hola")).status_code == 200
            statuses: Counter[int] = Counter()
            queue = list(flood_ids)

            async def flooder() -> None:
                while queue:
                    user, address = queue.pop()
                    statuses[(await web(proxied, user, "hola", address=address)).status_code] += 1

            async def worker() -> list[str]:
                answers = []
                for text in ("si", "9,000", "al mes"):
                    await asyncio.sleep(0.3)
                    answers.append(await say(text))
                return answers

            started = time.monotonic()
            talk = asyncio.create_task(worker())
            await asyncio.gather(*(flooder() for _ in range(32)))
            answers = await talk
            flood_seconds = time.monotonic() - started
            after = await web(proxied, "anon-before-flood", "menu")
            ready = await client.get("/readyz")
            last = await say("menu")
    keys = [k async for k in admin.scan_iter("lb:{webchat:*}:s")]
    memory = await admin.info("memory")
    await admin.aclose()
    # One address gets its 20, the others share what is left of the 300; the rest are refused.
    # the one started before the flood took one place of the 300.
    assert statuses == Counter({200: 299, 429: FLOOD - 299}), (statuses, flood_seconds)
    assert len(keys) == 300  # the flood's sessions plus the one started before it
    assert not any(TROUBLE in answer for answer in [*answers, last]), answers
    assert "Cuánto ganabas" in answers[0] and "por día, por semana" in answers[1]
    assert after.status_code == 200  # a conversation under way goes on
    assert ready.status_code == 200 and ready.json()["redis_memory"] is True
    assert int(memory["used_memory"]) < used + SPARE


async def test_readyz_says_not_ready_near_redis_memory_limit(
    make_redis_server: Callable[..., RedisServer],
) -> None:
    server = make_redis_server()
    admin = Redis.from_url(server.url)
    async with asgi_client(create_app(server_settings(server.url))) as client:
        unlimited = await client.get("/readyz")
        await admin.set("ballast", b"x" * 2_000_000)
        used = int((await admin.info("memory"))["used_memory"])
        await admin.config_set("maxmemory", str(int(used / 0.95)))  # 95 % used
        full = await client.get("/readyz")
        await admin.config_set("maxmemory", str(used * 2))  # 50 % used
        roomy = await client.get("/readyz")
    await admin.aclose()
    assert unlimited.status_code == 200 and unlimited.json()["redis_memory"] is True
    assert full.status_code == 503 and full.json()["redis_memory"] is False
    assert full.json()["redis"] is True  # Redis answers; it is only nearly full
    assert roomy.status_code == 200


# --- staff notices ---------------------------------------------------------------------------
async def test_a_flood_of_handoffs_posts_a_bounded_number_of_staff_notices(
    tmp_path: Path, clean_redis: str, shipped_flows: FlowSet
) -> None:
    from bot.complaint.directory_file import load_directory

    centers = [c for c in load_directory(Path("flows/data/directory.yaml"), production=False).centers
               if c.example]
    center = centers[0].id
    flows = flows_with_staff_group(tmp_path, center, "-1001234567890")
    client = Redis.from_url(clean_redis)
    outbox = Outbox(client)
    await outbox.ensure_group()
    service = build_service(Settings(staff_notices_per_hour=3), MemorySessionStore(), flows=flows,
                            redis=client, outbox=outbox)
    assert service.after_commit is not None
    record: dict[str, Any] = {"center": center, "state": "Puebla", "contact_channel": "webchat"}
    try:
        for n in range(30):
            await service.after_commit(UserKey("webchat", f"anon-{n:010d}"),
                                       Turn(None, (), (Effect("handoff", record),)))
        taken = await outbox.take("test", block_ms=10, count=100)
    finally:
        await client.aclose()
    notices = [OutboxEntry.from_fields(fields).replies[0].text for _, fields in taken if fields]
    assert len(notices) == 4  # three notices, then one saying there are more
    assert all("pide hablar con alguien" in text for text in notices[:3])
    assert "más de 3 solicitudes nuevas" in notices[3] and "handoff list" in notices[3]


# --- a hung Redis ----------------------------------------------------------------------------
async def test_a_hung_redis_gets_whatsapp_the_apology_and_telegram_a_retry_in_time(
    make_redis_server: Callable[..., RedisServer], bot_api: FakeBotApi
) -> None:
    server = make_redis_server()
    telegram, whatsapp = load.Telegram(run=4), load.WhatsApp(run=4)
    async with asgi_client(create_app(server_settings(server.url, bot_api.base_url))) as client:
        body, headers = whatsapp.request(1, "hola")
        assert TROUBLE not in " ".join(texts(await client.post("/webhooks/whatsapp", content=body,
                                                                 headers=headers)))
        body, headers = telegram.request(1, "hola")
        assert (await client.post("/webhooks/telegram", content=body, headers=headers)).status_code == 200
        update = telegram.request(1, "si")
        server.pause()  # SIGSTOP: connections stay open and nothing answers
        try:
            started = time.monotonic()
            body, headers = whatsapp.request(1, "si")
            answer = texts(await client.post("/webhooks/whatsapp", content=body, headers=headers))
            whatsapp_seconds = time.monotonic() - started
            started = time.monotonic()
            status = (await client.post("/webhooks/telegram", content=update[0],
                                        headers=update[1])).status_code
            telegram_seconds = time.monotonic() - started
        finally:
            server.resume()
        redelivered = (await client.post("/webhooks/telegram", content=update[0],
                                         headers=update[1])).status_code
    assert len(answer) == 1 and TROUBLE in answer[0]
    assert whatsapp_seconds < 10, whatsapp_seconds  # Twilio gives up at 15 s
    assert status == 503 and telegram_seconds < 10, telegram_seconds
    assert redelivered == 200  # Telegram's retry is answered once Redis is back
