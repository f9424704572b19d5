"""`labor-bot doctor` against the fakes: all ready (exit 0); each thing not ready said plainly (exit 1)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench import load
from bot.cli import app
from bot.paths import FLOWS_DIR
from bot.settings import WHATSAPP_TEMPLATE_VARS
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, FROM
from tests.redis_server import RedisServer


def flows_with_a_real_center(tmp_path: Path) -> Path:
    """The shipped flows, with the example Mexico City center made a real one (and the default)."""
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS_DIR, folder)
    directory = folder / "data" / "directory.yaml"
    text = directory.read_text(encoding="utf-8")
    real = text.replace("  - id: ejemplo_cdmx\n    example: true\n",
                        "  - id: ejemplo_cdmx\n    source: prueba\n")
    assert real != text
    directory.write_text(real, encoding="utf-8")
    return folder


def ready_env(redis_url: str, api: FakeBotApi, flows: Path) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url, "LABOR_BOT_ENV": "production", "LOG_SALT": "sal-de-prueba-larga",
        "TELEGRAM_BOT_TOKEN": load.TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": load.TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": api.base_url, "PUBLIC_BASE_URL": "https://bot.example.org",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_WHATSAPP_FROM": FROM,
        "FLOWS_DIR": str(flows), **{name: f"HX{n:032d}" for n, name in enumerate(WHATSAPP_TEMPLATE_VARS)},
    }


def doctor(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], *args: str) -> tuple[int, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["doctor", *args])
    return result.exit_code, result.output


def test_everything_ready(make_redis_server: Callable[..., RedisServer], bot_api: FakeBotApi,
                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = make_redis_server(durable=True)
    code, out = doctor(monkeypatch, ready_env(server.url, bot_api, flows_with_a_real_center(tmp_path)))
    assert code == 0, out
    assert "✘" not in out
    assert "Redis guarda cada cambio en disco" in out
    assert "el bot es @derechos_test_bot" in out
    assert "Todo lo necesario está listo." in out
    assert [c.method for c in bot_api.calls] == ["getMe"]


def test_what_is_missing_is_said_and_fails(clean_redis: str, bot_api: FakeBotApi, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    env = ready_env(clean_redis, bot_api, FLOWS_DIR)  # the shipped directory: only examples
    env.update({"TELEGRAM_BOT_TOKEN": "999:wrong", "LOG_SALT": "", "TWILIO_WHATSAPP_FROM": "",
                "WHATSAPP_TEMPLATE_SEAT_FREED_DISCREET": "", "WHATSAPP_TEMPLATE_SEAT_FREED_EN": ""})
    code, out = doctor(monkeypatch, env, "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ready"] is False
    failed = {c["id"] for c in report["checks"] if c["needed"] and c["ok"] is False}
    assert failed == {"redis.persistence", "telegram.reachable", "whatsapp", "directory.centers",
                      "directory.default", "log_salt", "WHATSAPP_TEMPLATE_SEAT_FREED_DISCREET"}
    texts = {c["id"]: c["text"] for c in report["checks"]}
    assert "TWILIO_WHATSAPP_FROM" in texts["whatsapp"]
    assert "se usa la de español" in texts["WHATSAPP_TEMPLATE_SEAT_FREED_EN"]
    assert "appendonly" in texts["redis.persistence"]


def test_in_english_and_with_nothing_reachable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import free_port

    port = free_port()  # nothing listens: Redis and Telegram both refuse
    env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "TELEGRAM_BOT_TOKEN": load.TELEGRAM_TOKEN,
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot"}
    code, out = doctor(monkeypatch, env, "--lang", "en")
    assert code == 1
    assert "Redis does not answer" in out
    assert "TELEGRAM_WEBHOOK_SECRET" in out and "Could not reach Telegram" in out
    assert "WhatsApp is not configured (not used)." in out
    assert "Traceback" not in out
