"""Turns a worker's text into matching terms: respelled, corrected, synonyms replaced, stemmed.

The matcher (`bot.rights.matcher`) scores topics on these terms; this module only reads language:
Mexican Spanish first (sound-alike spellings, slang from flows/matching/synonyms.yaml), and
English. Everything here is deterministic and cached, so a question costs well under 1 ms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA
from unidecode import unidecode

_STEMMERS = {"es": "spanish", "en": "english"}

# Long pastes are cut here, so that the time per question stays bounded; a few hundred
# words are plenty to tell what a message is about.
MAX_TOKENS = 300
_MAX_SEARCHES = 40
_LONGEST_WORD = 24
# Words shorter than this are corrected only when they sound exactly like a known word
# ("bez" -> "vez"): too many real short words are one edit apart ("mejor", "menor").
_MIN_FUZZY_LENGTH = 6
# Edits (rapidfuzz OSA distance: a swap of two letters is one edit) a misspelling may be
# from a known word; words this long or longer may be two edits away.
_LONG_WORD = 9
# Negated words ("no me pagan"): a negator makes the next words of this many negated.
_NEGATION_SCOPE = 2
# Cached token analyses; the cache is reset past this size to bound memory.
_CACHE_LIMIT = 50_000

_CONTRACTION = re.compile(r"n['\u2019]t\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")
_STOP = "="  # prefix of stop-word tokens, kept only so expressions can match them
_NEGATOR = "~"  # prefix of negator tokens
NEGATED = "!"  # prefix of a negated feature
PAIR = "+"  # joins the two terms of a word-pair feature


@dataclass(frozen=True)
class LanguageRules:
    """A language's staff-edited lists from flows/matching/synonyms.yaml."""

    spelling: Mapping[str, str]
    synonyms: Mapping[str, Sequence[str]]
    stop_words: frozenset[str]
    negators: frozenset[str]
    weak_words: frozenset[str]
    everyday_words: frozenset[str] = frozenset()
    labor_words: frozenset[str] = frozenset()
    off_topic_words: frozenset[str] = frozenset()


@dataclass
class Analysis:
    """A text's matching features and how much of it the vocabulary did not know."""

    features: set[str]
    unknown: float = 0.0
    about_work: bool = False  # a labor word ("patron", "finiquito") is in the text


def normalize_words(text: str) -> list[str]:
    """Lowercase ASCII words: accents, emoji and punctuation dropped, "siiii" -> "si"."""
    text = _CONTRACTION.sub(" not", text.casefold())
    text = _NON_WORD.sub(" ", unidecode(text).lower())
    return _REPEATS.sub(r"\1", text).split()


def fold_spanish(word: str) -> str:
    """Spelling-blind form, so "embarasada", "vacasiones" and "hecharon" meet the right word.

    Mexican Spanish sounds alike for s/z/c(e,i), b/v, y/ll, k/qu/c(a,o,u) and a silent h.
    """
    word = word.replace("ch", "\x00").replace("h", "").replace("\x00", "ch")
    word = word.replace("qu", "k").replace("ll", "y").replace("v", "b").replace("z", "s")
    word = re.sub(r"c(?=[ei])", "s", word)
    word = re.sub(r"c(?!h)", "k", word)
    word = re.sub(r"g(?=[ei])", "j", word)
    word = re.sub(r"(.)\1+", r"\1", word)
    return word[:-1] + "i" if len(word) > 2 and word.endswith("y") else word


