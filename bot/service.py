"""`BotService.handle(event)`: the one entry point every channel calls for an incoming message.

Per message: (a) a message id seen before gets the replies stored the first time, without
stepping again; (b) the session is loaded; (c) the pure engine steps; (d) the new session,
effects and replies are committed atomically. If another message for the same worker
committed in between, the step runs again on the fresh session, a bounded number of times.

A state with `await:` asks the outside world something (a workshop seat, taken atomically in
Redis): the engine emits a `request` effect, the service answers it with the resolver
registered under that name, and steps again with a RESULT event, all before the one commit.
Resolvers must be idempotent per worker, because a lost race or a redelivery asks again.

Two things keep that retry short when one worker sends a burst: within one process her
messages wait for each other on a per-worker lock (so only other processes can race), and a
lost race backs off for a short random time before trying again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from bot.core.engine import answer_request, pending_request, step
from bot.core.events import Event
from bot.core.flowfile import RETENTION_DAYS
from bot.core.flowset import FlowSet
from bot.core.session import Session
from bot.core.turn import Reply, Turn
from bot.errors import BotError, FlowError, StoreConflict
from bot.store.base import CommitResult, SessionStore, UserKey

# (worker, request parameters) -> (outcome for the state's `on:`, variables to set)
Resolver = Callable[[UserKey, Mapping[str, Any]], Awaitable[tuple[str, Mapping[str, Any]]]]
# Work after a first-time commit (staff notices…); its failure is logged, never shown to her.
AfterCommit = Callable[[UserKey, Turn], Awaitable[None]]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
MAX_BACKOFF = 0.2  # seconds
MAX_REQUESTS = 5  # requests answered within one message; more means a flow loops on `await`


def utc_now() -> datetime:
    return datetime.now(UTC)


class BotService:
    def __init__(
        self,
        flows: FlowSet,
        store: SessionStore,
        clock: Callable[[], datetime] = utc_now,
        resolvers: Mapping[str, Resolver] | None = None,
        after_commit: AfterCommit | None = None,
        retention_days: float = 7.0,
    ) -> None:
        self.resolvers = dict(resolvers or {})
        self.retention_days = retention_days  # SESSION_TTL_DAYS, quoted by the privacy text
        self.flows = flows
        self.store = store
        self.clock = clock
        self.after_commit = after_commit
        self._locks: dict[UserKey, tuple[asyncio.Lock, int]] = {}

    @property
    def flows(self) -> FlowSet:
        return self._flows

    @flows.setter
    def flows(self, flows: FlowSet) -> None:
        """Serve a (re)loaded flow set; `FlowError` if it awaits a request nobody answers, so a
        reload keeps the last good set and a start fails before any worker writes."""
        awaited = {state.await_ for flow in flows.flows.values() for state in flow.states.values()
                   if state.await_}
        missing = sorted(awaited - set(self.resolvers))
        if missing:
            raise FlowError([f"no resolver answers «await: {name}»" for name in missing])
        flows.defaults[RETENTION_DAYS] = f"{self.retention_days:g}"
        self._flows = flows

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
            turn = await self._step(key, loaded.session, event, now)
            result = await self.store.commit(key, event.message_id, loaded.version, turn, now)
            if result is CommitResult.APPLIED:
                await self._follow_up(key, turn)
                return turn.replies
            if result is CommitResult.CONFLICT:
                await asyncio.sleep(random.uniform(0, min(MAX_BACKOFF, 0.005 * 2**attempt)))
        raise StoreConflict(f"gave up after {MAX_ATTEMPTS} attempts")

    async def _follow_up(self, key: UserKey, turn: Turn) -> None:
        if self.after_commit is None:
            return
        try:
            await self.after_commit(key, turn)
        except Exception as exc:  # the commit stands; a lost notice must not become a lost reply
            # Only the type: a message or traceback could carry a personal value.
            log.error("after-commit work failed", extra={"error": type(exc).__name__})

    async def _step(self, key: UserKey, session: Session | None, event: Event, now: datetime) -> Turn:
        """One engine step, plus a follow-up step for each `await` request it makes."""
        flows = self.flows  # one flow set for the whole message, even if a reload lands meanwhile
        turn = step(flows, session, event, now)
        for _ in range(MAX_REQUESTS):
            request = pending_request(turn)
            if request is None:
                return turn
            outcome, data = await self.resolvers[str(request.data.get("name"))](key, request.data)
            turn = answer_request(flows, turn, event, outcome, data, now)
        raise BotError(f"more than {MAX_REQUESTS} requests for one message: a flow loops on await")

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

