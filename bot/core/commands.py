"""Global commands a worker can say in any state and in either language, and what the bot answers.

A command is recognised when the whole message is one of its words (accents, case and
punctuation ignored), or when a button carries the value `cmd:<name>`. Asking for a person
inside a sentence ("necesito un abogado ya") is found by `bot.core.intents`.
"""

from __future__ import annotations

from enum import StrEnum

from bot.core.textnorm import normalize
from bot.i18n import N_


class Command(StrEnum):
    MENU = "menu"
    HELP = "help"
    PERSON = "person"
    LANGUAGE = "language"
    STOP = "stop"
    FORGET = "forget"


WORDS: dict[Command, tuple[str, ...]] = {
    Command.MENU: ("menu", "menú", "inicio", "menu principal", "volver al menu", "regresar al menu",
                   "main menu", "home", "start", "/start", "/menu"),
    Command.HELP: ("ayuda", "ayudame", "help", "/help", "?"),
    Command.PERSON: ("persona", "hablar con una persona", "quiero hablar con una persona", "asesor",
                     "asesora", "humano", "agente", "abogado", "abogada", "un abogado",
                     "hablar con alguien", "quiero hablar con alguien", "person", "human", "agent",
                     "lawyer", "talk to a person", "talk to someone", "/persona"),
    Command.LANGUAGE: ("idioma", "cambiar idioma", "language", "change language", "/idioma",
                       "/language"),
    Command.STOP: ("stop", "baja", "alto", "parar", "no me escribas", "unsubscribe", "/stop"),
    Command.FORGET: ("borrar mis datos", "borrar datos", "eliminar mis datos", "borra mis datos",
                     "delete my data", "/borrar"),
}
LANGUAGE_WORDS = {"espanol": "es", "spanish": "es", "castellano": "es",
                  "english": "en", "ingles": "en", "en ingles": "en"}

_BY_WORD = {normalize(w) or w: cmd for cmd, words in WORDS.items() for w in words}


def command_in(text: str) -> str | None:
    """The `cmd:` value a whole message stands for, if it is a global command."""
    said = normalize(text) or text.strip()
    if said in LANGUAGE_WORDS:
        return f"cmd:lang:{LANGUAGE_WORDS[said]}"
    found = _BY_WORD.get(said)
    return f"cmd:{found}" if found else None


# What the bot says for system situations. Spanish is the source; English is in locales/en.
# Staff can change each text marked `_system(key, …)` in flows/texts/system.yaml under its key
# (`FlowSet.text` picks the edited one); the urgent lines below stay here, reviewed with their numbers.


class SystemText(str):
    """A system text the staff may replace in flows/texts/system.yaml: the built-in Spanish text,
    with the `key` it has there."""

    key: str

    def __new__(cls, key: str, text: str) -> SystemText:
        made = super().__new__(cls, text)
        made.key = key
        return made


SYSTEM_TEXTS: dict[str, SystemText] = {}


def _system(key: str, text: str) -> SystemText:
    SYSTEM_TEXTS[key] = SystemText(key, text)
    return SYSTEM_TEXTS[key]


