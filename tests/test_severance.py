"""The severance calculator against worked examples computed by hand from `bot.severance.calculator`.

Most examples use a daily salary of 365.00 MXN so that "× d / 365 × salary" is just "× d" and a
reviewer can redo the arithmetic in their head. The minimum wages are those of
flows/data/minimum_wages.yaml (2× general: 2025 557.60, 2026 630.08; 2× border 2026 881.74).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InputError
from bot.problems import Severity
from bot.severance.calculator import (
    CalcInputError,
    Reason,
    SeveranceInput,
    SeveranceResult,
    compute_severance,
    daily_salary_from,
    json_text,
    parse_amount,
    vacation_days_for_service_year,
)
from bot.severance.minimum_wage import (
    MINIMUM_WAGES_FILE,
    MinimumWageTable,
    YearWages,
    Zone,
    load_minimum_wages,
    minimum_wage_problems,
)

TODAY = date(2026, 11, 24)
D = Decimal


def compute(
    daily: str,
    start: date,
    end: date,
    reason: Reason,
    *,
    taken: int = 0,
    unpaid: int = 0,
    zone: Zone = Zone.GENERAL,
    employer_fault: bool = False,
) -> SeveranceResult:
    data = SeveranceInput(D(daily), start, end, reason, taken, unpaid, zone, employer_fault)
    return compute_severance(data, today=TODAY)


def basics(result: SeveranceResult) -> tuple[int, Decimal, int]:
    return result.service_days, result.service_years, result.vacation_days_per_year


def amounts(result: SeveranceResult) -> dict[str, Decimal]:
    """Every reported amount by name, to compare with the hand arithmetic in one assert."""
    f, liq = result.finiquito, result.liquidacion
    return {
        "unpaid_wages": f.unpaid_wages, "aguinaldo": f.aguinaldo, "vacation": f.vacation,
        "vacation_premium": f.vacation_premium, "finiquito": f.total,
        **({"pending_vacation": f.pending_vacation} if f.pending_vacation else {}),
        "indemnity_90_days": liq.indemnity_90_days, "twenty_days_per_year": liq.twenty_days_per_year,
        "seniority_premium": liq.seniority_premium, "liquidacion": liq.total, "total": result.total,
    }


def test_resignation_under_15_years_owes_only_the_finiquito() -> None:
    result = compute("365.00", date(2022, 3, 15), date(2026, 6, 30), Reason.RESIGNATION, unpaid=5)
    # D: 2022-03-15 -> 2026-03-15 is 4 years with one 29 Feb (2024) = 1461 days; 2026-03-15 -> 06-30 is
    # 16 + 30 + 31 + 30 = 107 days; inclusive: 1461 + 107 + 1 = 1569. Y = 1569 / 365 = 4.29863 -> 4.2986.
    assert result.service_days == 1569
    assert result.service_years == D("4.2986")
    # n = 4 (2026-03-15 <= 2026-06-30), current service year 5 -> V = 20
    assert result.vacation_days_per_year == 20
    # integrated: 365 × (1 + (15 + 0.25 × 20) / 365) = 365 + 15 + 5 = 385
    assert result.integrated_daily_salary == D("385.00")
    assert amounts(result) == {
        "unpaid_wages": D("1825.00"),      # 5 × 365
        "aguinaldo": D("2715.00"),         # 1 Jan - 30 Jun 2026 = 31+28+31+30+31+30 = 181 days; 15 × 181
        "vacation": D("2160.00"),          # since 2026-03-15: 107 + 1 = 108 days; 20 × 108
        "vacation_premium": D("540.00"),   # 25 % of 2160
        "finiquito": D("7240.00"),         # 1825 + 2715 + 2160 + 540
        "indemnity_90_days": D("0.00"),
        "twenty_days_per_year": D("0.00"),
        "seniority_premium": D("0.00"),    # resignation with n = 4 < 15
        "liquidacion": D("0.00"),
        "total": D("7240.00"),
    }


def test_resignation_after_15_years_owes_the_seniority_premium() -> None:
    result = compute("365.00", date(2011, 1, 10), date(2026, 2, 20), Reason.RESIGNATION)
    # D: 2011-01-10 -> 2026-01-10 is 15 × 365 + 4 leap days (2012, 16, 20, 24) = 5479; 2026-01-10 -> 02-20
    # is 21 + 20 = 41; inclusive 5479 + 41 + 1 = 5521. Y = 5521 / 365 = 15.12603 -> 15.1260
    assert (result.service_days, result.service_years) == (5521, D("15.1260"))
    # n = 15, current service year 16 -> V = 26; integrated 365 + 15 + 0.25 × 26 = 386.50
    assert (result.vacation_days_per_year, result.integrated_daily_salary) == (26, D("386.50"))
    assert amounts(result) == {
        "unpaid_wages": D("0.00"),
        "aguinaldo": D("765.00"),          # 1 Jan - 20 Feb = 31 + 20 = 51 days; 15 × 51
        "vacation": D("1092.00"),          # since 2026-01-10: 41 + 1 = 42 days; 26 × 42
        "vacation_premium": D("273.00"),   # 25 % of 1092
        "finiquito": D("2130.00"),         # 765 + 1092 + 273
        "indemnity_90_days": D("0.00"),
        "twenty_days_per_year": D("0.00"),
        "seniority_premium": D("66252.00"),  # 12 × 5521/365 × min(365, 630.08) = 12 × 5521
        "liquidacion": D("66252.00"),
        "total": D("68382.00"),            # 2130 + 66252
    }


def test_justified_dismissal_owes_finiquito_and_seniority_premium() -> None:
    result = compute("500.00", date(2024, 7, 1), date(2026, 3, 31), Reason.JUSTIFIED_DISMISSAL,
                     taken=3, unpaid=2)
    # D: 2024-07-01 -> 2025-07-01 = 365; 2025-07-01 -> 2026-03-31 = 184 (Jul-Dec) + 89 (Jan-Mar 31) = 273;
    # inclusive 365 + 273 + 1 = 639. Y = 639/365 = 1.750684 -> 1.7507
    assert (result.service_days, result.service_years) == (639, D("1.7507"))
    # n = 1, current service year 2 -> V = 14
    assert result.vacation_days_per_year == 14
    # integrated: 500 + 500 × (15 + 3.5) / 365 = 500 + 9250/365 = 500 + 25.3425 = 525.3425 -> 525.34
    assert result.integrated_daily_salary == D("525.34")
    assert amounts(result) == {
        "unpaid_wages": D("1000.00"),      # 2 × 500
        # 1 Jan - 31 Mar = 90 days; 15 × 90/365 × 500 = 675000/365 = 1849.315 -> 1849.32
        "aguinaldo": D("1849.32"),
        # since 2025-07-01: 273 + 1 = 274 days; (14 × 274/365 − 3) × 500 = (3836 − 1095)/365 × 500
        # = 1370500/365 = 3754.7945 -> 3754.79
        "vacation": D("3754.79"),
        "vacation_premium": D("938.70"),   # 0.25 × 1370500/365 = 342625/365 = 938.6986 -> 938.70
        "finiquito": D("7542.81"),         # 1000.00 + 1849.32 + 3754.79 + 938.70
        "indemnity_90_days": D("0.00"),
        "twenty_days_per_year": D("0.00"),
        # 12 × 639/365 × min(500, 630.08) = 3834000/365 = 10504.1096 -> 10504.11
        "seniority_premium": D("10504.11"),
        "liquidacion": D("10504.11"),
        "total": D("18046.92"),            # 7542.81 + 10504.11
    }


def test_unjust_dismissal_with_a_salary_above_the_cap() -> None:
    result = compute("1000.00", date(2020, 5, 1), date(2025, 8, 15), Reason.UNJUST_DISMISSAL)
    # D: 2020-05-01 -> 2025-05-01 = 5 × 365 + 1 (29 Feb 2024) = 1826; 2025-05-01 -> 08-15 = 31+30+31+14 = 106;
    # inclusive 1826 + 106 + 1 = 1933. Y = 1933/365 = 5.29589 -> 5.2959
    assert (result.service_days, result.service_years) == (1933, D("5.2959"))
    # n = 5, current service year 6 -> V = 22
    assert result.vacation_days_per_year == 22
    # integrated: 1000 + 1000 × (15 + 5.5)/365 = 1000 + 20500/365 = 1056.1644 -> 1056.16
    assert result.integrated_daily_salary == D("1056.16")
    assert amounts(result) == {
        "unpaid_wages": D("0.00"),
        # 1 Jan - 15 Aug 2025 = 212 + 15 = 227 days; 15 × 227/365 × 1000 = 3405000/365 = 9328.767 -> 9328.77
        "aguinaldo": D("9328.77"),
        # since 2025-05-01: 106 + 1 = 107 days; 22 × 107/365 × 1000 = 2354000/365 = 6449.315 -> 6449.32
        "vacation": D("6449.32"),
        "vacation_premium": D("1612.33"),  # 588500/365 = 1612.3288 -> 1612.33
        "finiquito": D("17390.42"),        # 9328.77 + 6449.32 + 1612.33
        # 90 × (1000 + 20500/365) = 90000 + 1845000/365 = 90000 + 5054.7945 -> 95054.79
        "indemnity_90_days": D("95054.79"),
        "twenty_days_per_year": D("0.00"),  # no employer fault
        # cap: 2 × 278.80 (2025 general) = 557.60 < 1000; 12 × 1933/365 × 557.60 = 12934089.6/365
        # = 35435.8619 -> 35435.86
        "seniority_premium": D("35435.86"),
        "liquidacion": D("130490.65"),     # 95054.79 + 0 + 35435.86
        "total": D("147881.07"),           # 17390.42 + 130490.65
    }


def test_unjust_dismissal_with_employer_fault_in_the_border_zone() -> None:
    result = compute("800.00", date(2021, 9, 1), date(2026, 10, 31), Reason.UNJUST_DISMISSAL,
                     taken=2, zone=Zone.BORDER, employer_fault=True)
    # D: 2021-09-01 -> 2026-09-01 = 1826 (29 Feb 2024); -> 10-31 = 30 + 30 = 60; inclusive 1887.
    # Y = 1887/365 = 5.169863 -> 5.1699; n = 5 -> service year 6 -> V = 22
    assert basics(result) == (1887, D("5.1699"), 22)
    # integrated: 800 + 800 × 20.5/365 = 800 + 16400/365 = 844.9315 -> 844.93
    assert result.integrated_daily_salary == D("844.93")
    assert amounts(result) == {
        "unpaid_wages": D("0.00"),
        # 1 Jan - 31 Oct 2026 = 304 days; 15 × 304/365 × 800 = 3648000/365 = 9994.5205 -> 9994.52
        "aguinaldo": D("9994.52"),
        # since 2026-09-01: 60 + 1 = 61 days; (22 × 61/365 − 2) × 800 = (1342 − 730)/365 × 800
        # = 489600/365 = 1341.3699 -> 1341.37
        "vacation": D("1341.37"),
        "vacation_premium": D("335.34"),   # 122400/365 = 335.3425 -> 335.34
        "finiquito": D("11671.23"),        # 9994.52 + 1341.37 + 335.34
        # 90 × (800 + 16400/365) = 72000 + 1476000/365 = 72000 + 4043.8356 -> 76043.84
        "indemnity_90_days": D("76043.84"),
        # 20 × 1887/365 × 800 × 385.5/365 = 11639016000/133225 = 87363.6029 -> 87363.60
        "twenty_days_per_year": D("87363.60"),
        # border cap 2 × 440.87 = 881.74 > 800: 12 × 1887/365 × 800 = 18115200/365 = 49630.6849 -> 49630.68
        "seniority_premium": D("49630.68"),
        "liquidacion": D("213038.12"),     # 76043.84 + 87363.60 + 49630.68
        "total": D("224709.35"),           # 11671.23 + 213038.12
    }


def test_the_same_salary_is_capped_in_the_general_zone() -> None:
    result = compute("800.00", date(2021, 9, 1), date(2026, 10, 31), Reason.UNJUST_DISMISSAL,
                     taken=2, zone=Zone.GENERAL, employer_fault=True)
    # general cap 2 × 315.04 = 630.08 < 800: 12 × 1887 × 630.08 / 365 = 14267531.52/365 = 39089.1275
    assert result.liquidacion.seniority_premium == D("39089.13")


def test_resignation_for_the_employers_fault_is_paid_like_an_unjust_dismissal() -> None:
    # Same job as the first example (D = 1569, n = 4, integrated 385.00), now Art. 51-52 rescission.
    result = compute("365.00", date(2022, 3, 15), date(2026, 6, 30), Reason.RESIGNATION,
                     unpaid=5, employer_fault=True)
    assert result.finiquito.total == D("7240.00")
    assert result.liquidacion.indemnity_90_days == D("34650.00")       # 90 × 385
    # 20 × 1569/365 × 385 = 12081300/365 = 33099.4521 -> 33099.45
    assert result.liquidacion.twenty_days_per_year == D("33099.45")
    # Art. 162 fr. III: owed to whoever "se separe por causa justificada", even with n = 4 < 15:
    assert result.liquidacion.seniority_premium == D("18828.00")       # 12 × 1569
    assert result.total == D("93817.45")                               # 7240 + 34650 + 33099.45 + 18828


def test_vacation_taken_beyond_the_accrued_days_gives_no_vacation_pay() -> None:
    # Started and ended in 2026: the aguinaldo counts from the start, not from 1 January.
    # Monthly 10950 -> daily 10950 / 30 = 365.
    daily = daily_salary_from(monthly=D("10950"))
    data = SeveranceInput(daily, date(2026, 2, 1), date(2026, 5, 31), Reason.RESIGNATION,
                          vacation_days_taken=10, unpaid_days=3)
    result = compute_severance(data, today=TODAY)
    # D = Feb 28 + Mar 31 + Apr 30 + May 31 = 120; n = 0 -> V = 12; Y = 120/365 = 0.32877 -> 0.3288
    assert basics(result) == (120, D("0.3288"), 12)
    assert result.daily_salary == D("365.00")
    assert result.integrated_daily_salary == D("383.00")   # 365 + 15 + 0.25 × 12
    assert amounts(result) == {
        "unpaid_wages": D("1095.00"),      # 3 × 365
        "aguinaldo": D("1800.00"),         # from 1 Feb (the start), 120 days: 15 × 120
        "vacation": D("0.00"),             # accrued 12 × 120/365 = 3.95 days < 10 taken
        "vacation_premium": D("0.00"),
        "finiquito": D("2895.00"),         # 1095 + 1800
        "indemnity_90_days": D("0.00"),
        "twenty_days_per_year": D("0.00"),
        "seniority_premium": D("0.00"),
        "liquidacion": D("0.00"),
        "total": D("2895.00"),
    }


def test_a_29_february_start_has_its_anniversary_on_28_february() -> None:
    result = compute("365.00", date(2020, 2, 29), date(2025, 2, 28), Reason.JUSTIFIED_DISMISSAL)
    # D: 2020-03-01 -> 2025-03-01 = 1826 (29 Feb 2024); both ends one day earlier: 1826, inclusive 1827.
    # The 5th anniversary falls on 2025-02-28 = the end: n = 5, service year 6 -> V = 22;
    # Y = 1827/365 = 5.00548 -> 5.0055
    assert basics(result) == (1827, D("5.0055"), 22)
    assert result.integrated_daily_salary == D("385.50")   # 365 + 15 + 5.5
    assert amounts(result) == {
        "unpaid_wages": D("0.00"),
        "aguinaldo": D("885.00"),          # 1 Jan - 28 Feb 2025 = 59 days; 15 × 59
        "vacation": D("22.00"),            # anniversary to end, inclusive: 1 day; 22 × 1
        "vacation_premium": D("5.50"),
        "finiquito": D("912.50"),          # 885 + 22 + 5.50
        "indemnity_90_days": D("0.00"),
        "twenty_days_per_year": D("0.00"),
        "seniority_premium": D("21924.00"),  # 12 × 1827/365 × min(365, 557.60) = 12 × 1827
        "liquidacion": D("21924.00"),
        "total": D("22836.50"),
    }


def test_the_day_before_a_29_february_anniversary_is_still_the_previous_service_year() -> None:
    result = compute("365.00", date(2020, 2, 29), date(2025, 2, 27), Reason.RESIGNATION)
    assert result.vacation_days_per_year == 20   # n = 4: year 5
    # since the 4th anniversary 2024-02-29: 2024-02-29 -> 2025-02-28 is 365 days (no 29 Feb in between),
    # so to 2025-02-27 it is 364, inclusive 365; 20 × 365/365 × 365 = 7300
    assert result.finiquito.vacation == D("7300.00")


def test_a_leap_year_aguinaldo_counts_366_days_as_the_rule_says() -> None:
    result = compute("365.00", date(2023, 6, 1), date(2024, 12, 31), Reason.RESIGNATION)
    assert result.finiquito.aguinaldo == D("5490.00")   # 1 Jan - 31 Dec 2024 = 366 days; 15 × 366


VACATION_TABLE = {
    1: 12, 2: 14, 3: 16, 4: 18, 5: 20,
    6: 22, 7: 22, 8: 22, 9: 22, 10: 22,
    11: 24, 12: 24, 13: 24, 14: 24, 15: 24,
    16: 26, 17: 26, 18: 26, 19: 26, 20: 26,
    21: 28, 22: 28, 23: 28, 24: 28, 25: 28,
    26: 30, 27: 30, 28: 30, 29: 30, 30: 30,
}


@pytest.mark.parametrize(("year", "days"), VACATION_TABLE.items())
def test_vacation_days_follow_art_76(year: int, days: int) -> None:
    assert vacation_days_for_service_year(year) == days


def test_there_is_no_service_year_zero() -> None:
    with pytest.raises(ValueError):
        vacation_days_for_service_year(0)


BASE = SeveranceInput(D("500"), date(2024, 1, 1), date(2026, 1, 1), Reason.JUSTIFIED_DISMISSAL)


def base(**changes: Any) -> SeveranceInput:
    return replace(BASE, **changes)


@pytest.mark.parametrize(("data", "words"), [
    (base(end=date(2023, 12, 31)), "anterior a la de entrada"),
    (base(daily_salary=D("0")), "mayor que cero"),
    (base(daily_salary=D("-300")), "mayor que cero"),
    (base(daily_salary=D("NaN")), "mayor que cero"),
    (base(daily_salary=D("100000.01")), "demasiado alto"),
    (base(start=date(2026, 11, 25), end=date(2026, 12, 31)), "en el futuro"),
    (base(unpaid_days=-1), "no pueden ser negativos"),
    (base(unpaid_days=733), "más que los días trabajados"),
    (base(vacation_days_taken=-2), "no pueden ser negativos"),
    (base(employer_fault=True), "despido justificado"),
], ids=["end-before-start", "zero", "negative", "nan", "absurd", "future-start", "negative-unpaid",
        "unpaid-over-service", "negative-vacation", "justified-with-employer-fault"])
def test_bad_input_says_what_to_fix(data: SeveranceInput, words: str) -> None:
    with pytest.raises(InputError, match=words):
        compute_severance(data, today=TODAY)


def test_a_start_today_is_fine_and_one_day_of_service() -> None:
    result = compute_severance(base(start=TODAY, end=TODAY, reason=Reason.RESIGNATION), today=TODAY)
    assert result.service_days == 1


ONLY_2026 = MinimumWageTable({2026: YearWages(general=D("315.04"), border=D("440.87"), source="test",
                                              checked=TODAY)})


def test_case_e_a_salary_below_the_minimum_gets_the_minimum_as_the_premium_base() -> None:
    # Review 2026-12-01, § 5, case E: $200 a day, 2023-01-01 -> 2026-06-30, unjust dismissal.
    result = compute("200.00", date(2023, 1, 1), date(2026, 6, 30), Reason.UNJUST_DISMISSAL)
    # D = 365 (2023) + 366 (2024) + 365 (2025) + 181 (1 Jan - 30 Jun 2026) = 1277; Y = 1277/365 = 3.4986
    assert (result.service_days, result.service_years) == (1277, D("3.4986"))
    # 2026 general minimum 315.04 > 200: base = max(315.04, min(200, 630.08)) = 315.04 (Art. 485)
    # 12 × 1277/365 × 315.04 = 4827672.96/365 = 13226.5013 -> 13226.50 (at $200 it was 8,396.71)
    assert result.liquidacion.seniority_premium == D("13226.50")
    assert (result.minimum_wage, result.minimum_wage_year, result.below_minimum) == (D("315.04"), 2026, True)
    # the floor is for the premium only: the 90 days stay on her integrated salary,
    # n = 3 -> V = 18; 200 + 200 × (15 + 4.5)/365 = 200 + 3900/365; 90 × that = 18000 + 351000/365
    # = 18961.6438 -> 18961.64
    assert result.liquidacion.indemnity_90_days == D("18961.64")


def test_a_salary_at_the_minimum_is_not_below_it_and_the_border_zone_has_its_own() -> None:
    at_minimum = compute("315.04", date(2025, 1, 1), date(2026, 6, 30), Reason.RESIGNATION)
    assert at_minimum.below_minimum is False
    # $350 in the border zone, whose 2026 minimum is 440.87 (conversation audit, persona 1)
    border = compute("350.00", date(2023, 11, 30), date(2026, 11, 30), Reason.UNJUST_DISMISSAL,
                     zone=Zone.BORDER)
    assert (border.minimum_wage, border.below_minimum) == (D("440.87"), True)
    # D = 2023-11-30 -> 2026-11-30 = 365 + 366 + 365 = 1096 (29 Feb 2024), inclusive 1097;
    # 12 × 1097/365 × 440.87 = 5803612.68/365 = 15900.3087 -> 15900.31
    assert border.liquidacion.seniority_premium == D("15900.31")


def test_case_f_a_year_without_a_published_minimum_uses_the_latest_one_it_has() -> None:
    # Review case F (H5): an end in 2027 before CONASAMI publishes 2027 used to exit 2. The shipped
    # table up to 2026, so that this stays true once staff add 2027.
    up_to_2026 = MinimumWageTable({y: w for y, w in load_minimum_wages().years.items() if y <= 2026})
    result = compute_severance(SeveranceInput(D("400.00"), date(2023, 1, 1), date(2027, 1, 5),
                                              Reason.UNJUST_DISMISSAL), today=TODAY, wages=up_to_2026)
    assert (result.minimum_wage_year, result.minimum_wage) == (2026, D("315.04"))
    # D = 365 + 366 + 365 + 365 + 5 = 1466; base = max(315.04, min(400, 630.08)) = 400;
    # 12 × 1466/365 × 400 = 7036800/365 = 19278.9041 -> 19278.90
    assert result.liquidacion.seniority_premium == D("19278.90")
    assert result.below_minimum is False


def test_a_year_before_the_table_sets_only_the_cap_and_an_empty_table_is_an_error() -> None:
    # 2025 is not in ONLY_2026 and nothing earlier is: 2026 caps, but neither floors nor warns,
    # since a later year's minimum would overstate both.
    result = compute_severance(base(daily_salary=D("100"), end=date(2025, 6, 1)), today=TODAY,
                               wages=ONLY_2026)
    assert (result.minimum_wage_year, result.below_minimum) == (2026, False)
    # D: 2024-01-01 -> 2025-01-01 = 366; -> 06-01 = 31+28+31+30+31 = 151; inclusive 518
    assert result.service_days == 518
    # base = min(100, 630.08) = 100 with no floor: 12 × 518/365 × 100 = 621600/365 = 1703.0137
    assert result.liquidacion.seniority_premium == D("1703.01")
    with pytest.raises(CalcInputError, match="ningún salario mínimo") as caught:
        compute_severance(BASE, today=TODAY, wages=MinimumWageTable({}))
    assert caught.value.about == "minimum_wage"


def test_case_a_adds_last_service_years_pending_vacation_with_its_premium() -> None:
    # Review 2026-12-01, § 5, case A (M3): $400/day, 2021-03-15 -> 2026-09-30, unjust dismissal; the 20
    # days of service year 5 (2025-03-15 to 2026-03-14) were never taken.
    result = compute_severance(SeveranceInput(D("400.00"), date(2021, 3, 15), date(2026, 9, 30),
                                              Reason.UNJUST_DISMISSAL, pending_vacation_days=20), today=TODAY)
    # D: 2021-03-15 -> 2026-03-15 = 5 × 365 + 1 (29 Feb 2024) = 1826, -> 09-30 = 16+30+31+30+31+31+30 = 199;
    # inclusive 2026. n = 5 -> V = 22 (year 6); year 5 had 20 days, so 20 pending is the most.
    assert basics(result) == (2026, D("5.5507"), 22)
    assert amounts(result) == {
        "unpaid_wages": D("0.00"),
        "aguinaldo": D("4487.67"),         # 1 Jan - 30 Sep = 273 days; 15 × 273/365 × 400 = 1638000/365
        "vacation": D("4821.92"),          # 22 × 200/365 × 400 = 1760000/365 = 4821.9178
        "pending_vacation": D("8000.00"),  # 20 × 400
        # 25 % of both: 0.25 × (1760000/365 + 8000) = 440000/365 + 2000 = 3205.4795 -> 3205.48
        "vacation_premium": D("3205.48"),
        "finiquito": D("20515.07"),        # 4487.67 + 4821.92 + 8000 + 3205.48
        # integrated 400 + 400 × 20.5/365 = 400 + 8200/365; × 90 = 36000 + 738000/365 = 38021.9178
        "indemnity_90_days": D("38021.92"),
        "twenty_days_per_year": D("0.00"),
        "seniority_premium": D("26643.29"),  # 12 × 2026/365 × 400 = 9724800/365 = 26643.2877
        "liquidacion": D("64665.21"),      # 38021.92 + 26643.29
        "total": D("85180.28"),            # the review's 75,180.28 + 8,000 + 2,000
    }


@pytest.mark.parametrize(("pending", "end", "words"), [
    (-1, date(2026, 9, 30), "no pueden ser negativos"),
    (21, date(2026, 9, 30), "En tu año 5 de trabajo te tocaban 20 días"),
    (3, date(2021, 12, 31), "No cumpliste un año"),
])
def test_pending_vacation_cannot_exceed_what_last_year_gave(pending: int, end: date, words: str) -> None:
    data = SeveranceInput(D("400"), date(2021, 3, 15), end, Reason.RESIGNATION, pending_vacation_days=pending)
    with pytest.raises(CalcInputError, match=words) as caught:
        compute_severance(data, today=TODAY)
    assert caught.value.about == "vacation"


@pytest.mark.parametrize(("daily", "monthly", "words"), [
    (D("300"), D("9000"), "no los dos"),
    (None, None, "Falta el salario"),
    (None, D("0"), "mensual debe ser mayor que cero"),
    (None, D("3000000.01"), "mensual de 3000000.01 MXN es demasiado alto"),
    (D("100001"), None, "diario de 100001 MXN es demasiado alto"),
])
def test_salary_needs_exactly_one_sensible_figure(daily: Decimal | None, monthly: Decimal | None,
                                                  words: str) -> None:
    with pytest.raises(InputError, match=words):
        daily_salary_from(daily, monthly)


def test_a_monthly_salary_is_divided_by_30_without_rounding() -> None:
    assert daily_salary_from(monthly=D("10000")) * 30 == D("10000")


@pytest.mark.parametrize("text", ["1,500", "abc", "", "Infinity", "nan"])
def test_parse_amount_rejects_what_is_not_a_plain_number(text: str) -> None:
    with pytest.raises(InputError, match="no es una cantidad"):
        parse_amount(text)


def test_parse_amount_accepts_a_peso_sign() -> None:
    assert parse_amount(" $8500.50 ") == D("8500.50")


def test_errors_keep_their_template_for_translation() -> None:
    with pytest.raises(CalcInputError) as caught:
        daily_salary_from(D("0"))
    assert caught.value.translated(lambda text: text.replace("El salario diario", "Daily pay")) == \
        "Daily pay debe ser mayor que cero (recibí 0)."


def test_json_keeps_two_decimals_and_totals_are_sums_of_the_rounded_parts() -> None:
    result = compute("500.00", date(2024, 7, 1), date(2026, 3, 31), Reason.JUSTIFIED_DISMISSAL)
    text = result.to_json_text()
    assert '"daily_salary": 500.00' in text
    assert '"indemnity_90_days": 0.00' in text
    assert json_text({"a": [D("1.50"), 2, "ñ", None, True]}) == '{"a": [1.50, 2, "ñ", null, true]}'


@given(
    daily=st.decimals(min_value=D("1"), max_value=D("100000"), places=2),
    end=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)),
    length=st.integers(min_value=0, max_value=15000),
    reason=st.sampled_from(Reason),
    taken=st.integers(min_value=0, max_value=40),
    fault=st.booleans(),
)
def test_every_amount_is_in_cents_and_every_total_adds_up(
    daily: Decimal, end: date, length: int, reason: Reason, taken: int, fault: bool
) -> None:
    start = date.fromordinal(end.toordinal() - length)
    fault = fault and reason is not Reason.JUSTIFIED_DISMISSAL
    result = compute_severance(SeveranceInput(daily, start, end, reason, taken, 0, Zone.GENERAL, fault),
                               today=date(2027, 1, 1))
    parts = amounts(result)
    assert all(value >= 0 and value == value.quantize(D("0.01")) for value in parts.values())
    assert parts["finiquito"] == sum(parts[k] for k in ("unpaid_wages", "aguinaldo", "vacation",
                                                        "vacation_premium"))
    assert parts["total"] == parts["finiquito"] + parts["liquidacion"]
    assert result.vacation_days_per_year >= 12


def test_the_shipped_minimum_wage_table_has_the_checked_figures() -> None:
    table = load_minimum_wages()
    assert [(y, table.daily(y, Zone.GENERAL), table.daily(y, Zone.BORDER)) for y in range(2023, 2027)] == [
        (2023, D("207.44"), D("312.41")),
        (2024, D("248.93"), D("374.89")),
        (2025, D("278.80"), D("419.88")),
        (2026, D("315.04"), D("440.87")),
    ]
    assert minimum_wage_problems(MINIMUM_WAGES_FILE, today=TODAY) == []


def test_a_missing_year_in_the_table_names_the_file_and_the_years_it_has() -> None:
    with pytest.raises(InputError, match=r"salario mínimo de 2019 \(años disponibles: 2023, 2024"):
        load_minimum_wages().daily(2019, Zone.GENERAL)


def test_a_broken_table_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "minimum_wages.yaml"
    path.write_text("years:\n"
                    "  2026:\n"
                    "    general: 315.041\n"
                    "    border: 440.87\n"
                    "    source: CONASAMI\n"
                    "    checked: 2026-11-24\n", encoding="utf-8")
    problems = minimum_wage_problems(path, today=TODAY)
    assert [(p.line, p.code) for p in problems] == [(3, "minimum-wage-invalid")]
    with pytest.raises(InputError, match=r"minimum_wages.yaml:3: valor no válido en years.2026.general"):
        load_minimum_wages(path)


def test_swapped_zones_are_an_error_and_a_missing_current_year_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "minimum_wages.yaml"
    path.write_text("years:\n  2025:\n    general: 419.88\n    border: 278.80\n    source: CONASAMI\n"
                    "    checked: 2026-11-24\n", encoding="utf-8")
    problems = minimum_wage_problems(path, today=TODAY)
    assert [(p.line, p.code, p.severity) for p in problems] == [
        (4, "minimum-wage-zones", Severity.ERROR),
        (1, "minimum-wage-current-year", Severity.WARNING),
    ]
