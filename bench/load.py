"""Load benchmark: the real server driven through whole conversations, measured against a floor.

    python -m bench.load [--workers 2] [--concurrency 32] [--duration 20] [--json FILE]

What one run does, on loopback only, every loop bounded in count and time:

1. Starts a throwaway `redis-server` on a free port (never the machine's own Redis) and the
   local fake Telegram Bot API (`tests/fakes/telegram_api.py`) in a process of its own.
2. The floor: `bench/floor.py` under uvicorn with the same number of workers, driven with the
   same signed WhatsApp posts at the same concurrency.
3. The bot: `labor-bot serve --workers N` (rate limits, logging and metrics on, as deployed),
   driven by simulated workers, each through one whole conversation (a scenario below): as
   signed WhatsApp webhooks, then as Telegram updates (replies go to the fake Bot API).
4. Redis per message, two ways: `INFO commandstats` deltas over each timed phase (every command
   Redis ran, those inside Lua scripts included), and a short accounting pass through a
   counting proxy, one message at a time, that sees what the server sends: commands and round
   trips for each message.
5. Redis bytes per idle session: `MEMORY USAGE` of the session keys the run left (the only key
   of a worker left once her message ids expire after 48 hours).

The scenarios are data: a list of messages each, sent one after the other as a worker would
(the next once the reply is in). A scenario whose flow is not in the flows folder is skipped
with a note. Closed loop: `--concurrency` conversations are in flight at any time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
AUTH_TOKEN = "bench0twilio0auth0token000000000"  # 32 characters, like a real one
PUBLIC = "https://bot.example.org"
WHATSAPP_URL = f"{PUBLIC}/webhooks/whatsapp"
TELEGRAM_TOKEN = "123456:BENCH-token"
TELEGRAM_SECRET = "bench-secret"
FORM = "application/x-www-form-urlencoded"
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
TROUBLE = "problemas técnicos"  # the apology when Redis cannot be reached
SLOW_DOWN = "muchos mensajes"  # the rate limiter's warning
# Commands a server sends that belong to no message: connection set-up, the outbox consumers.
BACKGROUND = frozenset({"client", "hello", "select", "ping", "info", "script", "xautoclaim",
                        "xreadgroup", "xgroup", "xlen", "cluster", "command", "readonly"})

TARGETS = {"throughput_ratio": 0.6, "p99_ratio": 3.0, "commands": 4, "round_trips": 2,
           "idle_bytes": 2048}


@dataclass(frozen=True)
class Scenario:
    """One whole conversation: the messages a worker sends, and a piece of the last answer."""

    name: str
    flow: str  # the flow it needs; skipped when the flows folder has none by that name
    messages: tuple[str, ...]
    expect: tuple[str, ...]  # the last message's replies contain one of these


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("menu", "main",
             ("hola", "si", "Cómo usar este bot", "menu", "Mis datos y privacidad", "menu"),
             ("¿En qué te ayudo?",)),
    Scenario("rights question", "rights",
             ("hola", "si", "me corrieron ayer sin razon", "1", "menu", "no me an pagado el aguinaldo"),
             ("Aguinaldo", "aguinaldo")),
    Scenario("severance", "severance",
             ("finiquito", "si", "9,000", "al mes", "1 de marzo de 2020", "15/10/2026",
              "me corrieron sin razon", "1", "0", "no", "si"),
             ("Total:",)),
    Scenario("complaint", "complaint",
             ("hola", "si", "queja", "2", "3", "15/01/2026", "si", "Tienda, restaurante, hotel u oficina",
              "CDMX", "no"),
             ("Problema:",)),
    Scenario("workshop sign-up", "workshops",
             ("hola", "no", "taller", "1", "1", "si", "Lupita", "no", "Trabajo del hogar", "si", "no",
              "Discretos"),
             ("Tu código es", "lista de espera")),
)


# -- processes -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refuse_machine_redis(url: str) -> None:
    """This machine runs a Redis on 6379 that may hold data: never touch it."""
    parts = urlsplit(url)
    if (parts.hostname or "127.0.0.1") in ("127.0.0.1", "localhost", "::1") and (parts.port or 6379) == 6379:
        raise SystemExit("refusing to use the Redis on port 6379: run the benchmark on a throwaway one")


class Child:
    """A child process in its own process group; `stop` ends it and every process it started."""

    def __init__(self, args: Sequence[str], env: dict[str, str], log: Path, ready_url: str | None) -> None:
        self.args, self.env, self.log, self.ready_url = list(args), env, log, ready_url
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = START_TIMEOUT) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        if self.ready_url is None:
            return
        deadline = time.monotonic() + timeout
        while not _http_ok(self.ready_url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                tail = self.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{self.args[:4]} did not start:\n{tail}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the whole group, as when a machine dies."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None


def _http_ok(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=1) as sock:
            sock.sendall(f"GET {parts.path or '/'} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            return sock.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def server_env(redis_url: str, telegram_api: str | None, flows_dir: Path | None = None,
               **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "TWILIO_", "REDIS_", "LABOR_BOT_", "PROMETHEUS_", "FLOWS_"))}
    env.update({"REDIS_URL": redis_url, "FLOWS_RELOAD_SECONDS": "0", "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                "PUBLIC_BASE_URL": PUBLIC, "LANG": "es_MX.UTF-8", "PYTHONUNBUFFERED": "1"})
    if flows_dir is not None:
        env["FLOWS_DIR"] = str(flows_dir)
    if telegram_api is not None:
        env.update({"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
                    "TELEGRAM_API_BASE_URL": telegram_api})
    env.update(extra)
    return env


def bot_server(env: dict[str, str], workers: int, log: Path) -> tuple[Child, str]:
    """`labor-bot serve` on a free port; not started yet."""
    port = free_port()
    args = [sys.executable, "-m", "bot", "serve", "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    return Child(args, env, log, f"{base}/readyz"), base


def floor_server(env: dict[str, str], workers: int, log: Path) -> tuple[Child, str]:
    port = free_port()
    args = [sys.executable, "-m", "bench.floor", "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    return Child(args, env, log, f"{base}/healthz"), base


def fake_telegram(log: Path) -> tuple[Child, str]:
    """The fake Bot API in a process of its own (so it does not share the driver's core)."""
    port = free_port()
    args = [sys.executable, "-m", "bench.load", "--serve-fake-telegram", str(port)]
    base = f"http://127.0.0.1:{port}"
    return Child(args, dict(os.environ), log, f"{base}/_stats"), f"{base}/bot"


def serve_fake_telegram(port: int) -> None:
    """The fake Bot API of the tests, plus `/_stats`: how many messages each chat was sent."""
    import uvicorn
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from tests.fakes.telegram_api import FakeBotApi

    api = FakeBotApi(token=TELEGRAM_TOKEN)
    app = api.app()

    async def stats(request: Request) -> JSONResponse:
        sent = api.sent()
        api.calls.clear()  # keeps memory flat over a long run
        return JSONResponse({"sendMessage": len(sent)})

    app.router.routes.append(Route("/_stats", stats))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, ws="none")


