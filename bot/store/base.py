"""The `SessionStore` interface every store implements (in-memory for development, Redis in production).

The service talks to a store in two calls per message, which lets a store do the whole
message in one atomic operation:

1. `load(key, message_id)` returns the worker's session, its version, and, when this
   message id was already handled, the replies stored the first time.
2. `commit(key, message_id, expected_version, turn, now)` writes the new session, the
   effects and the replies at once, only if the session is still at `expected_version`
   and the message id is still unseen. Otherwise nothing is written and the result says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.core.session import Session
from bot.core.turn import Reply, Turn


@dataclass(frozen=True, slots=True)
class UserKey:
    """Who a session belongs to: a channel and that channel's id for the worker."""

    channel: str
    user: str

    @property
    def tag(self) -> str:
        """The Redis Cluster hash tag shared by every key of this worker."""
        return "{" + f"{self.channel}:{self.user}" + "}"


@dataclass(frozen=True, slots=True)
class Loaded:
    """A session as read: `version` 0 means no session yet; `replies` is set for a duplicate."""

    session: Session | None
    version: int
    replies: tuple[Reply, ...] | None = None


class CommitResult(Enum):
    APPLIED = "applied"  # session, effects and replies written
    CONFLICT = "conflict"  # another message for this worker committed first: step again
    DUPLICATE = "duplicate"  # this message id was committed meanwhile: load its replies


class SessionStore(Protocol):
    async def load(self, key: UserKey, message_id: str) -> Loaded: ...

    async def commit(
        self, key: UserKey, message_id: str, expected_version: int, turn: Turn, now: datetime
    ) -> CommitResult: ...

    async def records(self, kind: str) -> list[dict[str, object]]:
        """All effect records of one kind, oldest first (for staff tools and tests)."""
        ...

    async def opted_out(self, key: UserKey) -> bool:
        """She said *baja* and has not written since; outlives her session, gone with her data."""
        ...

    async def ping(self) -> bool: ...

    async def aclose(self) -> None: ...
