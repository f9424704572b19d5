"""Reading a Mexican state from what a worker typed, and checking the staff-edited states file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.complaint.mxstates import StateTable, default_states, load_states, state_problems
from bot.errors import InputError


@pytest.fixture(scope="module")
def states() -> StateTable:
    return default_states()


@pytest.mark.parametrize(("typed", "code"), [
    ("CDMX", "CMX"),
    ("cd de mexico", "CMX"),
    ("Ciudad de México", "CMX"),
    ("D.F.", "CMX"),
    ("Edomex", "MEX"),
    ("edo. de méxico", "MEX"),
    ("SLP", "SLP"),
    ("san luis potosi", "SLP"),
    ("NL", "NLE"),
    ("N.L.", "NLE"),
    ("nuevo leon", "NLE"),
    ("Michoacan", "MIC"),
    ("veracruz", "VER"),
    ("qro", "QUE"),
    ("Q. Roo", "ROO"),
    ("Yucatan", "YUC"),
    ("JAL", "JAL"),
    ("baja california sur", "BCS"),
    ("Baja California", "BCN"),
    ("monterrey", "NLE"),
    ("trabajo en Monterrey, Nuevo León", "NLE"),
])
def test_names_codes_aliases_and_phrases(states: StateTable, typed: str, code: str) -> None:
    found = states.find(typed)
    assert found is not None and found.code == code


@pytest.mark.parametrize(("typed", "code"), [
    ("Guanajuatro", "GUA"),  # 95 against "guanajuato"
    ("chiuaua", "CHH"),
    ("sn luis potosi", "SLP"),
    ("tamaulipa", "TAM"),
    ("oaxca", "OAX"),
])
def test_close_misspellings(states: StateTable, typed: str, code: str) -> None:
    found = states.find(typed)
    assert found is not None and found.code == code


@pytest.mark.parametrize("typed", ["Narnia", "", "   ", "mexico", "México", "jalisco o colima", "no sé",
                                   "sin trabajo"])
def test_nothing_or_more_than_one_state_is_unknown(states: StateTable, typed: str) -> None:
    assert states.find(typed) is None


def test_exact_lookup_does_not_guess(states: StateTable) -> None:
    assert states.exact("Nuevo León") is not None
    assert states.exact("Guanajuatro") is None
    assert states.name_of("MIC") == "Michoacán"


def test_the_shipped_file_has_all_32_states_and_no_problem() -> None:
    assert state_problems() == []
    assert len(default_states().states) == 32


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "states.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_alias_of_two_states_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "states:\n  - {code: JAL, name: Jalisco, aliases: [gdl]}\n"
                            "  - {code: COL, name: Colima, aliases: [gdl]}\n")
    problems = state_problems(path)
    duplicate = next(p for p in problems if p.code == "states-duplicate")
    assert duplicate.line == 3 and "gdl" in duplicate.message
    assert any(p.code == "states-count" for p in problems)
    with pytest.raises(InputError, match="states.yaml:3"):
        load_states(path)


def test_a_bad_code_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "states:\n  - {code: jalisco, name: Jalisco}\n")
    (problem,) = state_problems(path)
    assert problem.code == "states-invalid" and problem.line == 2
