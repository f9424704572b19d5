"""Matches a worker's free-text question (Spanish first, English too) to a rights topic id."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from bot.paths import FLOWS_DIR
from bot.rights.analyzer import (
    MAX_TOKENS,
    NEGATED,
    PAIR,
    Analyzer,
    LanguageRules,
    normalize_words,
)
from bot.rights.topics import load_topics
from bot.yamlsource import plain, read_yaml

LANGUAGES = ("es", "en")

# The weight of a word found in one topic's vocabulary only; shared words weigh less (IDF).
UNIQUE_WORD_WEIGHT = 3.5
# Scores are in 0..1: score = evidence / (evidence + HALF_SCORE_EVIDENCE), where evidence is
# the summed weight of the question's words, word pairs and negated words found in a topic's
# vocabulary, less a little for each word the vocabulary does not know. One distinctive
# word alone gives about 0.5; a question with three or four of them, about 0.8.
HALF_SCORE_EVIDENCE = 3.0
# The off-topic detector. A question naming a labor word ("patron", "quincena", "finiquito",
# see `labor_words` in synonyms.yaml) needs this much evidence and one anchor (a word that
# is not a weak one, a word pair or a negated word); otherwise `topic` is None.
MIN_EVIDENCE = 2.2
# Without any labor word, two separate signs and more evidence are needed, so that
# "necesito un doctor para mi mama" is not read as a maternity question.
MIN_EVIDENCE_WITHOUT_LABOR_WORD = 4.0
# Decisions (see `decide`): `confident` when the score is at least CONFIDENT_SCORE and the
# runner-up scores less than CLOSE_CALL_RATIO times the winner; else `close call`.
CONFIDENT_SCORE = 0.55
CLOSE_CALL_RATIO = 0.8
MAX_ALTERNATIVES = 3

# Relative weights of feature kinds. Word pairs ("horas extra") sharpen a match;
# negated words ("no me pagan") separate a complaint from a question about amounts.
_PAIR_FACTOR = 0.8
_NEGATED_FACTOR = 0.6
# Very common work words ("trabajo", "pagar") count, but only a little.
_WEAK_FACTOR = 0.3
# Each word the vocabulary does not know takes this much evidence off every topic
# (twice that for a listed off-topic word such as "futbol"), up to _UNKNOWN_CAP words:
# "que plan de internet me conviene" is not about remote work, while a long message
# that says "despido" several ways still is.
_UNKNOWN_PENALTY = 0.7
_UNKNOWN_CAP = 4.0



class Decision(StrEnum):
    """What the bot should do with a match."""

    CONFIDENT = "confident"  # answer the topic directly
    CLOSE_CALL = "close call"  # offer the top three topics
    NONE = "none"  # nothing matched: offer the menu


@dataclass(frozen=True)
class TopicVocabulary:
    """A topic's matching vocabulary: its titles and phrases, per language."""

    id: str
    title: Mapping[str, str]
    phrases: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class MatchResult:
    """The best topic (None when off-topic), its 0..1 score, and up to 3 runners-up."""

    topic: str | None
    score: float
    alternatives: list[tuple[str, float]]

    @property
    def decision(self) -> Decision:
        return decide(self)


def decide(result: MatchResult) -> Decision:
    """`confident` when the winner scores >= CONFIDENT_SCORE and no runner-up comes within
    CLOSE_CALL_RATIO of it; `close call` for any other match; `none` when topic is None."""
    if result.topic is None:
        return Decision.NONE
    runner_up = result.alternatives[0][1] if result.alternatives else 0.0
    if result.score >= CONFIDENT_SCORE and runner_up < result.score * CLOSE_CALL_RATIO:
        return Decision.CONFIDENT
    return Decision.CLOSE_CALL


