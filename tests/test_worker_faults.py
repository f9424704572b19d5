"""`labor-bot worker` against unreachable channels and a restarted Redis: one log line per failure
(never her number or the notice's text), retries with backoff, a clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bench import load
from tests.fakes import free_port, serve_in_thread, wait_until
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilioApi
from tests.redis_server import RedisServer
from tests.test_faults import WORKSHOP, flows_with_one_workshop, worker_process

pytestmark = pytest.mark.slow  # real processes, real backoff waits

TELEGRAM_CHATS = [7_300_000_001, 7_300_000_002]
WHATSAPP_USER = "+5215500000001"
TEMPLATE_SID = "HX" + "1" * 32


async def seat_people(url: str, tags: list[str]) -> None:
    """Seats taken a day ago for the workshop in 5 hours: each one's "day" reminder is due now."""
    from bot.workshops.seats import Person, Terms
    from bot.workshops.seats.redis import RedisSeats

    client = Redis.from_url(url)
    try:
        seats, now = RedisSeats(client), int(time.time())
        terms = Terms(WORKSHOP, 10, starts=now + 5 * 3600, now=now - 25 * 3600)
        for n, tag in enumerate(tags):
            outcome, _ = await seats.take(tag, terms, Person("", f"nonce-{n}", "es", False))
            assert outcome == "confirmed"
    finally:
        await client.aclose()


def log_lines(log: Path) -> list[dict[str, object]]:
    """Every line the worker wrote, each a JSON object (a traceback would not parse)."""
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def failures(log: Path) -> list[dict[str, object]]:
    return [line for line in log_lines(log) if line["msg"] == "outbox delivery failed; will retry"]


def assert_nothing_personal(log: Path) -> None:
    text = log.read_text(errors="replace")
    for secret in (*map(str, TELEGRAM_CHATS), WHATSAPP_USER, "5500000001", "Recordatorio",
                   "Negocia tu salario", load.TELEGRAM_TOKEN):
        assert secret not in text, secret


def stop(process: subprocess.Popen[bytes], sig: signal.Signals) -> int:
    os.kill(process.pid, sig)
    return process.wait(20)


async def test_channels_refused_and_redis_restarted_then_every_reminder_goes_out(
    make_redis_server: Callable[..., RedisServer], tmp_path: Path
) -> None:
    server = make_redis_server(durable=True)
    flows = flows_with_one_workshop(tmp_path, timedelta(hours=5), capacity=10)
    await seat_people(server.url, [*(f"{{telegram:{c}}}" for c in TELEGRAM_CHATS),
                                   f"{{whatsapp:{WHATSAPP_USER}}}"])
    telegram_port, twilio_port = free_port(), free_port()  # nothing listens there yet: refused
    env = load.server_env(server.url, f"http://127.0.0.1:{telegram_port}/bot", flows,
                          TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                          TWILIO_WHATSAPP_FROM=FROM, TWILIO_API_BASE_URL=f"http://127.0.0.1:{twilio_port}",
                          WHATSAPP_TEMPLATE_REMINDER_DAY=TEMPLATE_SID)
    log = tmp_path / "worker.log"
    worker = worker_process(env, log)
    try:
        # Each of the three reminders fails once: one line each, with the error's type only.
        wait_until(lambda: len(failures(log)) >= 3, timeout=30, what="three failed deliveries")
        assert worker.poll() is None
        first = failures(log)
        assert {line["channel"] for line in first} == {"notice"}
        assert {line["error"] for line in first} <= {"NetworkError", "ConnectionError"}
        assert all(line["retry_in"] == 5.0 for line in first[:3])  # backoff: 5 s, then 10 s…

        server.restart()  # the worker's connections die with the old process
        assert worker.poll() is None

        bot_api, twilio = FakeBotApi(token=load.TELEGRAM_TOKEN), FakeTwilioApi()
        with serve_in_thread(bot_api.app(), port=telegram_port), \
                serve_in_thread(twilio.app(), port=twilio_port):
            wait_until(lambda: len(bot_api.sent()) == 2 and len(twilio.sent()) == 1, timeout=60,
                       what="every reminder, once the channels answer")
            assert worker.poll() is None
            assert stop(worker, signal.SIGTERM) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert sorted(int(p["chat_id"]) for p in bot_api.sent()) == TELEGRAM_CHATS
    (message,) = twilio.sent()
    assert message["To"] == f"whatsapp:{WHATSAPP_USER}" and message["ContentSid"] == TEMPLATE_SID
    assert_nothing_personal(log)


def hanging_listener() -> socket.socket:
    """A port that accepts connections and never answers: every request times out."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


async def test_a_telegram_that_never_answers_is_one_line_per_timeout_and_ctrl_c_stops_it(
    clean_redis: str, tmp_path: Path
) -> None:
    flows = flows_with_one_workshop(tmp_path, timedelta(hours=5), capacity=10)
    await seat_people(clean_redis, [f"{{telegram:{TELEGRAM_CHATS[0]}}}"])
    with hanging_listener() as hung:
        port = hung.getsockname()[1]
        env = load.server_env(clean_redis, f"http://127.0.0.1:{port}/bot", flows)
        log = tmp_path / "worker.log"
        worker = worker_process(env, log)
        try:
            wait_until(lambda: len(failures(log)) >= 1, timeout=40, what="a timed-out delivery")
            assert worker.poll() is None
            assert stop(worker, signal.SIGINT) == 0  # Ctrl-C
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    (line,) = failures(log)
    assert line["error"] == "TimedOut" and line["attempt"] == 1
    warned = [x for x in log_lines(log) if str(x["msg"]).startswith("worker cannot reach Telegram")]
    assert len(warned) == 1 and warned[0]["error"] == "TimedOut"
    assert_nothing_personal(log)
