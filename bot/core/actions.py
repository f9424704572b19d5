"""Named Python actions that flow files call with `action: family.name`, and the requests
that `await:` states make of the outside world.

An action is pure: it gets an `ActionContext` (the answers so far, the language, the time,
the typed data it draws on) and returns an `ActionResult` (variables to set, effects to record,
an outcome for the state's `on:` table, texts to say). Storage and sending stay in the service.

Each feature keeps its own `ActionCatalog` and registers into it with `@ACTIONS.action(...)`
and `ACTIONS.request(...)`; `bot.features` merges them. Nothing here is global: a `FlowSet`
carries the catalog it was checked against, so the engine runs exactly what the checker saw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.core.clock import DEFAULT_TZ, local_today
from bot.core.turn import Effect
from bot.errors import BotError

AssetsT = TypeVar("AssetsT")


@dataclass(frozen=True, slots=True)
class ActionContext(Generic[AssetsT]):
    vars: Mapping[str, Any]
    lang: str
    now: datetime
    channel: str
    assets: AssetsT  # the typed data files the flows were loaded with (`bot.assets.Assets`)
    consent: bool = False  # whether she agreed that the bot keeps her personal answers
    tz: ZoneInfo = ZoneInfo(DEFAULT_TZ)  # her time zone (bot.core.clock.zone_for)

    @property
    def today(self) -> date:
        """Her calendar day: use this, not `now.date()` (UTC: one day late every evening)."""
        return local_today(self.now, self.tz)


@dataclass(frozen=True, slots=True)
class ActionResult:
    vars: Mapping[str, Any] = field(default_factory=dict)  # a None value removes the variable
    effects: tuple[Effect, ...] = ()
    outcome: str | None = None
    say: tuple[str, ...] = ()  # already in the worker's language
    consent: bool | None = None  # set the session's consent to personal data
    pause: bool = False  # hand the conversation to a person: the bot stays quiet for a while
    request: Mapping[str, Any] | None = None  # for a state with `await`: what to ask the service


ActionFunction = Callable[[ActionContext[Any]], ActionResult]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action as the checker sees it: the variables it may set, its outcomes, and where
    the options it builds may lead (`flow.state`)."""

    name: str
    run: ActionFunction
    provides: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    goes_to: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """What an `await: NAME` state asks the outside world: the outcomes its answer may give
    (the keys of the state's `on:`) and the variables the answer may set."""

    name: str
    outcomes: frozenset[str]
    provides: frozenset[str] = frozenset()
    description: str = ""  # one Spanish line for staff (`labor-bot flows actions`), then English


@dataclass(slots=True)
class ActionCatalog:
    """The actions and requests flows may name, each under a unique name."""

    actions: dict[str, ActionSpec] = field(default_factory=dict)
    requests: dict[str, RequestSpec] = field(default_factory=dict)

    def action(
        self,
        name: str,
        provides: tuple[str, ...] = (),
        outcomes: tuple[str, ...] = (),
        goes_to: tuple[str, ...] = (),
    ) -> Callable[[ActionFunction], ActionFunction]:
        """Register an action under `name`, declaring the variables and outcomes it can produce.

        `goes_to` lists the targets (`flow.state`) the options it builds may lead to, so the
        checker can verify them. An action that builds a request for an `await:` state declares
        no outcomes of its own: the request's answer gives them (see `request`).
        """

        def register(run: ActionFunction) -> ActionFunction:
            self._add(self.actions, name, ActionSpec(name, run, frozenset(provides),
                                                     frozenset(outcomes), frozenset(goes_to)))
            return run

        return register

    def request(self, name: str, outcomes: tuple[str, ...], provides: tuple[str, ...] = (),
                description: str = "") -> None:
        """Declare what `await: name` asks: the service must have a resolver of that name.

        `description` is what `labor-bot flows actions` shows: a Spanish line, then, after a
        blank line, the same in English (the way action docstrings are written)."""
        self._add(self.requests, name, RequestSpec(name, frozenset(outcomes), frozenset(provides),
                                                   description))

    @classmethod
    def merged(cls, catalogs: Iterable[ActionCatalog]) -> ActionCatalog:
        whole = cls()
        for catalog in catalogs:
            for spec in catalog.actions.values():
                whole._add(whole.actions, spec.name, spec)
            for request in catalog.requests.values():
                whole._add(whole.requests, request.name, request)
        return whole

    @staticmethod
    def _add(into: dict[str, Any], name: str, item: object) -> None:
        if name in into:
            raise BotError(f"two actions or requests are named {name!r}")
        into[name] = item
