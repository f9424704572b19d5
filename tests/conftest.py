"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench import load
from bot.assets import load_assets
from bot.core.flowset import FlowSet
from tests.fakes.telegram_api import FakeBotApi, running_fake_bot_api

pytest_plugins = ["tests.redis_server", "tests.fakes.browser", "tests.redis_cluster"]

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
