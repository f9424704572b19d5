"""`labor-bot flows check|test|schema` as staff use them, and the published JSON Schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from bot.cli.flows import SCHEMA_FILE, app, schema_text

runner = CliRunner()
FIXTURES = Path("tests/fixtures")  # relative, as staff type paths (pytest runs from the root)


def test_check_passes_on_the_shipped_flows() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "Todo bien" in result.output


def test_check_fails_with_file_and_line_on_a_broken_flow() -> None:
    folder = FIXTURES / "broken_flows" / "missing_target"
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'main.yaml'}:8: «tanks» no es un estado" in result.output
    assert "¿Quisiste decir «thanks»?" in result.output


def test_check_names_the_file_and_line_of_an_await_nobody_answers(tmp_path: Path) -> None:
    """A staff member's typo in `await:` would only show when a worker pressed the button."""
    flows = tmp_path / "flows"
    shutil.copytree("flows", flows)
    text = (flows / "workshops.yaml").read_text(encoding="utf-8")
    assert "await: seat\n" in text
    (flows / "workshops.yaml").write_text(text.replace("await: seat\n", "await: seats\n"), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip() == "await: seat")
    result = runner.invoke(app, ["check", str(flows)])
    assert result.exit_code == 1
    assert f"{flows / 'workshops.yaml'}:{line}: nadie responde a «await: seats»" in result.output
    assert "¿Quisiste decir «seat»?" in result.output and "1 error, " in result.output


def test_check_speaks_english_when_asked() -> None:
    result = runner.invoke(app, ["check", "--lang", "en", str(FIXTURES / "broken_flows" / "no_way_out")])
    assert result.exit_code == 1
    assert "has no way out" in result.output and "1 error, " in result.output


def test_warnings_alone_do_not_fail() -> None:
    result = runner.invoke(app, ["check", str(FIXTURES / "untranslated")])
    assert result.exit_code == 0
    assert "aviso: falta la traducción" in result.output


def test_flows_test_runs_the_scripts() -> None:
    result = runner.invoke(app, ["test"])
    assert result.exit_code == 0, result.output
    scripts = len(list(Path("tests/flows").glob("*.yaml")))
    assert f"{scripts} bien, 0 con fallas" in result.output


def test_flows_test_refuses_broken_flows() -> None:
    result = runner.invoke(app, ["test", "--flows", str(FIXTURES / "broken_flows" / "unreachable")])
    assert result.exit_code == 1
    assert "ningún camino lleva" in result.output


def test_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "flows/schema.json is stale: run `labor-bot flows schema --write`"
    )


def test_schema_describes_the_flow_keys() -> None:
    schema = json.loads(schema_text())
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"flow", "start", "states"}
    state = schema["$defs"]["State"]["properties"]
    assert {"say", "input", "choices", "save_as", "next", "action", "end"} <= set(state)
