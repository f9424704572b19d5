"""`MemorySessionStore`: the embedded store for development, the simulator and tests.

Everything lives in one process's memory and is lost when it stops. One asyncio lock makes
each commit atomic, so it honours the same contract as the Redis store.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.core.session import Session
from bot.core.turn import FORGET, Reply, Turn
from bot.store.base import CommitResult, Loaded, UserKey


class MemorySessionStore:
    def __init__(self, idempotency_ttl: timedelta = timedelta(hours=48)) -> None:
        self._sessions: dict[UserKey, tuple[int, Session]] = {}
        self._replies: dict[tuple[UserKey, str], tuple[datetime, tuple[Reply, ...]]] = {}
        self._records: dict[str, list[dict[str, object]]] = {}
        self._opted_out: set[UserKey] = set()  # outlives her session, as in the Redis store
        self._idempotency_ttl = idempotency_ttl
        self._lock = asyncio.Lock()

    async def load(self, key: UserKey, message_id: str) -> Loaded:
        version, session = self._sessions.get(key, (0, None))
        seen = self._replies.get((key, message_id))
        return Loaded(session, version, seen[1] if seen else None)

    async def commit(
        self, key: UserKey, message_id: str, expected_version: int, turn: Turn, now: datetime
    ) -> CommitResult:
        async with self._lock:
            if (key, message_id) in self._replies:
                return CommitResult.DUPLICATE
            version = self._sessions.get(key, (0, None))[0]
            if version != expected_version:
                return CommitResult.CONFLICT
            self._expire_replies(now)
            for effect in turn.effects:
                if effect.kind == FORGET:
                    self._forget(key)
                else:
                    record = {"user": key.tag, "message_id": message_id, **effect.data}
                    self._records.setdefault(effect.kind, []).append(record)
            # Stored after a forget, so a redelivered "delete my data" gets the same answer.
            self._replies[(key, message_id)] = (now, turn.replies)
            if turn.session is None:
                self._sessions.pop(key, None)
            else:
                self._sessions[key] = (version + 1, turn.session)
                if turn.session.opted_out:
                    self._opted_out.add(key)
                else:
                    self._opted_out.discard(key)
            return CommitResult.APPLIED

    async def opted_out(self, key: UserKey) -> bool:
        return key in self._opted_out

    async def records(self, kind: str) -> list[dict[str, object]]:
        return list(self._records.get(kind, ()))

    async def ping(self) -> bool:
        return True

    async def aclose(self) -> None:
        return None

    def _forget(self, key: UserKey) -> None:
        """Drop the session and stored replies; keep records but strip what identifies her."""
        self._sessions.pop(key, None)
        self._opted_out.discard(key)
        for seen in [k for k in self._replies if k[0] == key]:
            del self._replies[seen]
        for records in self._records.values():
            for i, record in enumerate(records):
                if record.get("user") == key.tag:
                    records[i] = {"user": None, "forgotten": True}

    def _expire_replies(self, now: datetime) -> None:
        old = [k for k, (at, _) in self._replies.items() if now - at > self._idempotency_ttl]
        for k in old:
            del self._replies[k]
