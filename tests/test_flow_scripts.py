"""Runs every conversation script in tests/flows/ against the shipped flows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.flowset import FlowSet
from bot.core.flowtest import run_script
from bot.loader import load_assets
from bot.paths import FLOWS_DIR

SCRIPTS = sorted((Path(__file__).parent / "flows").glob("*.yaml"))
SCRIPT_DATA = Path(__file__).parent / "flows" / "data"  # the centers and workshops they expect


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    return load_assets(pinned_data=SCRIPT_DATA)


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


def test_scripts_keep_passing_when_staff_replace_the_live_centers_and_workshops(tmp_path: Path) -> None:
    """The scripts' own data stands in for the live files, which staff edit before opening."""
    live = tmp_path / "flows"
    shutil.copytree(FLOWS_DIR, live)
    (live / "data" / "workshops.yaml").write_text("workshops: []\n", encoding="utf-8")
    (live / "data" / "directory.yaml").write_text("centers: []\n", encoding="utf-8")
    flows = load_assets(live, pinned_data=SCRIPT_DATA)
    failures = [f for script in SCRIPTS for f in run_script(script, flows).failures]
    assert failures == []
    assert load_assets(live).assets != flows.assets  # the live data did differ
