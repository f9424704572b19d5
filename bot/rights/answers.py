"""How a rights answer is said: the answer text with its footer, and what the worker can do next.

Used by the browsing flow's actions and by the free-text search, so an answer reads the same
whichever way she reached it. Texts come from `flows/topics/` and are translated at run time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.core.clock import local_today
from bot.i18n import N_, format_day, translate
from bot.rights.figures import DatedFigures
from bot.rights.topics import Topic, TopicCatalog

DISCLAIMER = N_(
    "Esta es información general, no asesoría legal. Para hablar con una persona escribe *persona*."
)
# In production *persona* may reach nobody (legal review H2), so every answer also names a
# free line that answers (legal_facts.md of 2026-12-02, "free legal help": 079 per PROFEDET's Dec 2025
# notices). Only the line, never an address: PROFEDET's building closed in January 2026.
FREE_HELP = N_(
    "Asesoría gratis: PROFEDET al 079 (servicios laborales) o la Procuraduría de la Defensa "
    "del Trabajo de tu estado."
)
CHECKED = N_("Información revisada el {date}.")
MORE = N_("Ver más")
ANOTHER = N_("Otra pregunta")
MENU = N_("Menú principal")
BACK = N_("Otro tema")

# A topic's `next` links, and the flow (or state) each one opens. A link whose flow is not
# installed is simply not offered, so no option ever leads nowhere.
LINKS: dict[str, tuple[str, str]] = {
    "severance_calculator": (N_("Calcular mi finiquito"), "severance"),
    "complaint": (N_("Poner una queja"), "complaint"),
    "find_center": (N_("Buscar un centro"), "centers"),
    "person": (N_("Hablar con una persona"), "main.person"),
    "workshops": (N_("Talleres para mujeres"), "workshops"),
}


@dataclass(frozen=True, slots=True)
class Option:
    """A menu option: its label (translated), the value saved, and the target it opens, if any."""

    label: str
    value: str
    go: str | None = None

    def as_choice_item(self) -> dict[str, str | None]:
        """The shape the engine expects in a `choices_from` variable."""
        return {"label": self.label, "value": self.value, "go": self.go}


def answer_text(topic: Topic, lang: str, *, now: datetime, figures: DatedFigures,
                more: bool = False) -> str:
    """The answer (or its longer part), then where to get free advice and the reminder that
    this is general information.

    Dated figures (`{weekly_hours_limit}`) are filled after translation, with the values in
    force on the worker's date at `now`, so both languages change on the same day.
    """
    body = translate(lang, topic.more if more and topic.more else topic.answer)
    body = figures.fill(body, local_today(now), lang)
    checked = translate(lang, CHECKED).format(date=format_day(topic.checked, lang))
    return (f"*{translate(lang, topic.title)}*\n\n{body}\n\n{translate(lang, FREE_HELP)}\n"
            f"_{translate(lang, DISCLAIMER)} {checked}_")


def options_after(topic: Topic, lang: str, installed: Collection[str], shown_more: bool) -> list[Option]:
    """What she can do after reading an answer: more, the linked flows, another question, menu."""
    options = [] if shown_more or not topic.more else [Option(translate(lang, MORE), "more", "rights.more")]
    for link in topic.next:
        label, target = LINKS[link]
        if target.split(".")[0] in installed:
            options.append(Option(translate(lang, label), link, target))
    options.append(Option(translate(lang, ANOTHER), "another", "rights.categories"))
    options.append(Option(translate(lang, MENU), "menu", "main.menu"))
    return options[:10]


def category_options(catalog: TopicCatalog, lang: str) -> list[Option]:
    """The rights menu: one option per category (at most nine), then the main menu."""
    options = [Option(translate(lang, c.title), c.category) for c in catalog.categories]
    return [*options[:9], Option(translate(lang, MENU), "menu", "main.menu")]


def topic_options(catalog: TopicCatalog, category: str, lang: str) -> list[Option]:
    """The topics of one category, then "another topic" and the main menu."""
    found = next((c for c in catalog.categories if c.category == category), None)
    options = [Option(translate(lang, t.title), t.id) for t in (found.topics if found else [])]
    return [*options[:8], Option(translate(lang, BACK), "back", "rights.categories"),
            Option(translate(lang, MENU), "menu", "main.menu")]
