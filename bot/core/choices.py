"""Reads which option she chose, and whether she said yes, no or "I don't know", as she meant it.

What she denies is never picked: "yo no renuncie, me corrieron" excludes "Renuncié", and a
contrast ("no X, Y", "no X sino Y", "X no, Y") reads Y; "no sé", "ni idea", "no me acuerdo" are
not a No. `bot.core.inputs` uses these readers for every kind of answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.textnorm import normalize

YES = frozenset([
    "si", "s", "claro", "ok", "okay", "va", "sale", "simon", "acepto", "correcto", "yes", "y",
    "yeah", "yep", "sure", "de acuerdo", "esta bien", "si acepto", "si claro", "i agree",
])
NO = frozenset(["no", "n", "nel", "nop", "nope", "negativo", "nah", "no gracias", "no acepto", "no thanks"])
NUMBER_WORDS = {
    "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "quince": 15, "one": 1, "a": 1, "an": 1,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10,
}
FUZZY_CUTOFF = 85

# -- negation and contrast ----------------------------------------------------------------------
NEGATORS = frozenset([
    "no", "nunca", "jamas", "tampoco", "ni", "not", "never", "didnt", "dont", "doesnt", "wasnt",
    "isnt", "werent", "arent", "cant", "wont",
])
_PIECES = re.compile(r"[,;:.!?¡¿()]+|\s(?:sino|pero|mas bien|más bien|but|rather|instead)\s",
                     re.IGNORECASE)
_AND = re.compile(r"\s(?:y|and|e)\s")
STOP = frozenset([
    "yo", "me", "mi", "mis", "te", "se", "le", "lo", "la", "los", "las", "el", "un", "una", "de",
    "del", "a", "al", "en", "por", "para", "con", "sin", "que", "es", "era", "fue", "ya", "o", "y",
    "mas", "muy", "pues", "bueno", "como", "i", "my", "it", "was", "the", "to", "of", "for", "at",
    "on", "in", "and", "or", "is", "am", "me", "with", "without",
])
# Ways to say she was dismissed, read as one word so "me corrieron" finds "Me despidieron".
SAME_WORD = {w: "despidieron" for w in (
    "corrieron", "corrio", "despidio", "despidieron", "echaron", "botaron", "corrido", "despedida",
    "despedido", "despido")} | {w: "fired" for w in ("fired", "dismissed", "sacked")} | {
    "mensual": "mes", "mensuales": "mes", "semanal": "semana", "semanales": "semana",
    "quincenal": "quincena", "quincenales": "quincena", "diario": "dia", "diarios": "dia",
    "diaria": "dia", "diarias": "dia", "dias": "dia", "semanas": "semana", "meses": "mes"}

# -- "I don't know" --------------------------------------------------------------------------------
_UNSURE_ANY = re.compile(
    r"^(?:ni idea|no tengo (?:ni )?idea|no me acuerdo|no recuerdo|no estoy segur[oa]|quien sabe"
    r"|i dont know|i do not know|dont know|idk|not sure|no idea|no clue|i dont remember"
    r"|no lo se)\b")
_UNSURE_ALONE = re.compile(
    r"^(?:no se|nose|ns|nop se)(?: (?:si|cual|cuando|cuanto|cuantos|como|donde|que|bien|exactamente"
    r"|la verdad|nada|todavia|aun))*$")
UNSURE_LABELS = frozenset(["no se", "no lo se", "no estoy segura", "no estoy seguro", "i dont know",
                           "i do not know", "not sure", "dont know", "no idea"])

# -- choices ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Part:
    """A stretch of what she wrote, and whether she denies it."""

    negated: bool
    words: tuple[str, ...]

    @property
    def content(self) -> tuple[str, ...]:
        return tuple(w for w in self.words if w not in STOP)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def read_choice(text: str, options: Sequence[tuple[str, str]]) -> int | None:
    """The index of the option a worker picked: by number, by words, or a close misspelling.

    Never an option her words deny: a negated option is excluded, and with a contrast
    ("no X, Y") only Y counts. Among the options her words name, the one sharing the most of
    its words wins ("renuncie por culpa del patron" -> "Me fui por culpa del patrón", not
    "Renuncié"); a tie is no answer, and the engine asks again.
    """
    said = normalize(text)
    if not said:
        return None
    number = int(said) if said.isdigit() else NUMBER_WORDS.get(said)
    if number is not None and (said.isdigit() or said not in ("a", "an", "un")):
        return number - 1 if 1 <= number <= len(options) else None
    labels = [normalize(label) for label, _ in options]
    if said in labels:
        return labels.index(said)
    values = [normalize(value) for _, value in options]
    if said in values:
        return values.index(said)
    if says_unsure(text):
        return next((i for i, label in enumerate(labels) if _contracted(label) in UNSURE_LABELS),
                    None)
    first = first_clause(text)
    for words, wanted in ((YES, ("si", "yes")), (NO, ("no",))):
        if first in words:
            found = [i for i, label in enumerate(labels) if label in wanted]
            if len(found) == 1:
                return found[0]
    return _best_option(_parts(text), [_part_of(label) for label, _ in options])


def named_options(text: str, options: Sequence[tuple[str, str]]) -> list[int]:
    """The options her words name and do not deny, best first: when `read_choice` finds no single
    one ("me corrieron" and two kinds of dismissal), she meant one of these, so ask again."""
    return [index for _, _, index in _scored(_parts(text), [_part_of(label) for label, _ in options])]


def _best_option(parts: list[_Part], labels: list[_Part]) -> int | None:
    scored = _scored(parts, labels)
    if len(scored) == 1 or (len(scored) > 1 and scored[0][:2] != scored[1][:2]):
        return scored[0][2]
    return None


def _scored(parts: list[_Part], labels: list[_Part]) -> list[tuple[int, float, int]]:
    """(words shared, fuzzy ratio, index) of each option her words name and do not deny."""
    parts = [p for p in parts if p.content]
    scored: list[tuple[int, float, int]] = []
    for index, label in enumerate(labels):
        denied, hits, ratio = False, 0, 0.0
        for part in parts:
            if part.negated != label.negated:
                # She denies an option when everything she negates is in it: "no renuncie"
                # denies "Renuncié"; "no me corrieron por una falta grave" leaves "sin razón".
                denied = denied or _hits(label.content, part.content) == len(part.content)
                continue
            part_ratio = fuzz.token_set_ratio(part.text, label.text) if label.text else 0.0
            part_hits = _hits(part.content, label.content)
            if part_ratio >= FUZZY_CUTOFF or part_hits > 0:
                hits, ratio = hits + part_hits, max(ratio, part_ratio)
        if not denied and (ratio >= FUZZY_CUTOFF or hits >= min(2, len(label.content))):
            scored.append((hits, ratio, index))
    return sorted(scored, reverse=True)


def _hits(said: Sequence[str], label: Sequence[str]) -> int:
    """How many of the label's words she wrote (misspellings and "corrieron"/"despidieron" too)."""
    return sum(1 for wanted in label if any(_same(wanted, word) for word in said))


