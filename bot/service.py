"""`BotService.handle(event)`: the one entry point every channel calls for an incoming message.

Per message: (a) a message id seen before gets the replies stored the first time, without
stepping again; (b) the session is loaded; (c) the pure engine steps; (d) the new session,
effects and replies are committed atomically. If another message for the same worker
committed in between, the step runs again on the fresh session, a bounded number of times.

Two things keep that retry short when one worker sends a burst: within one process her
messages wait for each other on a per-worker lock (so only other processes can race), and a
lost race backs off for a short random time before trying again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from bot.engine import step
from bot.errors import StoreConflict
from bot.events import Event
from bot.flowset import FlowSet
from bot.store.base import CommitResult, SessionStore, UserKey
from bot.turn import Reply

MAX_ATTEMPTS = 20
MAX_BACKOFF = 0.2  # seconds


def utc_now() -> datetime:
    return datetime.now(UTC)


class BotService:
    def __init__(
        self,
        flows: FlowSet,
        store: SessionStore,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.flows = flows
        self.store = store
        self.clock = clock
        self._locks: dict[UserKey, tuple[asyncio.Lock, int]] = {}

    async def handle(self, event: Event) -> tuple[Reply, ...]:
        key = UserKey(event.channel, event.user)
        with self._lock_for(key) as lock:
            async with lock:
                return await self._apply(key, event)

    async def _apply(self, key: UserKey, event: Event) -> tuple[Reply, ...]:
        for attempt in range(MAX_ATTEMPTS):
            loaded = await self.store.load(key, event.message_id)
            if loaded.replies is not None:
                return loaded.replies
            now = self.clock()
            turn = step(self.flows, loaded.session, event, now)
            result = await self.store.commit(key, event.message_id, loaded.version, turn, now)
            if result is CommitResult.APPLIED:
                return turn.replies
            if result is CommitResult.CONFLICT:
                await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF, 0.005 * 2**attempt)))
        raise StoreConflict(f"gave up after {MAX_ATTEMPTS} attempts")

    @contextmanager
    def _lock_for(self, key: UserKey) -> Iterator[asyncio.Lock]:
        """A lock per worker, dropped when no message of hers is waiting (no unbounded growth)."""
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            yield lock
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
