"""The settings: every variable documented in `.env.example`, and `.env` read by every command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.settings as settings_module
from bot.cli import app
from bot.settings import WHATSAPP_TEMPLATE_VARS, Settings, env_names
from bot.workshops.senders import template_sids

ROOT = Path(__file__).resolve().parent.parent
_ASSIGNED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)  # `NAME=` or `# NAME=example`


def test_env_example_lists_exactly_the_settings() -> None:
    documented = set(_ASSIGNED.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    read = {*env_names().values(), *WHATSAPP_TEMPLATE_VARS}
    assert sorted(read - documented) == [], "read by bot/settings.py but not in .env.example"
    assert sorted(documented - read) == [], "in .env.example but not read by bot/settings.py"


def test_deploy_doc_names_only_real_settings() -> None:
    table = [line for line in (ROOT / "docs/deploy.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("| `")]
    named = {name for line in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}
    assert named and named <= set(env_names().values())


def test_every_template_variable_is_one_the_worker_uses() -> None:
    sids = template_sids(Settings.from_env({name: f"HX{i}" for i, name in
                                            enumerate(WHATSAPP_TEMPLATE_VARS)}).whatsapp_templates)
    assert len(sids) == len(WHATSAPP_TEMPLATE_VARS) == 12


def test_settings_built_from_a_mapping_ignore_the_process_environment(monkeypatch: pytest.MonkeyPatch
                                                                      ) -> None:
    monkeypatch.setenv("LABOR_BOT_ENV", "production")
    monkeypatch.setenv("REDIS_URL", "redis://elsewhere:6379")
    assert Settings.from_env({}) == Settings() == Settings.from_env({"REDIS_URL": "  "})
    assert Settings().env == "development" and Settings().redis_url is None


def test_a_command_reads_dot_env_and_the_environment_wins(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings_module, "ENV_FILE", Path(".env"))
    (tmp_path / ".env").write_text("# a comment\nLABOR_BOT_ENV=staging\nLOG_LEVEL=debug\n",
                                   encoding="utf-8")
    from_file = CliRunner().invoke(app, ["chat"], input="")
    assert from_file.exit_code == 2
    assert "LABOR_BOT_ENV must be development or production, not 'staging'" in from_file.output
    wins = CliRunner().invoke(app, ["referrals", "list", "--center", "x"], env={"LABOR_BOT_ENV": ""})
    assert wins.exit_code == 0, wins.output  # empty in the environment: the default, not .env's
    assert "REDIS_URL no está definida" in wins.output
    monkeypatch.setenv("LABOR_BOT_ENV", "")
    assert Settings.load().log_level == "DEBUG"  # and what only .env sets is read
