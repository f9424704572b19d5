"""The durable scheduler: notices wait in a Redis sorted set, and move once into a stream when due.

    lb:{notices}          the stream `labor-bot worker` consumes with an `Outbox` (group `notices`)
    lb:{notices}:due      sorted set: notice id -> due time (Unix seconds)
    lb:{notices}:data     hash: notice id -> the stream entry's fields, as a JSON list
    lb:{notices}:moved    sorted set: notice id -> when it went to the stream (kept 30 days)
    lb:{notices}:counts   hash: what became of delivered notices (sent, template, skipped_…)

Life of a notice. A seat script queues it in its workshop's `notices` hash, in the same
transaction as the seat change. `collect` copies it here with the SCHEDULE script, which skips
an id already moved (so a copy repeated after a crash cannot send it twice), then drops it
from the workshop. When due, the MOVE script adds it to the stream, takes it off the due set
and marks it moved, all in one script: each notice is enqueued exactly once. The outbox then
delivers it at least once (retry with backoff, XACK after sending, XAUTOCLAIM for entries of
a dead consumer); `NoticeSender` decides at that moment what, if anything, to send.

Why a stream of its own rather than `lb:outbox`: the web server consumes that one with only its
reply senders, and an entry it cannot send waits for XAUTOCLAIM before another process gets
it. Sharing the hash tag `{notices}` also keeps every key the MOVE script touches in one
Redis Cluster slot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from bot.outbox import REDIS_DOWN, Outbox, OutboxEntry
from bot.workshops.seats import Notice, Seats

log = logging.getLogger(__name__)

STREAM = "lb:{notices}"
GROUP = "notices"
CHANNEL = "notice"  # the outbox entry's channel: `NoticeSender` handles it
KEEP_MOVED = 30 * 86400

# KEYS 1 due, 2 data, 3 moved. ARGV: (id, due, fields JSON) triples. -> how many were new
_SCHEDULE = """
local added = 0
for i = 1, #ARGV, 3 do
  local moved = redis.call('ZSCORE', KEYS[3], ARGV[i])
  if not moved and redis.call('ZADD', KEYS[1], 'NX', ARGV[i + 1], ARGV[i]) == 1 then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
    added = added + 1
  end
end
return added
"""

# KEYS 1 due, 2 data, 3 moved, 4 stream. ARGV 1 now, 2 at most this many, 3 seconds to keep marks.
_MOVE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then redis.call('XADD', KEYS[4], '*', unpack(cjson.decode(raw))) end
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZADD', KEYS[3], ARGV[1], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[3]))
return #ids
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def notice_entry(notice: Notice) -> OutboxEntry:
    """The outbox entry of a notice: the notice itself travels as the `chat`."""
    data = {"id": notice.id, "kind": notice.kind, "workshop": notice.workshop, "tag": notice.tag,
            "code": notice.code, "due": notice.due}
    return OutboxEntry(CHANNEL, json.dumps(data, ensure_ascii=False, separators=(",", ":")), ())


class Scheduler:
    def __init__(
        self, client: Redis | RedisCluster, stream: str = STREAM, keep_moved: int = KEEP_MOVED
    ) -> None:
        self._redis = client
        self.stream = stream
        self._keys = [f"{stream}:due", f"{stream}:data", f"{stream}:moved"]
        self._keep = keep_moved
        self._schedule = client.register_script(_SCHEDULE)
        self._move = client.register_script(_MOVE)

    def outbox(self, client: Redis | RedisCluster, claim_idle: float = 30.0) -> Outbox:
        """The consumer side; give it a client of its own (its reads block)."""
        return Outbox(client, stream=self.stream, group=GROUP, claim_idle=claim_idle)

    async def schedule(self, notices: Sequence[Notice]) -> int:
        """Add notices to the due set (an id already there or already moved is left alone)."""
        args: list[str | int] = []
        for notice in notices:
            fields = [part for pair in notice_entry(notice).to_fields().items() for part in pair]
            args += [notice.id, notice.due, json.dumps(fields, ensure_ascii=False)]
        return int(await self._schedule(keys=self._keys, args=args)) if args else 0

    async def collect(self, seats: Seats, workshops: Iterable[str]) -> int:
        """Take the notices the seat scripts queued, workshop by workshop."""
        taken = 0
        for workshop in workshops:
            notices = await seats.notices(workshop)
            if notices:
                await self.schedule(notices)
                await seats.drop_notices(workshop, [n.id for n in notices])  # only after they are safe
                taken += len(notices)
        return taken

    async def move_due(self, now: float, limit: int = 100) -> int:
        """Move the notices due by `now` into the stream; returns how many moved."""
        return int(await self._move(keys=[*self._keys, self.stream], args=[now, limit, self._keep]))

    async def waiting(self) -> int:
        """Notices not due yet."""
        return int(await self._redis.zcard(self._keys[0]))

    async def tally(self, result: str) -> None:
        """Count what became of a notice, for staff (`labor-bot workshops list`)."""
        await self._redis.hincrby(f"{self.stream}:counts", result, 1)

    async def tallies(self) -> dict[str, int]:
        raw = await self._redis.hgetall(f"{self.stream}:counts")
        return {_text(k): int(v) for k, v in raw.items()}

    async def run(self, seats: Seats, workshops: Callable[[], Iterable[str]], stop: asyncio.Event,
                  clock: Callable[[], float] = time.time, interval: float = 1.0) -> None:
        """Collect and move every `interval` seconds until `stop`; Redis trouble is waited out."""
        pause = interval
        while not stop.is_set():
            try:
                await self.collect(seats, workshops())
                while await self.move_due(clock()) > 0:
                    pass
                pause = interval
            except REDIS_DOWN as exc:
                log.warning("scheduler cannot reach Redis", extra={"error": type(exc).__name__})
                pause = min(pause * 2, 30.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
