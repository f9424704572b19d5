"""`BotService.handle(event)`: the one entry point every channel calls for an incoming message.

Per message: (a) a message id seen before gets the replies stored the first time, without
stepping again; (b) the session is loaded; (c) the pure engine steps; (d) the new session,
effects and replies are committed atomically. If another message for the same worker
committed in between, the step runs again on the fresh session, a bounded number of times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from bot.engine import step
from bot.errors import StoreConflict
from bot.events import Event
from bot.flowset import FlowSet
from bot.store.base import CommitResult, SessionStore, UserKey
from bot.turn import Reply

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20


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

    async def handle(self, event: Event) -> tuple[Reply, ...]:
        key = UserKey(event.channel, event.user)
        for _ in range(MAX_ATTEMPTS):
            loaded = await self.store.load(key, event.message_id)
            if loaded.replies is not None:
                return loaded.replies
            now = self.clock()
            turn = step(self.flows, loaded.session, event, now)
            result = await self.store.commit(key, event.message_id, loaded.version, turn, now)
            if result is CommitResult.APPLIED:
                return turn.replies
        raise StoreConflict(f"gave up after {MAX_ATTEMPTS} attempts")
