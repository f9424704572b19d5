"""The free-text fallback: a question typed in her own words, answered from the rights topics.

A confident match answers at once, with the same text and options as the browsing flow; a
close call offers the three likeliest topics; no match returns None, and the engine asks
again with the menu.
"""

from __future__ import annotations

from datetime import datetime

from bot.core.turn import Choice, Reply
from bot.i18n import N_, translate
from bot.rights.answers import MENU, Option, answer_text, options_after
from bot.rights.figures import NO_FIGURES, DatedFigures
from bot.rights.matcher import Decision, TopicMatcher, decide
from bot.rights.topics import TopicCatalog

WHICH = N_("¿Tu pregunta es sobre alguno de estos temas?")
NONE_OF_THESE = N_("Ninguno: ver los temas")
NEXT = N_("¿Qué quieres hacer ahora?")


class RightsSearch:
    """`search(text, lang, now)`: the engine's `Fallback` for free text that is not an answer."""

    def __init__(self, catalog: TopicCatalog, matcher: TopicMatcher, installed: frozenset[str],
                 figures: DatedFigures = NO_FIGURES) -> None:
        self.catalog, self.matcher, self.installed = catalog, matcher, installed
        self.figures = figures

    def __call__(self, text: str, lang: str, now: datetime) -> tuple[Reply, ...] | None:
        result = self.matcher.match(text, lang)
        decision = decide(result)
        if decision is Decision.CONFIDENT and result.topic in self.catalog.topics:
            return self._answer(result.topic, lang, now)
        if decision is Decision.NONE:
            return None
        likely = [t for t in [result.topic, *(t for t, _ in result.alternatives)]
                  if t in self.catalog.topics][:3]
        if not likely:
            return None
        choices = [Choice(translate(lang, self.catalog.topics[t].title), f"go:rights.answer|topic={t}")
                   for t in likely]
        choices += [Choice(translate(lang, NONE_OF_THESE), "go:rights.categories"),
                    Choice(translate(lang, MENU), "go:main.menu")]
        return (Reply(translate(lang, WHICH), tuple(choices)),)

    def _answer(self, topic_id: str, lang: str, now: datetime) -> tuple[Reply, ...]:
        topic = self.catalog.topics[topic_id]
        options = options_after(topic, lang, self.installed, shown_more=False)
        choices = tuple(Choice(o.label, _button_value(o, topic_id)) for o in options)
        text = answer_text(topic, lang, now=now, figures=self.figures)
        return (Reply(text), Reply(translate(lang, NEXT), choices))


def _button_value(option: Option, topic_id: str) -> str:
    """A `go:` value; the rights states need to know the topic, since no menu set it."""
    target = option.go or "main.menu"
    return f"go:{target}|topic={topic_id}" if target.startswith("rights.more") else f"go:{target}"
