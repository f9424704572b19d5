"""Shared pytest fixtures."""

import pytest

import bot.settings as settings_module
from bot.settings import WHATSAPP_TEMPLATE_VARS, Settings, env_names, prepare_process

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
