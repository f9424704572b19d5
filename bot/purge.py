"""After "delete my data": removes what names her outside her own slot, durably and retried.

The forget itself is one atomic commit in her slot (`bot.store.redis`): her session, stored
replies, opt-out and message ids go, her records become anonymous counts. Three things that name
her live elsewhere and cannot join that transaction on Redis Cluster:

    her workshop seats            lb:ws:… (one slot per workshop; the seat scripts)
    her scheduled notices         lb:{notices}:due / :data (reminders due months ahead)
    dead letters naming her       lb:{notices}:dead, lb:{outbox}:dead (chat id, reply texts)

So the same commit pushes `{"tag", "message_id"}` onto her slot's purge list `lb:p:{F}` (its
slot filler `F` names no one; `lb:idx:purge` lists the slots). `Purger.purge_slot` runs right
after the commit (`bot.followups`) and `Purger.run` in `labor-bot worker` retries whatever a
crash left, every few seconds: each entry is removed only after its clean-up succeeded, and the
clean-up is idempotent, so it may run twice but never zero times.

Not reached: replies still waiting in `lb:{outbox}` for delivery (the confirmation "borré tus
datos" may be one); they leave once delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.outbox import REDIS_DOWN
from bot.outbox import STREAM as OUTBOX
from bot.store.base import UserKey
from bot.store.client import RedisClient
from bot.store.redis import PURGE, index_key, purge_list_key
from bot.workshops.resolvers import forget_places
from bot.workshops.scheduler import CHANNEL as NOTICE
from bot.workshops.scheduler import STREAM as NOTICES
from bot.workshops.seats import Seats
from bot.workshops.table import WorkshopTable

log = logging.getLogger(__name__)
DEAD_LETTERS = (f"{OUTBOX}:dead", f"{NOTICES}:dead")


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _user_key(tag: str) -> UserKey:
    channel, _, user = tag.strip("{}").partition(":")
    return UserKey(channel, user)


def names(fields: dict[str, str], tag: str) -> bool:
    """Whether an outbox or notice entry's fields are addressed to the worker `tag`."""
    channel, chat = fields.get("channel", ""), fields.get("chat", "")
    if channel == NOTICE:
        try:
            notice = json.loads(chat)
        except ValueError:
            return tag in chat  # unreadable: judged by its text
        return isinstance(notice, dict) and notice.get("tag") == tag
    return UserKey(channel, chat).tag == tag


class Purger:
    """Carries out the owed clean-ups of `lb:p:{F}` lists; give it a client of its own or shared."""

    def __init__(self, client: RedisClient, seats: Seats) -> None:
        self._redis, self.seats = client, seats

    async def purge_slot(self, filler: str, table: WorkshopTable, now: datetime) -> int:
        """Clean up after every forget listed in one slot; returns how many were done."""
        key = purge_list_key(filler)
        done = 0
        for raw in await self._redis.lrange(key, 0, -1):
            try:
                tag = str(json.loads(raw)["tag"])
            except (ValueError, KeyError, TypeError):
                tag = ""
            if tag:
                await self.purge(tag, table, now)
            await self._redis.lrem(key, 1, _text(raw))  # only once everything above succeeded
            done += 1
        return done

    async def run_once(self, table: WorkshopTable, now: datetime) -> int:
        """Every owed clean-up, slot by slot.

        The index only grows (as `lb:idx:<kind>` does: at most one member per slot), so the lists
        are measured in one pipelined round trip and only those with entries are read.
        """
        fillers = sorted(_text(m) for m in await self._redis.smembers(index_key(PURGE)))
        if not fillers:
            return 0
        async with self._redis.pipeline(transaction=False) as pipe:
            for filler in fillers:
                pipe.llen(purge_list_key(filler))
            lengths = await pipe.execute()
        done = 0
        for filler, length in zip(fillers, lengths, strict=True):
            if length:
                done += await self.purge_slot(filler, table, now)
        return done

    async def run(self, workshops: Callable[[], WorkshopTable], stop: asyncio.Event,
                  interval: float = 5.0, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        """Retry owed clean-ups every `interval` seconds until `stop`; Redis trouble is waited out."""
        while not stop.is_set():
            try:
                done = await self.run_once(workshops(), clock())
                if done:
                    log.info("forgotten workers cleaned up", extra={"count": done})
            except REDIS_DOWN as exc:
                log.warning("purge cannot reach Redis", extra={"error": type(exc).__name__})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    async def purge(self, tag: str, table: WorkshopTable, now: datetime) -> None:
        """Her seats, her scheduled notices and the dead letters addressed to her."""
        await forget_places(self.seats, _user_key(tag), table, now)
        await self._scheduled(tag)
        for stream in DEAD_LETTERS:
            await self._dead_letters(stream, tag)

    async def _scheduled(self, tag: str) -> None:
        due, data = f"{NOTICES}:due", f"{NOTICES}:data"
        doomed = []
        async for notice_id, raw in self._redis.hscan_iter(data):
            try:
                parts = json.loads(raw)
                fields = dict(zip(parts[::2], parts[1::2], strict=True))
            except (ValueError, TypeError):
                continue
            if names(fields, tag):
                doomed.append(notice_id)
        if doomed:
            async with self._redis.pipeline(transaction=True) as pipe:  # both keys share {notices}
                pipe.zrem(due, *doomed)
                pipe.hdel(data, *doomed)
                await pipe.execute()

    async def _dead_letters(self, stream: str, tag: str) -> None:
        doomed: list[str] = []
        for entry_id, raw in await self._redis.xrange(stream) or ():
            fields = {_text(k): _text(v) for k, v in (raw or {}).items()}
            if entry_id is not None and names(fields, tag):
                doomed.append(_text(entry_id))
        if doomed:
            await self._redis.xdel(stream, *doomed)
