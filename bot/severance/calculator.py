"""Severance and final-pay calculator (finiquito and liquidación) under the LFT, in exact Decimal arithmetic.

Pure code: no I/O; the minimum-wage table and "today" are passed in (defaults: the shipped
table, `date.today()`). `compute_severance(SeveranceInput) -> SeveranceResult`.

Rules (amounts in MXN):

* service days D = start to end, both included; service years Y = D / 365; completed years n =
  the largest whole number with start + n years <= end; the last anniversary is start + n years.
* V = vacation days of the current service year n + 1 (Art. 76, reform in force 1 Jan 2023).
* finiquito, owed for every reason: unpaid wages = unpaid days × daily salary; aguinaldo
  (Art. 87) = 15 × (days worked in the end date's calendar year, from max(1 January, start) to
  end, both included) / 365 × daily salary; vacation (Art. 76, 79) = max(0, V × (days from the
  last anniversary to the end, both included) / 365 − days taken) × daily salary; pending
  vacation of the service year completed last (Art. 76, 81) = pending days × daily salary, at
  most the V of that year (n); vacation premium (Art. 80) = 25 % of both vacations.
* integrated daily salary (Art. 84, 89) = daily salary × (1 + (15 + 0.25 × V) / 365).
* minimum wage MW = that of the zone in the end date's year; a year the table does not have yet
  (CONASAMI publishes in December) uses the latest year before it, and the result says which
  (`minimum_wage_year`), so the calculator never refuses for a missing year.
* seniority premium (Art. 162) = 12 × Y × max(MW, min(daily salary, 2 × MW)) (floor: Art. 485;
  cap: Art. 162 fr. II with 486); on any dismissal, justified or not, and on a resignation only
  when n >= 15 (fr. III). `below_minimum` tells that the daily salary is under MW.
* unjust dismissal: 90 days of integrated salary (Art. 48, 50 fr. III); with employer fault also
  20 days of integrated salary per year of service, 20 × Y (Art. 50 fr. II).

Decisions:

* Employer fault (`employer_fault`) means the employer refused reinstatement (Art. 49, 50) or the
  worker left for the employer's fault (Art. 51-52, "rescisión por causa del patrón"). It is
  accepted with `UNJUST_DISMISSAL` and with `RESIGNATION`; a resignation with employer fault is
  that rescission, so it is owed what Art. 52 sends to Art. 50: the 90 days, the 20 days per year
  and the seniority premium whatever the seniority (Art. 162 fr. III pays it to those who "se
  separen por causa justificada"). With `JUSTIFIED_DISMISSAL` it is a contradiction: `InputError`.
* A start on 29 February has its anniversary on 28 February in non-leap years, so the year of
  service is complete on the last day of February rather than only on 1 March.
* Full Decimal precision (40 digits) in every step; each reported amount is rounded to cents
  with ROUND_HALF_UP at the end (the vacation premium from the unrounded vacation); every total is
  the sum of the rounded parts shown, so the breakdown always adds up for the worker. Service
  years are reported with 4 decimals, but the unrounded Y is used in the sums.
* When the table has no year at or before the end date (a separation before its first year), the
  earliest year it has sets the cap, and neither the floor nor the below-minimum warning is
  applied: a later year's minimum would overstate both. Only an empty table is an error.
* The premium's base is the daily salary in cash, not the integrated one (Art. 485-486; practice
  is divided, review L8): the lower reading, so the figure is never overstated.
* The rules are applied as written, with their known limits: the aguinaldo of a whole leap year
  comes to 15 × 366 / 365 days; the vacation table is the 2023 one even for separations before
  2023 (those claims are mostly out of time); vacations older than the last service year, back
  pay (salarios vencidos, Art. 48) and profit sharing are not included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from typing import Any

from bot.errors import InputError
from bot.i18n import N_, format_money
from bot.severance.minimum_wage import MinimumWageTable, Zone, default_minimum_wages

DAYS_PER_YEAR = Decimal(365)
DAYS_PER_MONTH = Decimal(30)
MAX_DAILY_SALARY = Decimal(100_000)
MAX_MONTHLY_SALARY = MAX_DAILY_SALARY * DAYS_PER_MONTH
AGUINALDO_DAYS = Decimal(15)
VACATION_PREMIUM_RATE = Decimal("0.25")
INDEMNITY_DAYS = Decimal(90)
DAYS_PER_YEAR_OF_SERVICE = Decimal(20)
SENIORITY_DAYS_PER_YEAR = Decimal(12)
SENIORITY_PREMIUM_MIN_YEARS_ON_RESIGNATION = 15
CENT = Decimal("0.01")
YEARS_QUANTUM = Decimal("0.0001")
_PRECISION = 40


class Reason(StrEnum):
    """Why the job ended."""

    RESIGNATION = "resignation"
    JUSTIFIED_DISMISSAL = "justified_dismissal"
    UNJUST_DISMISSAL = "unjust_dismissal"


class CalcInputError(InputError):
    """An `InputError` that keeps its Spanish template and values, so a caller can translate it."""

    def __init__(self, template: str, *, about: str = "", **values: object) -> None:
        # `about` names what she must fix (dates, salary, vacation, minimum_wage) for the chat's routing.
        self.template, self.values, self.about = template, values, about
        super().__init__(template.format(**values))

    def translated(self, _: Callable[[str], str]) -> str:
        return _(self.template).format(**self.values)


@dataclass(frozen=True, slots=True)
class SeveranceInput:
    """What the worker tells us; `daily_salary` may come from `daily_salary_from(monthly=…)`."""

    daily_salary: Decimal
    start: date
    end: date
    reason: Reason
    vacation_days_taken: int = 0
    unpaid_days: int = 0
    zone: Zone = Zone.GENERAL
    employer_fault: bool = False
    pending_vacation_days: int = 0  # untaken days of the service year completed last (review M3)


@dataclass(frozen=True, slots=True)
class Finiquito:
    """What is owed on any separation, rounded to cents."""

    unpaid_wages: Decimal
    aguinaldo: Decimal
    vacation: Decimal
    vacation_premium: Decimal  # of both vacations
    pending_vacation: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return (self.unpaid_wages + self.aguinaldo + self.vacation + self.pending_vacation
                + self.vacation_premium)


@dataclass(frozen=True, slots=True)
class Liquidacion:
    """What a dismissal (or leaving for the employer's fault) adds, rounded to cents."""

    indemnity_90_days: Decimal
    twenty_days_per_year: Decimal
    seniority_premium: Decimal

    @property
    def total(self) -> Decimal:
        return self.indemnity_90_days + self.twenty_days_per_year + self.seniority_premium

    @property
    def dismissal_pay(self) -> Decimal:
        """The liquidación proper: the 90 days and the 20 days per year, without the seniority
        premium, which the worker sees on its own line (review M2)."""
        return self.indemnity_90_days + self.twenty_days_per_year


@dataclass(frozen=True, slots=True)
class SeveranceResult:
    """The calculation, every figure as reported; `to_json()` is the `calc severance --json` object."""

    daily_salary: Decimal
    integrated_daily_salary: Decimal
    service_days: int
    service_years: Decimal
    completed_years: int
    vacation_days_per_year: int
    finiquito: Finiquito
    liquidacion: Liquidacion
    minimum_wage: Decimal  # MW: the daily minimum of her zone in `minimum_wage_year`
    minimum_wage_year: int  # the end date's year, or the closest year the table has
    below_minimum: bool  # her daily salary is under MW (she can claim the difference too)

    @property
    def total(self) -> Decimal:
        return self.finiquito.total + self.liquidacion.total

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data: Decimals (amounts with 2 decimals) and ints."""
        return {
            "daily_salary": self.daily_salary,
            "integrated_daily_salary": self.integrated_daily_salary,
            "service_days": self.service_days,
            "service_years": self.service_years,
            "vacation_days_per_year": self.vacation_days_per_year,
            "finiquito": {
                "unpaid_wages": self.finiquito.unpaid_wages,
                "aguinaldo": self.finiquito.aguinaldo,
                "vacation": self.finiquito.vacation,
                "pending_vacation": self.finiquito.pending_vacation,
                "vacation_premium": self.finiquito.vacation_premium,
                "total": self.finiquito.total,
            },
            "liquidacion": {
                "indemnity_90_days": self.liquidacion.indemnity_90_days,
                "twenty_days_per_year": self.liquidacion.twenty_days_per_year,
                "seniority_premium": self.liquidacion.seniority_premium,
                "total": self.liquidacion.total,
            },
            "minimum_wage": {"year": self.minimum_wage_year, "daily": self.minimum_wage,
                             "below": self.below_minimum},
            "total": self.total,
        }

    def to_json_text(self) -> str:
        """`to_json()` as one line of JSON whose numbers keep their decimals (`1200.50`, not `1200.5`)."""
        return json_text(self.to_json())


def minimum_wage_notes(result: SeveranceResult, data: SeveranceInput,
                       lang: str) -> list[tuple[str, dict[str, object]]]:
    """What she should know about the minimum wage, as (Spanish template, values) to translate: her pay
    is below it (review M1, N7), or its year is not published yet and another was used (H5, N10)."""
    notes: list[tuple[str, dict[str, object]]] = []
    if result.below_minimum:
        notes.append((N_("Tu salario está por debajo del mínimo de {year} en tu zona ({amount} al día): "
                         "también puedes reclamar la diferencia del último año."),
                      {"year": result.minimum_wage_year, "amount": format_money(result.minimum_wage, lang)}))
    if result.minimum_wage_year < data.end.year:
        notes.append((N_("Todavía no tengo el salario mínimo de {year}: usé el de {used}, el último que "
                         "tengo. Cuando se publique, la cifra puede cambiar un poco."),
                      {"year": data.end.year, "used": result.minimum_wage_year}))
    elif result.minimum_wage_year > data.end.year:
        notes.append((N_("No tengo el salario mínimo de {year}: usé el de {used}, el más cercano que tengo."),
                      {"year": data.end.year, "used": result.minimum_wage_year}))
    return notes


def vacation_days_for_service_year(year: int) -> int:
    """Paid vacation days in service year `year` (1 = the first year), LFT Art. 76 as reformed in 2023:
    12, 14, 16, 18, 20 in years 1-5, then 22 in years 6-10, 24 in 11-15, and 2 more per further five years."""
    if year < 1:
        raise ValueError(f"service years start at 1, not {year}")
    if year <= 5:
        return 10 + 2 * year
    return 22 + 2 * ((year - 6) // 5)


def daily_salary_from(daily: Decimal | None = None, monthly: Decimal | None = None) -> Decimal:
    """The daily salary from exactly one of the two (monthly / 30, Art. 89), checked for sense."""
    if daily is not None and monthly is not None:
        raise CalcInputError(N_("Da el salario diario o el mensual, no los dos."))
    if monthly is not None:
        _check_salary(monthly, monthly=True)
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            return monthly / DAYS_PER_MONTH
    if daily is None:
        raise CalcInputError(N_("Falta el salario: da el salario diario o el mensual."))
    _check_salary(daily, monthly=False)
    return daily


def parse_amount(text: str) -> Decimal:
    """A salary typed as `8500` or `8500.50`; `CalcInputError` for anything else."""
    try:
        value = Decimal(text.strip().removeprefix("$"))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise CalcInputError(N_("«{text}» no es una cantidad: escribe solo números, con punto decimal y "
                                "sin comas, por ejemplo 8500.50."), text=text)
    return value


def compute_severance(
    data: SeveranceInput,
    *,
    today: date | None = None,
    wages: MinimumWageTable | None = None,
) -> SeveranceResult:
    """Finiquito and liquidación for one separation; `CalcInputError` (an `InputError`) for bad input."""
    _validate(data, today or date.today())
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _compute(data, wages)


def completed_years(start: date, end: date) -> int:
    """Whole years of service: the largest n with start + n years <= end."""
    years = end.year - start.year
    return years - 1 if anniversary(start, years) > end else years


def anniversary(start: date, years: int) -> date:
    """`start` plus `years` years; a 29 February start falls on 28 February in non-leap years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def json_text(data: Any) -> str:
    """JSON for dicts, lists, strings, ints, bools and Decimals, writing Decimals digit for digit."""
    if isinstance(data, dict):
        return "{" + ", ".join(f"{json_text(str(k))}: {json_text(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list | tuple):
        return "[" + ", ".join(json_text(v) for v in data) + "]"
    if isinstance(data, Decimal):
        if not data.is_finite():
            raise ValueError(f"JSON has no number for {data}")
        return f"{data:f}"
    return json.dumps(data, ensure_ascii=False)


def _validate(data: SeveranceInput, today: date) -> None:
    _check_salary(data.daily_salary, monthly=False)
    if data.end < data.start:
        raise CalcInputError(N_("La fecha de salida ({end}) es anterior a la de entrada ({start}): "
                                "revisa las fechas."), about="dates", end=data.end, start=data.start)
    if data.start > today:
        raise CalcInputError(N_("La fecha de entrada ({start}) está en el futuro (hoy es {today}): "
                                "revisa la fecha."), about="dates", start=data.start, today=today)
    if data.unpaid_days < 0:
        raise CalcInputError(N_("Los días trabajados sin pagar no pueden ser negativos (recibí {days}); "
                                "usa 0 si no te deben días."), about="unpaid", days=data.unpaid_days)
    if data.unpaid_days > _service_days(data):
        raise CalcInputError(N_("Los días sin pagar ({days}) son más que los días trabajados "
                                "({service_days}): revisa la cifra o las fechas."), about="unpaid",
                             days=data.unpaid_days, service_days=_service_days(data))
    if data.vacation_days_taken < 0:
        raise CalcInputError(N_("Los días de vacaciones tomados no pueden ser negativos (recibí {days}); "
                                "usa 0 si no tomaste vacaciones este año."), days=data.vacation_days_taken)
    _validate_pending_vacation(data)
    if data.employer_fault and data.reason is Reason.JUSTIFIED_DISMISSAL:
        raise CalcInputError(N_("Un despido justificado no puede ser por falta del patrón: si te fuiste "
                                "por culpa del patrón es una renuncia por falta del patrón (rescisión), "
                                "y si te despidieron sin causa es un despido injustificado."))


def _validate_pending_vacation(data: SeveranceInput) -> None:
    pending = data.pending_vacation_days
    if pending < 0:
        raise CalcInputError(N_("Los días de vacaciones pendientes no pueden ser negativos (recibí {days}); "
                                "usa 0 si no te deben."), about="vacation", days=pending)
    n = completed_years(data.start, data.end)
    if pending and n == 0:
        raise CalcInputError(N_("No cumpliste un año de trabajo, así que no hay vacaciones del año "
                                "pasado pendientes (recibí {days} días)."), about="vacation", days=pending)
    if n and pending > vacation_days_for_service_year(n):
        raise CalcInputError(N_("En tu año {number} de trabajo te tocaban {most} días de vacaciones: los "
                                "pendientes no pueden ser más (recibí {days})."), about="vacation",
                             number=n, most=vacation_days_for_service_year(n), days=pending)


def _check_salary(amount: Decimal, *, monthly: bool) -> None:
    if not amount.is_finite() or amount <= 0:
        template = (N_("El salario mensual debe ser mayor que cero (recibí {amount}).") if monthly
                    else N_("El salario diario debe ser mayor que cero (recibí {amount})."))
        raise CalcInputError(template, amount=amount)
    limit = MAX_MONTHLY_SALARY if monthly else MAX_DAILY_SALARY
    if amount > limit:
        template = (N_("El salario mensual de {amount} MXN es demasiado alto (el máximo es {limit}): "
                       "revisa la cifra.") if monthly
                    else N_("El salario diario de {amount} MXN es demasiado alto (el máximo es {limit}): "
                            "revisa la cifra; ¿es el salario mensual?"))
        raise CalcInputError(template, amount=amount, limit=limit)


def _service_days(data: SeveranceInput) -> int:
    return (data.end - data.start).days + 1


def _compute(data: SeveranceInput, wages: MinimumWageTable | None) -> SeveranceResult:
    daily = data.daily_salary
    service_days = _service_days(data)
    years = Decimal(service_days) / DAYS_PER_YEAR
    n = completed_years(data.start, data.end)
    vacation_days = vacation_days_for_service_year(n + 1)
    integrated = daily * (1 + (AGUINALDO_DAYS + VACATION_PREMIUM_RATE * vacation_days) / DAYS_PER_YEAR)
    vacation = _vacation_pay(data, n, vacation_days)
    pending_vacation = data.pending_vacation_days * daily
    finiquito = Finiquito(
        unpaid_wages=_cents(data.unpaid_days * daily),
        aguinaldo=_cents(AGUINALDO_DAYS * _days_this_calendar_year(data) / DAYS_PER_YEAR * daily),
        vacation=_cents(vacation),
        pending_vacation=_cents(pending_vacation),
        vacation_premium=_cents(VACATION_PREMIUM_RATE * (vacation + pending_vacation)),
    )
    minimum = _minimum_wage(data, wages or default_minimum_wages())
    return SeveranceResult(
        daily_salary=_cents(daily),
        integrated_daily_salary=_cents(integrated),
        service_days=service_days,
        service_years=years.quantize(YEARS_QUANTUM, rounding=ROUND_HALF_UP),
        completed_years=n,
        vacation_days_per_year=vacation_days,
        finiquito=finiquito,
        liquidacion=_liquidacion(data, n, years, integrated, minimum),
        minimum_wage=minimum.daily,
        minimum_wage_year=minimum.year,
        below_minimum=minimum.floor and daily < minimum.daily,
    )


@dataclass(frozen=True, slots=True)
class _Minimum:
    year: int
    daily: Decimal
    floor: bool  # the year is hers or an earlier one, so the minimum may raise her base (Art. 485)


def _minimum_wage(data: SeveranceInput, table: MinimumWageTable) -> _Minimum:
    year = table.closest_year(data.end.year)
    if year is None:
        raise CalcInputError(N_("No tengo ningún salario mínimo en {file}: el personal debe agregar el de "
                                "cada año con su fuente."), about="minimum_wage", file=table.path.name)
    return _Minimum(year, table.daily(year, data.zone), floor=year <= data.end.year)


def _vacation_pay(data: SeveranceInput, n: int, vacation_days: int) -> Decimal:
    days_since_anniversary = (data.end - anniversary(data.start, n)).days + 1
    accrued = vacation_days * Decimal(days_since_anniversary) / DAYS_PER_YEAR
    return max(Decimal(0), accrued - data.vacation_days_taken) * data.daily_salary


def _days_this_calendar_year(data: SeveranceInput) -> int:
    first = max(date(data.end.year, 1, 1), data.start)
    return (data.end - first).days + 1


def _liquidacion(
    data: SeveranceInput, n: int, years: Decimal, integrated: Decimal, minimum: _Minimum
) -> Liquidacion:
    indemnity_owed = data.reason is Reason.UNJUST_DISMISSAL or data.employer_fault
    return Liquidacion(
        indemnity_90_days=_cents(INDEMNITY_DAYS * integrated if indemnity_owed else Decimal(0)),
        twenty_days_per_year=_cents(
            DAYS_PER_YEAR_OF_SERVICE * years * integrated if data.employer_fault else Decimal(0)),
        seniority_premium=_cents(_seniority_premium(data, n, years, minimum)),
    )


def _seniority_premium(data: SeveranceInput, n: int, years: Decimal, minimum: _Minimum) -> Decimal:
    owed = (data.reason is not Reason.RESIGNATION or data.employer_fault
            or n >= SENIORITY_PREMIUM_MIN_YEARS_ON_RESIGNATION)
    if not owed:
        return Decimal(0)
    base = min(data.daily_salary, 2 * minimum.daily)
    if minimum.floor:
        base = max(minimum.daily, base)
    return SENIORITY_DAYS_PER_YEAR * years * base


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
