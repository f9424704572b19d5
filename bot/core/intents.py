"""Finds what she asks for (a flow's trigger word, a person) inside what she writes, typos and all.

A whole message that is a trigger always counts (`FlowSet.trigger_for`). Inside a sentence a
trigger counts only when the message is clearly asking for it, so a rights question that
merely mentions a word ("en mi centro de trabajo no hay agua") still goes to the rights search:

- the message is only the trigger and filler words ("el taller", "abogado ya", "centro cercano"),
  or
- a request word (quiero, necesito, busco, dónde, I want, I need, where…) comes before the
  trigger in the same clause, at most five words before it ("quiero entrar al taller de
  negociación", "dónde está el centro más cercano", "necesito un abogado ya"). "quiero saber"
  and "I want to know" ask a question, not for a place: they do not count as a request.

Words are compared by how they sound in Spanish (ll/y, v/b, z/s, ce/se, qu/k, h silent), and a
word of five letters or more may be one letter off: "kiero", "sentro", "abogao", "tayer". A few
real words that are one letter from a trigger ("dentro", "personal") never count, and a few
fixed phrases ("centro de trabajo": her workplace) are not the trigger they contain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from bot.core.textnorm import normalize

PERSON = "cmd:person"  # the target of the person intent: the global command's value

# Phrases that ask for a person, in either language (typos are tolerated like triggers').
PERSON_PHRASES = (
    "persona", "personas", "abogado", "abogada", "abogados", "licenciado", "licenciada", "asesor",
    "asesora", "asesoria", "humano", "hablar con alguien", "platicar con alguien",
    "alguien que me ayude", "alguien me ayude", "hablar con una persona",
    "person", "human", "lawyer", "attorney", "talk to someone", "speak to someone",
    "speak with someone", "talk to somebody", "talk to a person",
)
REQUEST_WORDS = frozenset([
    "quiero", "kiero", "quisiera", "necesito", "nesesito", "ocupo", "busco", "buscar", "buscando",
    "donde", "dnd", "gustaria", "puedo", "podria", "llevame", "dame", "quero",
    "want", "wanna", "need", "where", "find", "looking", "like", "can", "could",
])
# Right after a request word, these make it a question about something, not a request for it.
ASKING = frozenset(["saber", "preguntar", "know", "ask", "understand", "entender"])
FILLERS = frozenset([
    "el", "la", "los", "las", "un", "una", "al", "a", "por", "favor", "porfa", "porfavor", "pls",
    "please", "ya", "ahora", "ahorita", "urgente", "info", "informacion", "mas", "cercano",
    "cercana", "the", "an", "now", "asap", "de", "mi", "my", "hola", "hi", "hello", "buenas",
    "gracias", "thanks", "oiga", "oye",
])
CLAUSE_ENDS = frozenset(["pero", "porque", "pq", "xq", "si", "aunque", "cuando", "but", "because",
                         "if", "when", "although"])
NEVER = frozenset(["dentro", "personal", "personales", "dejar"])
NOT_THE_TRIGGER = ("centro de trabajo", "centros de trabajo", "centro comercial",
                   "taller de costura", "taller mecanico")
MAX_GAP = 5  # at most this many words from the request word to the trigger
_CLAUSE = re.compile(r"[,;:.!?¡¿()\n]+")
_SOUNDS = ((re.compile(r"ll"), "y"), (re.compile(r"qu"), "k"), (re.compile(r"c(?=[ei])"), "s"),
           (re.compile(r"c"), "k"), (re.compile(r"z"), "s"), (re.compile(r"v"), "b"),
           (re.compile(r"h"), ""), (re.compile(r"(.)\1+"), r"\1"))


def sound(word: str) -> str:
    """A word as it sounds in Spanish: `taller` and `tayer` -> `tayer`; `quiero`/`kiero` -> `kiero`."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


def same_word(said: str, wanted: str) -> bool:
    """Whether a word she wrote is `wanted` (both normalized), allowing for how she spells it."""
    if said == wanted:
        return True
    if said in NEVER:
        return False
    a, b = sound(said), sound(wanted)
    return a == b or (min(len(a), len(b)) >= 5 and Levenshtein.distance(a, b) <= 1)


@dataclass(frozen=True, slots=True)
class Intents:
    """Trigger phrases (normalized words) and where each leads: a flow name or `PERSON`."""

    phrases: tuple[tuple[tuple[str, ...], str], ...]

    @classmethod
    def build(cls, triggers: Mapping[str, Iterable[str]]) -> Intents:
        """From `{target: phrases}`; the person phrases are always added."""
        table = {(tuple(normalize(p).split()), target) for target, phrases in triggers.items()
                 for p in phrases if normalize(p)}
        table |= {(tuple(p.split()), PERSON) for p in PERSON_PHRASES}
        # Longer phrases first: "hablar con una persona" before "persona" (same target anyway).
        return cls(tuple(sorted(table, key=lambda item: (-len(item[0]), item))))

    def find(self, text: str) -> str | None:
        """Where a message inside which she asks for something should lead, if anywhere."""
        for clause in _CLAUSE.split(text):
            words = normalize(clause).split()
            for phrase, target in self.phrases:
                for at in _places(words, phrase):
                    if _counts(words, at, len(phrase)):
                        return target
        return None


def _places(words: list[str], phrase: tuple[str, ...]) -> Iterable[int]:
    for at in range(len(words) - len(phrase) + 1):
        if all(same_word(words[at + i], w) for i, w in enumerate(phrase)):
            yield at


def _counts(words: list[str], at: int, size: int) -> bool:
    """Whether the trigger at `words[at:at+size]` is what she asks for (the module's rule)."""
    for fixed in NOT_THE_TRIGGER:
        phrase = tuple(fixed.split())
        if any(start < at + size and at < start + len(phrase) for start in _places(words, phrase)):
            return False
    rest = words[:at] + words[at + size:]
    if all(w in FILLERS for w in rest):
        return True
    for start in range(at - 1, max(-1, at - MAX_GAP - 1), -1):
        word = words[start]
        if word in CLAUSE_ENDS:
            return False
        if any(same_word(word, r) for r in REQUEST_WORDS):
            return not any(w in ASKING for w in words[start + 1: start + 3])
    return False
