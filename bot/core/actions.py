"""The registry of named Python actions that flow files may call with `action: family.name`.

An action is pure: it gets an `ActionContext` (the answers so far, the language, the time,
the loaded data files) and returns an `ActionResult` (variables to set, effects to record,
an outcome for the state's `on:` table, texts to say). Storage and sending stay in the service.
Each family lives in its own module and registers itself with `@action`; the checker knows
every registered name, the variables it provides and the outcomes it may return.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.turn import Effect


@dataclass(frozen=True, slots=True)
class ActionContext:
    vars: Mapping[str, Any]
    lang: str
    now: datetime
    channel: str
    data: Mapping[str, Any] = field(default_factory=dict)
    consent: bool = False  # whether she agreed that the bot keeps her personal answers


@dataclass(frozen=True, slots=True)
class ActionResult:
    vars: Mapping[str, Any] = field(default_factory=dict)  # a None value removes the variable
    effects: tuple[Effect, ...] = ()
    outcome: str | None = None
    say: tuple[str, ...] = ()  # already in the worker's language
    consent: bool | None = None  # set the session's consent to personal data
    pause: bool = False  # hand the conversation to a person: the bot stays quiet for a while
    request: Mapping[str, Any] | None = None  # for a state with `await`: what to ask the service


ActionFunction = Callable[[ActionContext], ActionResult]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    run: ActionFunction
    provides: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()
    goes_to: frozenset[str] = frozenset()


REGISTRY: dict[str, ActionSpec] = {}


def action(
    name: str,
    provides: tuple[str, ...] = (),
    outcomes: tuple[str, ...] = (),
    goes_to: tuple[str, ...] = (),
) -> Callable[[ActionFunction], ActionFunction]:
    """Register an action under `name`, declaring the variables and outcomes it can produce.

    For an action in a state with `await:`, `provides` and `outcomes` include what the
    service's answer to its request may set and return. `goes_to` lists the targets
    (`flow.state`) the options it builds may lead to, so the checker can verify them.
    """

    def register(run: ActionFunction) -> ActionFunction:
        REGISTRY[name] = ActionSpec(name, run, frozenset(provides), frozenset(outcomes),
                                    frozenset(goes_to))
        return run

    return register


def load_builtin_actions() -> None:
    """Import every action family so each registers itself."""
    from bot import privacy  # noqa: F401
    from bot.complaint import actions, centers, person  # noqa: F401
    from bot.rights import actions as _rights  # noqa: F401
    from bot.severance import actions as _severance  # noqa: F401
    from bot.workshops import actions as _workshops  # noqa: F401
