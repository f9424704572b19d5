"""A durable outbox in a Redis stream: messages that could not be delivered, retried until they are.

Channel-agnostic: an entry names a channel, a chat id on that channel and the replies (as the
engine made them); a `Sender` per channel delivers them. Any number of processes consume one
stream in one consumer group, so each entry goes to one of them at a time.

    lb:{outbox}       stream of entries (fields: channel, chat, replies JSON, attempts, not_before)
    lb:{outbox}:dead  entries given up on (too many attempts, or the channel refused them for good)

Life of an entry: `add` (XADD) -> taken by one consumer (XREADGROUP ">", or XAUTOCLAIM once it
sat pending longer than `claim_idle`, e.g. because its consumer died) -> delivered, then XACK
and XDEL in one MULTI. A failed delivery re-adds what is left with one more attempt and a
`not_before` time and acks the old entry, in one MULTI. An entry taken before its time is left
pending; the consumer that took it claims it again (XCLAIM) as soon as it is due, so a retry
follows its backoff rather than `claim_idle`; if that consumer died, XAUTOCLAIM brings it back
to another. Delivery is at least once.

A process leaves pending an entry for a channel it has no sender for; another process takes it
once it has been idle for `claim_idle`. Jobs served by different processes (replies, workshop
notices…) are better kept in different streams (`Outbox(client, stream="lb:{notices}")`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from redis.exceptions import RedisClusterException, RedisError, ResponseError

from bot.core.turn import Reply, replies_from_json, replies_to_json
from bot.errors import StoreUnavailable
from bot.store.client import RedisClient

log = logging.getLogger(__name__)

STREAM = "lb:{outbox}"  # hash-tagged: its dead letters share its Redis Cluster slot (one MULTI)
GROUP = "senders"
MAX_ATTEMPTS = 8
DEAD_MAXLEN = 10_000
# Redis (or a cluster node) not answering: waited out with a pause, never a crash.
REDIS_DOWN = (RedisError, RedisClusterException, StoreUnavailable)


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """Replies still owed to one chat; `not_before` is a Unix time."""

    channel: str
    chat: str
    replies: tuple[Reply, ...]
    attempts: int = 0
    not_before: float = 0.0

    def to_fields(self) -> dict[str, str]:
        return {
            "channel": self.channel,
            "chat": self.chat,
            "replies": json.dumps(replies_to_json(self.replies), ensure_ascii=False),
            "attempts": str(self.attempts),
            "not_before": f"{self.not_before:.3f}",
        }

    @classmethod
    def from_fields(cls, text: Mapping[str, str]) -> OutboxEntry:
        return cls(
            channel=text["channel"],
            chat=text["chat"],
            replies=replies_from_json(json.loads(text["replies"])),
            attempts=int(text.get("attempts", "0")),
            not_before=float(text.get("not_before", "0")),
        )


class DeliveryFailed(Exception):
    """Raised by a `Sender`: `unsent` replies remain; `retry_after` is what the channel asked
    for (seconds); `permanent` means retrying cannot help (the worker blocked the bot)."""

    def __init__(
        self, unsent: tuple[Reply, ...], retry_after: float | None = None, permanent: bool = False
    ) -> None:
        self.unsent = unsent
        self.retry_after = retry_after
        self.permanent = permanent
        super().__init__("permanent delivery failure" if permanent else "delivery failed")


Sender = Callable[[str, tuple[Reply, ...]], Awaitable[None]]  # (chat, replies); raises DeliveryFailed
Taken = tuple[str, dict[str, str] | None]  # (entry id, fields)


def backoff(attempts: int) -> float:
    """Seconds before attempt `attempts + 1`: 5 s, 10 s, 20 s … at most 15 minutes."""
    return float(min(5 * 2 ** max(attempts - 1, 0), 900))


class Outbox:
    def __init__(
        self,
        client: RedisClient,
        stream: str = STREAM,
        group: str = GROUP,
        claim_idle: float = 30.0,
        max_attempts: int = MAX_ATTEMPTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`client` should be the outbox's own: a blocking read outlives a short socket timeout."""
        self._redis = client
        self.stream = stream
        self.dead = f"{stream}:dead"
        self._group = group
        self._claim_idle_ms = int(claim_idle * 1000)
        self._max_attempts = max_attempts
        self._clock = clock
        self._cursor = "0-0"
        # Entries this consumer took before their time and left pending: id -> (due, taken at,
        # on the monotonic clock).
        self._early: dict[str, tuple[float, float]] = {}

    async def add(self, entry: OutboxEntry) -> str:
        entry_id = await self._redis.xadd(self.stream, entry.to_fields())  # type: ignore[arg-type]
        return _text(entry_id)

    async def depth(self) -> int:
        """Entries not yet delivered (delivered ones are deleted)."""
        return int(await self._redis.xlen(self.stream))

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self.stream, self._group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def take(self, consumer: str, count: int = 10, block_ms: int = 1000) -> list[Taken]:
        """Entries for `consumer`: ones left idle too long, and new ones (waits `block_ms` for new
        ones when none was idle).

        An entry deleted while pending comes back with fields None.
        """
        claimed = await self._redis.xautoclaim(
            self.stream, self._group, consumer, self._claim_idle_ms, self._cursor, count=count
        )
        self._cursor = _text(claimed[0])  # walk the whole pending list, batch after batch
        taken = [(_text(entry_id), _decoded(fields)) for entry_id, fields in claimed[1]]
        read: Any = await self._redis.xreadgroup(  # RESP2: [[stream, [(id, fields), …]]]
            self._group, consumer, {self.stream: ">"}, count=count, block=None if taken else block_ms
        )
        return taken + [(_text(i), _decoded(fields)) for _, entries in read or () for i, fields in entries]

    async def deliver(self, consumer: str, senders: Mapping[str, Sender], block_ms: int = 1000) -> int:
        """One round: take entries and deliver the ones that are due. Returns how many were done."""
        done = 0
        taken = await self._due_again(consumer) + await self.take(consumer, block_ms=block_ms)
        for entry_id, fields in taken:
            self._early.pop(entry_id, None)
            if fields is None:
                await self._finish(entry_id)  # deleted meanwhile: only the pending mark is left
                continue
            try:
                entry = OutboxEntry.from_fields(fields)
            except (KeyError, ValueError, TypeError):
                log.error("outbox entry unreadable, moved to dead letters", extra={"entry": entry_id})
                await self._finish(entry_id, dead={**fields, "reason": "unreadable"})
                continue
            if entry.not_before > self._clock():
                self._early[entry_id] = (entry.not_before, time.monotonic())
                continue  # left pending: `_due_again` takes it back once due
            await self._attempt(entry_id, entry, senders)
            done += 1
        return done

    async def _due_again(self, consumer: str) -> list[Taken]:
        """The entries this consumer left pending that are now due, claimed again at once.

        Claimed only if idle since this consumer took them: one that another consumer has taken
        meanwhile (after `claim_idle`) has a shorter idle time and stays with that consumer.
        """
        now, taken = self._clock(), []
        for entry_id in [i for i, (due, _) in self._early.items() if due <= now]:
            _, held_since = self._early.pop(entry_id)
            # Less a margin for clock drift, well under `claim_idle` (what another take resets).
            margin = min(self._claim_idle_ms // 2, 1000)
            idle_ms = max(int((time.monotonic() - held_since) * 1000) - margin, 0)
            claimed: Any = await self._redis.xclaim(self.stream, self._group, consumer, idle_ms,
                                                    [entry_id])
            taken += [(_text(i), _decoded(fields)) for i, fields in claimed or ()]
        return taken

    async def _attempt(self, entry_id: str, entry: OutboxEntry, senders: Mapping[str, Sender]) -> None:
        sender = senders.get(entry.channel)
        if sender is None:
            return  # another process serves this channel; leave it pending for that one
        try:
            await sender(entry.chat, entry.replies)
        except REDIS_DOWN:
            raise  # `run` says it once and waits; the entry stays pending and is claimed again
        except DeliveryFailed as failure:
            await self._failed(entry_id, replace(entry, replies=failure.unsent), failure)
            return
        except Exception as exc:
            # Only the type: a channel's error message can carry the worker's number or text.
            log.error("outbox sender crashed", extra={"channel": entry.channel, "error": type(exc).__name__})
            await self._failed(entry_id, entry, DeliveryFailed(entry.replies))
            return
        await self._finish(entry_id)

    async def _failed(self, entry_id: str, entry: OutboxEntry, failure: DeliveryFailed) -> None:
        attempts = entry.attempts + 1
        if failure.permanent or attempts >= self._max_attempts:
            reason = "refused" if failure.permanent else "too many attempts"
            log.error("outbox gave up on an entry", extra={"channel": entry.channel, "reason": reason})
            await self._finish(entry_id, dead={**entry.to_fields(), "reason": reason})
            return
        delay = max(failure.retry_after or 0.0, backoff(attempts))
        # One line per failure: the channel and the error's type, never the text or the chat.
        log.warning("outbox delivery failed; will retry", extra={
            "channel": entry.channel, "attempt": attempts, "retry_in": delay,
            "error": type(failure.__cause__ or failure).__name__})
        again = replace(entry, attempts=attempts, not_before=self._clock() + delay)
        await self._finish(entry_id, again=again)

    async def _finish(
        self, entry_id: str, again: OutboxEntry | None = None, dead: dict[str, str] | None = None
    ) -> None:
        """Ack and delete an entry; in the same MULTI re-add it or move it to the dead letters."""
        async with self._redis.pipeline(transaction=True) as pipe:
            if again is not None:
                pipe.xadd(self.stream, again.to_fields())  # type: ignore[arg-type]
            if dead is not None:
                pipe.xadd(self.dead, dead, maxlen=DEAD_MAXLEN, approximate=True)  # type: ignore[arg-type]
            pipe.xack(self.stream, self._group, entry_id)
            pipe.xdel(self.stream, entry_id)
            await pipe.execute()

    async def run(self, consumer: str, senders: Mapping[str, Sender], stop: asyncio.Event,
                  block_ms: int = 1000) -> None:
        """Deliver until `stop` is set; Redis errors are logged and retried with a pause."""
        pause = 0.5
        while not stop.is_set():
            try:
                await self.ensure_group()
                while not stop.is_set():
                    await self.deliver(consumer, senders, block_ms=block_ms)
                    pause = 0.5
            except REDIS_DOWN as exc:
                log.warning("outbox cannot reach Redis", extra={"error": type(exc).__name__})
                try:
                    await asyncio.wait_for(stop.wait(), timeout=pause)
                except TimeoutError:
                    pause = min(pause * 2, 30.0)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _decoded(fields: Mapping[bytes | str, bytes | str] | None) -> dict[str, str] | None:
    return None if fields is None else {_text(k): _text(v) for k, v in fields.items()}
