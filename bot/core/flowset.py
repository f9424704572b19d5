"""`FlowSet`: the checked flows the engine runs, with their triggers, actions and data.

A `FlowSet` comes from `bot.core.loading.load_flowset`, which runs the checker first and
refuses a set with errors, so the engine only ever sees flows whose targets, actions and
placeholders are known to be sound, and runs exactly the actions the checker checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.actions import ActionCatalog
from bot.core.commands import SystemText
from bot.core.flowfile import DEFAULTS, Flow, State
from bot.core.intents import Intents
from bot.core.session import Position
from bot.core.textnorm import normalize
from bot.core.turn import Reply
from bot.i18n import DEFAULT_LANGUAGE, translate
from bot.problems import Problem

MAIN_FLOW = "main"
# Flows whose triggers count only as a whole message: a greeting opens many a question ("hola,
# me corrieron…"), and a sentence about rights ("necesito saber mis derechos de vacaciones") is
# better answered by the rights search than by the list of topics.
WHOLE_MESSAGE_ONLY = frozenset([MAIN_FLOW, "rights"])
MENU_STATE = "menu"
DEFAULT_TIMEOUT_MINUTES = 120


# Free text that is not an answer goes here: (text, lang, now) -> replies, or None for "no
# idea"; `now` because an answer can name a figure that changes on a date.
# Choices in the replies become the session's offer; their values are `go:` or `cmd:` values.
Fallback = Callable[[str, str, datetime], tuple[Reply, ...] | None]


@dataclass(slots=True)
class FlowSet:
    flows: dict[str, Flow]
    actions: ActionCatalog = field(default_factory=ActionCatalog)
    assets: object = None  # what actions read (`bot.assets.Assets`); the engine only passes it on
    fallback: Fallback | None = None
    warnings: list[Problem] = field(default_factory=list)
    triggers: dict[tuple[str, str], str] = field(default_factory=dict)
    any_language: dict[str, str] = field(default_factory=dict)
    # The lines the urgent answer gives (`emergency`, `trafficking`, `crisis`: the number as
    # dialled), read by the loader from data/contacts.yaml, where each has its source.
    urgent_lines: dict[str, str] = field(default_factory=dict)
    intents: Intents = field(default_factory=lambda: Intents(()))
    # The system texts staff changed in flows/texts/system.yaml (key -> Spanish), read by the loader.
    texts: dict[str, str] = field(default_factory=dict)
    # The values of the settings' placeholders (`DEFAULTS`), for every text the engine fills.
    defaults: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))

    def __post_init__(self) -> None:
        self.triggers = {
            (lang, normalize(word)): flow.flow
            for flow in self.flows.values()
            for lang, words in flow.triggers.items()
            for word in words
        }
        # A Spanish speaker may type an English trigger, and the other way round.
        self.any_language = {word: flow for (_, word), flow in self.triggers.items()}
        self.intents = Intents.build({
            flow.flow: [word for words in flow.triggers.values() for word in words]
            for flow in self.flows.values() if flow.flow not in WHOLE_MESSAGE_ONLY})

    def state(self, position: Position) -> State | None:
        flow = self.flows.get(position.flow)
        return flow.states.get(position.state) if flow else None

    def resolve(self, current_flow: str, target: str) -> Position:
        """The position a checked target names (targets were validated at load time)."""
        if "." in target:
            flow, state = target.split(".", 1)
            return Position(flow=flow, state=state)
        if target in self.flows[current_flow].states:
            return Position(flow=current_flow, state=target)
        return self.start_of(target)

    def knows(self, current_flow: str, target: str) -> bool:
        """Whether a target computed at run time (by an action) names an existing state."""
        flow, _, state = target.partition(".")
        if state:
            return self.state(Position(flow=flow, state=state)) is not None
        return target in self.flows[current_flow].states or target in self.flows

    def start_of(self, flow: str) -> Position:
        return Position(flow=flow, state=self.flows[flow].start)

    @property
    def home(self) -> Position:
        """Where a worker lands with "menu": the main flow's menu state, else its start."""
        main = self.flows[MAIN_FLOW]
        return Position(flow=MAIN_FLOW, state=MENU_STATE if MENU_STATE in main.states else main.start)

    def trigger_for(self, text: str, lang: str) -> str | None:
        key = normalize(text)
        return self.triggers.get((lang, key)) or self.any_language.get(key)

    def intent_in(self, text: str) -> str | None:
        """A flow (or `intents.PERSON`) she asks for inside a sentence (rule in `bot.core.intents`)."""
        return self.intents.find(text)

    def text(self, message: str, lang: str) -> str:
        """A text in `lang`: a system text as the staff wrote it in flows/texts/system.yaml.

        An edited text with no translation yet is said in English with the built-in one's
        translation (close in meaning, and better than Spanish to someone who asked for English)."""
        edited = self.texts.get(message.key) if isinstance(message, SystemText) else None
        if edited is None or edited == message:
            return translate(lang, message)
        if lang == DEFAULT_LANGUAGE:
            return edited
        translated = translate(lang, edited)
        return translated if translated != edited else translate(lang, message)

    def timeout_minutes(self, flow: str) -> int:
        found = self.flows.get(flow)
        return (found.timeout_minutes if found else None) or DEFAULT_TIMEOUT_MINUTES

