"""Actions of the workshops flow: pure, they read the workshop table and the clock.

The actions are pure: they read the loaded `WorkshopTable` (`ctx.assets.workshops`) and
`ctx.now`. Taking a seat, cancelling and listing her sign-ups are requests of `await:`
states, answered by the resolvers in `bot.workshops.resolvers` before the service's one commit. Personal
answers (name, workplace…) never go to the seat keeper: `workshops.record` writes them as a
`signup` record, which "delete my data" blanks with her other records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.assets import Assets
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.inputs import read_yes_no
from bot.core.turn import Effect
from bot.i18n import N_, translate
from bot.workshops.table import Workshop, WorkshopTable, short_day, when_text

ACTIONS = ActionCatalog()
# What the seat keeper answers (`bot.workshops.resolvers`), for `await:` states.
ACTIONS.request("availability", outcomes=("open", "full", "already", "already_waiting"),
                provides=("seats_left", "waiting", "code", "place"),
                description="Cuántos lugares quedan y si ella ya tiene lugar o está en espera.\n\n"
                "How many seats are left, and whether she already holds a place or waits.")
ACTIONS.request("seat", outcomes=("confirmed", "waitlisted", "already"), provides=("code", "place"),
                description="Le aparta un lugar, o uno en la lista de espera si está lleno.\n\n"
                "Takes a seat for her, or a waitlist place when it is full.")
ACTIONS.request("cancel", outcomes=("cancelled", "none"),
                description="Devuelve su lugar; lo toma la primera de la lista de espera.\n\n"
                "Gives her place back; the first on the waitlist gets it.")
ACTIONS.request("my_signups", outcomes=("some", "none"), provides=("my_signups",),
                description="Sus lugares en los talleres que no han pasado.\n\n"
                "Her places in the workshops that are not over.")

PERSONAL = ("ws_name", "ws_workplace", "ws_industry", "ws_childcare_needed", "ws_access")
DESCRIBED = ("ws_title", "ws_description", "ws_when", "ws_place", "ws_place_full", "ws_childcare")
LABEL_MAX = 40  # a longer button label is cut off on a phone's Telegram keyboard
MY_WORKSHOPS = N_("Mis inscripciones")
MAIN_MENU = N_("Menú principal")


def _table(ctx: ActionContext[Assets]) -> WorkshopTable:
    return ctx.assets.workshops


def _picked(ctx: ActionContext[Assets]) -> Workshop | None:
    return _table(ctx).get(ctx.vars.get("workshop_id"))


def _label(ws: Workshop, lang: str) -> str:
    label = f"{short_day(ws, lang)} · {translate(lang, ws.title)}"
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def describe(ws: Workshop, lang: str, now: datetime) -> dict[str, str]:
    """The `ws_*` texts the flow shows, in her language and the workshop's time zone."""
    def _(text: str) -> str:
        return translate(lang, text)

    place = ws.place or _(N_("En línea, por videollamada"))
    return {
        "ws_title": _(ws.title),
        "ws_description": _(ws.description),
        "ws_when": when_text(ws, lang, now),
        "ws_place": place if ws.place else _(N_("En línea (te doy el enlace al inscribirte)")),
        "ws_place_full": place if ws.place else f"{place}: {ws.online_url}",
        "ws_childcare": _(N_("Hay cuidado de niñas y niños.") if ws.childcare
                          else N_("No hay cuidado de niñas y niños.")),
    }


def _terms(ws: Workshop | None, ctx: ActionContext[Assets]) -> dict[str, Any]:
    """The request parameters every seat script needs; a removed workshop gives no seats."""
    return {"workshop": ws.id if ws else str(ctx.vars.get("workshop_id", "")),
            "capacity": ws.capacity if ws else 0,
            "starts": int(ws.starts_at.timestamp()) if ws else 0,
            "now": int(ctx.now.timestamp())}


@ACTIONS.action("workshops.any_upcoming", outcomes=("some", "none"))
def any_upcoming(ctx: ActionContext[Assets]) -> ActionResult:
    """Dice si hay algún taller con inscripciones abiertas.

    Whether any workshop still takes sign-ups."""
    return ActionResult(outcome="some" if _table(ctx).upcoming(ctx.now) else "none")


@ACTIONS.action("workshops.upcoming", provides=("workshop_options",), goes_to=("workshops.mine", "main.menu"))
def upcoming(ctx: ActionContext[Assets]) -> ActionResult:
    """Arma las opciones con los talleres abiertos.

    The workshops still taking sign-ups as options, then "my sign-ups" and the menu."""
    options: list[dict[str, Any]] = [{"label": _label(w, ctx.lang), "value": w.id}
                                      for w in _table(ctx).upcoming(ctx.now)]
    options += [{"label": translate(ctx.lang, MY_WORKSHOPS), "value": "mine", "go": "mine"},
                {"label": translate(ctx.lang, MAIN_MENU), "value": "menu", "go": "main.menu"}]
    return ActionResult(vars={"workshop_options": options})


