"""Runs every conversation script in tests/flows/ against the shipped flows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.flowset import FlowSet
from bot.core.flowtest import run_script
from bot.loader import load_assets

SCRIPTS = sorted((Path(__file__).parent / "flows").glob("*.yaml"))


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    return load_assets()


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_conversation_script(script: Path, flows: FlowSet) -> None:
    result = run_script(script, flows)
    assert result.failures == []


def test_a_failing_script_says_where_and_why(tmp_path: Path, flows: FlowSet) -> None:
    script = tmp_path / "wrong.yaml"
    script.write_text(
        "name: wrong\nsteps:\n  - send: hola\n  - send: si\n    expect: {state: main.nowhere}\n",
        encoding="utf-8",
    )
    (failure,) = run_script(script, flows).failures
    assert failure.startswith(f"{script}:4: paso 2:")
    assert "main.nowhere" in failure and "main.menu" in failure
