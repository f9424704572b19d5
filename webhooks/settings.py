"""Server settings read from environment variables: channels, public URL, limits, log salt."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import InputError
from bot.paths import FLOWS_DIR
from bot.settings import Settings

TELEGRAM_API = "https://api.telegram.org/bot"
MAX_BODY_BYTES = 64 * 1024
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as `secret_token`
DEV_SALT = "labor-bot-development"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Everything the server reads from the environment; see `.env.example` for each variable.

    A channel whose credentials are missing is not mounted (the Telegram webhook needs both the
    token and the secret; `labor-bot telegram poll` needs only the token); `core` holds `REDIS_URL`,
    `LABOR_BOT_ENV` and `SESSION_TTL_DAYS` (shared with the rest of the bot).
    """

    core: Settings = field(default_factory=Settings)
    telegram_token: str | None = None
    telegram_secret: str | None = None
    telegram_api_base_url: str = TELEGRAM_API
    twilio_auth_token: str | None = None
    public_base_url: str | None = None
    log_salt: str = DEV_SALT
    log_level: str = "INFO"
    flows_dir: Path = FLOWS_DIR
    flows_reload_seconds: float = 2.0  # 0 turns the watcher off (SIGHUP still reloads)
    rate_limit_per_minute: int = 20
    max_body_bytes: int = MAX_BODY_BYTES
    outbox_claim_seconds: float = 30.0  # a pending outbox entry idle this long is taken again
    telegram_max_wait_seconds: float = 3.0  # a 429 asking for longer goes to the outbox

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ServerSettings:
        """Read and check the variables; raises `InputError` saying what to fix."""

        def get(name: str) -> str | None:
            return environ.get(name, "").strip() or None

        core = Settings.from_env(environ)
        production = core.env == "production"
        token, secret = get("TELEGRAM_BOT_TOKEN"), get("TELEGRAM_WEBHOOK_SECRET")
        if secret and not _SECRET.fullmatch(secret):
            raise InputError("TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256)")
        api = get("TELEGRAM_API_BASE_URL") or TELEGRAM_API
        if urlsplit(api).scheme not in ("http", "https"):
            raise InputError("TELEGRAM_API_BASE_URL must be an http(s) URL ending in /bot")
        twilio, public = get("TWILIO_AUTH_TOKEN"), get("PUBLIC_BASE_URL")
        if public is not None:
            public = public.rstrip("/")
            scheme = urlsplit(public).scheme
            if scheme not in ("http", "https") or (production and scheme != "https"):
                raise InputError("PUBLIC_BASE_URL must be the public https:// address of this server")
        if twilio and not public:
            raise InputError(
                "TWILIO_AUTH_TOKEN is set but PUBLIC_BASE_URL is not: Twilio signs the public URL "
                "it calls, so the server must know it (e.g. https://bot.example.org)"
            )
        salt = get("LOG_SALT")
        if production and not salt:
            raise InputError("LABOR_BOT_ENV=production needs LOG_SALT (a long random string)")
        return cls(
            core=core,
            telegram_token=token,
            telegram_secret=secret,
            telegram_api_base_url=api,
            twilio_auth_token=twilio,
            public_base_url=public,
            log_salt=salt or DEV_SALT,
            log_level=(get("LOG_LEVEL") or "INFO").upper(),
            flows_dir=Path(get("FLOWS_DIR") or FLOWS_DIR),
            flows_reload_seconds=_number(get("FLOWS_RELOAD_SECONDS"), "FLOWS_RELOAD_SECONDS", 2.0),
            rate_limit_per_minute=int(
                _number(get("RATE_LIMIT_PER_MINUTE"), "RATE_LIMIT_PER_MINUTE", 20)
            ),
        )

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token and self.telegram_secret)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.twilio_auth_token and self.public_base_url)

    @property
    def whatsapp_url(self) -> str:
        """The exact URL Twilio calls, which its signature covers."""
        return f"{self.public_base_url or ''}/webhooks/whatsapp"


def _number(raw: str | None, name: str, default: float) -> float:
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise InputError(f"{name} must not be negative")
    return value
