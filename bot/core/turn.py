"""What the engine decides for one message: replies to send, effects to record, the new session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.session import Session

JSON = Any  # a JSON-serialisable value


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a menu: shown as a button on Telegram and the web chat, a number on WhatsApp.

    `value` is what the engine receives back when the button is pressed (at most 64 bytes).
    """

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the worker, already translated; `choices` make it a menu.

    `lang` is the conversation's language when it was said (the web chat page follows it); it
    is not part of what the message is, so two replies with the same words are equal.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    lang: str = field(default="", compare=False)

    def to_json(self) -> dict[str, JSON]:
        data: dict[str, JSON] = {"t": self.text}
        if self.choices:
            data["c"] = [[c.label, c.value] for c in self.choices]
        if self.lang:
            data["l"] = self.lang
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, JSON]) -> Reply:
        choices = tuple(Choice(str(label), str(value)) for label, value in data.get("c", ()))
        return cls(str(data["t"]), choices, str(data.get("l", "")))


def replies_to_json(replies: Sequence[Reply]) -> list[dict[str, JSON]]:
    return [r.to_json() for r in replies]


def replies_from_json(data: Sequence[Mapping[str, JSON]]) -> tuple[Reply, ...]:
    return tuple(Reply.from_json(d) for d in data)


FORGET = "forget_user"  # effect kind: delete the worker's session and her personal fields


@dataclass(frozen=True, slots=True)
class Effect:
    """A record the service must write together with the session, atomically.

    `kind` names the collection ("handoff", "consent", "signup", "referral", "forget_user"…);
    `data` is the record. The store makes effects of one message exactly-once by keying them
    on the message id, so a redelivered message never writes a record twice.
    """

    kind: str
    data: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Turn:
    """The outcome of one `step`. `session` is None when the worker asked to delete her data."""

    session: Session | None
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()