class ThrowawayRedis:
    """A `redis-server` child on a free port, no persistence, deleted at the end."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        binary = subprocess.run(["which", "redis-server"], capture_output=True, text=True).stdout.strip()
        if not binary:
            raise SystemExit("redis-server not found (Debian/Ubuntu: apt-get install redis-server)")
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(self.dir), "--protected-mode", "yes", "--loglevel", "warning"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis_command(self.port, "PING").startswith(b"+PONG"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        for name in self.dir.iterdir():
            name.unlink()
        self.dir.rmdir()


def redis_command(port: int, *words: str) -> bytes:
    """One command on a fresh connection to a throwaway Redis; the raw reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(_resp(words))
        data = sock.recv(1 << 20)
        if data.startswith(b"$"):
            header, _, rest = data.partition(b"\r\n")
            size = int(header[1:])
            while len(rest) < size + 2:
                more = sock.recv(1 << 20)
                if not more:
                    break
                rest += more
            return rest[:size]
        return data


def _resp(words: Sequence[str]) -> bytes:
    out = [f"*{len(words)}\r\n".encode()]
    for word in words:
        raw = word.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(out)


def commandstats(ports: Sequence[int]) -> Counter[str]:
    """Calls per command, added up over `ports` (the nodes of a cluster)."""
    calls: Counter[str] = Counter()
    for port in ports:
        for line in redis_command(port, "INFO", "commandstats").decode().splitlines():
            if line.startswith("cmdstat_"):
                name, _, rest = line[len("cmdstat_"):].partition(":")
                calls[name] += int(rest.split(",")[0].removeprefix("calls="))
    return calls


