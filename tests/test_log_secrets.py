"""No secret or personal data in any log at any level (red team F3): the real server and the real
worker at LOG_LEVEL=DEBUG, their logs grepped for the bot token, phone numbers, chat ids and texts."""

from __future__ import annotations

import signal
from datetime import timedelta
from pathlib import Path

import pytest

from bench import load
from tests.fakes import free_port, serve_in_thread, wait_until
from tests.fakes.telegram_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM, FakeTwilioApi
from tests.test_faults import flows_with_one_workshop, worker_process
from tests.test_server_e2e import Server, environment, telegram, webchat, whatsapp
from tests.test_worker_faults import TELEGRAM_CHATS, TEMPLATE_SID, WHATSAPP_USER, log_lines, seat_people, stop

pytestmark = pytest.mark.slow  # real processes

STORY = "me corrieron ayer de la fabrica sin pagarme"


def test_the_server_at_debug_logs_no_token_number_or_text(clean_redis: str, tmp_path: Path) -> None:
    with running_fake_bot_api() as api:
        env = environment(clean_redis, api) | {"LOG_LEVEL": "DEBUG"}
        server = Server(env, 1, tmp_path / "server.log")
        server.start()
        try:
            assert webchat(server, "hola")[0]["text"].startswith("¡Hola!")
            webchat(server, STORY)
            assert whatsapp(server, "hola")
            whatsapp(server, STORY)
            telegram(server, 1, "hola")
            telegram(server, 2, STORY)
            wait_until(lambda: len(api.texts()) >= 2, 10, "the Telegram replies")
            replies = api.texts()
        finally:
            server.kill()
    text = server.log.read_text(errors="replace")
    assert '"level": "debug"' in text  # DEBUG really was on
    for secret in (TOKEN, TOKEN.split(":")[1], "5215599990000", "5550001", "anon-e2e-0001", STORY,
                   "¡Hola!", *(reply.splitlines()[0] for reply in replies if reply.strip())):
        assert secret not in text, secret


async def test_the_worker_at_debug_logs_no_token_number_or_text(clean_redis: str, tmp_path: Path) -> None:
    flows = flows_with_one_workshop(tmp_path, timedelta(hours=5), capacity=10)
    await seat_people(clean_redis, [f"{{telegram:{TELEGRAM_CHATS[0]}}}", f"{{whatsapp:{WHATSAPP_USER}}}"])
    telegram_port, twilio_port = free_port(), free_port()
    env = load.server_env(clean_redis, f"http://127.0.0.1:{telegram_port}/bot", flows, LOG_LEVEL="DEBUG",
                          TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                          TWILIO_WHATSAPP_FROM=FROM, TWILIO_API_BASE_URL=f"http://127.0.0.1:{twilio_port}",
                          WHATSAPP_TEMPLATE_REMINDER_DAY=TEMPLATE_SID)
    log = tmp_path / "worker.log"
    bot_api, twilio = FakeBotApi(token=load.TELEGRAM_TOKEN), FakeTwilioApi()
    with serve_in_thread(bot_api.app(), port=telegram_port), serve_in_thread(twilio.app(), port=twilio_port):
        worker = worker_process(env, log)
        try:
            wait_until(lambda: len(bot_api.sent()) == 1 and len(twilio.sent()) == 1, timeout=60,
                       what="both reminders")
            assert stop(worker, signal.SIGTERM) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    lines = log_lines(log)
    assert any(line["level"] == "debug" for line in lines)  # DEBUG really was on
    sent = [str(bot_api.sent()[0]["text"]), str(twilio.sent()[0].get("Body", ""))]
    text = log.read_text(errors="replace")
    for secret in (load.TELEGRAM_TOKEN, load.TELEGRAM_TOKEN.split(":")[1], AUTH_TOKEN, ACCOUNT_SID,
                   str(TELEGRAM_CHATS[0]), WHATSAPP_USER, WHATSAPP_USER.lstrip("+"),
                   *(s.splitlines()[0] for s in sent if s.strip())):
        assert secret not in text, secret
