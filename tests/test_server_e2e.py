"""End to end: `labor-bot serve` in its own process on a free port with a real Redis; the server is
killed between two messages of a conversation, started again, and the conversation goes on. And
docs/deploy.md followed on one machine: a `.env` shaped like `.env.example`, the server and the
worker started as the systemd units start them, the fakes standing in for Telegram and Twilio."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import httpx
import pytest

from bot.settings import WHATSAPP_TEMPLATE_VARS, env_names
from tests.fakes import free_port, wait_until
from tests.fakes.telegram_api import TOKEN, FakeBotApi, running_fake_bot_api
from tests.fakes.twilio_api import FakeTwilioApi, running_fake_twilio_api
from tests.test_webhooks_whatsapp import AUTH_TOKEN, FLOWS, PUBLIC, inbound, signed

pytestmark = pytest.mark.slow  # `labor-bot serve` processes, killed and restarted

ROOT = Path(__file__).resolve().parents[1]
SERVE = "import typer; from bot.cli.serve import serve; typer.run(serve)"
TELEGRAM_SECRET = "e2e-secret"
START_TIMEOUT = 30.0


class Server:
    """`labor-bot serve` as a child process group, so a kill takes its workers with it."""

    def __init__(self, env: dict[str, str], workers: int, log: Path, cwd: Path = ROOT,
                 program: list[str] | None = None) -> None:
        """`program` replaces `serve` (its `--port` is added here); `cwd` is where ./.env is read."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env, self.workers, self.log, self.cwd = env, workers, log, cwd
        self.program = program or [sys.executable, "-c", SERVE, "--workers", str(workers)]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [*self.program, "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(args, cwd=self.cwd, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while not self._ready():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"the server did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.1)

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers run, as when a machine or a container dies."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> int:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        code = self.proc.wait(20)
        self.proc = None
        return code


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with running_fake_bot_api() as fake:
        yield fake


def environment(redis_url: str, api: FakeBotApi) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "REDIS_", "LABOR_BOT_", "PROMETHEUS_"))}
    env.update({
        "REDIS_URL": redis_url, "FLOWS_DIR": str(FLOWS), "FLOWS_RELOAD_SECONDS": "0",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC,
        "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": api.base_url, "LANG": "es_MX.UTF-8",
    })
    return env


def known_variables() -> set[str]:
    return {*env_names().values(), *WHATSAPP_TEMPLATE_VARS, "PROMETHEUS_MULTIPROC_DIR"}


def webchat(server: Server, text: str, value: str | None = None, message_id: str | None = None) -> Any:
    response = httpx.post(f"{server.url}/webchat/messages", timeout=10, json={
        "user": "anon-e2e-0001", "message_id": message_id or uuid.uuid4().hex, "text": text,
        "value": value, "lang": "es"})
    assert response.status_code == 200, response.text
    return response.json()["replies"]


def whatsapp(server: Server, body: str) -> list[str]:
    form = inbound(Body=body, From="whatsapp:+5215599990000")
    response = httpx.post(f"{server.url}/webhooks/whatsapp", content=urlencode(form),
                          headers=signed(form), timeout=10)
    assert response.status_code == 200, response.text
    return [m.text or "" for m in ElementTree.fromstring(response.text).iter("Message")]


