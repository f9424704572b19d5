"""`labor-bot calc deadline`: her deadline from the one model, as JSON or a line, and exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app

RUNNER = CliRunner(env={"LANG": "es_MX.UTF-8"})


def run(*args: str) -> Result:
    return RUNNER.invoke(app, ["calc", "deadline", *args])


@pytest.mark.parametrize(("situation", "day", "deadline", "article"), [
    # Worked by hand (Art. 522: the first day is not counted, months by their own length).
    ("dismissed", "2026-11-30", "2027-01-31", "LFT Art. 518"),        # 1 Dec .. 31 Jan
    ("dismissed", "2027-12-30", "2028-02-29", "LFT Art. 518"),        # leap year
    ("left", "2026-11-11", "2026-12-11", "LFT Art. 517 fr. II"),      # 1 month, not 2 (C1)
    ("left", "2027-01-30", "2027-02-28", "LFT Art. 517 fr. II"),      # no 30 February
    ("still_working", "2026-12-20", "2027-12-20", "LFT Art. 516"),
    ("work_accident", "2026-02-28", "2028-02-29", "LFT Art. 519"),    # counted from 1 March
])
def test_json_gives_the_date_the_article_and_the_explanation(situation: str, day: str, deadline: str,
                                                             article: str) -> None:
    result = run("--situation", situation, "--date", day, "--json", "--lang", "es")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    data = json.loads(result.stdout)
    assert set(data) == {"deadline", "article", "explanation"}
    assert (data["deadline"], data["article"]) == (deadline, article)
    assert "{date}" not in data["explanation"] and data["explanation"].endswith(".")


def test_the_explanation_says_the_date_in_words_in_her_language() -> None:
    es = json.loads(run("--situation", "left", "--date", "2026-11-11", "--json", "--lang", "es").stdout)
    assert "hasta el 11 de diciembre de 2026" in es["explanation"]
    assert "No firmes una renuncia" in es["explanation"]
    en = json.loads(run("--situation", "left", "--date", "2026-11-11", "--json", "--lang", "en").stdout)
    assert "until December 11, 2026" in en["explanation"] and "Don't sign a resignation" in en["explanation"]


def test_union_matters_get_no_date_but_a_person_today() -> None:
    result = run("--situation", "union", "--date", "2027-03-01", "--json")
    data = json.loads(result.stdout)
    assert result.exit_code == 0 and data["deadline"] is None
    assert "habla hoy con una persona" in data["explanation"]


def test_a_conciliation_pause_moves_the_date() -> None:
    # Dismissed 15 March: 15 May; filed 1 April, resumed 1 May: 29 days not counted, 13 June.
    result = run("--situation", "dismissed", "--date", "2026-03-15", "--paused", "2026-04-01:2026-05-01",
                 "--json")
    assert json.loads(result.stdout)["deadline"] == "2026-06-13"
    two = run("--situation", "dismissed", "--date", "2026-03-15", "--paused", "2026-04-01:2026-04-11",
              "--paused", "2026-05-01:2026-05-06", "--json")
    assert json.loads(two.stdout)["deadline"] == "2026-05-28"


def test_without_json_one_readable_line_with_the_law_at_the_end() -> None:
    result = run("--situation", "dismissed", "--date", "2026-11-30", "--lang", "es")
    assert result.exit_code == 0
    assert result.stdout == ("Si te despidieron, por el motivo que sea, tienes 2 meses para reclamar: "
                             "hasta el 31 de enero de 2027. Ley: LFT Art. 518.\n")


@pytest.mark.parametrize(("args", "says"), [
    (("--situation", "fired", "--date", "2026-11-30"), "«fired» no es una situación válida para --situation"),
    (("--situation", "left", "--date", "30/11/2026"), "«30/11/2026» no es una fecha válida para --date"),
    (("--situation", "left", "--date", "2026-02-30"), "«2026-02-30» no es una fecha válida para --date"),
    (("--situation", "left", "--date", "2026-11-30", "--paused", "2026-12-01"),
     "«2026-12-01» no es una pausa válida para --paused"),
    (("--situation", "left", "--date", "2026-11-30", "--paused", "2026-12-05:2026-12-01"),
     "debe ser después del día en que pediste la conciliación"),
])
def test_bad_input_says_what_to_fix_and_exits_2(args: tuple[str, ...], says: str) -> None:
    result = run(*args, "--lang", "es")
    assert result.exit_code == 2 and says in result.stderr and result.stdout == ""
    as_json = run(*args, "--lang", "es", "--json")
    assert as_json.exit_code == 2 and says in json.loads(as_json.stdout)["error"]


def test_the_message_is_in_english_when_asked() -> None:
    result = run("--situation", "fired", "--date", "2026-11-30", "--lang", "en")
    assert result.exit_code == 2 and "is not a valid situation for --situation" in result.stderr