def _same(a: str, b: str) -> bool:
    a, b = SAME_WORD.get(a, a), SAME_WORD.get(b, b)
    return a == b or (min(len(a), len(b)) >= 4 and fuzz.ratio(a, b) >= 80)


def _contracted(text: str) -> str:
    """`don t` (how `normalize` leaves "don't") -> `dont`, so English negations are one word."""
    return re.sub(r"\b(\w+n) t\b", r"\1t", text)


def _words(text: str) -> list[str]:
    return [SAME_WORD.get(w, w) for w in _contracted(normalize(text)).split()]


def _part_of(label: str) -> _Part:
    """An option's label as a part: "No me pagan" is negated, with the words "me pagan"."""
    words = _words(label)
    negated = any(w in NEGATORS for w in words)
    return _Part(negated, tuple(w for w in words if w not in NEGATORS))


def _parts(text: str) -> list[_Part]:
    """Her message as parts she asserts and parts she denies.

    Clauses end at punctuation, "sino", "pero", "y". Within a clause a negation covers what
    follows it ("yo no renuncie"); a negation that ends the clause covers what comes before
    ("al mes no"). Without any negation the whole message is one part, as it always was.
    """
    words = _words(text)
    if not any(w in NEGATORS for w in words):
        return [_Part(False, tuple(words))]
    parts: list[_Part] = []
    for piece in _PIECES.split(text):
        for clause in _AND.split(f" {piece or ''} "):
            parts.extend(_clause_parts(_words(clause)))
    return parts


def _clause_parts(words: list[str]) -> list[_Part]:
    cut = next((i for i, w in enumerate(words) if w in NEGATORS), None)
    if cut is None:
        return [_Part(False, tuple(words))]
    before, after = words[:cut], [w for w in words[cut + 1:] if w not in NEGATORS]
    if not after and before:  # "al mes no": the negation closes the clause
        return [_Part(True, tuple(before))]
    return [_Part(False, tuple(before)), _Part(True, tuple(after))]


def asserted(text: str) -> str:
    """What she asserts, in her own characters: with a contrast ("no son 9000, son 900", "no me
    acuerdo el dia, fue en marzo"), the clauses without a negation; otherwise the whole text."""
    if not any(w in NEGATORS for w in _words(text)):
        return text
    kept = [piece for piece in _PIECES.split(text)
            if piece and piece.strip() and not any(w in NEGATORS for w in _words(piece))]
    return " , ".join(kept) if kept else text


def first_clause(text: str) -> str:
    """The words before the first comma or "pero": "si pero no tengo carta" -> "si"."""
    return normalize(_PIECES.split(text, maxsplit=1)[0])


def says_unsure(text: str) -> bool:
    """She says she does not know: "no se", "no sé si", "ni idea", "no me acuerdo", "idk"."""
    first = _contracted(first_clause(text))
    return bool(_UNSURE_ANY.match(first) or _UNSURE_ALONE.match(first))
