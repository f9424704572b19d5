"""The system texts staff edit in flows/texts/system.yaml: said by the engine, checked at their line,
extracted for translation; a key left out keeps the built-in text."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.checks import check_all
from bot.cli.flows import app
from bot.core import commands
from bot.core.engine import step
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.session import Session
from bot.errors import FlowError
from bot.i18n import translate
from bot.i18n.extract import extract_flows
from bot.loader import load_assets
from bot.paths import FLOWS_DIR
from bot.systemtexts import SYSTEM_TEXTS_FILE, load_system_texts, system_text_problems

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
SHIPPED = FLOWS_DIR / SYSTEM_TEXTS_FILE
runner = CliRunner()


@pytest.fixture
def flows_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "flows"
    shutil.copytree(FLOWS_DIR, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> int:
    """Replace one line of the copy's system texts; the 1-based line it was on."""
    path = folder / SYSTEM_TEXTS_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _say(flows: FlowSet, text: str, lang: str = "es") -> str:
    session = Session(flow="main", state="menu", lang=lang, started_at=NOW, updated_at=NOW)
    turn = step(flows, session, Event(EventKind.TEXT, "whatsapp", "w1", "1", text=text), NOW)
    return " / ".join(r.text for r in turn.replies)


def test_the_shipped_file_has_no_mistake_and_only_known_keys() -> None:
    assert system_text_problems(SHIPPED) == []
    texts = load_system_texts(SHIPPED)
    assert texts and set(texts) <= set(commands.SYSTEM_TEXTS)
    assert texts["help"] == commands.HELP  # the shipped file says what the code says


def test_every_system_text_is_extracted_for_translation() -> None:
    with SHIPPED.open("rb") as handle:
        extracted = {text for _, _, text, _ in extract_flows(handle, {}, (), {})}
    assert extracted == {str(commands.SYSTEM_TEXTS[k]) for k in load_system_texts(SHIPPED)}


def test_an_edited_text_is_what_she_reads(flows_copy: Path) -> None:
    path = flows_copy / SYSTEM_TEXTS_FILE
    text = path.read_text(encoding="utf-8")
    start, end = text.index("  stop: >-\n"), text.index("  forget_ask:")
    path.write_text(text[:start] + "  stop: Ya no te escribo. Cuídate.\n" + text[end:], encoding="utf-8")
    assert system_text_problems(path) == []
    flows = load_assets(flows_copy)
    assert _say(flows, "baja") == "Ya no te escribo. Cuídate."
    # Not translated yet: English keeps the built-in text's translation rather than Spanish.
    english = translate("en", commands.STOP)
    assert english != commands.STOP and _say(flows, "stop", lang="en") == english


def test_a_key_left_out_keeps_the_built_in_text(flows_copy: Path) -> None:
    (flows_copy / SYSTEM_TEXTS_FILE).write_text("texts:\n  stop: Adiós.\n", encoding="utf-8")
    flows = load_assets(flows_copy)
    assert _say(flows, "ayuda") == commands.HELP
    assert _say(flows, "baja") == "Adiós."
    (flows_copy / SYSTEM_TEXTS_FILE).unlink()
    assert _say(load_assets(flows_copy), "baja") == commands.STOP


def test_an_unknown_key_is_one_error_at_its_line(flows_copy: Path) -> None:
    line = _edit(flows_copy, "  forget_kept:", "  forget_kep:")
    problems = check_all(flows_copy, today=NOW.date())
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.path.name, p.line, p.code) for p in errors] == [("system.yaml", line, "unknown-text-key")]
    assert "clave desconocida «forget_kep». ¿Quisiste decir «forget_kept»?" in errors[0].message
    with pytest.raises(FlowError):
        load_assets(flows_copy)  # the bot keeps the texts it had until the file is fixed


def test_a_lost_placeholder_is_an_error_in_the_staff_language(flows_copy: Path) -> None:
    line = _edit(flows_copy, "(máximo {max} letras)", "(máximo {maximo} letras)")
    result = runner.invoke(app, ["check", str(flows_copy)])
    assert result.exit_code == 1
    shown = f"{flows_copy / SYSTEM_TEXTS_FILE}:{line}: «reask_text» debe llevar {{max}}; lleva {{maximo}}"
    assert shown in result.output, result.output
    english = system_text_problems(flows_copy / SYSTEM_TEXTS_FILE, "en")
    assert [p.message for p in english] == ["“reask_text” must contain {max}; it contains {maximo}"]


def test_an_empty_text_is_an_error(flows_copy: Path) -> None:
    line = _edit(flows_copy, '  forget_no: "No"', "  forget_no:")
    problems = system_text_problems(flows_copy / SYSTEM_TEXTS_FILE)
    assert [(p.line, p.code) for p in problems] == [(line, "empty-text")]


def test_system_texts_with_the_same_words_stay_apart(flows_copy: Path) -> None:
    """«No» is both the no-button and «don't delete»: changing one leaves the other."""
    (flows_copy / SYSTEM_TEXTS_FILE).write_text("texts:\n  forget_no: No, déjalo así\n",
                                                encoding="utf-8")
    flows = load_assets(flows_copy)
    assert flows.text(commands.FORGET_NO, "es") == "No, déjalo así"
    assert flows.text(commands.NO_LABEL, "es") == "No"
    assert flows.text("No", "es") == "No"  # a flow's own «No» label is not a system text


def test_extraction_reads_a_texts_file_from_bytes() -> None:
    data = io.BytesIO(b"texts:\n  help: Escribe *menu*.\n")
    assert [(line, text) for line, _, text, _ in extract_flows(data, {}, (), {})] == [
        (2, "Escribe *menu*.")]
