"""Actions of the severance conversation: read her answers, echo them back, compute and explain the result.

The arithmetic is `bot.severance.calculator` (the same as `labor-bot calc severance`) and every deadline
comes from `bot.complaint.deadlines`; this module only turns her answers into their input and their
result into a few lines she can read on a phone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bot.assets import Assets
from bot.complaint.deadlines import Situation, deadline_for
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.i18n import N_, format_day, format_money, translator
from bot.severance.calculator import (
    CalcInputError,
    Reason,
    SeveranceInput,
    SeveranceResult,
    anniversary,
    completed_years,
    compute_severance,
    daily_salary_from,
    minimum_wage_notes,
    vacation_days_for_service_year,
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
# Every answer the flow saves, so that "Calcular otra vez" starts clean (conversation audit N6).
ANSWERS = ("salary", "salary_per", "started", "ended", "reason", "learned", "written_notice",
           "last_year_vacation", "pending_vacation_days", "unpaid_days", "zone", "border",
           "understood", "last_year_days", "last_year_from", "last_year_to")
ENDINGS = {
    "resignation": N_("renunciaste el {day}"),
    "unjust_dismissal": N_("te despidieron sin razón el {day}"),
    "justified_dismissal": N_("te despidieron por una falta grave el {day}"),
    "employer_fault": N_("dejaste el trabajo por culpa del patrón el {day}"),
}
LAW = ("48", "50", "76", "80", "87", "162", "485")  # the closing "Ley:" line: no article inside the answer
PERIODS = {
    "day": N_("{amount} al día"),
    "week": N_("{amount} a la semana"),
    "fortnight": N_("{amount} a la quincena"),
    "month": N_("{amount} al mes"),
}


@ACTIONS.action("severance.reset")
def reset(ctx: ActionContext[Assets]) -> ActionResult:
    """Borra las respuestas de un cálculo anterior.

    Forget every answer of an earlier calculation: nothing from the last run is reused."""
    return ActionResult(vars=dict.fromkeys(ANSWERS))


@ACTIONS.action("severance.forget_salary")
def forget_salary(ctx: ActionContext[Assets]) -> ActionResult:
    """Borra el salario y su periodo antes de volver a preguntarlo.

    Before she writes her salary again, forget its period too, or "9000" could be read per day."""
    return ActionResult(vars={"salary": None, "salary_per": None})


@ACTIONS.action("severance.period", outcomes=("known", "ask"))
def period(ctx: ActionContext[Assets]) -> ActionResult:
    """Pregunta si el salario es por día, semana, quincena o mes, solo si no lo dijo.

    Ask whether the amount is per day, week, fortnight or month only if she did not say."""
    return ActionResult(outcome="known" if ctx.vars.get("salary_per") in DAYS_IN else "ask")


@ACTIONS.action("severance.last_year", provides=("last_year_days", "last_year_from", "last_year_to"),
                outcomes=("ask", "skip"))
def last_year(ctx: ActionContext[Assets]) -> ActionResult:
    """Si ya cumplió un año, dice qué año y cuántos días de vacaciones le tocaban.

    With a whole service year behind her, name that year and its vacation days, to ask what is left."""
    started, ended = _day(ctx, "started"), _day(ctx, "ended")
    if started is None or ended is None or ended < started or completed_years(started, ended) < 1:
        return ActionResult(vars={"last_year_vacation": None, "pending_vacation_days": None},
                            outcome="skip")
    n = completed_years(started, ended)
    first, after = anniversary(started, n - 1), anniversary(started, n)
    return ActionResult(vars={
        "last_year_days": vacation_days_for_service_year(n),
        "last_year_from": format_day(first, ctx.lang),
        "last_year_to": format_day(date.fromordinal(after.toordinal() - 1), ctx.lang),
    }, outcome="ask")


@ACTIONS.action("severance.understood", provides=("understood",))
def understood(ctx: ActionContext[Assets]) -> ActionResult:
    """Repite en una línea lo que entendió, para que ella lo confirme o corrija.

    What was understood, in one line, for her to confirm or fix before anything is computed."""
    _ = translator(ctx.lang)
    started, ended = _day(ctx, "started"), _day(ctx, "ended")
    amount = format_money(Decimal(str(ctx.vars.get("salary") or 0)), ctx.lang)
    per = PERIODS.get(str(ctx.vars.get("salary_per") or "month"), PERIODS["month"])
    ending = ENDINGS.get(str(ctx.vars.get("reason")), ENDINGS["resignation"])
    text = _(N_("empezaste el {start}, {ending} y ganabas {salary}")).format(
        start=format_day(started, ctx.lang) if started else "?",
        ending=_(ending).format(day=format_day(ended, ctx.lang) if ended else "?"),
        salary=_(per).format(amount=amount))
    return ActionResult(vars={"understood": text})


@ACTIONS.action("severance.compute",
                outcomes=("ok", "bad_dates", "bad_salary", "bad_vacation", "bad_unpaid", "unavailable"))
def compute(ctx: ActionContext[Assets]) -> ActionResult:
    """Calcula el finiquito y la liquidación, o dice qué dato no cuadra.

    Compute final pay and severance, or say which answer does not fit."""
    _ = translator(ctx.lang)
    reason, employer_fault = REASONS.get(str(ctx.vars.get("reason")), (Reason.RESIGNATION, False))
    try:
        start, end = date.fromisoformat(str(ctx.vars["started"])), date.fromisoformat(str(ctx.vars["ended"]))
        data = SeveranceInput(
            daily_salary=_daily_salary(ctx), start=start, end=end, reason=reason,
            unpaid_days=int(ctx.vars.get("unpaid_days") or 0),
            zone=Zone.BORDER if ctx.vars.get("zone") == "border" else Zone.GENERAL,
            employer_fault=employer_fault,
            pending_vacation_days=_pending_vacation(ctx, start, end),
        )
        result = compute_severance(data, today=ctx.today, wages=ctx.assets.minimum_wages)
    except CalcInputError as error:
        if error.about == "minimum_wage":  # a staff problem: never show her a file name
            return ActionResult(say=(_(N_("Ahora no puedo hacer el cálculo. Escribe *persona* para que "
                                          "alguien te ayude.")),), outcome="unavailable")
        return ActionResult(say=(error.translated(_),), outcome=_what_to_fix(error))
    learned = _day(ctx, "learned")
    return ActionResult(say=(summary(result, data, ctx.lang, ctx.today, learned=learned,
                                     zone_unknown=ctx.vars.get("zone") == "unknown"),), outcome="ok")


def _day(ctx: ActionContext[Assets], name: str) -> date | None:
    try:
        return date.fromisoformat(str(ctx.vars.get(name)))
    except ValueError:
        return None


def _daily_salary(ctx: ActionContext[Assets]) -> Decimal:
    amount = Decimal(str(ctx.vars["salary"]))
    per = str(ctx.vars.get("salary_per") or "month")
    if per == "month":
        return daily_salary_from(monthly=amount)
    return daily_salary_from(daily=amount / DAYS_IN.get(per, 1))


def _pending_vacation(ctx: ActionContext[Assets], start: date, end: date) -> int:
    """Last service year's untaken days: none, all of that year's, or the number she gave."""
    answer = ctx.vars.get("last_year_vacation")
    if answer == "none" and end >= start and completed_years(start, end) >= 1:
        return vacation_days_for_service_year(completed_years(start, end))
    if answer == "some":
        return int(ctx.vars.get("pending_vacation_days") or 0)
    return 0


def _what_to_fix(error: CalcInputError) -> str:
    return {"dates": "bad_dates", "vacation": "bad_vacation", "unpaid": "bad_unpaid"}.get(
        error.about, "bad_salary")


def summary(result: SeveranceResult, data: SeveranceInput, lang: str, today: date, *,
            learned: date | None = None, zone_unknown: bool = False) -> str:
    """One line per part, the total, what she should know about her pay, and her deadline to claim."""
    _ = translator(lang)

    def money(amount: Decimal) -> str:
        return format_money(amount, lang)

    finiquito, liquidacion = result.finiquito, result.liquidacion
    lines = [_(N_("*Tu cálculo aproximado*")),
             _(N_("Salario diario: {daily}. Tiempo trabajado: {years} años.")).format(
                 daily=money(result.daily_salary), years=f"{result.service_years:.1f}"),
             "", _(N_("*Finiquito* (te lo deben siempre): {total}")).format(total=money(finiquito.total))]
    lines += _items(_, money, [
        (finiquito.unpaid_wages, N_("• Días trabajados sin pagar: {amount}")),
        (finiquito.aguinaldo, N_("• Aguinaldo de este año: {amount}")),
        (finiquito.vacation, N_("• Vacaciones de este año: {amount}")),
        (finiquito.pending_vacation, N_("• Vacaciones pendientes del año pasado: {amount}")),
        (finiquito.vacation_premium, N_("• Prima vacacional: {amount}")),
    ])
    if liquidacion.dismissal_pay:  # review M2: "Liquidación" is only the 90 days and the 20 days per year
        lines += ["", _(N_("*Liquidación* (indemnización): {total}")).format(
            total=money(liquidacion.dismissal_pay))]
        lines += _items(_, money, [
            (liquidacion.indemnity_90_days, N_("• 3 meses de salario: {amount}")),
            (liquidacion.twenty_days_per_year, N_("• 20 días por año trabajado: {amount}")),
        ])
    if liquidacion.seniority_premium:
        lines += ["", _(N_("*Prima de antigüedad* (12 días por año trabajado): {amount}")).format(
            amount=money(liquidacion.seniority_premium))]
    lines += ["", _(N_("*Total: {total}*")).format(total=money(result.total))]
    notes = [_(template).format(**values) for template, values in minimum_wage_notes(result, data, lang)]
    if zone_unknown:
        notes.append(_(N_("No sabías si trabajabas en la zona libre de la frontera norte: calculé con la "
                          "zona general, que da la cifra más baja. Si tu municipio es de la frontera norte, "
                          "pregunta a una persona: puede ser un poco más.")))
    if notes:
        lines += ["", *notes]
    deadline, law = _deadline(data, today, lang, learned)
    if deadline:
        lines += ["", deadline]
    lines += ["", _(N_("Si reclamas el despido, pueden sumarse los salarios caídos. No incluye reparto de "
                       "utilidades ni otras prestaciones. Es un cálculo aproximado, no asesoría legal."))
              if data.reason is Reason.UNJUST_DISMISSAL and not data.employer_fault else
              _(N_("No incluye reparto de utilidades ni otras prestaciones. Es un cálculo aproximado, "
                   "no asesoría legal."))]
    lines.append(_(N_("Ley: LFT Art. {articles}.")).format(articles=", ".join([*LAW, *law])))
    return "\n".join(lines)


def _items(_: Callable[[str], str], money: Callable[[Decimal], str],
           parts: list[tuple[Decimal, str]]) -> list[str]:
    return [_(text).format(amount=money(amount)) for amount, text in parts if amount]


def _deadline(data: SeveranceInput, today: date, lang: str, learned: date | None) -> tuple[str, list[str]]:
    """Her deadline from the one model (its date and article; the words are the calculator's own, in
    the context of her result), and the article for the "Ley:" line; nothing for a resignation."""
    _ = translator(lang)
    if data.employer_fault:
        if learned is None:  # never count her month from her last day: it may have started earlier
            return _(N_("Si dejaste el trabajo por culpa del patrón, tienes 1 mes desde que pasó lo que te "
                        "hizo irte. No firmes una renuncia: pide asesoría hoy.")), ["517 fr. II"]
        situation, day, text = Situation.LEFT, learned, N_(
            "Como dejaste el trabajo por culpa del patrón, tienes 1 mes desde que pasó: hasta el {date}. "
            "No firmes una renuncia. {left} Es urgente: pide asesoría hoy.")
    elif data.reason is not Reason.RESIGNATION:
        situation, day, text = Situation.DISMISSED, data.end, N_(
            "Para reclamar el despido tienes 2 meses: hasta el {date}. {left}")
    else:
        return "", []
    deadline = deadline_for(situation, day)
    if deadline.last_day is None:  # only union matters have no date
        return "", []
    article = [deadline.article.removeprefix("LFT Art. ")]
    if deadline.expired(today):
        return _(N_("El plazo para reclamar terminó el {day}. Habla hoy con una persona: puede haber otras "
                    "cosas que sí puedes reclamar.")).format(day=format_day(deadline.last_day, lang)), article
    left = deadline.days_left(today)
    return _(text).format(date=format_day(deadline.last_day, lang), left=_(N_("Hoy es el último día."))
                          if left == 0 else _(N_("Quedan {left} días.")).format(left=left)), article
