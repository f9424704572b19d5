"""`labor-bot calc severance`: the JSON it prints, the readable breakdown, and exit 2 on bad input."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app

RUNNER = CliRunner(env={"LANG": "es_MX.UTF-8"})
# The justified-dismissal example of tests/test_severance.py, where its figures are worked by hand.
JUSTIFIED = ["--daily-salary", "500", "--start", "2024-07-01", "--end", "2026-03-31",
             "--reason", "justified_dismissal", "--vacation-days-taken", "3", "--unpaid-days", "2"]
KEYS = {"daily_salary", "integrated_daily_salary", "service_days", "service_years", "vacation_days_per_year",
        "finiquito", "liquidacion", "minimum_wage", "total"}
FINIQUITO_KEYS = {"unpaid_wages", "aguinaldo", "vacation", "pending_vacation", "vacation_premium", "total"}
LIQUIDACION_KEYS = {"indemnity_90_days", "twenty_days_per_year", "seniority_premium", "total"}


def run(*args: str) -> Result:
    return RUNNER.invoke(app, ["calc", "severance", *args])


def test_json_is_one_object_with_exactly_the_documented_keys() -> None:
    result = run(*JUSTIFIED, "--json")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    data = json.loads(result.stdout, parse_float=Decimal)
    assert set(data) == KEYS
    assert set(data["finiquito"]) == FINIQUITO_KEYS
    assert set(data["liquidacion"]) == LIQUIDACION_KEYS
    assert data["service_days"] == 639
    assert data["service_years"] == Decimal("1.7507")
    assert data["finiquito"]["total"] == Decimal("7542.81")
    assert data["liquidacion"]["seniority_premium"] == Decimal("10504.11")
    assert data["total"] == Decimal("18046.92")
    assert data["minimum_wage"] == {"year": 2026, "daily": Decimal("315.04"), "below": False}


def test_json_amounts_are_numbers_with_two_decimals() -> None:
    text = run(*JUSTIFIED, "--json").stdout
    assert '"daily_salary": 500.00,' in text
    assert '"vacation_premium": 938.70,' in text
    assert isinstance(json.loads(text)["total"], float)


def test_a_monthly_salary_is_divided_by_30() -> None:
    result = run("--monthly-salary", "15000", "--start", "2025-01-01", "--end", "2025-01-31",
                 "--reason", "resignation", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout, parse_float=Decimal)["daily_salary"] == Decimal("500.00")


def test_the_breakdown_is_spanish_by_default() -> None:
    result = run(*JUSTIFIED)
    assert result.exit_code == 0, result.output
    assert "Finiquito: $7,542.81" in result.stdout
    assert "Prima de antigüedad: $10,504.11" in result.stdout
    assert "Total: $18,046.92" in result.stdout
    assert "no asesoría legal" in result.stdout


def test_english_is_accepted() -> None:
    result = run(*JUSTIFIED, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "$18,046.92" in result.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["--daily-salary", "300", "--monthly-salary", "9000"], "no los dos"),
    ([], "Falta el salario"),
    (["--daily-salary", "0"], "mayor que cero"),
    (["--daily-salary", "-5"], "mayor que cero"),
    (["--daily-salary", "250000"], "demasiado alto"),
    (["--daily-salary", "1,500"], "no es una cantidad"),
    (["--daily-salary", "300", "--unpaid-days", "-1"], "no pueden ser negativos"),
    (["--daily-salary", "300", "--vacation-days-taken", "-1"], "no pueden ser negativos"),
])
def test_bad_input_exits_2_with_the_message(args: list[str], words: str) -> None:
    result = run(*args, "--start", "2024-01-01", "--end", "2025-01-01", "--reason", "resignation", "--json")
    assert result.exit_code == 2
    assert words in result.stderr
    assert words in json.loads(result.stdout)["error"]


@pytest.mark.parametrize(("start", "end", "words"), [
    ("2025-01-01", "2024-12-31", "anterior a la de entrada"),
    ("2099-01-01", "2099-02-01", "en el futuro"),
    ("15/03/2024", "2025-01-01", "no es una fecha válida para --start"),
    ("2024-01-01", "2025-02-30", "no es una fecha válida para --end"),
])
def test_bad_dates_exit_2_with_the_message(start: str, end: str, words: str) -> None:
    result = run("--daily-salary", "300", "--start", start, "--end", end, "--reason", "resignation")
    assert result.exit_code == 2
    assert words in result.stderr
    assert result.stdout == ""


def test_employer_fault_with_a_justified_dismissal_is_refused() -> None:
    result = run(*JUSTIFIED, "--employer-fault")
    assert result.exit_code == 2
    assert "despido justificado" in result.stderr


def test_an_unknown_reason_is_a_usage_error() -> None:
    result = run("--daily-salary", "300", "--start", "2024-01-01", "--end", "2025-01-01", "--reason", "quit")
    assert result.exit_code == 2
    assert "quit" in result.stderr


def test_an_end_in_a_year_without_a_published_minimum_uses_the_latest_and_says_so() -> None:
    # Review case F (H5, N10): an end in 2027 exited 2 with a staff message naming the data file. 2031
    # stays unpublished after staff add 2027. 12 × 2927/365 × 400 = 14049600/365 = 38492.05 (D: 8 years
    # with 2 leap days = 2922, to 5 January inclusive + 5), with any minimum between 200 and 400.
    args = ["--daily-salary", "400", "--start", "2023-01-01", "--end", "2031-01-05",
            "--reason", "unjust_dismissal"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "Todavía no tengo el salario mínimo de 2031: usé el de 20" in result.stdout
    assert "minimum_wages.yaml" not in result.output
    assert "Prima de antigüedad: $38,492.05" in result.stdout
    data = json.loads(run(*args, "--json").stdout, parse_float=Decimal)
    assert 2026 <= data["minimum_wage"]["year"] < 2031


def test_a_salary_below_the_minimum_is_said_and_the_premium_is_on_its_own_line() -> None:
    # Review case E: $200 a day, premium 13,226.50 on the 2026 minimum of 315.04 (tests/test_severance.py)
    result = run("--daily-salary", "200", "--start", "2023-01-01", "--end", "2026-06-30",
                 "--reason", "unjust_dismissal")
    assert result.exit_code == 0, result.output
    assert "Tu salario está por debajo del mínimo de 2026 en tu zona ($315.04 al día)" in result.stdout
    # "Liquidación" is the 90 days only (18,961.64); the premium has its own line (review M2)
    assert "Liquidación: $18,961.64\n" in result.stdout
    assert "\nPrima de antigüedad: $13,226.50" in result.stdout


def test_last_years_pending_vacation_is_added() -> None:
    # Review case A: 20 pending days of year 5 add 8,000 + 2,000 of premium: total 85,180.28
    result = run("--daily-salary", "400", "--start", "2021-03-15", "--end", "2026-09-30",
                 "--reason", "unjust_dismissal", "--pending-vacation-days", "20", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout, parse_float=Decimal)
    assert data["finiquito"]["pending_vacation"] == Decimal("8000.00")
    assert data["total"] == Decimal("85180.28")
    too_many = run("--daily-salary", "400", "--start", "2021-03-15", "--end", "2026-09-30",
                   "--reason", "unjust_dismissal", "--pending-vacation-days", "21")
    assert too_many.exit_code == 2
    assert "te tocaban 20 días" in too_many.stderr
