"""Every setting of the bot, read from the environment in one place, and the session store it selects.

`Settings.load()` reads the process environment and `./.env` (a real environment variable wins
over the file); `Settings.from_env(mapping)` reads only the mapping given (tests). Building
`Settings(...)` directly reads nothing. Each variable, with its default, is in `.env.example`.
Nothing in `bot/` or `webhooks/` reads `os.environ` but `load()` and `prepare_process()`.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from bot.errors import InputError
from bot.paths import FLOWS_DIR
from bot.store.base import SessionStore
from bot.store.memory import MemorySessionStore

log = logging.getLogger(__name__)

Environment = Literal["development", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "production")
TELEGRAM_API = "https://api.telegram.org/bot"
MAX_BODY_BYTES = 64 * 1024
DEV_SALT = "labor-bot-development"
ENV_FILE = Path(".env")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram accepts as `secret_token`
# Approved WhatsApp content templates the worker uses outside the 24-hour window:
# WHATSAPP_TEMPLATE_<KIND>[_DISCREET][_EN] (read by `bot.workshops.senders.template_sids`).
WHATSAPP_TEMPLATE_VARS = tuple(
    f"WHATSAPP_TEMPLATE_{kind}{discreet}{english}"
    for kind in ("REMINDER_DAY", "REMINDER_SOON", "SEAT_FREED")
    for discreet in ("", "_DISCREET")
    for english in ("", "_EN")
)


def _env(name: str, default: Any = None) -> Any:
    """A field read from the environment variable `name` (also settable by its field name)."""
    return Field(default, validation_alias=name)


class Settings(BaseSettings):
    """What the server, the worker and the staff commands read from the environment.

    A channel whose credentials are missing is not mounted (the Telegram webhook needs both the
    token and the secret; `labor-bot telegram poll` needs only the token; the worker sends on
    WhatsApp with the account SID, the auth token and the sender number).
    """

    model_config = SettingsConfigDict(
        case_sensitive=True, frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True
    )

    # The store and the kind of deployment.
    redis_url: str | None = _env("REDIS_URL")
    env: Environment = _env("LABOR_BOT_ENV", "development")
    session_ttl_days: float = _env("SESSION_TTL_DAYS", 7.0)
    # Channels.
    telegram_token: str | None = _env("TELEGRAM_BOT_TOKEN")
    telegram_secret: str | None = _env("TELEGRAM_WEBHOOK_SECRET")
    telegram_api_base_url: str = _env("TELEGRAM_API_BASE_URL", TELEGRAM_API)
    twilio_auth_token: str | None = _env("TWILIO_AUTH_TOKEN")
    public_base_url: str | None = _env("PUBLIC_BASE_URL")
    twilio_account_sid: str | None = _env("TWILIO_ACCOUNT_SID")  # the worker's WhatsApp sender
    twilio_whatsapp_from: str | None = _env("TWILIO_WHATSAPP_FROM")
    twilio_api_base_url: str | None = _env("TWILIO_API_BASE_URL")
    # Operations.
    log_salt: str = _env("LOG_SALT", DEV_SALT)
    log_level: str = _env("LOG_LEVEL", "INFO")
    flows_dir: Path = _env("FLOWS_DIR", FLOWS_DIR)
    flows_reload_seconds: float = _env("FLOWS_RELOAD_SECONDS", 2.0)  # 0 turns the watcher off
    rate_limit_per_minute: int = _env("RATE_LIMIT_PER_MINUTE", 20)
    # The anonymous web chat: on or off, and how many new conversations it starts per hour
    # from one client address and in all (0 = no limit); see .env.example for the reasons.
    webchat_enabled: bool = _env("WEBCHAT_ENABLED", True)
    webchat_new_per_ip_per_hour: int = _env("WEBCHAT_NEW_PER_IP_PER_HOUR", 20)
    webchat_new_per_hour: int = _env("WEBCHAT_NEW_PER_HOUR", 300)
    staff_notices_per_hour: int = _env("STAFF_NOTICES_PER_HOUR", 10)  # per center; 0 = no limit
    reply_deadline_seconds: float = _env("REPLY_DEADLINE_SECONDS", 8.0)  # under Twilio's 15 s
    prometheus_multiproc_dir: str | None = _env("PROMETHEUS_MULTIPROC_DIR")
    lang: str | None = _env("LANG")  # the terminal's locale: the language of the CLI's messages
    # Not read from a variable of their own.
    whatsapp_templates: dict[str, str] = Field(default_factory=dict)  # WHATSAPP_TEMPLATE_* -> SID
    max_body_bytes: int = MAX_BODY_BYTES
    outbox_claim_seconds: float = 30.0  # a pending outbox entry idle this long is taken again
    telegram_max_wait_seconds: float = 3.0  # a 429 asking for longer goes to the outbox

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only the arguments: the environment is read by `load()` / `from_env()`, never implicitly."""
        return (init_settings,)

    @classmethod
    def load(cls, env_file: Path | None = None) -> Settings:
        """The process environment over `env_file` (`./.env`, if it exists), as `make run` reads them.

        A variable present in the environment wins over the file even when it is empty.
        """
        env_file = env_file or ENV_FILE
        from_file = dotenv_values(env_file) if env_file.is_file() else {}
        merged = {k: v for k, v in from_file.items() if v is not None}
        merged.update(os.environ)
        return cls.from_env(merged)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read and check the variables in `environ` only; raises `InputError` saying what to fix.

        An empty (or blank) variable means its default.
        """
        found = _MappingSource(cls, environ)()
        values = {k: v.strip() for k, v in found.items() if isinstance(v, str) and v.strip()}
        templates = {name: sid.strip() for name in WHATSAPP_TEMPLATE_VARS
                     if (sid := environ.get(name, "")).strip()}
        try:
            return cls.model_validate({**values, "whatsapp_templates": templates})
        except ValidationError as error:
            raise InputError("; ".join(_messages(error))) from None

    @field_validator("redis_url", "telegram_token", "twilio_auth_token", "twilio_account_sid",
                     "twilio_whatsapp_from", "twilio_api_base_url", "prometheus_multiproc_dir", "lang",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("env", mode="before")
    @classmethod
    def _environment(cls, value: Any) -> Any:
        env = str(value).strip().lower() or "development"
        if env not in ENVIRONMENTS:
            raise ValueError(f"LABOR_BOT_ENV must be development or production, not {env!r}")
        return env

    @field_validator("session_ttl_days", mode="before")
    @classmethod
    def _ttl(cls, value: Any) -> Any:
        try:
            ttl = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"SESSION_TTL_DAYS must be a number of days, not {value!r}") from None
        if not 0 < ttl <= 3650:
            raise ValueError(f"SESSION_TTL_DAYS must be between 0 and 3650 days, not {value}")
        return ttl

    @field_validator("telegram_secret", mode="before")
    @classmethod
    def _secret(cls, value: Any) -> Any:
        if isinstance(value, str) and value and not _SECRET.fullmatch(value):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256)")
        return value or None

    @field_validator("telegram_api_base_url", mode="after")
    @classmethod
    def _telegram_api(cls, value: str) -> str:
        if urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("TELEGRAM_API_BASE_URL must be an http(s) URL ending in /bot")
        return value

    @field_validator("public_base_url", mode="before")
    @classmethod
    def _public(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or None
            if value is not None and urlsplit(value).scheme not in ("http", "https"):
                raise ValueError("PUBLIC_BASE_URL must be the public https:// address of this server")
        return value

    @field_validator("log_level", mode="after")
    @classmethod
    def _level(cls, value: str) -> str:
        return value.upper()

    @field_validator("flows_reload_seconds", mode="before")
    @classmethod
    def _reload_seconds(cls, value: Any) -> float:
        return _number(value, "FLOWS_RELOAD_SECONDS")

    @field_validator("rate_limit_per_minute", "webchat_new_per_ip_per_hour", "webchat_new_per_hour",
                     "staff_notices_per_hour", mode="before")
    @classmethod
    def _count(cls, value: Any, info: ValidationInfo) -> int:
        return int(_number(value, env_names()[str(info.field_name)]))

    @field_validator("reply_deadline_seconds", mode="before")
    @classmethod
    def _deadline(cls, value: Any) -> float:
        seconds = _number(value, "REPLY_DEADLINE_SECONDS")
        if not 1 <= seconds <= 14:
            raise ValueError("REPLY_DEADLINE_SECONDS must be between 1 and 14 (Twilio waits 15 s)")
        return seconds

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.production and self.public_base_url and urlsplit(self.public_base_url).scheme != "https":
            raise ValueError("PUBLIC_BASE_URL must be the public https:// address of this server")
        return self

    def for_server(self) -> Settings:
        """These settings, checked for running the web server; raises `InputError` saying what to fix.

        Only the server needs them: the worker sends on WhatsApp without a public URL, and the
        staff commands log no sender.
        """
        if self.twilio_auth_token and not self.public_base_url:
            raise InputError(
                "TWILIO_AUTH_TOKEN is set but PUBLIC_BASE_URL is not: Twilio signs the public URL "
                "it calls, so the server must know it (e.g. https://bot.example.org)"
            )
        if self.production and self.log_salt == DEV_SALT:
            raise InputError("LABOR_BOT_ENV=production needs LOG_SALT (a long random string)")
        return self

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def session_ttl(self) -> timedelta:
        return timedelta(days=self.session_ttl_days)

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

    @property
    def cli_language(self) -> str:
        """Spanish unless the terminal's locale is English (LANG=en_US.UTF-8)."""
        return "en" if (self.lang or "").startswith("en") else "es"


