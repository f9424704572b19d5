"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import load
from bot.assets import load_assets
from bot.core.flowset import FlowSet
from tests.fakes.telegram_api import FakeBotApi, running_fake_bot_api

pytest_plugins = ["tests.redis_server", "tests.fakes.browser", "tests.redis_cluster"]

# What the bot reads from its environment (`.env.example`): cleared for every test, so the suite
# does not depend on the shell it runs in. A test that needs one sets it with `monkeypatch.setenv`.
SETTINGS_VARIABLES = (
    "LABOR_BOT_ENV", "REDIS_URL", "SESSION_TTL_DAYS",
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL",
    "TWILIO_AUTH_TOKEN", "PUBLIC_BASE_URL",
    "LOG_SALT", "LOG_LEVEL", "RATE_LIMIT_PER_MINUTE",
    "FLOWS_DIR", "FLOWS_RELOAD_SECONDS", "PROMETHEUS_MULTIPROC_DIR",
)


@pytest.fixture(autouse=True)
def no_bot_settings_from_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def shipped_flows() -> FlowSet:
    """The shipped flows as `load_assets()` gives them, loaded once for the whole run.

    Shared: a test that changes `flows.data` (or anything else in it) loads its own copy.
    """
    return load_assets()


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    """The fake Telegram Bot API, answering the token of the servers `bench.load` starts."""
    with running_fake_bot_api(token=load.TELEGRAM_TOKEN) as api:
        yield api
