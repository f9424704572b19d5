"""Running the server: health, readiness, metrics, private logs, limits, flow reload, settings."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import typer
from redis.asyncio import Redis
from typer.testing import CliRunner

from bot.cli.serve import serve
from bot.errors import InputError
from bot.logs import JsonFormatter, hash_user
from bot.settings import Settings
from tests.fakes import asgi_client
from tests.redis_server import RedisServer
from tests.test_webhooks_whatsapp import AUTH_TOKEN, FLOWS, PUBLIC, inbound, signed
from webhooks.app import create_app
from webhooks.limits import MemoryRateLimiter, Rate, RedisRateLimiter

PHONE = "+5215512345678"
SECRET_WORDS = "mi patrón me debe tres quincenas"


def settings(**changes: Any) -> Settings:
    values: dict[str, Any] = {"flows_dir": FLOWS, "flows_reload_seconds": 0, **changes}
    return Settings(**values)


async def chat(client: httpx.AsyncClient, text: str, user: str = "anon-0123456789",
               message_id: str | None = None) -> httpx.Response:
    return await client.post("/webchat/messages", json={
        "user": user, "message_id": message_id or uuid.uuid4().hex, "text": text, "lang": "es"})


# --- health and readiness --------------------------------------------------------------------
async def test_healthz_and_readyz_with_the_memory_store() -> None:
    async with asgi_client(create_app(settings())) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert ready.status_code == 200 and ready.json() == {"ready": True, "store": True, "flows": True}


async def test_readyz_follows_redis(make_redis_server: Callable[..., RedisServer]) -> None:
    server = make_redis_server()
    async with asgi_client(create_app(settings(redis_url=server.url))) as client:
        up = await client.get("/readyz")
        server.stop()
        down = await client.get("/readyz")
        health = await client.get("/healthz")
    assert up.status_code == 200 and up.json()["redis"] is True
    assert down.status_code == 503 and down.json()["ready"] is False
    assert health.status_code == 200  # the process itself is fine


# --- metrics ---------------------------------------------------------------------------------
async def test_metrics_count_messages_errors_and_latency(clean_redis: str) -> None:
    app = create_app(settings(redis_url=clean_redis, twilio_auth_token=AUTH_TOKEN,
                              public_base_url=PUBLIC))
    async with asgi_client(app) as client:
        await chat(client, "hola")
        form = inbound(Body="hola")
        await client.post("/webhooks/whatsapp", content=urlencode(form), headers=signed(form))
        await client.post("/webchat/messages", content=b"{oops")
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert samples['labor_bot_messages_in_total{channel="webchat"}'] == 1
    assert samples['labor_bot_messages_in_total{channel="whatsapp"}'] == 1
    assert samples['labor_bot_messages_out_total{channel="webchat"}'] == 2
    assert samples['labor_bot_messages_out_total{channel="whatsapp"}'] == 2
    assert samples['labor_bot_step_seconds_count{channel="webchat"}'] == 1
    assert samples['labor_bot_errors_total{channel="webchat",kind="bad_request"}'] == 1
    assert samples["labor_bot_outbox_depth"] == 0


def _samples(text: str) -> dict[str, float]:
    lines = (line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {name: float(value) for name, value in lines}


# --- logs ------------------------------------------------------------------------------------
async def test_one_log_line_per_message_with_no_text_and_no_phone(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(settings(twilio_auth_token=AUTH_TOKEN, public_base_url=PUBLIC, log_salt="pepper"))
    async with asgi_client(app) as client:
        for body in ("hola", SECRET_WORDS):
            form = inbound(Body=body, From=f"whatsapp:{PHONE}")
            await client.post("/webhooks/whatsapp", content=urlencode(form), headers=signed(form))
    lines = [JsonFormatter().format(r) for r in caplog.records]
    messages = [json.loads(line) for line in lines if '"msg": "message"' in line]
    assert len(messages) == 2
    expected = hash_user("pepper", "whatsapp", f"whatsapp:{PHONE}")
    assert all(m["sender"] == expected and m["channel"] == "whatsapp" for m in messages)
    assert {m["outcome"] for m in messages} == {"ok"} and all(m["ms"] >= 0 for m in messages)
    everything = "\n".join(lines) + caplog.text
    for secret in (PHONE, "5215512345678", SECRET_WORDS, "quincenas"):
        assert secret not in everything


def test_sender_hashes_are_stable_salted_and_short() -> None:
    one = hash_user("salt-a", "whatsapp", "whatsapp:+5215512345678")
    assert one == hash_user("salt-a", "whatsapp", "whatsapp:+5215512345678")
    assert one != hash_user("salt-b", "whatsapp", "whatsapp:+5215512345678")
    assert len(one) == 16 and int(one, 16) >= 0


# --- limits ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/webchat/messages", "/webhooks/whatsapp", "/webhooks/telegram"])
async def test_bodies_over_64_kb_get_413(path: str) -> None:
    async with asgi_client(create_app(settings())) as client:
        declared = await client.post(path, content=b"x" * (64 * 1024 + 1))
        assert declared.status_code == 413

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(70):
                yield b"y" * 1024

        streamed = await client.post(path, content=chunks())
    assert streamed.status_code == 413


async def test_a_body_of_exactly_64_kb_is_read() -> None:
    async with asgi_client(create_app(settings())) as client:
        response = await client.post("/webchat/messages", content=b" " * (64 * 1024))
    assert response.status_code == 400  # read, then refused as malformed JSON: not a 413


async def _limiters(clean_redis: str) -> AsyncIterator[tuple[str, Any]]:
    redis = Redis.from_url(clean_redis)
    yield "redis", RedisRateLimiter(redis, limit=3)
    yield "memory", MemoryRateLimiter(limit=3)
    await redis.aclose()


async def test_rate_limit_answers_once_then_ignores_until_the_minute_ends(clean_redis: str) -> None:
    async for name, limiter in _limiters(clean_redis):
        now = 1_800_000_000.0  # the start of a minute
        ranks = [await limiter.check("s1", f"m{i}", now + i) for i in range(6)]
        assert ranks == [Rate.ALLOW] * 3 + [Rate.WARN, Rate.DROP, Rate.DROP], name
        assert await limiter.check("s1", "m3", now + 10) is Rate.WARN, name  # a redelivery: same answer
        assert await limiter.check("s1", "m1", now + 10) is Rate.ALLOW, name
        assert await limiter.check("s2", "m0", now + 10) is Rate.ALLOW, name  # someone else
        assert await limiter.check("s1", "m9", now + 60) is Rate.ALLOW, name  # a new minute


async def test_a_sender_over_the_limit_gets_one_slow_down_reply(clean_redis: str) -> None:
    app = create_app(settings(redis_url=clean_redis, rate_limit_per_minute=3))
    async with asgi_client(app) as client:
        answers = [(await chat(client, f"mensaje {i}")).json()["replies"] for i in range(6)]
        other = (await chat(client, "hola", user="anon-9999999999")).json()["replies"]
    assert all(answers[i] for i in range(3))
    assert len(answers[3]) == 1 and answers[3][0]["text"].startswith("Recibí muchos mensajes tuyos")
    assert answers[4] == answers[5] == []
    assert other[0]["text"].startswith("¡Hola!")


# --- flow reload -----------------------------------------------------------------------------
@pytest.fixture
def flows_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "main.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


async def _welcome(client: httpx.AsyncClient) -> str:
    response = await chat(client, "hola", user=f"anon-{uuid.uuid4().hex[:12]}")
    return str(response.json()["replies"][0]["text"])


async def _eventually(check: Callable[[], Any], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_edited_flows_are_served_without_a_restart_and_bad_ones_refused(
    flows_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings(flows_dir=flows_copy, flows_reload_seconds=0.05))
    async with asgi_client(app) as client:
        assert (await _welcome(client)).startswith("¡Hola! Soy el bot de prueba")
        _edit(flows_copy, "¡Hola! Soy el bot de prueba", "¡Buenas! Soy el bot editado")

        async def edited() -> bool:
            return (await _welcome(client)).startswith("¡Buenas!")

        await _eventually(edited)
        _edit(flows_copy, "next: privacy", "next: nowhere")  # fails the checker

        async def refused() -> bool:
            return "flows refused" in caplog.text

        await _eventually(refused)
        assert (await _welcome(client)).startswith("¡Buenas!")  # the last good set keeps serving
        assert (await client.get("/readyz")).status_code == 200
        metrics = (await client.get("/metrics")).text
    problems = [r for r in caplog.records if r.getMessage() == "flow problem"]
    assert problems and "main.yaml" in str(problems[0].__dict__["problem"])
    assert 'labor_bot_flow_reloads_total{result="refused"} 1.0' in metrics


async def test_sighup_reloads_the_flows(flows_copy: Path) -> None:
    app = create_app(settings(flows_dir=flows_copy, flows_reload_seconds=0))  # no watcher
    async with asgi_client(app) as client:
        assert app.state.runtime.reloader.listen_for_sighup(), "SIGHUP handler not installed"
        _edit(flows_copy, "¡Hola! Soy el bot de prueba", "¡Qué tal! Soy el bot recargado")
        await asyncio.sleep(0.1)
        assert (await _welcome(client)).startswith("¡Hola!")
        os.kill(os.getpid(), signal.SIGHUP)

        async def reloaded() -> bool:
            return (await _welcome(client)).startswith("¡Qué tal!")

        await _eventually(reloaded)


# --- settings and the serve command --------------------------------------------------------
def test_settings_from_a_full_environment(tmp_path: Path) -> None:
    loaded = Settings.from_env({
        "REDIS_URL": "redis://127.0.0.1:1/0", "LABOR_BOT_ENV": "production", "LOG_SALT": "x" * 32,
        "TELEGRAM_BOT_TOKEN": "1:A", "TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123",
        "TWILIO_AUTH_TOKEN": "t" * 32, "PUBLIC_BASE_URL": "https://bot.example.org/",
        "FLOWS_DIR": str(tmp_path), "RATE_LIMIT_PER_MINUTE": "30", "FLOWS_RELOAD_SECONDS": "0",
    })
    assert loaded.telegram_enabled and loaded.whatsapp_enabled
    assert loaded.whatsapp_url == "https://bot.example.org/webhooks/whatsapp"
    assert loaded.telegram_api_base_url == "https://api.telegram.org/bot"
    assert (loaded.rate_limit_per_minute, loaded.flows_dir, loaded.flows_reload_seconds) == (30, tmp_path, 0)


@pytest.mark.parametrize(("environ", "says"), [
    ({"LABOR_BOT_ENV": "production", "REDIS_URL": "redis://r:6379"}, "LOG_SALT"),
    ({"TWILIO_AUTH_TOKEN": "t"}, "PUBLIC_BASE_URL"),
    ({"LABOR_BOT_ENV": "production", "LOG_SALT": "s", "PUBLIC_BASE_URL": "http://bot.example.org"},
     "https"),
    ({"TELEGRAM_WEBHOOK_SECRET": "no spaces allowed"}, "TELEGRAM_WEBHOOK_SECRET"),
    ({"RATE_LIMIT_PER_MINUTE": "many"}, "RATE_LIMIT_PER_MINUTE"),
])
def test_bad_settings_say_what_to_fix(environ: dict[str, str], says: str) -> None:
    with pytest.raises(InputError, match=says):
        Settings.from_env(environ).for_server()


async def test_a_channel_without_credentials_is_not_mounted() -> None:
    only_token = settings(telegram_token="1:A")  # no secret: `telegram poll` only
    async with asgi_client(create_app(only_token)) as client:
        telegram = await client.post("/webhooks/telegram", json={"update_id": 1})
        whatsapp = await client.post("/webhooks/whatsapp", data={"Body": "hola"})
        page = await client.get("/")
    assert telegram.status_code == whatsapp.status_code == 404
    assert page.status_code == 200


@pytest.mark.parametrize(("environ", "args", "says"), [
    ({"LABOR_BOT_ENV": "production", "LOG_SALT": "s"}, [], "REDIS_URL"),
    ({}, ["--workers", "2"], "REDIS_URL"),
    ({"TWILIO_AUTH_TOKEN": "t"}, [], "PUBLIC_BASE_URL"),
])
def test_serve_refuses_settings_it_cannot_run_with(environ: dict[str, str], args: list[str],
                                                    says: str) -> None:
    cli = typer.Typer()
    cli.command()(serve)
    env = {"REDIS_URL": "", "LABOR_BOT_ENV": "", "TWILIO_AUTH_TOKEN": "", "LOG_SALT": "", **environ}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2
    assert says in result.output
