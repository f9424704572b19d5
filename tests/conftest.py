"""Shared pytest fixtures: settings from the test only, the shipped flows, the fake Bot API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bot.settings as settings_module
from bench import load
from bot.core.flowset import FlowSet
from bot.loader import load_assets
from bot.settings import WHATSAPP_TEMPLATE_VARS, Settings, env_names, prepare_process
from tests.fakes.telegram_api import FakeBotApi, running_fake_bot_api

pytest_plugins = ["tests.redis_server", "tests.fakes.browser", "tests.redis_cluster"]


@pytest.fixture(autouse=True)
def _settings_from_the_test_only(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                                 ) -> None:
    """No test depends on the caller's environment or `./.env`: every bot variable is removed, and
    `Settings.load()` reads a `.env` that does not exist (a test sets `ENV_FILE` to use one)."""
    for name in (*env_names().values(), *WHATSAPP_TEMPLATE_VARS):
        if name != "LANG":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(settings_module, "ENV_FILE", tmp_path_factory.getbasetemp() / "no.env")
    prepare_process(Settings())  # as every command does at start-up (PTB_TIMEDELTA)


@pytest.fixture(scope="session")
def shipped_flows() -> FlowSet:
    """The shipped flows as `load_assets()` gives them, loaded once for the whole run.

    Shared: a test that changes `flows.assets` (or anything else in it) loads its own copy.
    """
    return load_assets()


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    """The fake Telegram Bot API, answering the token of the servers `bench.load` starts."""
    with running_fake_bot_api(token=load.TELEGRAM_TOKEN) as api:
        yield api
