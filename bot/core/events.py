"""What a worker sent, as the engine sees it: one channel-independent `Event` per message."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

MAX_TEXT = 4000  # longer pastes are cut before matching and never stored whole
# A lone UTF-16 surrogate (JSON's "\ud800" with no pair) cannot be encoded to store or send:
# replaced, so the message is answered instead of failing (and Telegram redelivering it forever).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def without_surrogates(text: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD."""
    return _LONE_SURROGATE.sub(REPLACEMENT, text)


class EventKind(StrEnum):
    TEXT = "text"  # typed text
    CHOICE = "choice"  # a pressed button; `value` holds its payload
    LOCATION = "location"  # a shared location; `latitude`/`longitude`
    CONTACT = "contact"  # a shared contact card; `phone`
    UNSUPPORTED = "unsupported"  # sticker, voice note, image…: the bot only reads text
    RESULT = "result"  # the service's answer to a state's `await` request; `value` is the outcome


@dataclass(frozen=True, slots=True)
class Event:
    """One incoming message. `user` is the channel's id for the sender and is never logged."""

    kind: EventKind
    channel: str
    user: str
    message_id: str
    text: str = ""
    value: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    lang_hint: str | None = None
    data: Mapping[str, Any] | None = None  # RESULT only: variables the answer sets
    # Sent by staff tooling (`labor-bot handoff release`), never built from a channel's payload:
    # only such an event may carry a staff-only value (`cmd:release`).
    staff: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", without_surrogates(self.text[:MAX_TEXT]))
        if self.value is not None:
            object.__setattr__(self, "value", without_surrogates(self.value))
        if self.phone is not None:
            object.__setattr__(self, "phone", without_surrogates(self.phone))
