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
UNSUPPORTED = N_("Solo puedo leer mensajes de texto. Escribe tu pregunta con palabras, por favor.")
HELP = N_(
    "Puedes escribir en cualquier momento:\n"
    "• *menu* para volver al inicio\n"
    "• *persona* para hablar con alguien del centro\n"
    "• *idioma* para cambiar a inglés\n"
    "• *baja* para que no te mande mensajes\n"
    "• *borrar mis datos* para borrar lo que guardé de ti"
)
PERSON = N_(
    "Anoté que quieres hablar con una persona. El equipo del centro de trabajadores revisa "
    "estas solicitudes en horario de oficina y te escribirá por aquí. Lo que escribas ahora se "
    "lo paso a esa persona. Para volver al bot, escribe *menu*."
)
LANGUAGE_ASK = N_("¿En qué idioma quieres que te escriba?")
LANGUAGE_SET = N_("Listo, te escribiré en español.")
STOP = N_(
    "Listo. No te mandaré mensajes ni recordatorios. Si vuelves a escribir, te contesto con gusto."
)
FORGET_ASK = N_("¿Seguro que quieres borrar todo lo que guardé de ti? No se puede deshacer.")
FORGET_YES = N_("Sí, borrar todo")
FORGET_NO = N_("No")
FORGET_DONE = N_("Listo. Borré tu conversación y tus datos personales.")
FORGET_KEPT = N_("Está bien, no borré nada.")
RELEASED = N_("La persona del centro terminó de atenderte. Escribe *menu* para seguir con el bot.")
RESUME_ASK = N_("Hola de nuevo. La última vez no terminamos. ¿Quieres seguir donde te quedaste?")
RESUME_YES = N_("Seguir")
RESUME_NO = N_("Ir al menú")
FLOW_CHANGED = N_(
    "Perdón, actualizamos esta parte de la conversación mientras platicábamos. Empecemos de nuevo."
)
LOST = N_("Parece que no nos estamos entendiendo. ¿Qué prefieres?")
TO_MENU = N_("Menú principal")
TO_PERSON = N_("Hablar con una persona")
REASK = {
    "choice": N_("Responde con el número de una opción, por favor."),
    "text": N_("Escribe tu respuesta en un solo mensaje, por favor (máximo {max} letras)."),
    "number": N_("Escribe solo un número, por ejemplo: 3"),
    "money": N_("Escribe la cantidad en pesos, por ejemplo: 8500 al mes o 300 diarios"),
    "date": N_("Escribe la fecha así: 15/03/2024 o 15 de marzo de 2024"),
    "date_past": N_("Escribe una fecha que ya pasó, así: 15/03/2024 o 15 de marzo de 2024"),
    "date_future": N_("Escribe una fecha que aún no llega, así: 15/03/2027"),
    "yes_no": N_("Responde sí o no, por favor."),
    "yes_no_unsure": N_(
        "Está bien si no lo sabes. Si puedes, responde sí o no; si no, escribe *persona* para "
        "que alguien del centro te ayude, o *menu* para volver al inicio."
    ),
    "location": N_("Comparte tu ubicación con el clip 📎 y luego «Ubicación»."),
    "phone": N_("Escribe un teléfono de 10 dígitos, por ejemplo: 55 1234 5678"),
}
BACK_TO_QUESTION = N_("Sigamos con lo que te estaba preguntando:")
FIRST_ANSWERED = N_("Sobre lo que me escribiste al principio:")
YES_LABEL = N_("Sí")
NO_LABEL = N_("No")
# The urgent answer (bot/core/danger.py found danger): brief, discreet, one message. Each line is
# given only when its number is in data/contacts.yaml (with its source).
URGENT_EMERGENCY = N_("Si estás en peligro ahora, llama al *{phone}*.")
URGENT_TRAFFICKING = N_("Línea contra la Trata (llamada o WhatsApp, gratis, 24 horas): *{phone}*.")
URGENT_CRISIS = N_("Línea de la Vida (gratis, 24 horas): *{phone}*.")
URGENT_SHARED_PHONE = N_("Si alguien más revisa tu teléfono, borra este chat al terminar.")
URGENT_PERSON = N_("Escribe *persona* para hablar con alguien del centro.")
# While a handoff waits: never silence.
WAITING_FORWARDED = N_("Le pasé tu mensaje a la persona del centro. Lo leerá en cuanto pueda.")
WAITING_EMERGENCY = N_("Si estás en peligro, llama al *{phone}*.")