# -- HTTP: a small keep-alive client, cheaper than a general one, so the driver stays light ----

class Http:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        return await asyncio.wait_for(self._post(path, body, headers), REQUEST_TIMEOUT)

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
                           f"{head}\r\n".encode() + body)
        try:
            status_line = await self._reader.readline()
            if not status_line:
                raise ConnectionError("server closed the connection")
            status = int(status_line.split()[1])
            length, close = 0, False
            while True:
                line = await self._reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            data = await self._reader.readexactly(length) if length else b""
        except BaseException:
            await self.close()
            raise
        if close:
            await self.close()
        return status, data

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
        self._reader = self._writer = None


# -- channels: how one message is posted and what counts as a good answer ---------------------

class Channel:
    name = ""
    path = ""
    has_text = False  # whether the HTTP answer holds the replies

    def request(self, user: int, text: str) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError

    def problem(self, status: int, body: bytes) -> str | None:
        raise NotImplementedError


class WhatsApp(Channel):
    name, path, has_text = "whatsapp", "/webhooks/whatsapp", True

    def __init__(self, run: int) -> None:
        from twilio.request_validator import RequestValidator

        self._validator = RequestValidator(AUTH_TOKEN)
        self._sids = itertools.count()
        self._run = run

    def request(self, user: int, text: str) -> tuple[bytes, dict[str, str]]:
        sid = f"SM{self._run:08x}{next(self._sids):024x}"
        phone = f"+52155{user:08d}"
        form = {"SmsMessageSid": sid, "NumMedia": "0", "ProfileName": "Trabajadora", "MessageType": "text",
                "SmsSid": sid, "WaId": phone[1:], "SmsStatus": "received", "Body": text,
                "To": "whatsapp:+14155238886", "NumSegments": "1", "ReferralNumMedia": "0",
                "MessageSid": sid, "AccountSid": "AC" + "0" * 32, "From": f"whatsapp:{phone}",
                "ApiVersion": "2010-04-01"}
        signature = self._validator.compute_signature(WHATSAPP_URL, form)
        return urlencode(form).encode(), {"Content-Type": FORM, "X-Twilio-Signature": signature}

    def problem(self, status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        if b"<Message>" not in body:
            return "no reply"
        text = body.decode("utf-8", "replace")
        if TROUBLE in text:
            return "apology (store unavailable)"
        if SLOW_DOWN in text:
            return "rate limited"
        return None


class Telegram(Channel):
    name, path = "telegram", "/webhooks/telegram"

    def __init__(self, run: int) -> None:
        self._ids = itertools.count(run % 100_000 * 10_000_000)

    def request(self, user: int, text: str) -> tuple[bytes, dict[str, str]]:
        update_id = next(self._ids)
        chat = 7_000_000_000 + user
        update = {"update_id": update_id, "message": {
            "message_id": update_id % 1_000_000_000, "date": int(time.time()), "text": text,
            "from": {"id": chat, "is_bot": False, "first_name": "Ana", "language_code": "es"},
            "chat": {"id": chat, "type": "private", "first_name": "Ana"}}}
        return (json.dumps(update).encode(),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})

    def problem(self, status: int, body: bytes) -> str | None:
        return None if status == 200 else f"HTTP {status}"