class Analyzer:
    """Turns text of one language into matching features (stems, pairs, negations).

    Words are respelled, misspellings corrected to known words, synonym expressions
    replaced (all on whole words, so "botaron" never meets "botas"), then stemmed.
    """

    def __init__(self, lang: str, rules: LanguageRules) -> None:
        self.lang = lang
        self.rules = rules
        self._stemmer = snowballstemmer.stemmer(_STEMMERS[lang])
        self._terms: dict[str, str] = {}
        self._corrections: dict[str, str] = {}
        self.known_terms: frozenset[str] = frozenset()
        self._surfaces: dict[str, str] = {}
        self._known_words: set[str] = set()
        self._choices: dict[str, list[str]] = {}
        pairs = [
            (self.words(variant), self.words(canonical))
            for canonical, variants in rules.synonyms.items()
            for variant in variants
        ]
        self._expressions = _Expressions(lang, pairs)
        self.weak_terms = frozenset(self.term(w) for w in rules.weak_words)
        self.everyday_terms = frozenset(self.term(w) for w in rules.everyday_words)
        self.labor_terms = frozenset(self.term(w) for w in rules.labor_words)
        self.off_topic_terms = frozenset(self.term(w) for w in rules.off_topic_words)

    def term(self, word: str) -> str:
        """The word's stem; Spanish also loses a final s or vowel the stemmer kept."""
        cached = self._terms.get(word)
        if cached is None and len(word) > _LONGEST_WORD:
            return word  # not a word; and the pure-Python stemmer is slow on long strings
        if cached is None:
            cached = self._stemmer.stemWord(word)
            if self.lang == "es":
                cached = cached[:-1] if len(cached) > 4 and cached.endswith("s") else cached
                cached = cached[:-1] if len(cached) > 3 and cached[-1] in "aeio" else cached
            _remember(self._terms, word, cached)
        return cached

    def learn(self, words: Iterable[str]) -> None:
        """Make `words` (the vocabulary's surface forms) the targets of spelling correction."""
        known: set[str] = set()
        # Off-topic words are targets too, so that "presidente" is not read as "presente".
        common = [*self.rules.weak_words, *self.rules.everyday_words]
        for word in [*self.rules.off_topic_words, *common, *words]:
            if self._kind(word) is None:
                known.add(self.term(word))
                self._known_words.add(word)
                self._surfaces.setdefault(self._spelling_key(word), word)
        self.known_terms = frozenset(known - self.off_topic_terms)
        self._choices = {}
        # Grouped by first letter: typos rarely touch it, and it keeps each search short.
        for key in sorted(self._surfaces):
            self._choices.setdefault(key[0], []).append(key)
        self._corrections.clear()

    def words(self, text: str) -> list[str]:
        """Normalised words with the staff's whole-word respellings applied."""
        words: list[str] = []
        for word in normalize_words(text):
            words.extend(self.rules.spelling.get(word, word).split())
        return words

    def tokens(self, text: str, *, correct: bool = True) -> list[str]:
        """One token per word: a stem, `=stopword` or `~negator`."""
        words = self.words(text)[:MAX_TOKENS]
        if correct:
            words = self._corrected(words)
        return [self._token(word) for word in self._expressions.replace(words)]

    def vocabulary_features(self, phrase: str) -> set[str]:
        """A vocabulary phrase's features, plus the stems of its one-word synonyms, so that
        a form the synonym lists miss ("hostigan") still meets "hostigamiento"."""
        features = self.analyse(phrase, correct=False).features
        for word in self._expressions.single_words(self.words(phrase)):
            if self._kind(word) is None:
                features.add(self.term(word))
        return features

    def analyse(self, text: str, *, correct: bool = True) -> Analysis:
        """Terms, adjacent-term pairs and negated terms of `text`, and its unknown words."""
        analysis = Analysis(set())
        previous = ""
        negated = 0  # how many more words a "no" applies to: "no me dieron la raya"
        for token in self.tokens(text, correct=correct):
            analysis.about_work = analysis.about_work or self._is_labor(token)
            if token.startswith(_NEGATOR):
                negated = _NEGATION_SCOPE
            elif token.isdigit():
                analysis.features.add(token)  # kept out of pairs: "pagan 150 al dia"
            elif not token.startswith(_STOP):
                analysis.features.add(token)
                analysis.unknown += self._unknown_weight(token)
                if negated:
                    analysis.features.add(NEGATED + token)
                if previous:
                    analysis.features.add(previous + PAIR + token)
                previous, negated = token, max(0, negated - 1)
        return analysis

    def _is_labor(self, token: str) -> bool:
        """A labor word, even one that is also a stop word ("legal", "derechos")."""
        if token.startswith((_STOP, _NEGATOR)):
            return token[1:] in self.rules.labor_words
        return token in self.labor_terms

    def _unknown_weight(self, term: str) -> float:
        if term in self.off_topic_terms:
            return 2.0
        known = term in self.known_terms or len(term) < 3 or not term.isalpha()
        return 0.0 if known else 1.0

    def _kind(self, word: str) -> str | None:
        if word in self.rules.negators:
            return _NEGATOR
        if word in self.rules.stop_words:
            return _STOP
        return None

    def _token(self, word: str) -> str:
        kind = self._kind(word)
        return kind + word if kind is not None else self.term(word)

    def _spelling_key(self, word: str) -> str:
        return fold_spanish(word) if self.lang == "es" else word

    def _corrected(self, words: list[str]) -> list[str]:
        """Spelling-corrected words; at most _MAX_SEARCHES new words are looked up per text,
        so that a paste of gibberish costs no more than a few milliseconds."""
        searches = _MAX_SEARCHES
        out: list[str] = []
        for word in words:
            cached = self._corrections.get(word)
            if cached is None and searches > 0:
                searches -= 1
                cached = _remember(self._corrections, word, self._correct(word))
            out.append(cached or word)
        return out

    def _correct(self, word: str) -> str:
        """The word itself, or the known word it is most likely a misspelling of: first one
        that sounds the same ("embarasada"), then one a typo or two away ("aguinlado")."""
        if word in self._known_words or self._kind(word) is not None:
            return word
        if len(word) < 3 or not word.isalpha():
            return word
        key = self._spelling_key(word)
        same_sound = self._surfaces.get(key)
        if same_sound is not None:
            return same_sound
        if len(word) < _MIN_FUZZY_LENGTH or self.term(word) in self.known_terms:
            return word
        edits = 2 if len(key) >= _LONG_WORD else 1
        choices = self._choices.get(key[0], [])
        best = process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=edits)
        return word if best is None else self._surfaces[best[0]]