def telegram(server: Server, update_id: int, text: str) -> None:
    update = {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1735689600, "text": text,
        "from": {"id": 5550001, "is_bot": False, "first_name": "Ana", "language_code": "es"},
        "chat": {"id": 5550001, "type": "private", "first_name": "Ana"}}}
    response = httpx.post(f"{server.url}/webhooks/telegram", json=update, timeout=10,
                          headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("workers", [1, 2])
def test_a_conversation_survives_killing_the_server(
    workers: int, clean_redis: str, api: FakeBotApi, tmp_path: Path
) -> None:
    env = environment(clean_redis, api)
    if workers > 1:  # every worker writes its counters here; /metrics adds them all up
        (tmp_path / "metrics").mkdir()
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    server = Server(env, workers, tmp_path / "server.log")
    server.start()
    try:
        assert webchat(server, "hola")[0]["text"].startswith("¡Hola!")
        menu = webchat(server, "sí")[-1]["choices"]
        days = next(c for c in menu if c["label"] == "Contar mis días")
        asked = webchat(server, days["label"], days["value"], message_id="ask-days")
        assert asked[0]["text"] == "¿Cuántos días trabajas a la semana?"
        assert whatsapp(server, "hola")[-1].endswith("1. Sí\n2. No")
        telegram(server, 1, "hola")
        assert len(api.texts()) == 2

        server.kill()
        server.start()

        assert webchat(server, days["label"], days["value"], message_id="ask-days") == asked  # a retry
        assert webchat(server, "5")[0]["text"] == "Trabajas 5 días a la semana."
        assert whatsapp(server, "sí")[0] == "Gracias por tu confianza."
        telegram(server, 2, "sí")
        assert api.texts()[2] == "Gracias por tu confianza."
        if workers > 1:
            metrics = httpx.get(f"{server.url}/metrics", timeout=10).text
            assert 'labor_bot_messages_in_total{channel="webchat"} 5.0' in metrics
        # A graceful stop on SIGTERM (a single uvicorn process re-raises the signal once done).
        assert server.stop() in (0, -signal.SIGTERM)
    finally:
        server.kill()
    output = (tmp_path / "server.log").read_text(errors="replace")
    assert f"http://127.0.0.1:{server.port}/" in output
    assert "Application shutdown complete" in output.rsplit("Application startup complete", 1)[-1]
    assert "5215599990000" not in output and "Trabajas 5" not in output  # nothing personal logged
    assert "POST /webchat" not in output  # no access log: one line per message is enough


def filled_env_example(values: dict[str, str]) -> str:
    """`.env.example` with `values` filled in, as an operator's copy of it would be (step 1)."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    left = dict(values)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"{name}={left.pop(name)}" if name in left else match.group(0)

    filled = re.sub(r"^#?\s*([A-Z][A-Z0-9_]*)=.*$", fill, example, flags=re.M)
    assert not left, f"not in .env.example: {sorted(left)}"
    return filled


def unit_command(name: str) -> list[str]:
    """The `labor-bot …` a unit of deploy/systemd/ runs, with this checkout's `labor-bot`."""
    text = (ROOT / "deploy/systemd" / name).read_text(encoding="utf-8")
    program, *args = shlex.split(re.search(r"^ExecStart=(.*)$", text, re.M).group(1))  # type: ignore[union-attr]
    assert program.endswith("/labor-bot")
    if "--port" in args:  # the test's server takes a free port instead
        del args[args.index("--port"):args.index("--port") + 2]
    return [str(Path(sys.executable).with_name("labor-bot")), *args]


def test_the_deploy_guide_on_one_machine(clean_redis: str, api: FakeBotApi, tmp_path: Path) -> None:
    """docs/deploy.md, section 1 with systemd: the settings in ./.env, the server and the worker as
    the units start them; a web-chat message answered; a broken flow edit refused while the last
    good set serves; the worker starts, then stops on SIGTERM without a traceback."""
    flows = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", flows)  # the checkout's flows folder staff edit
    twilio: FakeTwilioApi
    with running_fake_twilio_api() as twilio:
        (tmp_path / ".env").write_text(filled_env_example({
            "REDIS_URL": clean_redis, "LABOR_BOT_ENV": "production",
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "TWILIO_AUTH_TOKEN": twilio.auth_token, "PUBLIC_BASE_URL": PUBLIC,
            "TWILIO_ACCOUNT_SID": twilio.account_sid, "TWILIO_WHATSAPP_FROM": "whatsapp:+5215500000000",
            "TWILIO_API_BASE_URL": twilio.base_url,
            "LOG_SALT": "a-long-random-string-for-this-test", "FLOWS_DIR": str(flows),
            "FLOWS_RELOAD_SECONDS": "0.5",
        }), encoding="utf-8")
        (tmp_path / "metrics").mkdir()
        # Only ./.env holds settings (the unit's EnvironmentFile); the unit itself adds the metrics folder.
        env = {k: v for k, v in os.environ.items() if k not in known_variables() or k == "LANG"}
        env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
        server = Server(env, 2, tmp_path / "server.log", cwd=tmp_path,
                        program=unit_command("labor-bot.service"))
        worker_log = tmp_path / "worker.log"
        server.start()
        try:
            with open(worker_log, "ab") as log:
                worker = subprocess.Popen(unit_command("labor-bot-worker.service"), cwd=tmp_path, env=env,
                                          stdout=log, stderr=subprocess.STDOUT)
            try:
                first = webchat(server, "hola")
                assert first and first[0]["text"]
                wait_until(lambda: "worker started" in worker_log.read_text(errors="replace"), 30,
                           "the worker to start")

                # A staff edit that breaks a flow is refused; the last good set keeps answering.
                edited = flows / "main.yaml"
                good = edited.read_text(encoding="utf-8")
                edited.write_text(good + "\n  - this: [is not a flow\n", encoding="utf-8")
                wait_until(lambda: "flows refused" in server.log.read_text(errors="replace"), 20,
                           "the broken edit to be refused")
                again = httpx.post(f"{server.url}/webchat/messages", timeout=10, json={
                    "user": "anon-e2e-0002", "message_id": "m1", "text": "hola", "lang": "es"})
                assert again.status_code == 200 and again.json()["replies"] == first
                edited.write_text(good, encoding="utf-8")  # the rollback
                wait_until(lambda: "flows reloaded" in server.log.read_text(errors="replace"), 20,
                           "the good set to be served again")

                metrics = httpx.get(f"{server.url}/metrics", timeout=10).text
                assert 'labor_bot_messages_in_total{channel="webchat"} 2.0' in metrics
                worker.send_signal(signal.SIGTERM)
                assert worker.wait(20) == 0
            finally:
                if worker.poll() is None:
                    worker.kill()
                    worker.wait(10)
            assert server.stop() in (0, -signal.SIGTERM)
        finally:
            server.kill()
    started = next(line for line in worker_log.read_text(errors="replace").splitlines()
                   if "worker started" in line)
    assert '"telegram"' in started and '"whatsapp"' in started  # both channels configured from .env
    assert api.sent("getMe")  # the worker checked its token
    for output in (server.log.read_text(errors="replace"), worker_log.read_text(errors="replace")):
        assert "Traceback" not in output
