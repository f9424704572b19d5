"""Actions of the severance conversation: read the salary's period and compute the result.

The arithmetic is `bot.severance.calculator` (the same as `labor-bot calc severance`); this module only
turns her answers into its input and its result into a few lines she can read on a phone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.assets import Assets
from bot.complaint.rules import dismissal_deadline
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.i18n import N_, format_day, format_money, translator
from bot.severance.calculator import (
    CalcInputError,
    Reason,
    SeveranceInput,
    SeveranceResult,
    compute_severance,
    daily_salary_from,
)
from bot.severance.minimum_wage import Zone

ACTIONS = ActionCatalog()

DAYS_IN = {"day": 1, "week": 7, "fortnight": 15, "month": 30}
REASONS = {  # the flow's answer -> (reason, the worker left for the employer's fault)
    "resignation": (Reason.RESIGNATION, False),
    "employer_fault": (Reason.RESIGNATION, True),
    "unjust_dismissal": (Reason.UNJUST_DISMISSAL, False),
    "justified_dismissal": (Reason.JUSTIFIED_DISMISSAL, False),
}


@ACTIONS.action("severance.period", outcomes=("known", "ask"))
def period(ctx: ActionContext[Assets]) -> ActionResult:
    """Ask whether the amount is per day, week, fortnight or month only if she did not say."""
    return ActionResult(outcome="known" if ctx.vars.get("salary_per") in DAYS_IN else "ask")


@ACTIONS.action("severance.compute", outcomes=("ok", "bad_dates", "bad_salary", "unavailable"))
def compute(ctx: ActionContext[Assets]) -> ActionResult:
    _ = translator(ctx.lang)
    reason, employer_fault = REASONS.get(str(ctx.vars.get("reason")), (Reason.RESIGNATION, False))
    try:
        data = SeveranceInput(
            daily_salary=_daily_salary(ctx), start=date.fromisoformat(str(ctx.vars["started"])),
            end=date.fromisoformat(str(ctx.vars["ended"])), reason=reason,
            unpaid_days=int(ctx.vars.get("unpaid_days") or 0),
            zone=Zone.BORDER if ctx.vars.get("border") is True else Zone.GENERAL,
            employer_fault=employer_fault,
        )
        result = compute_severance(data, today=ctx.now.date(), wages=ctx.assets.minimum_wages)
    except CalcInputError as error:
        return ActionResult(say=(error.translated(_),), outcome=_what_to_fix(error))
    dismissed = reason is not Reason.RESIGNATION or employer_fault
    return ActionResult(say=(summary(result, data, ctx.lang, ctx.now.date(), dismissed),), outcome="ok")


def _daily_salary(ctx: ActionContext[Assets]) -> Decimal:
    amount = Decimal(str(ctx.vars["salary"]))
    per = str(ctx.vars.get("salary_per") or "month")
    if per == "month":
        return daily_salary_from(monthly=amount)
    return daily_salary_from(daily=amount / DAYS_IN.get(per, 1))


def _what_to_fix(error: CalcInputError) -> str:
    if "year" in error.values:
        return "unavailable"  # the minimum-wage table lacks the year: staff must add it
    return "bad_dates" if {"start", "end", "today"} & error.values.keys() else "bad_salary"


def summary(result: SeveranceResult, data: SeveranceInput, lang: str, today: date,
            dismissed: bool) -> str:
    """One line per part, the total, and for a dismissal the deadline to claim (Art. 518)."""
    _ = translator(lang)

    def money(amount: Decimal) -> str:
        return format_money(amount, lang)

    finiquito, liquidacion = result.finiquito, result.liquidacion
    lines = [_(N_("*Tu cálculo aproximado*")),
             _(N_("Salario diario: {daily}. Tiempo trabajado: {years} años.")).format(
                 daily=money(result.daily_salary), years=f"{result.service_years:.1f}"),
             "", _(N_("*Finiquito* (te lo deben siempre): {total}")).format(total=money(finiquito.total))]
    parts = [
        (finiquito.unpaid_wages, N_("• Días trabajados sin pagar: {amount}")),
        (finiquito.aguinaldo, N_("• Aguinaldo de este año: {amount}")),
        (finiquito.vacation, N_("• Vacaciones de este año: {amount}")),
        (finiquito.vacation_premium, N_("• Prima vacacional: {amount}")),
    ]
    lines += [_(text).format(amount=money(amount)) for amount, text in parts if amount]
    if liquidacion.total:
        lines += ["", _(N_("*Liquidación* (por el despido): {total}")).format(total=money(liquidacion.total))]
        parts = [
            (liquidacion.indemnity_90_days, N_("• 3 meses de salario (Art. 48): {amount}")),
            (liquidacion.twenty_days_per_year, N_("• 20 días por año trabajado (Art. 50): {amount}")),
            (liquidacion.seniority_premium,
             N_("• Prima de antigüedad, 12 días por año (Art. 162): {amount}")),
        ]
        lines += [_(text).format(amount=money(amount)) for amount, text in parts if amount]
    lines += ["", _(N_("*Total: {total}*")).format(total=money(result.total))]
    if dismissed:
        lines += ["", _deadline_line(data.end, today, lang)]
    lines += ["", _(N_("Pueden sumarse los salarios caídos, vacaciones de años anteriores y otras "
                       "prestaciones. Es un cálculo aproximado, no asesoría legal."))]
    return "\n".join(lines)


def _deadline_line(ended: date, today: date, lang: str) -> str:
    _ = translator(lang)
    last_day = dismissal_deadline(ended)
    left = (last_day - today).days
    if left < 0:
        return _(N_("El plazo para reclamar el despido (2 meses, Art. 518) terminó el {day}. "
                    "Habla con una persona: puede haber otras cosas que sí puedes reclamar.")).format(
            day=format_day(last_day, lang))
    return _(N_("Para reclamar el despido tienes hasta el {day} (2 meses desde el día siguiente, "
                "Art. 518): quedan {left} días.")).format(day=format_day(last_day, lang), left=left)


