"""The durable outbox on a real (throwaway) Redis: delivery, retries, dead consumers, dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from bot.core.turn import Choice, Reply
from bot.outbox import DeliveryFailed, Outbox, OutboxEntry, Sender
from tests.redis_server import RedisServer

HELLO = Reply("Hola.")
MENU = Reply("¿En qué te ayudo?", (Choice("Hablar con una persona", "1"),))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def outbox(client: Redis, clock: Clock, **options: float) -> Outbox:
    return Outbox(client, claim_idle=options.get("claim_idle", 0.05), clock=clock,
                  max_attempts=int(options.get("max_attempts", 8)))


def recorder(sent: list[tuple[str, tuple[Reply, ...]]],
             fail: Callable[[tuple[Reply, ...]], None] = lambda replies: None) -> Sender:
    async def send(chat: str, replies: tuple[Reply, ...]) -> None:
        fail(replies)
        sent.append((chat, replies))

    return send


async def dead_reasons(client: Redis, box: Outbox) -> list[bytes]:
    entries: Any = await client.xrange(box.dead)
    return [fields[b"reason"] for _, fields in entries]


async def deliver_all(box: Outbox, senders: dict[str, Sender], rounds: int = 10) -> int:
    done = 0
    for _ in range(rounds):
        done += await box.deliver("c1", senders, block_ms=20)
        await asyncio.sleep(0.06)  # past `claim_idle`, so entries left pending come back
    return done


@pytest.mark.slow  # rounds of real waits past claim_idle
async def test_an_entry_is_delivered_once_and_removed(redis_client: Redis, clock: Clock) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO, MENU)))
    sent: list[tuple[str, tuple[Reply, ...]]] = []
    assert await deliver_all(box, {"telegram": recorder(sent)}) == 1
    assert sent == [("42", (HELLO, MENU))]
    assert await box.depth() == 0


@pytest.mark.slow  # rounds of real waits past claim_idle
async def test_a_failed_delivery_is_retried_later_with_what_was_not_sent(
    redis_client: Redis, clock: Clock
) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO, MENU)))
    sent: list[tuple[str, tuple[Reply, ...]]] = []

    def first_fails(replies: tuple[Reply, ...]) -> None:
        if not sent and replies == (HELLO, MENU):
            raise DeliveryFailed((MENU,), retry_after=30)  # HELLO got out, MENU did not

    senders = {"telegram": recorder(sent, first_fails)}
    await deliver_all(box, senders, rounds=3)
    assert sent == [] and await box.depth() == 1  # waiting for its time
    clock.now += 31
    await deliver_all(box, senders, rounds=3)
    assert sent == [("42", (MENU,))]
    assert await box.depth() == 0


async def test_a_refused_entry_goes_to_the_dead_letters(redis_client: Redis, clock: Clock) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO,)))

    def blocked(replies: tuple[Reply, ...]) -> None:
        raise DeliveryFailed(replies, permanent=True)

    await deliver_all(box, {"telegram": recorder([], blocked)}, rounds=2)
    assert await box.depth() == 0
    assert await dead_reasons(redis_client, box) == [b"refused"]


async def test_a_retry_follows_its_backoff_not_the_claim_idle_time(
    redis_client: Redis, clock: Clock
) -> None:
    box = outbox(redis_client, clock, claim_idle=30)  # as in production: 30 s
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO,)))
    sent: list[tuple[str, tuple[Reply, ...]]] = []

    def first_fails(replies: tuple[Reply, ...]) -> None:
        if not sent and clock.now < 1_000_004:
            raise DeliveryFailed(replies)  # a network error: the backoff is 5 s

    senders = {"telegram": recorder(sent, first_fails)}
    assert await box.deliver("c1", senders, block_ms=20) == 1 and sent == []
    assert await box.deliver("c1", senders, block_ms=20) == 0  # taken, but 5 s early: left
    clock.now += 6
    assert await box.deliver("c1", senders, block_ms=20) == 1  # due: no 30 s claim-idle wait
    assert sent == [("42", (HELLO,))] and await box.depth() == 0


async def test_an_early_entry_another_consumer_took_stays_with_it(
    redis_client: Redis, clock: Clock
) -> None:
    box, other = outbox(redis_client, clock), outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO,), not_before=clock.now + 5))
    sent: list[tuple[str, tuple[Reply, ...]]] = []
    assert await box.deliver("c1", {"telegram": recorder(sent)}, block_ms=20) == 0
    await asyncio.sleep(0.06)  # past claim_idle: the other consumer takes it, still early
    assert await other.deliver("c2", {"telegram": recorder(sent)}, block_ms=20) == 0
    clock.now += 6
    assert await box.deliver("c1", {"telegram": recorder(sent)}, block_ms=20) == 0
    assert await other.deliver("c2", {"telegram": recorder(sent)}, block_ms=20) == 1
    assert sent == [("42", (HELLO,))]


@pytest.mark.slow  # rounds of real waits past claim_idle
async def test_after_too_many_attempts_an_entry_is_given_up(redis_client: Redis, clock: Clock) -> None:
    box = outbox(redis_client, clock, max_attempts=3)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO,)))
    calls: list[int] = []

    def down(replies: tuple[Reply, ...]) -> None:
        calls.append(1)
        raise ConnectionError("Telegram is down")  # not a DeliveryFailed: a crash is retried too

    for _ in range(6):
        await deliver_all(box, {"telegram": recorder([], down)}, rounds=1)
        clock.now += 3600
    assert len(calls) == 3
    assert await box.depth() == 0
    assert await dead_reasons(redis_client, box) == [b"too many attempts"]


async def test_an_entry_left_by_a_dead_consumer_is_taken_by_another(
    redis_client: Redis, clock: Clock
) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("telegram", "42", (HELLO,)))
    assert len(await box.take("crashed", block_ms=20)) == 1  # taken, then the process died
    sent: list[tuple[str, tuple[Reply, ...]]] = []
    await asyncio.sleep(0.06)
    assert await box.deliver("alive", {"telegram": recorder(sent)}, block_ms=20) == 1
    assert sent == [("42", (HELLO,))]


async def test_an_entry_for_a_channel_served_elsewhere_is_left_alone(
    redis_client: Redis, clock: Clock
) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("whatsapp", "whatsapp:+5215500000000", (HELLO,)))
    await deliver_all(box, {"telegram": recorder([])}, rounds=2)
    assert await box.depth() == 1


@pytest.mark.slow  # rounds of real waits past claim_idle
async def test_entries_waiting_elsewhere_do_not_hold_up_the_others(redis_client: Redis, clock: Clock) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    for i in range(25):  # more than one batch, each for a channel this process does not serve
        await box.add(OutboxEntry("whatsapp", f"whatsapp:+52155000000{i:02d}", (HELLO,)))
    await box.add(OutboxEntry("telegram", "42", (HELLO,)))
    sent: list[tuple[str, tuple[Reply, ...]]] = []
    await deliver_all(box, {"telegram": recorder(sent)}, rounds=5)
    assert sent == [("42", (HELLO,))]
    assert await box.depth() == 25


async def test_an_unreadable_entry_is_moved_aside(redis_client: Redis, clock: Clock) -> None:
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await redis_client.xadd(box.stream, {"channel": "telegram"})
    await deliver_all(box, {"telegram": recorder([])}, rounds=2)
    assert await box.depth() == 0
    assert await dead_reasons(redis_client, box) == [b"unreadable"]


@pytest.mark.slow  # Redis stopped under the loop, real waits
async def test_run_keeps_going_while_redis_is_away(make_redis_server: Callable[..., RedisServer],
                                                   clock: Clock) -> None:
    server = make_redis_server(durable=True)
    redis = Redis.from_url(server.url, socket_timeout=2, socket_connect_timeout=1)
    box = outbox(redis, clock)
    sent: list[tuple[str, tuple[Reply, ...]]] = []
    stop = asyncio.Event()
    task = asyncio.create_task(box.run("c1", {"telegram": recorder(sent)}, stop, block_ms=50))
    try:
        await box.add(OutboxEntry("telegram", "1", (HELLO,)))
        await asyncio.wait_for(_until(lambda: len(sent) == 1), 5)
        server.stop()
        await asyncio.sleep(0.3)  # the loop logs and waits instead of dying
        assert not task.done()
        server.start()
        await box.add(OutboxEntry("telegram", "2", (HELLO,)))
        await asyncio.wait_for(_until(lambda: len(sent) == 2), 10)
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await redis.aclose()
    assert [chat for chat, _ in sent] == ["1", "2"]


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.02)


async def test_a_crashing_sender_logs_no_number_and_no_text(redis_client: Redis, clock: Clock,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """A channel's exception may quote the destination and the message: only its type is logged."""
    box = outbox(redis_client, clock)
    await box.ensure_group()
    await box.add(OutboxEntry("whatsapp", "whatsapp:+5215512345678", (HELLO,)))

    def crash(replies: tuple[Reply, ...]) -> None:
        raise RuntimeError(f"could not send {replies[0].text!r} to whatsapp:+5215512345678")

    with caplog.at_level("DEBUG"):
        await box.deliver("c1", {"whatsapp": recorder([], crash)}, block_ms=20)
    crashed = [r for r in caplog.records if r.getMessage() == "outbox sender crashed"]
    assert len(crashed) == 1 and getattr(crashed[0], "error", None) == "RuntimeError"
    assert "5512345678" not in caplog.text and "Hola" not in caplog.text
    assert await box.depth() == 1  # kept for another try