class _Expressions:
    """Synonym expressions on whole words (singular or plural): the longest variant wins."""

    def __init__(self, lang: str, pairs: Iterable[tuple[list[str], list[str]]]) -> None:
        self._singular = _singular_es if lang == "es" else _singular_en
        self._table: dict[tuple[str, ...], tuple[str, ...]] = {}
        for variant, canonical in pairs:
            if variant and variant != canonical:
                key = tuple(self._singular(word) for word in variant)
                self._table.setdefault(key, tuple(canonical))
        self._starts = frozenset(key[0] for key in self._table)
        self._longest = max((len(key) for key in self._table), default=1)

    def single_words(self, words: list[str]) -> list[str]:
        """The words that one-word variants would replace."""
        return [word for word in words if (self._singular(word),) in self._table]

    def replace(self, words: list[str]) -> list[str]:
        keys = [self._singular(word) for word in words]
        out: list[str] = []
        i = 0
        while i < len(words):
            found = self._at(keys, i) if keys[i] in self._starts else None
            if found is None:
                out.append(words[i])
                i += 1
            else:
                out.extend(found[1])
                i += found[0]
        return out

    def _at(self, keys: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
        for length in range(min(self._longest, len(keys) - i), 0, -1):
            canonical = self._table.get(tuple(keys[i : i + length]))
            if canonical is not None:
                return length, canonical
        return None


def _singular_es(word: str) -> str:
    """"credenciales" -> "credencial", "horas" -> "hora": plurals only, unlike a stemmer."""
    if len(word) > 4 and word.endswith("es") and word[-3] in "lnrdzsjy":
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _singular_en(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and word[-2] != "s" else word


def _remember(cache: dict[str, str], key: str, value: str) -> str:
    """Store in a per-word cache, emptied when full so that memory stays bounded."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value
