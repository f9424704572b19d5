"""Actions that find places for a worker: her state from what she typed, centers by state or nearby.

Each result is one message saying how to reach the place; worker centers also get a button
"send my summary to center N" that leads into the complaint flow's referral. The data come
from `ctx.assets`, loaded at start by `bot.loader`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from babel import Locale
from babel.dates import get_day_names

from bot.assets import Assets
from bot.complaint.directory import Center, CenterKind, Service
from bot.complaint.hours import DAYS
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.phones import phone_text, whatsapp_link
from bot.i18n import BABEL_LOCALES, N_, fill, translate

ACTIONS = ActionCatalog()

Option = dict[str, str]

KIND_LABELS: dict[CenterKind, str] = {
    CenterKind.WORKER_CENTER: N_("Centro de trabajadores"),
    CenterKind.CONCILIATION_FEDERAL: N_("Centro de conciliación federal"),
    CenterKind.CONCILIATION_STATE: N_("Centro de conciliación del estado"),
    CenterKind.DEFENSE_FEDERAL: N_("Defensa legal gratuita (federal)"),
    CenterKind.DEFENSE_STATE: N_("Defensa legal gratuita del estado"),
    CenterKind.INSPECTION: N_("Inspección del trabajo"),
}
SERVICE_LABELS: dict[Service, str] = {
    Service.LEGAL_ADVICE: N_("asesoría legal"),
    Service.ORGANIZING: N_("organización en el trabajo"),
    Service.WOMENS_PROGRAM: N_("programa para mujeres"),
    Service.CHILD_LABOR: N_("trabajo infantil"),
    Service.CONCILIATION: N_("conciliación"),
    Service.INSPECTION: N_("inspección"),
}


# -- the data an action reads ------------------------------------------------------------------

def say(lang: str, message: str, **values: object) -> str:
    """A Spanish source text in her language, with `{name}` values filled in."""
    return fill(translate(lang, message), values)


# -- describing a place -----------------------------------------------------------------------

def describe(center: Center, lang: str, number: int | None = None, km: float | None = None) -> str:
    """How to reach a place, in a few short lines; unconfirmed contact details are left out."""
    title = f"*{center.name}*" + (f" ({center.city})" if center.city else "")
    if number is not None:
        title = f"{number}. {title}"
    if km is not None:
        title += " " + say(lang, N_("a {km} km"), km=_km(km))
    lines = [title, _what(center, lang)]
    if not center.check:
        lines += _reach(center, lang)
    if center.web:
        lines.append(center.web)
    if center.hours:
        lines.append(say(lang, N_("Horario: {hours}"), hours=hours_text(center.hours, lang)))
    if set(center.languages) - {"es"}:
        lines.append(say(lang, N_("Atienden en: {languages}"), languages=_languages(center, lang)))
    return "\n".join(line for line in lines if line)


def _what(center: Center, lang: str) -> str:
    kind = translate(lang, KIND_LABELS[center.kind])
    services = ", ".join(translate(lang, SERVICE_LABELS[s]) for s in center.services)
    return f"{kind}: {services}" if services else kind


def _reach(center: Center, lang: str) -> list[str]:
    lines = []
    if center.address:
        lines.append(center.address)
    if center.phone:
        lines.append(say(lang, N_("Teléfono: {phone}"), phone=phone_text(center.phone)))
    if center.whatsapp:
        lines.append(say(lang, N_("WhatsApp: {link}"), link=whatsapp_link(center.whatsapp)))
    if center.email:
        lines.append(center.email)
    return lines


def _km(km: float) -> str:
    """One decimal nearby, whole kilometres further away (Mexico writes 4.5 like English)."""
    return f"{km:.1f}" if km < 10 else f"{km:.0f}"


def hours_text(hours: Mapping[str, str], lang: str) -> str:
    """`{"mon-fri": "09:00-18:00"}` as `lunes a viernes 09:00-18:00`."""
    names = get_day_names("wide", locale=BABEL_LOCALES.get(lang, "es_MX"))
    parts = []
    for days, spans in hours.items():
        first, _, last = days.partition("-")
        label = str(names[DAYS.index(first.strip())])
        if last:
            label = say(lang, N_("{first} a {last}"), first=label, last=names[DAYS.index(last.strip())])
        parts.append(f"{label} {spans}")
    return "; ".join(parts)


def _languages(center: Center, lang: str) -> str:
    known = Locale.parse(BABEL_LOCALES.get(lang, "es_MX")).languages
    return ", ".join(str(known.get(code, code)) for code in center.languages)


# -- actions ----------------------------------------------------------------------------------

@ACTIONS.action("centers.resolve_state", provides=("mx_state", "mx_state_name"), outcomes=("ok", "unknown"))
def resolve_state(ctx: ActionContext[Assets]) -> ActionResult:
    """Reconoce el estado que escribió (no guarda lo que escribió).

    Read the state she typed (saved in `state_text`); the raw text is not kept."""
    found = ctx.assets.states.find(str(ctx.vars.get("state_text") or ""))
    if found is None:
        return ActionResult(vars={"state_text": None}, outcome="unknown")
    return ActionResult(vars={"mx_state": found.code, "mx_state_name": found.name, "state_text": None},
                        outcome="ok")


@ACTIONS.action("centers.in_state", provides=("found",))
def in_state(ctx: ActionContext[Assets]) -> ActionResult:
    """Busca los lugares que atienden su estado (y el servicio que eligió).

    The places serving her state (for the service she chose, when she searched by service)."""
    service = ctx.vars.get("service") if ctx.vars.get("search_by") == "service" else None
    directory, state = ctx.assets.directory, ctx.vars.get("mx_state_name", "")
    places = directory.in_state(ctx.vars.get("mx_state"), service)
    header = say(ctx.lang, N_("Esto encontré en {state}:"), state=state)
    if not places and service:
        # Better a center in another state than nothing: some help by phone or WhatsApp.
        places = [c for c in directory.centers if service in c.services]
        header = say(ctx.lang, N_("No encontré eso en {state}. Esto hay en otros estados:"), state=state)
    if not places:
        return ActionResult(vars={"found": _other_ways(ctx.lang)},
                            say=(say(ctx.lang, N_("No encontré lugares para eso en tu estado.")),))
    texts = [describe(c, ctx.lang, i + 1) for i, c in enumerate(places)]
    return ActionResult(vars={"found": _send_options(ctx, places) + _other_ways(ctx.lang)},
                        say=(header, *texts))


@ACTIONS.action("centers.nearest", provides=("found",))
def nearest(ctx: ActionContext[Assets]) -> ActionResult:
    """Busca los tres lugares más cercanos a la ubicación que compartió.

    The three places nearest to the location she shared, with distances; the location is dropped."""
    where = ctx.vars.get("where") or {}
    found = ctx.assets.directory.nearest(float(where.get("lat", 0)), float(where.get("lon", 0))) \
        if where else []
    if not found:
        return ActionResult(vars={"where": None, "found": _other_ways(ctx.lang)},
                            say=(say(ctx.lang, N_("Todavía no tengo centros con ubicación. "
                                                  "Busca por estado, por favor.")),))
    header = say(ctx.lang, N_("Estos son los más cercanos a ti:"))
    texts = [describe(c, ctx.lang, i + 1, km) for i, (c, km) in enumerate(found)]
    options = _send_options(ctx, [c for c, _ in found]) + _other_ways(ctx.lang)
    return ActionResult(vars={"where": None, "found": options}, say=(header, *texts))


def _send_options(ctx: ActionContext[Assets], places: Sequence[Center]) -> list[Option]:
    """One "send my summary" button per worker center; into the referral, or the guide first."""
    target = "complaint.check_center" if ctx.vars.get("case_ready") else "complaint"
    return [{"label": say(ctx.lang, N_("Mandar mi resumen al centro {n}"), n=i + 1),
             "value": c.id, "go": target}
            for i, c in enumerate(places) if c.takes_referrals]


def _other_ways(lang: str) -> list[Option]:
    return [{"label": translate(lang, N_("Buscar de otra forma")), "value": "", "go": "centers"},
            {"label": translate(lang, N_("Volver al menú")), "value": "", "go": "main.menu"}]