UNSUPPORTED = _system("unsupported", N_(
    "Solo puedo leer mensajes de texto. Escribe tu pregunta con palabras, por favor."
))
HELP = _system("help", N_(
    "Puedes escribir en cualquier momento:\n"
    "• *menu* para volver al inicio\n"
    "• *persona* para hablar con alguien del centro\n"
    "• *idioma* para cambiar a inglés\n"
    "• *baja* para que no te mande mensajes\n"
    "• *borrar mis datos* para borrar lo que guardé de ti"
))
PERSON = _system("person", N_(
    "Anoté que quieres hablar con una persona. El equipo del centro de trabajadores revisa "
    "estas solicitudes en horario de oficina y te escribirá por aquí. Lo que escribas ahora se "
    "lo paso a esa persona. Para volver al bot, escribe *menu*."
))
LANGUAGE_ASK = _system("language_ask", N_("¿En qué idioma quieres que te escriba?"))
LANGUAGE_SET = _system("language_set", N_("Listo, te escribiré en español."))
STOP = _system("stop", N_(
    "Listo. No te mandaré mensajes ni recordatorios. Si vuelves a escribir, te contesto con gusto."
))
FORGET_ASK = _system("forget_ask", N_(
    "¿Seguro que quieres borrar todo lo que guardé de ti? No se puede deshacer."
))
FORGET_YES = _system("forget_yes", N_("Sí, borrar todo"))
FORGET_NO = _system("forget_no", N_("No"))
FORGET_DONE = _system("forget_done", N_("Listo. Borré tu conversación y tus datos personales."))
FORGET_KEPT = _system("forget_kept", N_("Está bien, no borré nada."))
RELEASED = _system("released", N_(
    "La persona del centro terminó de atenderte. Escribe *menu* para seguir con el bot."
))
RESUME_ASK = _system("resume_ask", N_(
    "Hola de nuevo. La última vez no terminamos. ¿Quieres seguir donde te quedaste?"
))
RESUME_YES = _system("resume_yes", N_("Seguir"))
RESUME_NO = _system("resume_no", N_("Ir al menú"))
FLOW_CHANGED = _system("flow_changed", N_(
    "Perdón, actualizamos esta parte de la conversación mientras platicábamos. Empecemos de nuevo."
))
LOST = _system("lost", N_("Parece que no nos estamos entendiendo. ¿Qué prefieres?"))
TO_MENU = _system("to_menu", N_("Menú principal"))
TO_PERSON = _system("to_person", N_("Hablar con una persona"))
REASK = {
    "choice": _system("reask_choice", N_("Responde con el número de una opción, por favor.")),
    "text": _system("reask_text", N_(
        "Escribe tu respuesta en un solo mensaje, por favor (máximo {max} letras)."
    )),
    "number": _system("reask_number", N_("Escribe solo un número, por ejemplo: 3")),
    "money": _system("reask_money", N_(
        "Escribe la cantidad en pesos, por ejemplo: 8500 al mes o 300 diarios"
    )),
    "date": _system("reask_date", N_("Escribe la fecha así: 15/03/2024 o 15 de marzo de 2024")),
    "date_past": _system("reask_date_past", N_(
        "Escribe una fecha que ya pasó, así: 15/03/2024 o 15 de marzo de 2024"
    )),
    "date_future": _system("reask_date_future", N_("Escribe una fecha que aún no llega, así: 15/03/2027")),
    "yes_no": _system("reask_yes_no", N_("Responde sí o no, por favor.")),
    "yes_no_unsure": _system("reask_yes_no_unsure", N_(
        "Está bien si no lo sabes. Si puedes, responde sí o no; si no, escribe *persona* para "
        "que alguien del centro te ayude, o *menu* para volver al inicio."
    )),
    "location": _system("reask_location", N_("Comparte tu ubicación con el clip 📎 y luego «Ubicación».")),
    "phone": _system("reask_phone", N_("Escribe un teléfono de 10 dígitos, por ejemplo: 55 1234 5678")),
}
BACK_TO_QUESTION = _system("back_to_question", N_("Sigamos con lo que te estaba preguntando:"))
FIRST_ANSWERED = _system("first_answered", N_("Sobre lo que me escribiste al principio:"))
YES_LABEL = _system("yes_label", N_("Sí"))
NO_LABEL = _system("no_label", N_("No"))
# The urgent answer (bot/core/danger.py found danger): brief, discreet, one message. Each line is
# given only when its number is in data/contacts.yaml (with its source).
URGENT_EMERGENCY = N_("Si estás en peligro ahora, llama al *{phone}*.")
URGENT_TRAFFICKING = N_("Línea contra la Trata (llamada o WhatsApp, gratis, 24 horas): *{phone}*.")
URGENT_CRISIS = N_("Línea de la Vida (gratis, 24 horas): *{phone}*.")
URGENT_SHARED_PHONE = N_("Si alguien más revisa tu teléfono, borra este chat al terminar.")
URGENT_PERSON = N_("Escribe *persona* para hablar con alguien del centro.")
# While a handoff waits: never silence.
WAITING_FORWARDED = _system("waiting_forwarded", N_(
    "Le pasé tu mensaje a la persona del centro. Lo leerá en cuanto pueda."
))
WAITING_EMERGENCY = N_("Si estás en peligro, llama al *{phone}*.")
