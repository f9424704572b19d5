"""`labor-bot flows diagram|actions`, the generated diagrams in docs/flows/, and the schema's hovers."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.flows import DIAGRAMS_DIR, app, diagram_pages, first_line, schema_text
from bot.core.checker import FlowSetChecker, check_flow_files
from bot.core.diagram import mermaid
from bot.features import builtin_catalog
from bot.i18n import translator
from bot.paths import FLOWS_DIR

runner = CliRunner()


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_generated_diagrams_are_current() -> None:
    pages = diagram_pages(FLOWS_DIR)
    assert set(pages) == {p.stem for p in FLOWS_DIR.glob("*.yaml") if p.stem != "texts"}
    for name, page in pages.items():
        path = DIAGRAMS_DIR / f"{name}.md"
        assert path.exists() and path.read_text(encoding="utf-8") == page, (
            f"{path} is stale: run `labor-bot flows diagram --write`")


def test_the_staff_guides_link_every_generated_diagram() -> None:
    for guide in ("docs/staff-guide.md", "docs/staff-guide.en.md"):
        text = Path(guide).read_text(encoding="utf-8")
        assert "```mermaid" not in text, f"{guide} draws a diagram by hand"
        for name in diagram_pages(FLOWS_DIR):
            assert f"(flows/{name}.md)" in text, f"{guide} does not link docs/flows/{name}.md"


def test_diagram_labels_each_edge_with_its_choice_yes_no_or_outcome(tmp_path: Path) -> None:
    _write(tmp_path, "main.yaml", """\
flow: main
start: ask
states:
  ask:
    say: ¿Sigues trabajando ahí?
    input: {type: yes_no}
    yes: menu
    no: bye
  menu:
    say: "¿Qué quieres? Elige: uno o dos"
    choices:
      - {label: "Mis derechos; #1", go: other}
      - {label: Adiós, go: bye}
  bye:
    action: privacy.decline
    next: other.done
  thanks:
    say: hola
    next: ask
""")
    _write(tmp_path, "other.yaml", """\
flow: other
start: route
states:
  route:
    action: complaint.find_centers
    on: {found: done, none: main.ask}
    next: done
  done:
    say: Listo
    end: true
""")
    catalog = builtin_catalog()
    report = check_flow_files(tmp_path, catalog)
    checker = FlowSetChecker(report.sources, catalog, translator("es"))
    main = mermaid(checker, report.sources["main"].flow).splitlines()
    assert main[0] == "stateDiagram-v2"
    assert '    state "other.route" as other__route' in main
    assert '    state "other.done" as other__done' in main
    assert "    [*] --> ask" in main
    assert "    ask --> menu : sí" in main and "    ask --> bye : no" in main
    assert "    menu --> other__route : Mis derechos, nº1" in main  # `;` and `#` would break Mermaid
    assert "    menu --> bye : Adiós" in main
    assert "    bye --> other__done" in main  # `next:` has no label
    other = mermaid(checker, report.sources["other"].flow).splitlines()
    assert "    route --> done : found" in other and "    route --> main__ask : none" in other
    assert "    route --> done" in other and "    done --> [*]" in other


def test_diagram_command_prints_one_flow_and_refuses_an_unknown_one() -> None:
    result = runner.invoke(app, ["diagram", "workshops"])
    assert result.exit_code == 0, result.output
    assert "stateDiagram-v2" in result.output and "details --> closed : closed" in result.output
    assert "Flujo «main»" not in result.output
    result = runner.invoke(app, ["diagram", "talleres", "--lang", "es"])
    assert result.exit_code == 1
    assert "no hay un flujo «talleres»" in result.output


def test_every_action_has_a_spanish_line_then_english() -> None:
    catalog = builtin_catalog()
    described = [(name, inspect.getdoc(spec.run) or "") for name, spec in catalog.actions.items()]
    described += [(f"await: {name}", spec.description) for name, spec in catalog.requests.items()]
    for name, doc in described:
        spanish, _, english = doc.partition("\n\n")
        assert spanish and "\n" not in spanish.strip(), f"{name}: first line must be one Spanish line"
        assert english.strip(), f"{name}: the English explanation follows a blank line"
        assert first_line(doc, "es") != first_line(doc, "en"), name


def test_actions_lists_descriptions_outcomes_and_variables() -> None:
    result = runner.invoke(app, ["actions", "--lang", "es"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("complaint.route")
    assert lines[at + 1] == "    Sigue según el tipo de problema (cada tipo es un resultado de «on:»)."
    outcomes = builtin_catalog().actions["complaint.route"].outcomes
    assert lines[at + 2] == f"    resultados: {', '.join(sorted(outcomes))}"
    at = lines.index("await: seat")
    assert lines[at + 2:at + 4] == ["    resultados: already, confirmed, waitlisted",
                                    "    llena: code, place"]
    every = set(builtin_catalog().actions) | {f"await: {n}" for n in builtin_catalog().requests}
    assert every <= set(lines)


def test_actions_speaks_english_when_asked() -> None:
    result = runner.invoke(app, ["actions", "--lang", "en"])
    lines = result.output.splitlines()
    at = lines.index("workshops.take_seat")
    assert lines[at + 1] == "    Ask for a seat, or a waitlist place when it is full."
    assert lines[at + 2].startswith("    outcomes: ") and lines[at + 3] == "    fills: (none)"


def test_no_flow_header_lists_action_variables_by_hand() -> None:
    for path in FLOWS_DIR.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "Variables que llenan" not in text, path
        if path.stem != "texts":
            assert text.startswith("# yaml-language-server: $schema=./schema.json\n"), path


def test_schema_hovers_explain_the_keys_in_spanish() -> None:
    schema = json.loads(schema_text())
    state = schema["$defs"]["State"]["properties"]
    for key in ("next", "on", "await", "choices", "input", "save_as", "personal", "action", "say"):
        assert state[key].get("description"), key
    assert "«on:»" in state["next"]["description"]
    assert "labor-bot flows actions" in state["on"]["description"]
    assert "espera" in state["await"]["description"].lower()
    assert "comillas" in schema["$defs"]["Option"]["properties"]["label"]["description"]
    assert schema["$defs"]["State"]["description"].startswith("Un paso de la conversación")


def test_ask_speaks_the_staff_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import app as whole

    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    spanish = runner.invoke(whole, ["ask", "me corrieron ayer sin razon"])
    assert spanish.exit_code == 0, spanish.output
    assert spanish.stdout.startswith("tema: ") and "puntaje" in spanish.stdout
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    english = runner.invoke(whole, ["ask", "me corrieron ayer sin razon"])
    assert english.stdout.startswith("topic: ") and "score" in english.stdout
    assert "confident: the bot answers this topic" in english.stdout


def test_flows_test_reports_in_the_staff_language() -> None:
    result = runner.invoke(app, ["test", "--lang", "en", "tests/flows/answers_read_en.yaml"])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("1 passed, 0 failed")
