"""`BotService` on a real Redis: redeliveries, bursts from several processes, Redis going away."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.loading import load_flowset
from bot.core.turn import Effect, Reply, Turn
from bot.errors import StoreConflict, StoreUnavailable
from bot.service import BotService
from bot.store.base import CommitResult, Loaded, SessionStore, UserKey
from bot.store.redis import RedisSessionStore
from tests.redis_server import RedisServer

FLOWS = Path(__file__).parent / "fixtures" / "flows_counter"
WORKER = UserKey("whatsapp", "w1")
PROMPT = Reply("Escribe algo.")


def bump(ctx: ActionContext[None]) -> ActionResult:
    """Count the message and keep its text, and sign it up: one record per applied message."""
    last = str(ctx.vars["last"])
    count = int(ctx.vars.get("count", 0)) + 1
    return ActionResult(
        vars={"count": count, "seen": [*ctx.vars.get("seen", []), last]},
        effects=(Effect("signup", {"text": last}),),
    )


@pytest.fixture
def flows() -> FlowSet:
    counter = ActionCatalog()  # the test's own action, beside none of the shipped ones
    counter.action("counter.bump", provides=("count", "seen"))(bump)
    return load_flowset(FLOWS, counter)


@dataclass
class CountingStore:
    """A store that counts commit attempts per message id, to see how the retry loop fares."""

    inner: SessionStore
    attempts: Counter[str] = field(default_factory=Counter)

    async def load(self, key: UserKey, message_id: str) -> Loaded:
        return await self.inner.load(key, message_id)

    async def commit(
        self, key: UserKey, message_id: str, expected_version: int, turn: Turn, now: datetime
    ) -> CommitResult:
        self.attempts[message_id] += 1
        return await self.inner.commit(key, message_id, expected_version, turn, now)

    async def records(self, kind: str) -> list[dict[str, object]]:
        return await self.inner.records(kind)

    async def opted_out(self, key: UserKey) -> bool:
        return await self.inner.opted_out(key)

    async def ping(self) -> bool:
        return await self.inner.ping()

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def stores(clean_redis: str) -> AsyncIterator[list[CountingStore]]:
    """Four independent clients, each with its own pool, as four server processes would have."""
    made = [CountingStore(RedisSessionStore.from_url(clean_redis)) for _ in range(4)]
    yield made
    for store in made:
        await store.aclose()


def text(message_id: str, body: str) -> Event:
    return Event(EventKind.TEXT, WORKER.channel, WORKER.user, message_id, text=body)


async def session_vars(store: SessionStore) -> dict[str, object]:
    loaded = await store.load(WORKER, "-")
    assert loaded.session is not None
    return dict(loaded.session.vars)


async def test_100_deliveries_of_one_message_step_once(flows: FlowSet, stores: list[CountingStore]) -> None:
    services = [BotService(flows, store) for store in stores]
    assert await services[0].handle(text("m0", "hola")) == (PROMPT,)

    replies = await asyncio.gather(*(services[i % 4].handle(text("m1", "uno")) for i in range(100)))

    assert set(replies) == {(Reply("Van 1."), PROMPT)}
    assert await session_vars(stores[0]) == {"last": "uno", "count": 1, "seen": ["uno"]}
    assert (await stores[0].load(WORKER, "-")).version == 2
    assert await stores[0].records("signup") == [{"user": WORKER.tag, "message_id": "m1", "text": "uno"}]


@dataclass
class Burst:
    replies: dict[str, tuple[Reply, ...]]
    gave_up: int  # messages the service answered with StoreConflict (a channel redelivers them)
    max_attempts: int  # most commits one message needed, across its redeliveries


async def burst(flows: FlowSet, stores: list[CountingStore], size: int = 50) -> Burst:
    """`size` different messages from one worker at once, spread over four processes."""
    services = [BotService(flows, store) for store in stores]
    await services[0].handle(text("m0", "hola"))
    gave_up = 0

    async def deliver(i: int) -> tuple[str, tuple[Reply, ...]]:
        nonlocal gave_up
        event = text(f"m{i}", f"mensaje {i}")
        for redelivery in range(10):
            # As a webhook would: a failed answer is retried by the channel, on any process.
            try:
                return event.text, await services[(i + redelivery) % 4].handle(event)
            except StoreConflict:
                gave_up += 1
        raise AssertionError(f"message {i} never got through")

    done = dict(await asyncio.gather(*(deliver(i) for i in range(1, size + 1))))
    attempts: Counter[str] = sum((store.attempts for store in stores), Counter())
    print(
        f"\nburst of {size}: {gave_up} StoreConflict, most commits for one message "
        f"{max(attempts.values())}, commits in all {sum(attempts.values())}"
    )
    return Burst(done, gave_up, max(attempts.values()))


async def test_a_burst_from_four_processes_applies_every_message_once(
    flows: FlowSet, stores: list[CountingStore]
) -> None:
    result = await burst(flows, stores)

    texts = [f"mensaje {i}" for i in range(1, 51)]
    state = await session_vars(stores[0])
    assert state["count"] == 50
    seen = state["seen"]
    assert isinstance(seen, list)
    assert sorted(seen) == sorted(texts)
    # Each message saw a different count: none was stepped on a stale session.
    counts = sorted(int(r[0].text.removeprefix("Van ").rstrip(".")) for r in result.replies.values())
    assert counts == list(range(1, 51))
    assert (await stores[0].load(WORKER, "-")).version == 51


async def test_a_burst_writes_each_record_once(flows: FlowSet, stores: list[CountingStore]) -> None:
    await burst(flows, stores)

    records = await stores[1].records("signup")
    assert len(records) == 50
    assert sorted(str(r["text"]) for r in records) == sorted(f"mensaje {i}" for i in range(1, 51))
    assert {r["message_id"] for r in records} == {f"m{i}" for i in range(1, 51)}
    assert {r["user"] for r in records} == {WORKER.tag}


@pytest.mark.slow  # a fault: Redis stopped and started
async def test_redis_stopped_then_back_continues_the_conversation(
    flows: FlowSet, make_redis_server: Callable[..., RedisServer]
) -> None:
    server = make_redis_server(durable=True)  # append-only file, so a restart keeps the data
    store = RedisSessionStore.from_url(server.url, timeout=0.5)
    service = BotService(flows, store)
    try:
        await service.handle(text("m0", "hola"))
        assert (await service.handle(text("m1", "uno")))[0] == Reply("Van 1.")

        server.stop()
        with pytest.raises(StoreUnavailable):
            await service.handle(text("m2", "dos"))
        assert await store.ping() is False

        server.start()
        assert (await service.handle(text("m2", "dos")))[0] == Reply("Van 2.")  # the redelivery
        assert (await service.handle(text("m3", "tres")))[0] == Reply("Van 3.")
        assert (await session_vars(store))["seen"] == ["uno", "dos", "tres"]
        assert [r["text"] for r in await store.records("signup")] == ["uno", "dos", "tres"]
    finally:
        await store.aclose()


@pytest.mark.slow  # a fault: Redis paused, read timeouts
async def test_redis_hung_then_back_applies_the_message_once(
    flows: FlowSet, make_redis_server: Callable[..., RedisServer]
) -> None:
    server = make_redis_server()
    store = RedisSessionStore.from_url(server.url, timeout=0.3)
    service = BotService(flows, store)
    try:
        await service.handle(text("m0", "hola"))
        await service.handle(text("m1", "uno"))

        server.pause()  # SIGSTOP: connections hang instead of being refused
        with pytest.raises(StoreUnavailable):
            await service.handle(text("m2", "dos"))
        server.resume()

        # The commit sent before the timeout may have landed once Redis woke up; either way the
        # channel's redelivery gets one answer and the message counts once.
        assert (await service.handle(text("m2", "dos")))[0] == Reply("Van 2.")
        assert (await service.handle(text("m2", "dos")))[0] == Reply("Van 2.")
        assert (await session_vars(store))["seen"] == ["uno", "dos"]
        assert [r["text"] for r in await store.records("signup")] == ["uno", "dos"]
    finally:
        await store.aclose()


async def test_a_burst_needs_no_redelivery(flows: FlowSet, stores: list[CountingStore]) -> None:
    result = await burst(flows, stores)
    assert result.gave_up == 0
