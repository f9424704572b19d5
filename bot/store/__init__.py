"""Session stores: where sessions, stored replies and effects live between messages."""

from bot.store.base import CommitResult, Loaded, SessionStore, UserKey
from bot.store.memory import MemorySessionStore

__all__ = ["CommitResult", "Loaded", "MemorySessionStore", "SessionStore", "UserKey"]