# -- the closed loop ---------------------------------------------------------------------------

@dataclass
class PhaseResult:
    name: str
    concurrency: int
    messages: int = 0
    conversations: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    mismatched: Counter[str] = field(default_factory=Counter)  # scenario -> last answers unexpected
    commands: Counter[str] = field(default_factory=Counter)  # INFO commandstats delta
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    @property
    def commands_per_message(self) -> float:
        total = sum(n for name, n in self.commands.items() if name.split("|")[0] not in BACKGROUND)
        return total / self.messages if self.messages else 0.0

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "concurrency": self.concurrency, "messages": self.messages,
                "conversations": self.conversations, "seconds": round(self.seconds, 2),
                "messages_per_second": round(self.rate, 1), "p50_ms": round(self.percentile(50), 1),
                "p95_ms": round(self.percentile(95), 1), "p99_ms": round(self.percentile(99), 1),
                "problems": dict(self.problems), "unexpected_last_answers": dict(self.mismatched),
                "redis_commands_per_message_server_side": round(self.commands_per_message, 2),
                "redis_commands": dict(self.commands.most_common()),
                "cpu_ms_per_message": {name: round(seconds / self.messages * 1000, 2)
                                       for name, seconds in self.extra.get("cpu_seconds", {}).items()}
                if self.messages else {},
                **{k: v for k, v in self.extra.items() if k != "cpu_seconds"}}


