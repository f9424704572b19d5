"""Test doubles and harnesses: ASGI apps in-process or on a free loopback port (uvicorn in a
thread), stores that find Redis unreachable, and (in submodules) a fake Telegram Bot API server
and a headless Chromium."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path

import httpx
import uvicorn
from starlette.types import ASGIApp

from bot.core.turn import Turn
from bot.errors import StoreUnavailable
from bot.store.base import CommitResult, Loaded, UserKey
from bot.store.memory import MemorySessionStore

# A small conversation for the server tests, independent of the shipped flows staff edit.
SERVER_FLOWS = Path(__file__).resolve().parents[1] / "fixtures" / "flows_server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_in_thread(app: ASGIApp, timeout: float = 10.0, port: int | None = None) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port (or `port`) in a thread; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none",
                            lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"test server did not start on port {port}")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)


@asynccontextmanager
async def asgi_client(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that calls `app` in-process, with its lifespan run around it."""
    router = getattr(app, "router")  # noqa: B009 - FastAPI and Starlette apps both have one
    async with router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def wait_until(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class FlakyStore(MemorySessionStore):
    """The memory store, except that the first `failures` loads find Redis unreachable."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def load(self, key: UserKey, message_id: str) -> Loaded:
        if self.failures:
            self.failures -= 1
            raise StoreUnavailable("Redis unavailable: ConnectionError")
        return await super().load(key, message_id)


class DownStore(MemorySessionStore):
    """A store whose Redis never answers."""

    async def load(self, key: UserKey, message_id: str) -> Loaded:
        raise StoreUnavailable("Redis unavailable: ConnectionError")

    async def commit(self, key: UserKey, message_id: str, expected_version: int, turn: Turn,
                     now: datetime) -> CommitResult:
        raise StoreUnavailable("Redis unavailable: ConnectionError")