class CatalogTopic(Protocol):
    """What the matcher reads from a `bot.rights.topics` topic."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> object: ...
    @property
    def match(self) -> object: ...


class Catalog(Protocol):
    """What the matcher reads from a `bot.rights.topics.TopicCatalog`."""

    @property
    def topics(self) -> Mapping[str, CatalogTopic]: ...


class _Index:
    """Per-language weights: feature -> [(topic position, weight)], computed once."""

    def __init__(self, analyzer: Analyzer, topics: Sequence[TopicVocabulary]) -> None:
        self.analyzer = analyzer
        counts = [self._topic_counts(topic) for topic in topics]
        document_frequency: Counter[str] = Counter()
        for topic_counts in counts:
            document_frequency.update(topic_counts.keys())
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.signs = {f: self._signs(f) for c in counts for f in c}
        # Scaled so that a word found in one topic only weighs UNIQUE_WORD_WEIGHT whatever
        # the number of topics, which keeps the thresholds meaningful.
        scale = UNIQUE_WORD_WEIGHT / math.log(1.0 + max(len(topics), 1))
        for position, topic_counts in enumerate(counts):
            for feature, count in topic_counts.items():
                idf = scale * math.log(1.0 + len(topics) / document_frequency[feature])
                weight = idf * (1.0 + 0.5 * math.log(count)) * self._factor(feature)
                self.postings.setdefault(feature, []).append((position, weight))

    def _topic_counts(self, topic: TopicVocabulary) -> Counter[str]:
        """How many of the topic's phrases (and title) contain each feature."""
        lang = self.analyzer.lang
        phrases = [*topic.phrases.get(lang, ()), topic.title.get(lang, "")]
        counts: Counter[str] = Counter()
        for phrase in phrases:
            counts.update(self.analyzer.vocabulary_features(phrase))
        return counts

    def _is_weak(self, feature: str) -> bool:
        analyzer = self.analyzer
        weak = feature in analyzer.weak_terms or feature in analyzer.everyday_terms
        return weak or feature.isdigit()

    def _signs(self, feature: str) -> float:
        """How much a feature shows that a message is about its topic. A word pair from a
        vocabulary phrase ("periodo de prueba") is two signs; a word, or a negated word
        ("no me pagan"), one; a weak word half of one; a number or an everyday word
        ("internet", "no quiere comer") none. One sign or more is an anchor."""
        if PAIR in feature:
            return 2.0
        base = feature.removeprefix(NEGATED)
        if base.isdigit() or base in self.analyzer.everyday_terms:
            return 0.0
        if feature.startswith(NEGATED) or base not in self.analyzer.weak_terms:
            return 1.0
        return 0.5

    def _factor(self, feature: str) -> float:
        """Kind and weakness multiplier: pairs and negations count less than words, weak
        words least. A pair of weak words ("periodo de prueba") is specific: not weakened;
        nor is a negation: "no me pagan" is a strong sign though "pagar" is common."""
        if PAIR in feature:
            return _PAIR_FACTOR
        if feature.startswith(NEGATED):
            return _NEGATED_FACTOR
        return _WEAK_FACTOR if self._is_weak(feature) else 1.0

    def evidence(self, features: Iterable[str], size: int, signs_needed: float) -> list[float]:
        """Each topic's summed weight; 0 for a topic without an anchor in the text, or with
        fewer signs than needed."""
        totals = [0.0] * size
        signs = [0.0] * size
        anchored = [False] * size
        for feature in features:
            feature_signs = self.signs.get(feature, 0.0)
            for position, weight in self.postings.get(feature, ()):
                totals[position] += weight
                signs[position] += feature_signs
                anchored[position] = anchored[position] or feature_signs >= 1.0
        return [
            total if anchored[p] and signs[p] >= signs_needed else 0.0
            for p, total in enumerate(totals)
        ]