def env_names() -> dict[str, str]:
    """Field name -> the environment variable it is read from."""
    return {name: str(field.validation_alias) for name, field in Settings.model_fields.items()
            if field.validation_alias is not None}


class _MappingSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading a given mapping instead of `os.environ`."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._given = dict(environ)
        super().__init__(settings_cls, case_sensitive=True)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._given

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any,
                            value_is_complex: bool) -> Any:
        return value  # every variable is a plain string; the validators parse it


def _messages(error: ValidationError) -> list[str]:
    names = env_names()
    found = []
    for item in error.errors():
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, ValueError):
            found.append(str(cause))
        else:
            field = str(item["loc"][0]) if item["loc"] else ""
            found.append(f"{names.get(field, field)}: {item['msg']}")
    return found


def _number(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


def prepare_process(settings: Settings) -> None:
    """Write to the process environment what libraries read from it themselves; call once at start-up.

    python-telegram-bot warns on every `RetryAfter` (even inside its own request code) unless
    `PTB_TIMEDELTA` opts in to its next version's durations; `bot.ptb` reads both kinds, so the
    opt-in is set unless the environment says otherwise.

    prometheus_client chooses between in-process and multi-process counters from
    `PROMETHEUS_MULTIPROC_DIR` in `os.environ` when it is first imported (in this process and in
    each uvicorn worker process, which inherit the environment), so the setting, which may come
    from `.env`, is exported before the web app is imported; a variable set but empty means off
    and is removed.

    These are the only writes to `os.environ` in the bot, and none happens at import.
    """
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    if settings.prometheus_multiproc_dir:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = settings.prometheus_multiproc_dir
    else:
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)


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
