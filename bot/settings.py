"""Configuration read from environment variables, and the session store it selects."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.errors import InputError
from bot.store.base import SessionStore
from bot.store.memory import MemorySessionStore

log = logging.getLogger(__name__)

Environment = Literal["development", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")


@dataclass(frozen=True, slots=True)
class Settings:
    """`REDIS_URL` (optional), `LABOR_BOT_ENV` (development|production), `SESSION_TTL_DAYS` (7)."""

    redis_url: str | None = None
    env: Environment = "development"
    session_ttl_days: float = 7.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        env = environ.get("LABOR_BOT_ENV", "").strip().lower() or "development"
        if env not in ENVIRONMENTS:
            raise InputError(f"LABOR_BOT_ENV must be development or production, not {env!r}")
        raw_ttl = environ.get("SESSION_TTL_DAYS", "").strip() or "7"
        try:
            ttl = float(raw_ttl)
        except ValueError:
            raise InputError(f"SESSION_TTL_DAYS must be a number of days, not {raw_ttl!r}") from None
        if not 0 < ttl <= 3650:
            raise InputError(f"SESSION_TTL_DAYS must be between 0 and 3650 days, not {raw_ttl}")
        redis_url = environ.get("REDIS_URL", "").strip() or None
        return cls(
            redis_url=redis_url,
            env="production" if env == "production" else "development",
            session_ttl_days=ttl,
        )

    @property
    def session_ttl(self) -> timedelta:
        return timedelta(days=self.session_ttl_days)


def make_store(settings: Settings) -> SessionStore:
    """Redis when `REDIS_URL` is set; otherwise the in-memory store, refused in production."""
    if settings.redis_url:
        # Imported here so development without Redis never needs the client configured.
        from bot.store.redis import RedisSessionStore

        return RedisSessionStore.from_url(settings.redis_url, session_ttl=settings.session_ttl)
    if settings.env == "production":
        raise InputError("LABOR_BOT_ENV=production needs REDIS_URL")
    log.warning(
        "REDIS_URL is not set: using the in-memory session store; "
        "sessions are lost on restart and not shared between processes"
    )
    return MemorySessionStore()