class TopicMatcher:
    """Scores free text against every topic's vocabulary; everything heavy is built once.

    A question is normalised (case, accents, punctuation, "siiii"), respelled by the staff's
    `spelling` list, each unknown word corrected to the known word that sounds the same
    or is one or two typos away (rapidfuzz), slang replaced by `synonyms`, stop words
    dropped and the rest stemmed (Snowball). Its words, adjacent word pairs and negated
    words are then looked up in per-topic weights (IDF-like, so distinctive words count
    more) computed from the topics' `match:` phrases when the matcher is built.
    """

    def __init__(
        self, topics: Sequence[TopicVocabulary], rules: Mapping[str, LanguageRules]
    ) -> None:
        self.topic_ids = [topic.id for topic in topics]
        self._titles = {topic.id: dict(topic.title) for topic in topics}
        self._indexes: dict[str, _Index] = {}
        for lang in LANGUAGES:
            analyzer = Analyzer(lang, rules.get(lang, _empty_rules()))
            analyzer.learn(_vocabulary_words(analyzer, topics))
            self._indexes[lang] = _Index(analyzer, topics)

    @classmethod
    def from_files(cls, vocabulary_path: Path, synonyms_path: Path) -> TopicMatcher:
        """Build from a `{topic id: {es: [...], en: [...]}}` YAML file and synonyms.yaml."""
        data = _read_yaml(vocabulary_path)
        data = data if isinstance(data, Mapping) else {}
        topics = [
            TopicVocabulary(id=str(topic_id), title={}, phrases=_phrases(entry))
            for topic_id, entry in data.items()
        ]
        return cls(topics, load_rules(synonyms_path))

    @classmethod
    def from_catalog(cls, catalog: Catalog, synonyms_path: Path) -> TopicMatcher:
        """Build from the topic content files' `match:` blocks (see bot.rights.topics.load_topics)."""
        topics = [
            TopicVocabulary(
                id=topic.id, title=_lang_map(topic.title), phrases=_phrases(topic.match)
            )
            for topic in catalog.topics.values()
        ]
        return cls(topics, load_rules(synonyms_path))

    def title(self, topic_id: str, lang: str = "es") -> str:
        """The topic's title in `lang`, else in Spanish, else its id."""
        titles = self._titles.get(topic_id, {})
        return titles.get(lang) or titles.get("es") or topic_id

    def match(self, text: str, lang: str = "es") -> MatchResult:
        """The topic `text` is about, read in `lang` unless it is plainly the other language."""
        return self._match_in(text, self._language_of(text, lang))

    def _language_of(self, text: str, lang: str) -> str:
        """`lang`, or the language whose stop words the text uses more: Spanish speakers
        on an English session (and the reverse) still get understood."""
        chosen = lang if lang in self._indexes else LANGUAGES[0]
        words = normalize_words(text)[:MAX_TOKENS]
        hits = {
            code: sum(word in index.analyzer.rules.stop_words for word in words)
            for code, index in self._indexes.items()
        }
        best = max(hits, key=hits.__getitem__)
        return best if hits[best] > hits[chosen] else chosen

    def _match_in(self, text: str, lang: str) -> MatchResult:
        index = self._indexes[lang]
        analysis = index.analyzer.analyse(text)
        # Without a labor word, two separate signs are needed ("me quitaron mis documentos"),
        # not one ("como saco mi acta de nacimiento").
        signs_needed = 1.0 if analysis.about_work else 2.0
        evidence = index.evidence(analysis.features, len(self.topic_ids), signs_needed)
        penalty = _UNKNOWN_PENALTY * min(analysis.unknown, _UNKNOWN_CAP)
        evidence = [max(0.0, value - penalty) for value in evidence]
        ranked = sorted(range(len(evidence)), key=evidence.__getitem__, reverse=True)
        needed = MIN_EVIDENCE if analysis.about_work else MIN_EVIDENCE_WITHOUT_LABOR_WORD
        if not ranked or evidence[ranked[0]] < needed:
            best = _to_score(evidence[ranked[0]]) if ranked else 0.0
            return MatchResult(topic=None, score=best, alternatives=[])
        alternatives = [
            (self.topic_ids[p], _to_score(evidence[p]))
            for p in ranked[1 : 1 + MAX_ALTERNATIVES]
            if evidence[p] > 0.0
        ]
        winner = ranked[0]
        return MatchResult(self.topic_ids[winner], _to_score(evidence[winner]), alternatives)


