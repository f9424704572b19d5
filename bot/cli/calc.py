"""`labor-bot calc severance` and `calc deadline`: final pay and her deadline, on the command line.

A year whose minimum wage is not published yet uses the latest one the table has, with a note line
(and `minimum_wage.year` in the JSON); it never exits for that.

Bad input exits 2 with the message on stderr; with `--json` the same message also goes to
stdout as `{"error": "…"}`, so a script reading stdout always gets one JSON object. Usage
errors that Typer itself catches (an unknown `--reason`, a missing `--start`) exit 2 with
Typer's own message and no JSON.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, NoReturn

import typer

from bot.cli.common import cli_language
from bot.complaint.deadlines import Pause, Situation, deadline_for
from bot.errors import InputError
from bot.i18n import N_, format_day, format_money, translator
from bot.severance.calculator import (
    CalcInputError,
    Reason,
    SeveranceInput,
    SeveranceResult,
    compute_severance,
    daily_salary_from,
    json_text,
    minimum_wage_notes,
    parse_amount,
)
from bot.severance.minimum_wage import Zone

app = typer.Typer(help="Calculators: severance and final pay, and her deadline to claim.",
                  no_args_is_help=True)
USAGE_ERROR = 2


@app.command()
def severance(
    start: Annotated[str, typer.Option("--start", help="First day of work, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last day of work, YYYY-MM-DD.")],
    reason: Annotated[Reason, typer.Option("--reason", help="Why the job ended.")],
    daily_salary: Annotated[str, typer.Option("--daily-salary", help="Daily salary in MXN.")] = "",
    monthly_salary: Annotated[str, typer.Option("--monthly-salary",
                                                help="Monthly salary in MXN (daily = monthly / 30).")] = "",
    vacation_days_taken: Annotated[int, typer.Option(
        "--vacation-days-taken", help="Vacation days already taken in this service year.")] = 0,
    unpaid_days: Annotated[int, typer.Option("--unpaid-days", help="Days worked and not yet paid.")] = 0,
    pending_vacation_days: Annotated[int, typer.Option(
        "--pending-vacation-days", help="Vacation days of the last completed service year never taken.")] = 0,
    zone: Annotated[Zone, typer.Option("--zone", help="Minimum-wage zone: general, or border (ZLFN).")]
    = Zone.GENERAL,
    employer_fault: Annotated[bool, typer.Option(
        "--employer-fault", help="The employer refused reinstatement, or the worker left for the "
                                 "employer's fault (LFT Art. 50-52).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text: es or en (default: from LANG).")]
    = "",
) -> None:
    """Finiquito (final pay) and liquidación (severance) under the LFT."""
    lang = lang or cli_language()
    try:
        data = SeveranceInput(
            daily_salary=daily_salary_from(_amount(daily_salary), _amount(monthly_salary)),
            start=_day(start, "--start"),
            end=_day(end, "--end"),
            reason=reason,
            vacation_days_taken=vacation_days_taken,
            unpaid_days=unpaid_days,
            zone=zone,
            employer_fault=employer_fault,
            pending_vacation_days=pending_vacation_days,
        )
        result = compute_severance(data)
    except InputError as error:
        _fail(error, lang, as_json)
    typer.echo(result.to_json_text() if as_json else _breakdown(data, result, lang))


def _fail(error: InputError, lang: str, as_json: bool) -> NoReturn:
    message = error.translated(translator(lang)) if isinstance(error, CalcInputError) else str(error)
    typer.echo(message, err=True)
    if as_json:
        typer.echo(json_text({"error": message}))
    raise typer.Exit(USAGE_ERROR)


def _amount(text: str) -> Decimal | None:
    return parse_amount(text) if text.strip() else None


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CalcInputError(N_("«{text}» no es una fecha válida para {option}: usa AAAA-MM-DD, "
                                "por ejemplo 2024-03-15."), text=text, option=option) from None


def _breakdown(data: SeveranceInput, result: SeveranceResult, lang: str) -> str:
    """The result as a few lines a worker can read, in Spanish or through the `lang` catalog."""
    _ = translator(lang)

    def money(amount: Decimal) -> str:
        return format_money(amount, lang)

    f, liq = result.finiquito, result.liquidacion
    # The minimum-wage notes (below the minimum; a year not published yet) are the chat's own lines.
    notes = [_(template).format(**values) for template, values in minimum_wage_notes(result, data, lang)]
    return "\n".join([
        _("Del {start} al {end}: {days} días ({years} años de servicio).").format(
            start=format_day(data.start, lang), end=format_day(data.end, lang),
            days=result.service_days, years=result.service_years),
        _("Salario diario: {daily}; integrado: {integrated}; vacaciones por año: {vacation} días.").format(
            daily=money(result.daily_salary), integrated=money(result.integrated_daily_salary),
            vacation=result.vacation_days_per_year),
        _("Finiquito: {total}").format(total=money(f.total)),
        "  " + _("Salarios pendientes: {amount}").format(amount=money(f.unpaid_wages)),
        "  " + _("Aguinaldo proporcional: {amount}").format(amount=money(f.aguinaldo)),
        "  " + _("Vacaciones proporcionales: {amount}").format(amount=money(f.vacation)),
        "  " + _("Vacaciones pendientes del año pasado: {amount}").format(amount=money(f.pending_vacation)),
        "  " + _("Prima vacacional: {amount}").format(amount=money(f.vacation_premium)),
        _("Liquidación: {total}").format(total=money(liq.dismissal_pay)),
        "  " + _("Indemnización de 90 días: {amount}").format(amount=money(liq.indemnity_90_days)),
        "  " + _("20 días por año: {amount}").format(amount=money(liq.twenty_days_per_year)),
        _("Prima de antigüedad: {amount}").format(amount=money(liq.seniority_premium)),
        _("Total: {total}").format(total=money(result.total)),
        *notes,
        _("No incluye salarios vencidos, vacaciones de años anteriores al último ni reparto de "
          "utilidades."),
        _("Es un cálculo aproximado con las reglas de la LFT, no asesoría legal. Para revisar tu caso "
          "habla con PROFEDET o con la Procuraduría de la Defensa del Trabajo de tu estado."),
    ])


# -- calc deadline: the one deadline model (bot.complaint.deadlines) ----------------------------

def deadline(
    situation: Annotated[str, typer.Option(
        "--situation", help="What happened: dismissed, left (for the employer's fault), still_working, "
                            "work_accident or union.")],
    day: Annotated[str, typer.Option(
        "--date", help="YYYY-MM-DD: the dismissal, the day she learned of the employer's fault, the day "
                       "a payment became due, or the accident (ignored for union).")],
    paused: Annotated[list[str] | None, typer.Option(
        "--paused", help="FILED:RESUMED (YYYY-MM-DD:YYYY-MM-DD): a conciliation request that paused the "
                         "count; repeat for each one.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the text: es or en (default: from LANG).")]
    = "",
) -> None:
    """Her last day to claim, by her situation (LFT Art. 516-522); union matters get no date."""
    lang = lang or cli_language()
    _ = translator(lang)
    try:
        found = deadline_for(_situation_option(situation), _date_option(day, "--date"),
                             tuple(_pause_option(text) for text in paused or ()))
    except _DeadlineInputError as error:
        message = _(error.message).format(**error.values)
        typer.echo(message, err=True)
        if as_json:
            typer.echo(json.dumps({"error": message}, ensure_ascii=False))
        raise typer.Exit(USAGE_ERROR) from None
    explanation = _(found.explanation).format(
        date=format_day(found.last_day, lang) if found.last_day else "")
    if as_json:
        typer.echo(json.dumps({"deadline": found.last_day.isoformat() if found.last_day else None,
                               "article": found.article, "explanation": explanation},
                              ensure_ascii=False))
    else:
        typer.echo(_("{explanation} Ley: {article}.").format(explanation=explanation,
                                                             article=found.article))


class _DeadlineInputError(Exception):
    """A bad option of `calc deadline`: a Spanish source message and its values."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.message, self.values = message, values


def _situation_option(text: str) -> Situation:
    try:
        return Situation(text.strip().lower())
    except ValueError:
        raise _DeadlineInputError(
            N_("«{text}» no es una situación válida para --situation: usa dismissed, left, still_working, "
               "work_accident o union."), text=text) from None


def _date_option(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise _DeadlineInputError(N_("«{text}» no es una fecha válida para {option}: usa AAAA-MM-DD, "
                                     "por ejemplo 2024-03-15."), text=text, option=option) from None


def _pause_option(text: str) -> Pause:
    filed, sep, resumed = text.partition(":")
    if not sep:
        raise _DeadlineInputError(N_("«{text}» no es una pausa válida para --paused: usa "
                                     "AAAA-MM-DD:AAAA-MM-DD (el día en que pediste la conciliación y el "
                                     "día en que el plazo volvió a correr)."), text=text)
    pause = Pause(_date_option(filed, "--paused"), _date_option(resumed, "--paused"))
    if pause.resumed_on <= pause.filed_on:
        raise _DeadlineInputError(N_("«{text}»: el día en que el plazo volvió a correr debe ser después "
                                     "del día en que pediste la conciliación."), text=text)
    return pause


app.command("deadline")(deadline)
