"""Actions that put a worker in touch with a person at a worker center."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from babel.dates import format_date, format_time

from bot.assets import Assets
from bot.complaint.centers import say
from bot.complaint.directory import Center, Directory
from bot.complaint.hours import next_opening
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.turn import Effect
from bot.i18n import BABEL_LOCALES, N_

ACTIONS = ActionCatalog()
# A line that answers when no center does (legal_facts.md of 2026-12-02, "free legal help": PROFEDET's
# December 2025 notices give 079, the Government of Mexico's line, labor services). Only the
# line: PROFEDET's building closed in January 2026. PROFEDET is for federal matters, so the
# state's own procuraduría is named too.
FREE_LINE = N_(
    "Si necesitas hablar con alguien antes, la asesoría es gratis: llama al 079 (línea del "
    "Gobierno de México) y pide servicios laborales de la PROFEDET, o busca la Procuraduría de "
    "la Defensa del Trabajo de tu estado."
)


def handoff_center(directory: Directory, vars: Mapping[str, Any]) -> Center | None:
    """The center that should answer her: the one she chose, one serving her state, or the default."""
    chosen = directory.get(vars.get("center"))
    if chosen is not None and chosen.takes_referrals:
        return chosen
    state = vars.get("mx_state")
    in_state = directory.worker_centers(str(state)) if state else []
    if in_state:
        return in_state[0]
    return directory.get(directory.default_center)


def is_open(center: Center, now: datetime) -> bool:
    """Whether the center is in its opening hours right now."""
    opening = next_opening(center.hours, center.timezone, now)
    return opening is not None and opening[0] == "open"


def answer_time(center: Center, now: datetime, lang: str) -> str:
    """When to expect an answer, from the center's opening hours in its own time zone."""
    opening = next_opening(center.hours, center.timezone, now)
    if opening is None:
        return say(lang, N_("Te contestarán en cuanto puedan."))
    state, when, _ = opening
    if state == "open":
        return say(lang, N_("Ahora están en horario de atención: te contestarán pronto."))
    locale = BABEL_LOCALES.get(lang, "es_MX")
    # "9:00" as Mexico writes office hours; English keeps its "9:00 AM".
    hour = format_time(when.time(), "h:mm a" if lang == "en" else "H:mm", locale=locale)
    today = now.astimezone(when.tzinfo).date()
    if when.date() == today:
        return say(lang, N_("Te contestarán hoy después de las {time}."), time=hour)
    if when.date() == today + timedelta(days=1):
        return say(lang, N_("Te contestarán mañana después de las {time}."), time=hour)
    day = format_date(when.date(), "EEEE", locale=locale)
    return say(lang, N_("Te contestarán el {day} después de las {time}."), day=day, time=hour)


@ACTIONS.action("person.request")
def request(ctx: ActionContext[Assets]) -> ActionResult:
    """Pasa su pedido de hablar con una persona al centro y deja al bot callado.

    Send her request for a person to the relevant center, say when to expect an answer, and
    keep the bot quiet while a person answers (what she writes meanwhile joins the request).
    When no center is open now (or none was found), a free line that answers is named too."""
    center = handoff_center(ctx.assets.directory, ctx.vars)
    record = Effect("handoff", {
        "at": ctx.now.isoformat(), "flow": ctx.vars.get("_from_flow"),
        "center": center.id if center else None, "state": ctx.vars.get("mx_state"),
        "contact_channel": ctx.channel, "lang": ctx.lang,
    })
    if center is None:
        text = say(ctx.lang, N_("Listo, anoté que quieres hablar con una persona. "
                                "Te contestarán en cuanto puedan."))
    else:
        text = say(ctx.lang, N_("Listo, anoté que quieres hablar con una persona de {center}."),
                   center=center.name) + " " + answer_time(center, ctx.now, ctx.lang)
    if center is None or not is_open(center, ctx.now):
        text += "\n" + say(ctx.lang, FREE_LINE)
    return ActionResult(effects=(record,), say=(text,), pause=True)
