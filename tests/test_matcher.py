"""The question matcher: spelling, slang, word forms, English, off-topic, odd input, accuracy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench.matcher_eval import accuracy, load_questions, off_topic_rate, run
from bot.cli import app
from bot.rights.analyzer import normalize_words
from bot.rights.matcher import (
    CLOSE_CALL_RATIO,
    CONFIDENT_SCORE,
    Decision,
    MatchResult,
    TopicMatcher,
    TopicVocabulary,
    decide,
    load_matcher,
    load_rules,
)

ROOT = Path(__file__).resolve().parents[1]
SYNONYMS = ROOT / "flows" / "matching" / "synonyms.yaml"
TOPIC_IDS = ROOT / "tests" / "data" / "topic_ids.txt"


@pytest.fixture(scope="module")
def matcher() -> TopicMatcher:
    return load_matcher()


def topic_of(matcher: TopicMatcher, text: str, lang: str = "es") -> str | None:
    return matcher.match(text, lang).topic


def test_knows_every_topic_of_the_contract(matcher: TopicMatcher) -> None:
    lines = TOPIC_IDS.read_text(encoding="utf-8").splitlines()
    ids = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert set(matcher.topic_ids) == ids


@pytest.mark.parametrize(
    ("with_accents", "without"),
    [
        ("¿Cuántos días de vacaciones me tocan?", "cuantos dias de vacaciones me tocan"),
        ("Me despidieron sin razón", "me despidieron sin razon"),
        ("¡NO ME HAN PAGADO EL AGUINALDO!", "no me han pagado el aguinaldo"),
        ("Estoy embarazada y me corrió mi patrón", "estoy embarazada y me corrio mi patron"),
    ],
)
def test_accents_case_and_punctuation_do_not_matter(
    matcher: TopicMatcher, with_accents: str, without: str
) -> None:
    assert matcher.match(with_accents, "es") == matcher.match(without, "es")
    assert matcher.match(without, "es").topic is not None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("no me an pagado el aginaldo", "wages.aguinaldo"),
        ("quiero formar un sindicado", "union.join"),
        ("estoy embarasada y me quieren correr", "family.maternity"),
        ("me hecharon del trabajo sin razon", "dismissal.unjust"),
        ("kiero mis vacasiones", "time.vacation"),
        ("como calculo mi finikito", "dismissal.severance"),
        ("mi jefe me acoza", "harassment.sexual"),
        ("me contrataron por outsoursing", "outsourcing"),
        ("noooo me pagaaaan la quincenaaa", "wages.unpaid_wages"),
    ],
)
def test_misspellings(matcher: TopicMatcher, text: str, topic: str) -> None:
    assert topic_of(matcher, text) == topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("me botaron de la chamba", "dismissal.unjust"),
        ("mi patron no me da la raya", "wages.unpaid_wages"),
        ("no me tienen dado de alta en el seguro", "social_security.imss"),
        ("me hacen trabajar horas dobles y no me las pagan", "wages.overtime"),
        ("mi vieja se alivio ayer me dan dias", "family.paternity"),
        ("trabajo de home office quien paga la luz", "remote_work"),
    ],
)
def test_mexican_slang(matcher: TopicMatcher, text: str, topic: str) -> None:
    assert topic_of(matcher, text) == topic


@pytest.mark.parametrize(
    "text",
    ["me despidieron", "me despidio mi jefe", "me van a despedir", "fui despedida", "despido"],
)
def test_word_forms_meet_the_same_topic(matcher: TopicMatcher, text: str) -> None:
    assert topic_of(matcher, text) == "dismissal.unjust"


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("i was fired without notice", "dismissal.unjust"),
        ("my boss harasses me", "harassment.sexual"),
        ("they don't pay my overtime", "wages.overtime"),
        ("how many vacation days do i get", "time.vacation"),
    ],
)
def test_english(matcher: TopicMatcher, text: str, topic: str) -> None:
    assert topic_of(matcher, text, "en") == topic


def test_the_other_language_is_recognised(matcher: TopicMatcher) -> None:
    assert topic_of(matcher, "i was fired without notice", "es") == "dismissal.unjust"
    assert topic_of(matcher, "me corrieron sin razon", "en") == "dismissal.unjust"


@pytest.mark.parametrize(
    "text",
    [
        "que clima va a hacer mañana",
        "quien gano el partido",
        "como hago unos tamales",
        "hola buenos dias",
        "gracias",
        "necesito un doctor para mi mama",
        "what's the weather like",
    ],
)
def test_off_topic_has_no_topic(matcher: TopicMatcher, text: str) -> None:
    result = matcher.match(text, "es")
    assert result.topic is None
    assert result.alternatives == []
    assert result.decision is Decision.NONE


@pytest.mark.parametrize("text", ["", "   ", "😀😀👍", "?!...", "\n\t"])
def test_empty_or_emoji_only_input_has_no_topic(matcher: TopicMatcher, text: str) -> None:
    assert matcher.match(text, "es") == MatchResult(topic=None, score=0.0, alternatives=[])


def test_a_4000_character_paste_is_matched(matcher: TopicMatcher) -> None:
    story = "trabajo en una fabrica desde hace 5 años y ayer me corrieron sin razon. " * 60
    assert len(story) >= 4000
    assert topic_of(matcher, story[:4000]) == "dismissal.unjust"
    assert topic_of(matcher, "x" * 4000) is None
    assert topic_of(matcher, "🙂 " * 2000) is None


def test_scores_and_alternatives_are_well_formed(matcher: TopicMatcher) -> None:
    result = matcher.match("me corrieron y no me pagaron el finiquito", "es")
    assert result.topic is not None
    assert 0.0 < result.score <= 1.0
    assert 1 <= len(result.alternatives) <= 3
    scores = [result.score, *(score for _, score in result.alternatives)]
    assert scores == sorted(scores, reverse=True)
    assert result.topic not in {topic for topic, _ in result.alternatives}


def test_decision_thresholds() -> None:
    strong = CONFIDENT_SCORE + 0.1
    close = strong * CLOSE_CALL_RATIO + 0.01
    assert decide(MatchResult("time.vacation", strong, [("wages.aguinaldo", 0.1)])) is Decision.CONFIDENT
    assert decide(MatchResult("time.vacation", strong, [])) is Decision.CONFIDENT
    assert decide(MatchResult("time.vacation", strong, [("wages.aguinaldo", close)])) is (
        Decision.CLOSE_CALL
    )
    assert decide(MatchResult("time.vacation", CONFIDENT_SCORE - 0.01, [])) is Decision.CLOSE_CALL
    assert decide(MatchResult(None, 0.3, [])) is Decision.NONE


def test_a_matcher_built_from_plain_vocabularies() -> None:
    topics = [
        TopicVocabulary("a.pay", {"es": "Pago"}, {"es": ["no me pagan la quincena"], "en": ["unpaid"]}),
        TopicVocabulary("b.union", {"es": "Sindicato"}, {"es": ["formar un sindicato"]}),
    ]
    small = TopicMatcher(topics, load_rules(SYNONYMS))
    assert small.match("mi patron no me paga la raya", "es").topic == "a.pay"
    assert small.match("quiero meterme al sindicado", "es").topic == "b.union"
    assert small.match("receta de pozole", "es").topic is None
    assert small.title("b.union") == "Sindicato"


def test_normalisation() -> None:
    assert normalize_words("¡¡Me CORRIERÓN!!  ayer...") == ["me", "corrieron", "ayer"]
    assert normalize_words("siiiii nooo") == ["si", "no"]
    assert normalize_words("didn't") == ["did", "not"]


def test_synonyms_file_has_both_languages() -> None:
    rules = load_rules(SYNONYMS)
    assert {"es", "en"} <= set(rules)
    assert rules["es"].synonyms and rules["es"].stop_words and rules["es"].labor_words


def test_held_out_questions_meet_the_targets(matcher: TopicMatcher) -> None:
    outcomes = run(matcher, load_questions())
    top1, _, count = accuracy(outcomes, "test", "es")
    assert count >= 100
    assert top1 >= 0.90
    rate, off_count = off_topic_rate(outcomes, "test")
    assert off_count >= 20
    assert rate >= 0.95


RUNNER = CliRunner()


def test_cli_json_is_one_object() -> None:
    result = RUNNER.invoke(app, ["ask", "--json", "me corrieron ayer sin razon"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    data = json.loads(result.stdout)
    assert set(data) == {"topic", "score", "alternatives", "urgent"}
    assert data["topic"] == "dismissal.unjust"
    assert data["urgent"] is False
    assert all(set(item) == {"topic", "score"} for item in data["alternatives"])


@pytest.mark.parametrize("text", ["", "👍👍", "que onda", "a" * 4000])
def test_cli_json_without_a_topic(text: str) -> None:
    result = RUNNER.invoke(app, ["ask", "--json", text])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["topic"] is None


def test_cli_readable_line() -> None:
    result = RUNNER.invoke(app, ["ask", "--lang", "en", "my boss fired me"])
    assert result.exit_code == 0, result.output
    assert "dismissal.unjust" in result.stdout
    empty = RUNNER.invoke(app, ["ask", "🙂"])
    assert empty.exit_code == 0
    assert "labor-bot ask" in empty.stdout
    assert "Traceback" not in empty.output