@ACTIONS.action("workshops.check", provides=DESCRIBED, outcomes=("open", "closed", "past", "removed"))
def check(ctx: ActionContext[Assets]) -> ActionResult:
    """Describe el taller elegido y dice si todavía se puede inscribir.

    Describe the chosen workshop, and say whether she can still sign up."""
    ws = _picked(ctx)
    if ws is None:
        return ActionResult(outcome="removed")
    outcome = "open" if ws.open_at(ctx.now) else "past" if ctx.now >= ws.ends_at else "closed"
    return ActionResult(vars=describe(ws, ctx.lang, ctx.now), outcome=outcome)


@ACTIONS.action("workshops.availability")
def availability(ctx: ActionContext[Assets]) -> ActionResult:
    """Pregunta cuántos lugares quedan y si ella ya tiene lugar.

    Ask how many seats are left, and whether she already holds a place."""
    return ActionResult(request=_terms(_picked(ctx), ctx))


@ACTIONS.action("workshops.new_attempt", provides=("ws_nonce", *PERSONAL))
def new_attempt(ctx: ActionContext[Assets]) -> ActionResult:
    """Empieza una inscripción o cancelación nueva, sin respuestas de antes.

    Start a sign-up or a cancellation: a fresh id for it, and no answers left from before."""
    return ActionResult(vars={"ws_nonce": ctx.now.isoformat(), **dict.fromkeys(PERSONAL, "")})


@ACTIONS.action("workshops.childcare_offered", outcomes=("offered", "not_offered"))
def childcare_offered(ctx: ActionContext[Assets]) -> ActionResult:
    """Dice si el taller ofrece cuidado de niñas y niños.

    Whether the chosen workshop offers childcare."""
    ws = _picked(ctx)
    return ActionResult(outcome="offered" if ws and ws.childcare else "not_offered")


@ACTIONS.action("workshops.take_seat")
def take_seat(ctx: ActionContext[Assets]) -> ActionResult:
    """Pide un lugar, o uno en la lista de espera si está lleno.

    Ask for a seat, or a waitlist place when it is full."""
    return ActionResult(request={**_terms(_picked(ctx), ctx), "nonce": str(ctx.vars.get("ws_nonce", "")),
                                 "lang": ctx.lang, "discreet": ctx.vars.get("ws_discreet") == "yes"})


@ACTIONS.action("workshops.record")
def record(ctx: ActionContext[Assets]) -> ActionResult:
    """Guarda la inscripción que el equipo exporta (sus datos solo si aceptó).

    The sign-up record staff export: her answers only if she consented (else none were kept)."""
    answers = {name[3:]: value for name in PERSONAL
               if (value := _kept(ctx.vars.get(name))) is not None}
    data = {"workshop": str(ctx.vars.get("workshop_id")), "code": ctx.vars.get("code"),
            "waitlisted": bool(ctx.vars.get("place")), "lang": ctx.lang,
            "discreet": ctx.vars.get("ws_discreet") == "yes", "at": ctx.now.isoformat(), **answers}
    return ActionResult(effects=(Effect("signup", data),))


def _kept(value: Any) -> Any:
    """An answer worth keeping: not empty, and not a "no" to an optional question."""
    if value is None or value == "" or value == "sin_dato":
        return None
    if isinstance(value, str) and read_yes_no(value) is False:
        return None
    return value


@ACTIONS.action("workshops.request_mine")
def request_mine(ctx: ActionContext[Assets]) -> ActionResult:
    """Pide sus lugares en los talleres que no han pasado.

    Ask for her places in the workshops that are not over."""
    return ActionResult(request={"workshops": [w.id for w in _table(ctx).current(ctx.now)]})


@ACTIONS.action("workshops.signup_options", provides=("signup_options",), goes_to=("main.menu",))
def signup_options(ctx: ActionContext[Assets]) -> ActionResult:
    """Arma las opciones con sus inscripciones.

    Her sign-ups, as options, and the menu."""
    table = _table(ctx)
    options: list[dict[str, Any]] = [
        {"label": _label(ws, ctx.lang), "value": ws.id}
        for place in ctx.vars.get("my_signups") or () if (ws := table.get(place["workshop"]))]
    options.append({"label": translate(ctx.lang, MAIN_MENU), "value": "menu", "go": "main.menu"})
    return ActionResult(vars={"signup_options": options})


@ACTIONS.action("workshops.signup_detail", provides=(*DESCRIBED, "code", "place"),
        outcomes=("confirmed", "waiting", "removed"))
def signup_detail(ctx: ActionContext[Assets]) -> ActionResult:
    """Describe una de sus inscripciones: confirmada o en espera.

    Describe one of her sign-ups: confirmed or waiting."""
    ws = _picked(ctx)
    held = next((p for p in ctx.vars.get("my_signups") or () if ws and p["workshop"] == ws.id), None)
    if ws is None or held is None:
        return ActionResult(outcome="removed")
    return ActionResult(vars={**describe(ws, ctx.lang, ctx.now), "code": held["code"],
                              "place": held["place"]}, outcome=str(held["status"]))


@ACTIONS.action("workshops.cancel_seat")
def cancel_seat(ctx: ActionContext[Assets]) -> ActionResult:
    """Pide devolver su lugar; lo toma la primera de la lista de espera.

    Ask to give her place back; the first on the waitlist gets it."""
    return ActionResult(request={**_terms(_picked(ctx), ctx), "nonce": str(ctx.vars.get("ws_nonce", ""))})
