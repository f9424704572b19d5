"""Staff YAML cannot exhaust memory: aliases, size and node count are refused with file:line (red team F7)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.flows import app
from bot.yamlsource import MAX_BYTES, MAX_NODES, YamlSyntaxError, read_yaml
from tests.fakes import asgi_client
from tests.test_operations import settings
from webhooks.app import create_app


def bomb(levels: int) -> str:
    """A "billion laughs": each level is ten aliases of the one before (10**levels strings)."""
    rows = ["flow: bomb", "start: a", 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    rows += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    return "\n".join(rows) + "\n"


@pytest.fixture
def flows(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    shutil.copytree("flows", folder)
    return folder


@pytest.mark.parametrize(("lang", "says"), [("es", "alias de YAML («*l0»)"), ("en", "YAML alias (“*l0”)")])
def test_flows_check_refuses_an_alias_with_its_file_and_line(flows: Path, lang: str, says: str) -> None:
    (flows / "bomb.yaml").write_text(bomb(9), encoding="utf-8")  # 10**9 nodes if it were expanded
    result = CliRunner().invoke(app, ["check", str(flows), "--lang", lang])
    assert result.exit_code == 1
    assert f"{flows / 'bomb.yaml'}:4: " in result.output and says in result.output


def test_a_small_alias_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(bomb(2), encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(path)
    assert caught.value.line == 4


def test_a_file_too_big_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("flow: big\nstates:\n" + "  # padding\n" * (MAX_BYTES // 10), encoding="utf-8")
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(path)
    assert caught.value.line == 1 and "demasiado grande" in caught.value.message


def test_a_file_with_too_many_nodes_is_refused_at_the_line_that_crosses(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("flow: many\nitems:\n" + "- 1\n" * MAX_NODES, encoding="utf-8")
    assert path.stat().st_size < MAX_BYTES
    with pytest.raises(YamlSyntaxError) as caught:
        read_yaml(path)
    assert "demasiados elementos" in caught.value.message
    assert caught.value.line == MAX_NODES - 2  # the root, flow, many, items and the list come first


async def test_the_hot_reload_refuses_a_bomb_and_keeps_serving(flows: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    server = create_app(settings(flows_dir=flows, flows_reload_seconds=0.05))
    async with asgi_client(server):
        (flows / "bomb.yaml").write_text(bomb(9), encoding="utf-8")
        for _ in range(100):
            if "flows refused" in caplog.text:
                break
            await asyncio.sleep(0.05)
    problems = [str(r.__dict__.get("problem")) for r in caplog.records if r.getMessage() == "flow problem"]
    assert any(f"{flows / 'bomb.yaml'}:4: " in p and "alias" in p for p in problems), problems
