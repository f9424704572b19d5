"""Reads danger and coercion in what a worker writes, so the engine answers it before anything else.

Pure and fast: `detect(text)` returns the kinds of danger a message tells of (empty when none).
The text is normalised (`textnorm.normalize`: no case, accents or punctuation), the distinctive
words are corrected when one typo away (rapidfuzz), and then the phrase patterns of `PATTERNS`
are searched. The table lives in code, not in a staff-edited file, on purpose: each pattern is
held by `bench/urgent_questions.yaml` (recall on urgent messages, false alarms on ordinary ones,
with a floor in tests/test_danger.py), and a missed emergency is worse than a missed topic; a
change here goes through that test. Patterns are written as workers write (`q` for `que`, no
accents) in Spanish and English.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.textnorm import normalize


class Danger(StrEnum):
    LOCKED_IN = "locked_in"
    PAPERS_TAKEN = "papers_taken"
    THREAT = "threat"
    IMMIGRATION = "immigration"
    DEBT = "debt"
    VIOLENCE = "violence"
    SEXUAL_ASSAULT = "sexual_assault"
    INJURY_HIDDEN = "injury_hidden"
    CHILD = "child"
    SELF_HARM = "self_harm"
    DANGER_NOW = "danger_now"


# The kinds that read like forced labor or trafficking: the anti-trafficking line fits them.
COERCION = frozenset({Danger.LOCKED_IN, Danger.PAPERS_TAKEN, Danger.THREAT, Danger.IMMIGRATION,
                      Danger.DEBT})

# Pieces shared by several patterns (regular expressions over normalised words).
_ME = r"(?:me|nos|la|lo|las|los|le|les)"
_PAPERS = (r"(?:papeles|documentos|pasaporte|pasaportes|ine|credencial|identificacion|acta|visa|"
           r"passport|passports|papers|documents|id)")
_PHONE = r"(?:celular|telefono|cel|phone|cellphone)"
_FAMILY = (r"(?:familia|hijos|hijo|hija|hijas|esposo|esposa|mama|papa|mis papas|family|kids|"
           r"children|son|daughter|wife|husband)")
_KID = r"(?:nino|nina|ninos|ninas|menor|menores|chamaco|chamacos|kid|kids|child|children)"
_LEAVE = (r"(?:salir|irme|irnos|ir|regresar|dejar el trabajo|renunciar|leave|quit|go home|"
          r"go back)")
_NOT_ORDINARY_OUTING = (r"(?!\s+(?:a\s+)?(?:comer|almorzar|al bano|bano|temprano|a la hora|"
                        r"de vacaciones|vacaciones|al doctor|al seguro|a descansar|descanso|"
                        r"a tiempo|mi hora|lunch|early|on time|to the bathroom))")
_HIT = (r"(?:golpear|golpearme|golpearon|golpeo|golpea|golpean|golpeaba|pego|pegaron|pega|pegan|"
        r"pegar|pegarme|pegaba|madreo|madrearon|madrear|aventaron|avento|empujo|empujaron|"
        r"cachetada|cachetearon|ahorco|ahorcaron|patearon|pateo)")

PATTERNS: tuple[tuple[Danger, str], ...] = (
    # Locked in: "me tienen encerrada", "nos encierran", "locked me in", "no nos dejan salir".
    (Danger.LOCKED_IN, r"\b(?:encerrada|encerrado|encerradas|encerrados|encierran|encierra|"
                       r"encerraron|encerro|secuestrada|secuestrado|secuestrados|secuestradas)\b"
                       r"(?!\s+sin ventilacion)"),
    (Danger.LOCKED_IN, r"\b(?:locked (?:me|us|them|in)|locked up|im locked|kidnapped)\b"),
    (Danger.LOCKED_IN, rf"\bno {_ME} (?:dejan|deja|dejaron|quieren dejar) {_LEAVE}\b"
                       + _NOT_ORDINARY_OUTING),
    (Danger.LOCKED_IN, r"\b(?:wont|dont|do not|will not|cant|cannot) let (?:me|us) "
                       r"(?:leave|go|quit)\b(?! (?:early|for lunch|to the bathroom))"),
    # Papers or phone taken: "me quitaron mis papeles", "se quedo con mi ine", "keeps my passport".
    (Danger.PAPERS_TAKEN, rf"\b(?:quitaron|quito|quitan|recogieron|recogio|retienen|retiene|"
                          rf"tiene|tienen|quedo con|quedaron con|guardan|guarda|escondieron|"
                          rf"took|take|keeps|kept|keep|has|have|holds)\b(?:\s+\w+){{0,3}}?\s+"
                          rf"(?:mis|mi|el|los|la|sus|nuestros|my|our|the)\s+"
                          rf"(?:{_PAPERS}|{_PHONE})\b(?! del imss| en el expediente)"),
    (Danger.PAPERS_TAKEN, rf"\b{_ME} (?:quitaron|quito|recogieron|retienen|retiene) (?:el |la |los )?"
                          rf"(?:{_PAPERS}|{_PHONE})\b"),
    # Threats to her or her family, of death, with a weapon; of calling immigration.
    (Danger.THREAT, r"\b(?:amenaza|amenazo|amenazan|amenazaron|amenazando|amenazada|amenazado|"
                    r"amenazados|amenazadas|threatened|threatens|threaten)\b"
                    r"(?!\s+(?:con\s+)?(?:correr|correrme|despedir|despedirme|bajar|bajarme|"
                    r"quitar|quitarme|no darme|no pagar|cambiar|suspender|to fire|to cut|"
                    r"me with|us with)\b)"
                    r"(?!\s+(?:con\s+)?\w+\s+(?:el sueldo|mis horas|my hours))"),
    (Danger.THREAT, rf"\b(?:hace|hacer|hara|hacerle|pasar|pasa|pasara|va a pasar)\b(?:\s+\w+){{0,2}}"
                    rf"\s+(?:algo|dano)\s+(?:a\s+)?(?:mi|mis|tu|tus)\s+{_FAMILY}\b"),
    (Danger.THREAT, rf"\b(?:algo|dano)\b(?:\s+\w+){{0,3}}\s+(?:a\s+)?(?:mi|mis)\s+{_FAMILY}\b"),
    (Danger.THREAT, rf"\b(?:hurt|harm|kill)\s+(?:my|our)\s+{_FAMILY}\b"),
    (Danger.THREAT, r"\b(?:me|nos|te)?\s*(?:va|van|quiere|quieren|vas) a (?:matar|matarme|"
                    r"matarnos|matarla)\b"),
    (Danger.THREAT, r"\b(?:matar a mi|(?<!quiero )(?<!en )(?<!de )matarme|matarnos|de muerte|kill me|"
                    r"kill us|will kill)\b"),
    (Danger.THREAT, r"\b(?:pistola|arma|cuchillo|machete|navaja|gun|knife)\b"),
    (Danger.IMMIGRATION, r"\b(?:migra|migracion|deportar|deportarme|deporten|deporta|inm|ice|"
                         r"immigration|deport|deported)\b"
                         r"(?<!\bsoy migra)"),
    # Debts she cannot leave: "le debo y no me deja irme", "until i pay".
    (Danger.DEBT, rf"\b(?:debo|deuda|deudas|debemos|les debo|le debo|owe|debt)\b.*\b(?:no {_ME} "
                  rf"(?:deja|dejan)|no (?:me |nos )?(?:puedo|podemos) (?:ir|irme|salir)|"
                  rf"hasta (?:que )?(?:le |les )?pag|cant leave|cannot leave|cant quit|"
                  rf"until i pay|wont let)"),
    (Danger.DEBT, r"\b(?:no (?:me |nos )?(?:puedo|podemos) (?:ir|irme|salir)|cant leave|cant quit)\b"
                  r".*\b(?:deuda|debo|debt|owe|pagar)\b"),
    # Violence against her: "el encargado me quiere golpear", "me pego", "hit me".
    (Danger.VIOLENCE, rf"\b{_ME} (?:quiere |quieren |va a |van a |iba a )?{_HIT}\b"
                      rf"(?! (?:una multa|el covid|la gripa|etiquetas))"),
    (Danger.VIOLENCE, rf"\b(?:quiere|quieren|va a|van a) {_HIT}(?:me|nos|la|le)?\b"),
    (Danger.VIOLENCE, rf"\b{_HIT} a (?:los|las) (?:ninos|ninas|menores|trabajadores|trabajadoras)\b"),
    (Danger.VIOLENCE, r"\b(?:hit|beat|slapped|punched|kicked|choked|hurt) (?:me|us|her)\b"
                      r"(?<!\bi hit me)"),
    (Danger.VIOLENCE, r"\b(?:golpes|a golpes|violencia fisica|beaten|beat me)\b"),
    # Sexual assault (harassment alone is a rights topic, answered by the flows).
    (Danger.SEXUAL_ASSAULT, r"\b(?:violo|violaron|violacion|violada|violarme|abuso sexualmente|"
                            r"abusaron de mi|abuso de mi|abusan de mi|abuso sexual|raped|rape|"
                            r"sexually assaulted|sexual assault|forzo a tener relaciones|"
                            r"obligo a tener relaciones)\b"),
    # A serious injury being hidden: hurt, and kept from a doctor or told to keep quiet.
    (Danger.INJURY_HIDDEN, r"\b(?:accidente|corte|corto|quemo|queme|quemado|quemada|herida|herido|"
                           r"herida|sangre|sangrando|fractura|cayo|caida|injured|bleeding|burned)\b"
                           r".*\b(?:no (?:me |le |lo |la |nos )?(?:dejan|deja|quiere|quieren) "
                           r"(?:ir|llevar|llevarlo|llevarla|llevarme) al (?:hospital|doctor|medico)|"
                           r"no (?:le |lo )?(?:dijera|dijeramos|diga|digamos) (?:nada|a nadie)|"
                           r"no llaman? a la ambulancia|esconder|escondieron|ocultar|"
                           r"wont take (?:me|him|her) to the hospital|told (?:me|us) not to tell)"),
    # A child in danger (child labor on its own is a rights topic).
    (Danger.CHILD, rf"\b{_KID}\b.*\b(?:encerrad\w*|golpe\w*|pegan|abus\w*|amenaz\w*|peligro|"
                   rf"locked|beat\w*|abused)\b"),
    (Danger.CHILD, rf"\b(?:encerrad\w*|golpe\w*|pegan|abus\w*|locked|beat\w*)\b.*\b{_KID}\b"),
    # Thoughts of suicide: "me quiero morir" (not "me muero de cansancio").
    (Danger.SELF_HARM, r"\b(?:me quiero morir|quiero morir|quiero morirme|quisiera morir|"
                       r"quisiera morirme|ganas de morir|ganas de morirme|"
                       r"(?:quiero|en|de|voy a) matarme|suicidarme|"
                       r"suicidar|suicidio|quitarme la vida|no quiero vivir|ya no quiero vivir|"
                       r"hacerme dano|kill myself|want to die|end my life|suicide|suicidal|"
                       r"dont want to live|hurt myself)\b(?! de (?:hambre|risa|sueno|cansancio))"),
    # Danger now: "estoy en peligro", "auxilio", "911".
    (Danger.DANGER_NOW, r"\b(?:estoy|estamos|esta|corro|corremos|vida|mi vida) en peligro\b"),
    (Danger.DANGER_NOW, r"\b(?:auxilio|socorro|ayudenme|ayudeme|911|im in danger|in danger|"
                        r"help me please|please help me|tengo miedo ahorita)\b"),
)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in PATTERNS)

# Words a typo away are read as these (one edit, and only words of six letters or more, so
# "pagaron" never becomes "pegaron": the violence words are not in this list).
FUZZY_WORDS: tuple[str, ...] = (
    "encerrada", "encerrado", "encerradas", "encerrados", "encierran", "encerraron", "secuestrada",
    "golpear", "golpearme", "golpearon", "amenaza", "amenazo", "amenazan", "amenazaron",
    "amenazada", "amenazado", "pasaporte", "documentos", "papeles", "credencial", "celular",
    "telefono", "migracion", "deportar", "suicidarme", "matarme", "violaron", "peligro",
    "quitaron", "retienen", "auxilio", "ayudenme", "morirme", "familia",
)
_MIN_FUZZY = 6


@lru_cache(maxsize=4096)
def _corrected(word: str) -> str:
    if len(word) < _MIN_FUZZY or word in _FUZZY_SET:
        return word
    found = process.extractOne(_sounds(word), _FUZZY_KEYS, scorer=OSA.distance, score_cutoff=1)
    return FUZZY_WORDS[found[2]] if found else word


def _sounds(word: str) -> str:
    """How a word sounds in Mexican Spanish, so "ensierran" and "amenasa" meet their words."""
    word = word.replace("z", "s").replace("ce", "se").replace("ci", "si").replace("ll", "y")
    return word.replace("v", "b").replace("h", "")


_FUZZY_SET = frozenset(FUZZY_WORDS)
_FUZZY_KEYS = [_sounds(w) for w in FUZZY_WORDS]


def prepared(text: str) -> str:
    """The text as the patterns read it: normalised, `q` as `que`, distinctive typos fixed."""
    words = normalize(text).split()
    words = ["que" if w in ("q", "k", "ke") else _corrected(w) for w in words]
    return " ".join(words)


def detect(text: str) -> frozenset[Danger]:
    """The kinds of danger a message tells of; empty for an ordinary message."""
    said = prepared(text)
    if not said:
        return frozenset()
    return frozenset(kind for kind, pattern in _COMPILED if pattern.search(said))


def is_urgent(text: str) -> bool:
    return bool(detect(text))