def _to_score(evidence: float) -> float:
    return round(evidence / (evidence + HALF_SCORE_EVIDENCE), 4)


def _vocabulary_words(analyzer: Analyzer, topics: Sequence[TopicVocabulary]) -> Iterator[str]:
    """Every word the matcher knows in a language: vocabulary, titles and synonym lists."""
    lang = analyzer.lang
    for topic in topics:
        for phrase in [*topic.phrases.get(lang, ()), topic.title.get(lang, "")]:
            yield from analyzer.words(phrase)
    for canonical, variants in analyzer.rules.synonyms.items():
        for phrase in [canonical, *variants]:
            yield from analyzer.words(phrase)


def _empty_rules() -> LanguageRules:
    return LanguageRules({}, {}, frozenset(), frozenset(), frozenset())


def _read_yaml(path: Path) -> object:
    return plain(read_yaml(path).data)  # the staff file limits (no aliases, size) apply here too


def _lang_map(value: object) -> dict[str, str]:
    """`{es: ..., en: ...}` from a dict or a pydantic-like model; plain text is Spanish."""
    if isinstance(value, str):
        return {"es": value}
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items() if v is not None}
    dump = getattr(value, "model_dump", None)
    return _lang_map(dump()) if callable(dump) else {}


def _phrases(value: object) -> dict[str, list[str]]:
    """`{es: [...], en: [...]}` from a dict or a pydantic-like model; None -> empty."""
    if not isinstance(value, Mapping):
        dump = getattr(value, "model_dump", None)
        return _phrases(dump()) if callable(dump) else {}
    return {str(lang): [str(p) for p in (items or [])] for lang, items in value.items()}


def _words_list(value: object) -> frozenset[str]:
    items = value if isinstance(value, list) else []
    return frozenset(word for item in items for word in normalize_words(str(item)))


def load_rules(path: Path) -> dict[str, LanguageRules]:
    """Read flows/matching/synonyms.yaml into per-language rules."""
    data = _read_yaml(path)
    if not isinstance(data, Mapping):
        return {}
    return {str(lang): _language_rules(section) for lang, section in data.items()}


def _language_rules(section: object) -> LanguageRules:
    section = section if isinstance(section, Mapping) else {}
    spelling = section.get("spelling") or {}
    synonyms = section.get("synonyms") or {}
    return LanguageRules(
        spelling={" ".join(normalize_words(str(k))): str(v) for k, v in spelling.items()},
        synonyms={str(k): [str(v) for v in (vs or [])] for k, vs in synonyms.items()},
        stop_words=_words_list(section.get("stop_words")),
        negators=_words_list(section.get("negators")),
        weak_words=_words_list(section.get("weak_words")),
        everyday_words=_words_list(section.get("everyday_words")),
        labor_words=_words_list(section.get("labor_words")),
        off_topic_words=_words_list(section.get("off_topic_words")),
    )


_FLOWS = FLOWS_DIR


def load_matcher(flows_dir: Path = _FLOWS, vocabulary: Path | None = None) -> TopicMatcher:
    """The project's matcher: vocabulary from the topic files' `match:` blocks
    (flows/topics), or from a `{topic id: {es: [...], en: [...]}}` file if given."""
    synonyms = flows_dir / "matching" / "synonyms.yaml"
    if vocabulary is not None:
        return TopicMatcher.from_files(vocabulary, synonyms)
    return TopicMatcher.from_catalog(load_topics(flows_dir / "topics"), synonyms)
