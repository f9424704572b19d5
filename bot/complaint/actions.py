"""Actions of the complaint guide: safety first, her summary, and the referral to a worker center.

`complaint.summary` turns her answers into four messages (deadlines, where to go, what to
gather, the summary card she can keep or forward); `complaint.refer` writes the referral
record, with a reference code, once she agrees to send it. Nothing she chose not to give
appears anywhere, and answers like "no" to an optional question are dropped, not stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.assets import Assets
from bot.complaint.centers import describe, say
from bot.complaint.deadlines import Deadline, Situation, deadline_for, situation_of
from bot.complaint.directory import CenterKind, Contact, ContactType, PublicSystem
from bot.complaint.mxstates import StateTable
from bot.complaint.rules import (
    ALWAYS_BRING,
    DOCUMENTS,
    INDUSTRY_LABELS,
    KIND_LABELS,
    REPORTS,
    Jurisdiction,
    Kind,
    Office,
    jurisdiction,
    kind_of,
    offices,
)
from bot.core.actions import ActionCatalog, ActionContext, ActionResult
from bot.core.phones import phone_text
from bot.core.textnorm import normalize
from bot.core.turn import Effect
from bot.i18n import N_, format_day, translate

ACTIONS = ActionCatalog()

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud on the phone
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11 codes: short to say, not guessable
PERSONAL_FIELDS = ("name", "employer", "summary")  # what "delete my data" blanks in her referrals
SKIP_ANSWERS = frozenset({
    "", "no", "n", "nada", "ninguno", "ninguna", "no quiero", "no gracias", "prefiero no decir",
    "prefiero no decirlo", "paso", "saltar", "omitir", "anonimo", "anonima", "skip", "none",
    "no thanks", "pass", "rather not say",
})
CONTACT_LABELS: dict[ContactType, str] = {
    ContactType.EMERGENCY: N_("Emergencias (policía, ambulancia, bomberos)"),
    ContactType.TRAFFICKING: N_("Línea contra la trata de personas"),
    ContactType.VIOLENCE_AGAINST_WOMEN: N_("Línea de apoyo para mujeres"),
    ContactType.CHILDREN: N_("Línea para niñas, niños y adolescentes"),
    ContactType.ANONYMOUS_REPORT: N_("Denuncia anónima"),
}
SYSTEM_TEXTS: dict[str, str] = {
    "conciliation_federal_online": N_("Puedes pedir la conciliación por internet:"),
    "conciliation_online": N_("Puedes pedir la conciliación por internet:"),
    "cba_registry": N_("Ahí puedes leer tu contrato colectivo y los datos de tu sindicato:"),
    "siqal": N_("Puedes denunciar a la inspección del trabajo por internet, también sin dar tu nombre:"),
    "rrm_hotline": N_("Si tu empresa vende a Estados Unidos y no los dejan tener un sindicato libre "
                      "o negociar su contrato, puedes avisar al gobierno de Estados Unidos "
                      "(Mecanismo Laboral de Respuesta Rápida del T-MEC), también sin dar tu nombre:"),
}


def given(vars: Mapping[str, Any], name: str) -> str | None:
    """An optional answer she actually gave; "no", "nada", "prefiero no decir"… count as none."""
    value = vars.get(name)
    if value is None or normalize(str(value)) in SKIP_ANSWERS:
        return None
    return str(value).strip()


def reference_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# -- starting, and safety first ---------------------------------------------------------------

ANSWERS = ("kind", "situation", "understood", "event_date", "industry", "mx_state", "mx_state_name",
           "exports", "employer", "anonymous", "name", "story", "case_ready", "ref_code", "center_name")


@ACTIONS.action("complaint.start")
def start(ctx: ActionContext[Assets]) -> ActionResult:
    """Empieza una queja nueva: borra las respuestas de una anterior.

    A new complaint forgets the answers of an earlier one (a center chosen before is kept)."""
    return ActionResult(vars=dict.fromkeys((n for n in ANSWERS if n in ctx.vars), None))


@ACTIONS.action("complaint.route", outcomes=tuple(k.value for k in Kind))
def route(ctx: ActionContext[Assets]) -> ActionResult:
    """Sigue según el tipo de problema (cada tipo es un resultado de «on:»).

    Go on by kind of problem (the flow's `on:` maps each kind to its next state)."""
    return ActionResult(outcome=kind_of(ctx.vars.get("kind")).value)


@ACTIONS.action("complaint.danger")
def danger(ctx: ActionContext[Assets]) -> ActionResult:
    """Qué hacer si hay peligro ahora, con los teléfonos de emergencia.

    What to do in danger right now, with the emergency lines staff keep in contacts.yaml."""
    kind = kind_of(ctx.vars.get("kind"))
    opening = N_("Si una niña, un niño o un adolescente está en peligro ahora, pide ayuda:") \
        if kind is Kind.CHILD_LABOR else N_("Si estás en peligro ahora, pide ayuda:")
    lines = [translate(ctx.lang, opening)]
    lines += [_contact_line(c, ctx.lang) for c in ctx.assets.contacts.contacts_for(kind.value)
              if not c.check and c.phone]
    texts = ["\n".join(lines)]
    if kind is Kind.FORCED_LABOR:
        texts.append(say(ctx.lang, N_("Si te quitaron tus documentos, te amenazan o no te dejan irte, "
                                      "no es tu culpa. La ley lo prohíbe.")))
    elif kind is Kind.HARASSMENT:
        texts.append(say(ctx.lang, N_("Lo que te pasó no es tu culpa.")))
    texts.append(say(ctx.lang, N_("Si alguien más revisa tu teléfono: al terminar, escribe *borrar "
                                  "mis datos* y borra también este chat.")))
    return ActionResult(say=tuple(texts))


def _contact_line(contact: Contact, lang: str) -> str:
    label = CONTACT_LABELS.get(contact.type)
    name = translate(lang, label) if label else contact.name
    line = f"• {name}: *{phone_text(contact.phone or '')}*"
    return line + say(lang, N_(", las 24 horas")) if contact.always_open else line


@ACTIONS.action("complaint.general_info")
def general_info(ctx: ActionContext[Assets]) -> ActionResult:
    """Dice a dónde ir sin guardar ni preguntar nada personal.

    Where to go, without storing or asking anything personal (she said no to storing)."""
    return ActionResult(say=(_where_to_go(ctx, kind_of(ctx.vars.get("kind"))),))


# -- her situation and the date it counts from -------------------------------------------------

@ACTIONS.action("complaint.dismissed", provides=("situation",))
def dismissed(ctx: ActionContext[Assets]) -> ActionResult:
    """Anota que la despidieron (eligió «Me despidieron»).

    She chose "Me despidieron": her situation is known; the echo-back lets her change it."""
    return ActionResult(vars={"situation": Situation.DISMISSED.value})


# Which question asks for the date her deadline counts from, by situation (and, when she still
# works there, by kind of problem); "none" when no date will be printed, "ask" when the
# situation is missing (a staff edit): ask it again.
DATE_QUESTIONS = ("dismissed", "left", "work_accident", "wages", "harassment", "other", "none", "ask")


@ACTIONS.action("complaint.date_route", outcomes=DATE_QUESTIONS)
def date_route(ctx: ActionContext[Assets]) -> ActionResult:
    """Lleva a la pregunta de fecha que corresponde a lo que le pasó.

    Go to the date question that fits her situation: the dismissal, the day she learned of the
    employer's fault (not her last day), the accident, or the first payment or event."""
    kind, situation = kind_of(ctx.vars.get("kind")), situation_of(ctx.vars.get("situation"))
    if kind in (Kind.UNION, Kind.CHILD_LABOR, Kind.FORCED_LABOR):
        return ActionResult(outcome="none")
    if situation is None or situation is Situation.UNION:
        return ActionResult(outcome="ask")
    if situation is not Situation.STILL_WORKING:
        return ActionResult(outcome=situation.value)
    if kind is Kind.SAFETY:  # still there: a report to the inspection, with no date of its own
        return ActionResult(vars={"event_date": None}, outcome="none")
    return ActionResult(outcome=kind.value if kind in (Kind.WAGES, Kind.HARASSMENT) else "other")


UNDERSTOOD: dict[Situation, str] = {
    Situation.DISMISSED: N_("Entendí: te despidieron el {date}."),
    Situation.LEFT: N_("Entendí: dejaste el trabajo por lo que hizo el patrón, y eso pasó el {date}."),
    Situation.STILL_WORKING: N_("Entendí: sigues trabajando ahí, y pasó por primera vez el {date}."),
    Situation.WORK_ACCIDENT: N_("Entendí: el accidente o la enfermedad de trabajo fue el {date}."),
}
UNDERSTOOD_WAGES = N_("Entendí: sigues trabajando ahí, y el primer pago que no te hicieron era del "
                      "{date}.")


@ACTIONS.action("complaint.understood", provides=("understood",), outcomes=("ask", "none"))
def understood(ctx: ActionContext[Assets]) -> ActionResult:
    """Repite en una línea lo que entendió, antes de dar una fecha límite.

    One line saying back what she told us, for her to confirm before any deadline is given."""
    situation, day = situation_of(ctx.vars.get("situation")), _event_day(ctx.vars)
    if situation is None or situation is Situation.UNION or day is None:
        return ActionResult(vars={"understood": None}, outcome="none")
    template = UNDERSTOOD_WAGES if situation is Situation.STILL_WORKING \
        and kind_of(ctx.vars.get("kind")) is Kind.WAGES else UNDERSTOOD[situation]
    return ActionResult(vars={"understood": say(ctx.lang, template, date=format_day(day, ctx.lang))},
                        outcome="ask")


# -- the summary ---------------------------------------------------------------------------------

@ACTIONS.action("complaint.summary", provides=("case_ready",))
def summary(ctx: ActionContext[Assets]) -> ActionResult:
    """Da la fecha límite, a dónde ir, qué juntar y el resumen de su caso.

    Deadlines, where to go, what to gather, and the summary card; drops skipped answers."""
    kind = kind_of(ctx.vars.get("kind"))
    cleaned = {name: given(ctx.vars, name) for name in ("employer", "name", "story")}
    answers = {**ctx.vars, **cleaned}
    texts = (_deadline_text(ctx, kind), _where_to_go(ctx, kind), _documents_text(ctx.lang, kind),
             summary_card(answers, ctx.lang, ctx.today, ctx.assets.states))
    return ActionResult(vars={**cleaned, "case_ready": True}, say=texts)


def _event_day(vars: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(vars.get("event_date")))
    except ValueError:
        return None


def deadline_of(vars: Mapping[str, Any]) -> Deadline | None:
    """Her deadline from the one model, by her situation and date; None when none is given.

    Union matters always get the model's "no date, a person today"; reports to an authority
    (child or forced labor, dangerous work while she still works there) and answers without a
    situation or a date get none.
    """
    kind = kind_of(vars.get("kind"))
    if kind is Kind.UNION:
        return deadline_for(Situation.UNION, date.min)  # the day is ignored: no date
    situation, day = situation_of(vars.get("situation")), _event_day(vars)
    if kind in (Kind.CHILD_LABOR, Kind.FORCED_LABOR) or situation in (None, Situation.UNION) \
            or day is None:
        return None
    assert situation is not None
    return deadline_for(situation, day)


def _deadline_text(ctx: ActionContext[Assets], kind: Kind) -> str:
    found = deadline_of(ctx.vars)
    if found is None:
        return "\n".join([translate(ctx.lang, N_("*Cuándo actuar*")),
                           *(translate(ctx.lang, note) for note in _report_notes(kind))])
    if found.last_day is None:  # union matters: no date at all
        return "\n".join([translate(ctx.lang, N_("*Cuándo actuar*")),
                           translate(ctx.lang, found.explanation),
                           translate(ctx.lang, N_("Escribe *persona* para hablar con alguien hoy."))])
    today = ctx.today
    left = found.days_left(today)
    assert left is not None
    day = format_day(found.last_day, ctx.lang)
    lines = [translate(ctx.lang, N_("*Tu fecha límite*"))]
    if found.situation is Situation.STILL_WORKING and left < 0:
        # An ongoing problem is never "vencido": only the oldest payments are past their year.
        lines.append(say(ctx.lang, N_("Eso fue hace más de un año, pero tu caso no está vencido: "
                                      "cada pago que no te hicieron tiene su propio año. Reclama ya "
                                      "los pagos de los últimos 12 meses, y habla con una persona: "
                                      "escribe *persona*.")))
    elif left < 0:
        lines.append(say(ctx.lang, N_("El plazo para reclamar venció el {date}. Aun así, habla con una "
                                      "persona: puede haber algo que hacer. Escribe *persona*."),
                         date=day))
    else:
        lines.append(say(ctx.lang, found.explanation, date=day))
        if left == 0:
            lines.append(translate(ctx.lang, N_("Hoy es el último día: ve hoy mismo o escribe "
                                                "*persona*.")))
        elif left == 1:
            lines.append(translate(ctx.lang, N_("Falta 1 día.")))
        else:
            lines.append(say(ctx.lang, N_("Faltan {days} días."), days=left))
    lines += [translate(ctx.lang, note) for note in _situation_notes(found.situation)]
    lines.append(say(ctx.lang, N_("Ley: {article}."), article=found.article))
    return "\n".join(lines)


def _situation_notes(situation: Situation) -> list[str]:
    """What else she must know, by situation; the conciliation note for every dated deadline."""
    other_payments = N_("Otros pagos que te deban, como aguinaldo o vacaciones, se pueden reclamar "
                        "hasta un año después de la fecha en que te los debían pagar.")
    notes = {
        Situation.DISMISSED: [other_payments],
        Situation.LEFT: [other_payments],
        Situation.STILL_WORKING: [N_("Si dejas el trabajo porque el patrón no te paga, te bajó el "
                                     "sueldo, te acosa o te pone en peligro, tienes solo 1 mes desde "
                                     "que pasó, y no firmes una renuncia. Habla antes con una "
                                     "persona.")],
    }.get(situation, [])
    return [*notes, N_("Pedir la conciliación detiene el plazo. No esperes al último día.")]


def _report_notes(kind: Kind) -> list[str]:
    if kind in REPORTS:
        return [N_("Para denunciar no esperes: hazlo lo antes posible. Si además te deben dinero, "
                   "pregunta a una persona por el plazo.")]
    return [N_("Pregunta a una persona por tu plazo: escribe *persona*.")]


def _where_to_go(ctx: ActionContext[Assets], kind: Kind) -> str:
    where = jurisdiction(ctx.vars.get("industry"))
    lines = [translate(ctx.lang, N_("*A dónde ir*"))]
    for office in offices(kind, ctx.vars.get("exports")):
        lines += _office_lines(ctx, office, where)
    if kind is Kind.HARASSMENT:
        lines.append(say(ctx.lang, N_("En casos de acoso o discriminación no tienes que pedir primero "
                                      "la conciliación: una procuraduría te ayuda gratis a decidir.")))
    if where is Jurisdiction.FEDERAL and Office.CONCILIATION in offices(kind):
        lines.append(say(ctx.lang, N_("Tu caso va al centro federal porque tu industria es federal "
                                      "(LFT Art. 527).")))
    elif where is Jurisdiction.UNKNOWN and Office.CONCILIATION in offices(kind):
        lines.append(say(ctx.lang, N_("Si tu caso es federal, en el centro de tu estado te dicen a "
                                      "dónde ir.")))
    return "\n".join(lines)


def _office_lines(ctx: ActionContext[Assets], office: Office, where: Jurisdiction) -> list[str]:
    federal = where is Jurisdiction.FEDERAL
    if office is Office.CONCILIATION:
        kind = CenterKind.CONCILIATION_FEDERAL if federal else CenterKind.CONCILIATION_STATE
        system = "conciliation_federal_online" if federal else "conciliation_online"
        return _place(ctx, kind, N_("El Centro de Conciliación Laboral de {state}"),
                      N_("ahí pides la conciliación, gratis y sin abogado.")) + _system(ctx, system)
    if office is Office.DEFENSE:
        kind = CenterKind.DEFENSE_FEDERAL if federal else CenterKind.DEFENSE_STATE
        return _place(ctx, kind, N_("La Procuraduría de la Defensa del Trabajo de {state}"),
                      N_("te asesora y te defiende gratis."))
    if office is Office.INSPECTION:
        return [say(ctx.lang, N_("• La inspección del trabajo (STPS) revisa las condiciones de trabajo "
                                 "y puede multar a la empresa."))] + _system(ctx, "siqal")
    if office is Office.REGISTRY:
        return [say(ctx.lang, N_("• El Centro Federal de Conciliación y Registro Laboral lleva el "
                                 "registro de todos los sindicatos y contratos colectivos."))] \
            + _system(ctx, "cba_registry")
    if office is Office.RAPID_RESPONSE:
        return _system(ctx, "rrm_hotline")
    return [_contact_line(c, ctx.lang) for c in ctx.assets.contacts.contacts_for("all")
            if not c.check and c.phone]


def _place(ctx: ActionContext[Assets], kind: CenterKind, generic: str, purpose: str) -> list[str]:
    """The directory's office of that kind for her state, or the office named generically."""
    state = ctx.vars.get("mx_state")
    found = ctx.assets.directory.of_kind(kind, str(state) if state else None)
    if not found:
        name = ctx.vars.get("mx_state_name") or translate(ctx.lang, N_("tu estado"))
        return [f"• {say(ctx.lang, generic, state=name)}: {translate(ctx.lang, purpose)}"]
    office = found[0]
    lines = [f"• *{office.name}*: {translate(ctx.lang, purpose)}"]
    if office.phone and not office.check:
        lines.append("  " + say(ctx.lang, N_("Teléfono: {phone}"), phone=phone_text(office.phone)))
    if office.web:
        lines.append(f"  {office.web}")
    return lines


def _system(ctx: ActionContext[Assets], system_id: str) -> list[str]:
    """A public system as one line; unconfirmed (`check: true`) ones by name, without the address."""
    entry = ctx.assets.public_systems.get(system_id)
    if not isinstance(entry, PublicSystem):
        return []
    text = SYSTEM_TEXTS.get(system_id)
    intro = translate(ctx.lang, text) if text else ""
    where = entry.url if entry.url and not entry.check else entry.name
    return [f"  {intro} {where}".rstrip()]


def _documents_text(lang: str, kind: Kind) -> str:
    items = list(DOCUMENTS[kind])
    if kind not in (Kind.SAFETY, Kind.CHILD_LABOR):
        items.insert(0, ALWAYS_BRING)
    lines = [translate(lang, N_("*Qué juntar*"))] + [f"• {translate(lang, i)}" for i in items]
    lines.append(translate(lang, N_("Guarda copias o fotos y no entregues tus originales.")))
    return "\n".join(lines)


def summary_card(vars: Mapping[str, Any], lang: str, today: date, states: StateTable) -> str:
    """The written summary of her case: only what she gave, in her language."""
    kind = kind_of(vars.get("kind"))
    rows = [(N_("Problema"), translate(lang, KIND_LABELS[kind]))]
    day = _event_day(vars)
    if day:
        rows.append((N_("Fecha"), format_day(day, lang)))
    industry = vars.get("industry")
    if industry in INDUSTRY_LABELS:
        rows.append((N_("Trabajo"), translate(lang, INDUSTRY_LABELS[str(industry)])))
    if vars.get("mx_state"):
        rows.append((N_("Estado"), states.name_of(str(vars["mx_state"]))))
    name = None if vars.get("anonymous") else given(vars, "name")
    for label, value in ((N_("Empresa"), given(vars, "employer")), (N_("Nombre"), name),
                         (N_("Lo que pasó"), given(vars, "story"))):
        if value:
            rows.append((label, value))
    if not name:
        rows.append((N_("Queja anónima"), translate(lang, N_("sí, sin tu nombre"))))
    found = deadline_of(vars)
    if found is not None:
        rows.append((N_("Fecha límite"), _card_deadline(found, lang, today)))
    lines = [translate(lang, N_("*Resumen de tu caso*"))]
    lines += [f"{translate(lang, label)}: {value}" for label, value in rows]
    lines.append(say(lang, N_("Hecho con el bot de derechos laborales el {date}. Es información "
                              "general, no asesoría legal."), date=format_day(today, lang)))
    return "\n".join(lines)


def _card_deadline(found: Deadline, lang: str, today: date) -> str:
    """The card's deadline row: what she shows at the office, so never a date that misleads."""
    if found.last_day is None:
        return say(lang, N_("no hay una sola fecha; pregunta hoy a una persona ({article})"),
                   article=found.article)
    if found.situation is Situation.STILL_WORKING and (found.days_left(today) or 0) < 0:
        return say(lang, N_("cada pago tiene su propio año; reclama ya los de los últimos 12 meses "
                            "({article})"), article=found.article)
    return f"{format_day(found.last_day, lang)} ({found.article})"


# -- the referral to a worker center ----------------------------------------------------------------

def _options(ctx: ActionContext[Assets]) -> list[dict[str, str]]:
    """Worker centers for her state, the one she chose before first; then "better not"."""
    directory = ctx.assets.directory
    centers = directory.worker_centers(ctx.vars.get("mx_state"))
    chosen = directory.get(ctx.vars.get("center"))
    if chosen is not None and chosen.takes_referrals:
        centers = [chosen] + [c for c in centers if c.id != chosen.id]
    options = [{"label": c.name[:40], "value": c.id} for c in centers]
    return options + [{"label": translate(ctx.lang, N_("Mejor no lo mando")), "value": "",
                       "go": "not_sent"}]


@ACTIONS.action("complaint.find_centers", outcomes=("found", "none"))
def find_centers(ctx: ActionContext[Assets]) -> ActionResult:
    """Dice si hay algún centro de trabajadores al que mandar su resumen.

    Whether there is any worker center to send her summary to."""
    return ActionResult(outcome="found" if len(_options(ctx)) > 1 else "none")


@ACTIONS.action("complaint.centers", provides=("centers",))
def centers(ctx: ActionContext[Assets]) -> ActionResult:
    """Arma las opciones con los centros a los que puede mandar su resumen.

    The worker centers she can send her summary to, as options, each described."""
    directory = ctx.assets.directory
    options = _options(ctx)
    texts = [describe(c, ctx.lang, i + 1) for i, o in enumerate(options)
             if (c := directory.get(o["value"])) is not None]
    return ActionResult(vars={"centers": options}, say=tuple(texts))


@ACTIONS.action("complaint.check_center", provides=("center_name",), outcomes=("ok", "gone"))
def check_center(ctx: ActionContext[Assets]) -> ActionResult:
    """Revisa que el centro elegido siga en el directorio.

    The chosen center is still in the directory (staff may have removed it meanwhile)."""
    center = ctx.assets.directory.get(ctx.vars.get("center"))
    if center is None or not center.takes_referrals:
        return ActionResult(vars={"center": None}, outcome="gone")
    return ActionResult(vars={"center_name": center.name}, outcome="ok")


@ACTIONS.action("complaint.refer", provides=("ref_code", "center_name"), outcomes=("sent", "gone"))
def refer(ctx: ActionContext[Assets]) -> ActionResult:
    """Manda su resumen al centro elegido y le da un código.

    Write the referral to the center's queue, with a reference code she keeps."""
    center = ctx.assets.directory.get(ctx.vars.get("center"))
    if center is None or not center.takes_referrals:
        return ActionResult(vars={"center": None}, outcome="gone")
    code = reference_code()
    record: dict[str, Any] = {
        "center": center.id, "code": code, "kind": kind_of(ctx.vars.get("kind")).value,
        "state": ctx.vars.get("mx_state"), "contact_channel": ctx.channel, "lang": ctx.lang,
        "at": ctx.now.isoformat(),
        "summary": summary_card(ctx.vars, ctx.lang, ctx.today, ctx.assets.states),
        "personal": list(PERSONAL_FIELDS),
    }
    if given(ctx.vars, "employer"):
        record["employer"] = given(ctx.vars, "employer")
    if given(ctx.vars, "name") and not ctx.vars.get("anonymous"):
        record["name"] = given(ctx.vars, "name")  # anonymous: the center never sees her name
    return ActionResult(vars={"ref_code": code, "center_name": center.name},
                        effects=(Effect("referral", record),), outcome="sent")