async def run_phase(name: str, base: str, channel: Channel, scenarios: Sequence[Scenario],
                    users: Iterator[int], concurrency: int, duration: float, max_conversations: int,
                    on_message: Callable[[int], None] | None = None, check: bool = True) -> PhaseResult:
    """`concurrency` simulated workers at a time, each through a whole conversation, until
    `duration` seconds have passed or `max_conversations` were started. `check`: compare the
    last answer of each conversation with its scenario's `expect` (not for the floor)."""
    result = PhaseResult(name, concurrency)
    started = time.perf_counter()
    deadline = started + duration
    counter = itertools.count()

    async def slot() -> None:
        http = Http(base)
        try:
            while time.perf_counter() < deadline:
                number = next(counter)
                if number >= max_conversations:
                    return
                user = next(users)
                scenario = scenarios[number % len(scenarios)]
                result.conversations += 1
                for i, text in enumerate(scenario.messages):
                    body, headers = channel.request(user, text)
                    if on_message is not None:
                        on_message(result.messages)
                    sent = time.perf_counter()
                    try:
                        status, answer = await http.post(channel.path, body, headers)
                    except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                        result.problems[type(exc).__name__] += 1
                        await http.close()
                        break
                    result.latencies.append(time.perf_counter() - sent)
                    result.messages += 1
                    problem = channel.problem(status, answer)
                    if problem is not None:
                        result.problems[problem] += 1
                        break
                    last = i == len(scenario.messages) - 1
                    if check and last and channel.has_text and not any(
                            piece.encode() in answer for piece in scenario.expect):
                        result.mismatched[scenario.name] += 1
        finally:
            await http.close()

    await asyncio.gather(*(slot() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


# -- counting proxy: what the server sends Redis, message by message ---------------------------

class CountingProxy:
    """A loopback TCP proxy in front of Redis that parses what clients send (RESP arrays) and
    counts, for the message currently marked, each command and each round trip (a burst of
    commands written before Redis answered)."""

    def __init__(self, redis_port: int) -> None:
        self.redis_port = redis_port
        self.port = 0
        self.current = -1  # the message being handled; -1 between messages
        self.per_message: dict[int, Counter[str]] = {}
        self.trips: Counter[int] = Counter()
        self.background: Counter[str] = Counter()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.redis_port)
        except OSError:
            writer.close()
            return
        state = {"waiting": False}
        parser = _RespCommands()

        async def upstream() -> None:
            while data := await reader.read(65536):
                names = parser.feed(data)
                message = self.current
                foreground = [n for n in names if n not in BACKGROUND]
                for n in names:
                    if n in BACKGROUND:
                        self.background[n] += 1
                if foreground and message >= 0:
                    self.per_message.setdefault(message, Counter()).update(foreground)
                    if not state["waiting"]:
                        self.trips[message] += 1
                state["waiting"] = True
                up_writer.write(data)
                await up_writer.drain()
            up_writer.close()

        async def downstream() -> None:
            while data := await up_reader.read(65536):
                state["waiting"] = False
                writer.write(data)
                await writer.drain()
            writer.close()

        with contextlib.suppress(Exception):
            await asyncio.gather(upstream(), downstream())


class _RespCommands:
    """Incremental parser of a client's RESP stream: yields each command's name."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> list[str]:
        self.buffer += data
        names: list[str] = []
        while True:
            parsed = self._one()
            if parsed is None:
                return names
            names.append(parsed)

    def _one(self) -> str | None:
        buf = self.buffer
        if not buf.startswith(b"*"):
            end = buf.find(b"\r\n")  # an inline command
            if end < 0:
                return None
            self.buffer = buf[end + 2:]
            return buf[:end].split(b" ")[0].decode(errors="replace").lower()
        end = buf.find(b"\r\n")
        if end < 0:
            return None
        count, pos, first = int(buf[1:end]), end + 2, None
        for _ in range(count):
            end = buf.find(b"\r\n", pos)
            if end < 0:
                return None
            size = int(buf[pos + 1:end])
            if len(buf) < end + 2 + size + 2:
                return None
            if first is None:
                first = buf[end + 2:end + 2 + size]
            pos = end + 2 + size + 2
        self.buffer = buf[pos:]
        return (first or b"").decode(errors="replace").lower()


# -- the run -----------------------------------------------------------------------------------

def available_scenarios(flows_dir: Path | None) -> tuple[list[Scenario], list[str]]:
    """The scenarios whose flow exists, and a note for each one skipped."""
    from bot.core.checker import flow_files
    from bot.paths import FLOWS_DIR

    folder = flows_dir or FLOWS_DIR
    names = {path.stem for path in flow_files(folder)}
    kept = [s for s in SCENARIOS if s.flow in names]
    notes = [f"scenario {s.name!r} skipped: no flow {s.flow!r} in {folder}"
             for s in SCENARIOS if s not in kept]
    return kept, notes


def user_ids(start: int) -> Iterator[int]:
    return itertools.count(start)


async def accounting_pass(redis: ThrowawayRedis, scenarios: Sequence[Scenario], workdir: Path,
                          flows_dir: Path | None, conversations: int) -> dict[str, Any]:
    """One server process behind the counting proxy, one message at a time."""
    proxy = CountingProxy(redis.port)
    await proxy.start()
    env = server_env(f"redis://127.0.0.1:{proxy.port}/0", None, flows_dir)
    server, base = bot_server(env, 1, workdir / "accounting.log")
    await asyncio.to_thread(server.start)
    try:
        channel = WhatsApp(run=0xACC)
        users = user_ids(900_000)
        await run_phase("warm-up", base, channel, scenarios, users, 1, 30, len(scenarios))

        def mark(number: int) -> None:
            proxy.current = number

        proxy.per_message.clear()
        proxy.trips.clear()
        result = await run_phase("accounting", base, channel, scenarios, users, 1, 60, conversations,
                                 on_message=mark)
        proxy.current = -1
    finally:
        await asyncio.to_thread(server.stop)
        await proxy.stop()
    counts = [sum(proxy.per_message.get(i, Counter()).values()) for i in range(result.messages)]
    trips = [proxy.trips.get(i, 0) for i in range(result.messages)]
    by_name: Counter[str] = Counter()
    for counter in proxy.per_message.values():
        by_name.update(counter)
    common = Counter(zip(counts, trips, strict=True)).most_common(1)[0][0] if counts else (0, 0)
    return {
        "messages": result.messages,
        "problems": dict(result.problems),
        "commands_per_message_mean": round(statistics.fmean(counts), 2) if counts else 0,
        "round_trips_per_message_mean": round(statistics.fmean(trips), 2) if trips else 0,
        "common_path": {"commands": common[0], "round_trips": common[1],
                        "share": round(Counter(zip(counts, trips, strict=True))[common] / len(counts), 2)},
        "max": {"commands": max(counts, default=0), "round_trips": max(trips, default=0)},
        "commands_by_name_per_message": {n: round(c / result.messages, 2) for n, c in by_name.most_common()},
    }


def idle_session_bytes(port: int, sample: int = 500) -> dict[str, float]:
    """MEMORY USAGE of up to `sample` session keys (`lb:{channel:user}:s`)."""
    import redis as redis_sync

    refuse_machine_redis(f"redis://127.0.0.1:{port}")
    client = redis_sync.Redis(host="127.0.0.1", port=port)
    try:
        sizes = []
        for key in client.scan_iter(match="lb:{*}:s", count=1000):
            sizes.append(int(client.memory_usage(key, samples=0) or 0))
            if len(sizes) >= sample:
                break
        keys = int(client.dbsize())
    finally:
        client.close()
    if not sizes:
        return {"sessions": 0, "mean": 0.0, "max": 0.0, "keys_in_redis": keys}
    return {"sessions": len(sizes), "mean": round(statistics.fmean(sizes)), "max": max(sizes),
            "keys_in_redis": keys}


class Meter:
    """What one timed phase cost: Redis commands, and CPU seconds of the server, Redis, the
    fake Bot API and this driver, each read before and after."""

    def __init__(self, redis_ports: Sequence[int], server: Child, others: dict[str, Child]) -> None:
        self.redis_ports, self.server, self.others = list(redis_ports), server, others

    def read(self) -> tuple[Counter[str], dict[str, float]]:
        cpu = {"server": group_cpu(self.server), "redis": redis_cpu(self.redis_ports),
               "driver": time.process_time()}
        cpu.update({name: group_cpu(child) for name, child in self.others.items()})
        return commandstats(self.redis_ports), cpu

    def add(self, phase: PhaseResult, before: tuple[Counter[str], dict[str, float]]) -> None:
        commands, cpu = self.read()
        phase.commands.update(commands - before[0])
        seconds = phase.extra.setdefault("cpu_seconds", {})
        for name, value in cpu.items():
            seconds[name] = seconds.get(name, 0.0) + value - before[1][name]


def group_cpu(child: Child) -> float:
    """CPU seconds used so far by the live processes of a child's process group (its workers)."""
    if child.proc is None:
        return 0.0
    pgid, ticks = child.proc.pid, 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp; then utime and stime, in clock ticks
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def redis_cpu(ports: Sequence[int]) -> float:
    total = 0.0
    for port in ports:
        for line in redis_command(port, "INFO", "cpu").decode().splitlines():
            if line.startswith(("used_cpu_sys:", "used_cpu_user:")):
                total += float(line.split(":")[1])
    return total


def merge(into: PhaseResult | None, part: PhaseResult) -> PhaseResult:
    """Rounds of one phase, pooled: messages, time, every latency, problems, commands, CPU."""
    if into is None:
        return part
    into.messages += part.messages
    into.conversations += part.conversations
    into.seconds += part.seconds
    into.latencies += part.latencies
    into.problems.update(part.problems)
    into.mismatched.update(part.mismatched)
    into.commands.update(part.commands)
    for name, value in part.extra.get("cpu_seconds", {}).items():
        cpu = into.extra.setdefault("cpu_seconds", {})
        cpu[name] = cpu.get(name, 0.0) + value
    for name, value in part.extra.items():
        if name != "cpu_seconds" and isinstance(value, int):
            into.extra[name] = into.extra.get(name, 0) + value
    return into


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    flows_dir = Path(args.flows_dir) if args.flows_dir else None
    scenarios, notes = available_scenarios(flows_dir)
    for note in notes:
        print(f"note: {note}")
    if not scenarios:
        raise SystemExit("no scenario can run: the flows folder has none of their flows")
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    redis = ThrowawayRedis()
    telegram, telegram_api = fake_telegram(workdir / "fake-telegram.log")
    results: dict[str, Any] = {"workers": args.workers, "concurrency": args.concurrency,
                               "duration": args.duration, "rounds": args.rounds,
                               "scenarios": [s.name for s in scenarios], "notes": notes,
                               "logs": str(workdir), "load_average_before": os.getloadavg()}
    pooled: dict[str, PhaseResult] = {}
    run = int(time.time()) & 0xFFFFFF
    users = user_ids(1)
    floor, floor_base = floor_server(server_env(redis.url, None), args.workers, workdir / "floor.log")
    bot, base = bot_server(server_env(redis.url, telegram_api, flows_dir), args.workers, workdir / "bot.log")
    try:
        await asyncio.to_thread(telegram.start)
        if not args.skip_floor:
            await asyncio.to_thread(floor.start)
        await asyncio.to_thread(bot.start)
        if not args.skip_floor:
            await run_phase("warm-up", floor_base, WhatsApp(run), scenarios, users, args.concurrency, 3,
                            10**6, check=False)
        await run_phase("warm-up", base, WhatsApp(run + 1), scenarios, users, args.concurrency, 3, 10**6)
        # Rounds alternate floor and bot, so a busy moment of the machine weighs on both alike.
        for round_no in range(args.rounds):
            plan: list[tuple[str, str, Channel, Child, dict[str, Child]]] = []
            if not args.skip_floor:
                plan.append(("floor (WhatsApp)", floor_base, WhatsApp(run + 10 + round_no), floor, {}))
            if "whatsapp" in args.channels:
                plan.append(("bot WhatsApp", base, WhatsApp(run + 20 + round_no), bot, {}))
            if "telegram" in args.channels:
                plan.append(("bot Telegram", base, Telegram(run + 30 + round_no), bot,
                             {"fake Bot API": telegram}))
            for label, url, channel, server, others in plan:
                meter = Meter([redis.port], server, others)
                before = meter.read()
                sent_before = _telegram_sent(telegram_api)
                phase = await run_phase(label, url, channel, scenarios, users, args.concurrency,
                                        args.duration, 10**6, check=server is bot)
                meter.add(phase, before)
                if channel.name == "telegram":
                    phase.extra["telegram_messages_sent"] = _telegram_sent(telegram_api) - sent_before
                pooled[label] = merge(pooled.get(label), phase)
                print(f"round {round_no + 1}: {label}: {phase.rate:.0f} msg/s, "
                      f"p99 {phase.percentile(99):.1f} ms", flush=True)
        await asyncio.to_thread(floor.stop)
        await asyncio.to_thread(bot.stop)
        results["idle_session_bytes"] = idle_session_bytes(redis.port)
        results["accounting"] = await accounting_pass(redis, scenarios, workdir, flows_dir,
                                                      conversations=2 * len(scenarios))
    finally:
        floor.stop()
        bot.stop()
        telegram.stop()
        redis.stop()
    results["phases"] = [p.summary() for p in pooled.values()]
    return results


def _telegram_sent(api: str) -> int:
    """Messages the fake Bot API was sent since last asked (it forgets them once counted)."""
    import httpx

    count = int(httpx.get(api.removesuffix("/bot") + "/_stats", timeout=10).json()["sendMessage"])
    _telegram_total[0] += count
    return _telegram_total[0]


_telegram_total = [0]  # what the fake Bot API was sent in all, since it forgets what it counted


def report(results: dict[str, Any]) -> str:
    """The table, the ratios bot/floor and each target, as printed."""
    phases = {p["name"]: p for p in results["phases"]}
    lines = [f"{results['workers']} server workers, {results['concurrency']} conversations in flight, "
             f"{results['rounds']} rounds of {results['duration']:g} s per phase (pooled); "
             f"scenarios: {', '.join(results['scenarios'])}",
             "",
             f"{'phase':<18}{'messages':>9}{'msg/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
             f"{'cmd/msg*':>9}{'CPU ms/msg: server':>20}{'redis':>7}{'driver':>8}  problems"]
    for p in results["phases"]:
        problems = sum(p["problems"].values()) + sum(p["unexpected_last_answers"].values())
        cpu = p.get("cpu_ms_per_message", {})
        lines.append(f"{p['name']:<18}{p['messages']:>9}{p['messages_per_second']:>8.0f}{p['p50_ms']:>8.1f}"
                     f"{p['p95_ms']:>8.1f}{p['p99_ms']:>8.1f}"
                     f"{p['redis_commands_per_message_server_side']:>9.1f}{cpu.get('server', 0):>20.2f}"
                     f"{cpu.get('redis', 0):>7.2f}{cpu.get('driver', 0):>8.2f}  {problems}")
    lines.append("* every command Redis ran per message (INFO commandstats), those inside Lua scripts "
                 "included; background outbox reads left out")
    verdict = []
    floor, bot = phases.get("floor (WhatsApp)"), phases.get("bot WhatsApp")
    if floor and bot:
        throughput = bot["messages_per_second"] / floor["messages_per_second"]
        p99 = bot["p99_ms"] / floor["p99_ms"]
        verdict += [("throughput bot/floor", f"{throughput:.2f}", f">= {TARGETS['throughput_ratio']}",
                     throughput >= TARGETS["throughput_ratio"]),
                    ("p99 bot/floor", f"{p99:.2f}", f"<= {TARGETS['p99_ratio']}",
                     p99 <= TARGETS["p99_ratio"])]
    accounting = results.get("accounting")
    if accounting:
        common = accounting["common_path"]
        share = f"{common['share']:.0%} of messages"
        mean, most = accounting["commands_per_message_mean"], accounting["max"]["commands"]
        trips, most_trips = accounting["round_trips_per_message_mean"], accounting["max"]["round_trips"]
        verdict += [("commands/message, common path", f"{common['commands']} ({share})",
                     f"<= {TARGETS['commands']}", common["commands"] <= TARGETS["commands"]),
                    ("round trips/message, common path", str(common["round_trips"]),
                     f"<= {TARGETS['round_trips']}", common["round_trips"] <= TARGETS["round_trips"]),
                    ("commands/message, mean (max)", f"{mean} ({most})", "", None),
                    ("round trips/message, mean (max)", f"{trips} ({most_trips})", "", None)]
    idle = results.get("idle_session_bytes")
    if idle and idle["sessions"]:
        verdict.append(("bytes per idle session, mean (max)", f"{idle['mean']:.0f} ({idle['max']:.0f})",
                        f"<= {TARGETS['idle_bytes']}", idle["max"] <= TARGETS["idle_bytes"]))
    lines += ["", f"{'measure':<36}{'measured':>22}  {'target':<9} met"]
    for name, measured, target, met in verdict:
        mark = "" if met is None else ("yes" if met else "NO")
        lines.append(f"{name:<36}{measured:>22}  {target:<9} {mark}")
    if accounting:
        by_name = ", ".join(f"{n} {c}" for n, c in accounting["commands_by_name_per_message"].items())
        lines.append(f"client commands per message, by name: {by_name}")
    for note in results.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (bot and floor)")
    parser.add_argument("--concurrency", type=int, default=32, help="conversations in flight at once")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per timed phase and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of floor, bot WhatsApp, bot Telegram")
    parser.add_argument("--channels", default="whatsapp,telegram", help="which bot phases to run")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument("--flows-dir", help="flows folder (default: the shipped flows/)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--serve-fake-telegram", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fake_telegram:
        serve_fake_telegram(args.serve_fake_telegram)
        return
    if not 1 <= args.concurrency <= 1000 or not 0 < args.duration <= 600 or not 1 <= args.rounds <= 20:
        parser.error("--concurrency 1..1000, --duration up to 600 s, --rounds 1..20")
    results = asyncio.run(main_async(args))
    print()
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
