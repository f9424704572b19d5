"""Pytest plugin: throwaway `redis-server` processes on free ports, never the machine's own Redis."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

INSTALL_HINT = (
    "redis-server not found: the Redis store tests need a local Redis binary "
    "(Debian/Ubuntu: `apt-get install redis-server`; macOS: `brew install redis`)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One `redis-server` child in its own temp dir; `stop`/`start` keep the port and the URL.

    `durable=True` turns on the append-only file (fsync on every write), so a stop and start
    keeps the data: that is how a test sees "Redis went away, then came back".
    """

    def __init__(self, binary: str, workdir: Path, durable: bool = False) -> None:
        self.binary = binary
        self.workdir = workdir
        self.durable = durable
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "yes", "--appendfsync", "always"] if self.durable else ["--appendonly", "no"]
        args += ["--dir", str(self.workdir), "--protected-mode", "yes", "--loglevel", "warning"]
        with open(self.workdir / "redis.log", "ab") as log:
            self._proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not _answers_ping(self.port):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log_text = (self.workdir / "redis.log").read_text(errors="replace")
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n{log_text}")
            time.sleep(0.02)

    def stop(self) -> None:
        """SIGTERM: a durable server flushes its append-only file before it exits."""
        if self._proc is None:
            return
        self.resume()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        """SIGSTOP: the port stays open but nothing answers, as with a hung server."""
        if self._proc is not None:
            os.kill(self._proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        if self._proc is not None:
            os.kill(self._proc.pid, signal.SIGCONT)

    def flushall(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"FLUSHALL\r\n")
            if not sock.recv(16).startswith(b"+OK"):
                raise RuntimeError("FLUSHALL failed on the test Redis")


def _find_binary() -> str | None:
    if found := shutil.which("redis-server"):
        return found
    return "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None


def _binary() -> str:
    found = _find_binary()
    if found is None:
        pytest.skip(INSTALL_HINT)
    return found


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say it at the end too, so skipped Redis tests are not mistaken for passing ones."""
    if _find_binary() is None:
        terminalreporter.write_sep("!", INSTALL_HINT, red=True, bold=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """The session's shared throwaway server (no persistence)."""
    server = RedisServer(_binary(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server: RedisServer) -> str:
    return redis_server.url


@pytest.fixture
def clean_redis(redis_server: RedisServer) -> str:
    """The shared server, emptied before the test; gives its URL."""
    redis_server.flushall()
    return redis_server.url


@pytest.fixture
async def redis_client(clean_redis: str) -> AsyncIterator[Redis]:
    """A client of the emptied shared server (replies as bytes), closed after the test."""
    client = Redis.from_url(clean_redis)
    yield client
    await client.aclose()


@pytest.fixture
def make_redis_server(tmp_path: Path) -> Iterator[Callable[..., RedisServer]]:
    """A factory of private servers for tests that stop or pause Redis; all killed at the end."""
    servers: list[RedisServer] = []
    binary = _binary()

    def make(durable: bool = False) -> RedisServer:
        workdir = tmp_path / f"redis{len(servers)}"
        workdir.mkdir()
        server = RedisServer(binary, workdir, durable=durable)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()
