"""`labor-bot ask TEXT`: which rights topic a question is about, as the bot's matcher sees it.

Staff use it to test vocabulary and synonym edits (flows/topics/*.yaml `match:` blocks and
flows/matching/synonyms.yaml). With `--json` it prints exactly one JSON object:
`{"topic": id or null, "score": 0..1, "alternatives": [{"topic": id, "score": 0..1}, ...],
"urgent": true|false}`; `urgent` is what the engine's danger detector (bot/core/danger.py) reads:
a message the bot answers first with 911 and the help lines.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from bot.cli.common import cli_language, exit_on_flow_error
from bot.core.danger import is_urgent
from bot.i18n import N_, translator
from bot.rights.analyzer import normalize_words
from bot.rights.matcher import Decision, MatchResult, TopicMatcher, load_matcher


class Language(StrEnum):
    ES = "es"
    EN = "en"


# Printed in the staff member's language (LANG=en_US.UTF-8 gives English), like `flows check`.
_EMPTY = N_("No hay pregunta que buscar: escribe lo que pasa, por ejemplo "
            "`labor-bot ask \"me corrieron sin razon\"`.")
_DECISIONS = {
    Decision.CONFIDENT: N_("seguro: el bot contesta este tema"),
    Decision.CLOSE_CALL: N_("dudoso: el bot ofrece los tres mejores"),
    Decision.NONE: N_("ninguno: el bot ofrece el menú"),
}


def ask(
    text: Annotated[str, typer.Argument(help="The question, as a worker would type it.")] = "",
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of the question: es or en.")
    ] = Language.ES,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Find the rights topic a question is about (the answer in Spanish; LANG=en_US for English)."""
    with exit_on_flow_error():
        matcher = load_matcher()
    result = matcher.match(text, lang.value)
    if as_json:
        typer.echo(json.dumps({**as_dict(result), "urgent": is_urgent(text)}, ensure_ascii=False))
    elif not normalize_words(text):
        typer.echo(translator(cli_language())(_EMPTY))
    else:
        typer.echo(describe(result, matcher, lang.value, cli_language()))


def as_dict(result: MatchResult) -> dict[str, object]:
    """The JSON shape of a match."""
    return {
        "topic": result.topic,
        "score": result.score,
        "alternatives": [{"topic": t, "score": s} for t, s in result.alternatives],
    }


def describe(result: MatchResult, matcher: TopicMatcher, lang: str, staff_lang: str = "es") -> str:
    """A match as two short lines for people, in the staff member's language."""
    _ = translator(staff_lang)
    if result.topic is None:
        head = _("tema: ninguno (mejor puntaje {score})").format(score=f"{result.score:.2f}")
    else:
        title = matcher.title(result.topic, lang)
        head = _("tema: {topic} «{title}», puntaje {score}").format(
            topic=result.topic, title=title, score=f"{result.score:.2f}")
    lines = [head, f"  {_(_DECISIONS[result.decision])}"]
    if result.alternatives:
        others = ", ".join(f"{t} {s:.2f}" for t, s in result.alternatives)
        lines.append("  " + _("también: {others}").format(others=others))
    return "\n".join(lines)
