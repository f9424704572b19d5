"""One mistake, one message: a broken copy of the shipped flows gives exactly one error, at its
file and line, in Spanish or (with `--lang en`) in English, and never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.flows import app

runner = CliRunner()

# (name, file under flows/, text to break, broken text, Spanish words, English words)
TRAPS = [
    ("unquoted-colon", "main.yaml", "    say: Gracias por tu confianza.",
     "    say: Gracias: por tu confianza.",
     "pon el texto entre comillas", "put the text in quotes"),
    ("unquoted-comma", "complaint.yaml", '{label: "Mina, petróleo, gas o electricidad"',
     "{label: Mina, petróleo, gas o electricidad", "Pon el texto entre comillas", "in quotes"),
    ("bad-indentation", "main.yaml", "    next: privacy", "   next: privacy",
     "empiecen en la misma columna", "start in the same column"),
    ("tab", "main.yaml", "    next: privacy", "\tnext: privacy", "usa espacios, no tabuladores",
     "use spaces, not tabs"),
    ("unknown-key", "main.yaml", "    say: Gracias por tu confianza.", "    sya: Gracias por tu confianza.",
     "clave desconocida «sya»", "unknown key “sya”"),
    ("30-february", "data/workshops.yaml", "start: 2027-03-09 18:00:00", "start: 2027-02-30 18:00:00",
     "la fecha «2027-02-30» no existe", "the date “2027-02-30” does not exist"),
    ("wrong-type", "data/workshops.yaml", "capacity: 20", "capacity: veinte",
     "debe ser un número entero", "must be a whole number"),
    ("missing-state", "main.yaml", "    next: privacy", "    next: privacyy",
     "«privacyy» no es un estado", "“privacyy” is neither a state"),
    ("unknown-await", "workshops.yaml", "await: seat\n", "await: seats\n",
     "nadie responde a «await: seats»", "“await: seats”"),
]

PINNED_WORKSHOPS = Path(__file__).parent / "flows" / "data" / "workshops.yaml"


def _broken_copy(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, int]:
    """flows/ copied with one change; the folder and the line of the change."""
    flows = tmp_path / "flows"
    shutil.copytree("flows", flows)
    # The sample workshops the scripts pin, so the traps hold whatever staff put in the live file.
    shutil.copy(PINNED_WORKSHOPS, flows / "data" / "workshops.yaml")
    text = (flows / file).read_text(encoding="utf-8")
    assert text.count(old) >= 1
    line = text[: text.index(old)].count("\n") + 1 + old[: len(old) - len(old.lstrip("\n"))].count("\n")
    (flows / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return flows, line


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(("name", "file", "old", "new", "spanish", "english"), TRAPS,
                         ids=[t[0] for t in TRAPS])
def test_one_mistake_gives_one_error_at_its_line(tmp_path: Path, lang: str, name: str, file: str,
                                                 old: str, new: str, spanish: str, english: str) -> None:
    flows, line = _broken_copy(tmp_path, file, old, new)
    result = runner.invoke(app, ["check", "--lang", lang, str(flows)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    warning = "aviso:" if lang == "es" else "warning:"
    problems = [row for row in result.output.splitlines()[:-1] if warning not in row]
    assert len(problems) == 1, result.output
    (error,) = problems
    assert error.startswith(f"{flows / file}:{line}: "), error
    assert (spanish if lang == "es" else english) in error
    if lang == "en":
        assert "«" not in error, error  # nothing left in Spanish
    summary = result.output.splitlines()[-1]
    assert summary.startswith("1 error, ")


def test_errors_come_before_warnings_and_are_counted(tmp_path: Path) -> None:
    flows, _ = _broken_copy(tmp_path, "main.yaml", "    next: privacy", "    next: privacyy")
    result = runner.invoke(app, ["check", str(flows)])
    rows = result.output.splitlines()
    kinds = ["aviso" if ": aviso: " in row else "error" for row in rows[:-1]]
    assert kinds == sorted(kinds, key=lambda kind: kind != "error") and kinds.count("error") == 1
    assert rows[-1].startswith(f"1 error, {kinds.count('aviso')} aviso")


def test_a_flow_that_does_not_parse_brings_no_messages_about_other_files(tmp_path: Path) -> None:
    """complaint.yaml broken: main.yaml and severance.yaml link into it, and say nothing."""
    flows, line = _broken_copy(tmp_path, "complaint.yaml", '{label: "Mina, petróleo, gas o electricidad"',
                               "{label: Mina: petróleo")
    result = runner.invoke(app, ["check", str(flows)])
    errors = [row for row in result.output.splitlines()[:-1] if ": aviso: " not in row]
    assert errors == [f"{flows / 'complaint.yaml'}:{line}: hay dos puntos («:») dentro de un texto: pon el "
                      "texto entre comillas, por ejemplo say: \"Horario: de 9 a 6\""]


# (name, file under flows/, text to break, broken text, Spanish message, English message)
DATA_TRAPS = [
    ("topic-unknown-next", "topics/wages.yaml", "    next: [complaint, find_center, person]",
     "    next: [complaint, find_centre, person]",
     "«find_centre» no es un enlace conocido. ¿Quisiste decir «find_center»? Usa: "
     "severance_calculator, complaint, find_center, person, workshops",
     "“find_centre” is not a known link. Did you mean “find_center”? Use: "
     "severance_calculator, complaint, find_center, person, workshops"),
    ("figure-order", "data/dated_figures.yaml", "    - from: 2028-01-01", "    - from: 2026-06-01",
     "«weekly_hours_limit»: las fechas «from» van de la más antigua a la más nueva, sin repetir "
     "(2026-06-01 no va después de 2027-01-01)",
     "“weekly_hours_limit”: the “from” dates go from the oldest to the newest, without repeating "
     "(2026-06-01 does not come after 2027-01-01)"),
]


@pytest.mark.parametrize("lang", ["", "en"])
@pytest.mark.parametrize(("name", "file", "old", "new", "spanish", "english"), DATA_TRAPS,
                         ids=[t[0] for t in DATA_TRAPS])
def test_topic_and_figure_problems_speak_the_staff_members_language(
        tmp_path: Path, lang: str, name: str, file: str, old: str, new: str, spanish: str,
        english: str) -> None:
    """Spanish by default (LANG unset), English with `--lang en`, like every other checker."""
    flows, line = _broken_copy(tmp_path, file, old, new)
    result = runner.invoke(app, ["check", *(["--lang", lang] if lang else []), str(flows)],
                           env={"LANG": ""})
    assert result.exit_code == 1, result.output
    warning = ": warning: " if lang else ": aviso: "
    errors = [row for row in result.output.splitlines()[:-1] if warning not in row]
    assert errors == [f"{flows / file}:{line}: {english if lang else spanish}"], result.output
