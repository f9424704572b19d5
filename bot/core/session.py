"""The small serialisable state of one worker's conversation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Position(BaseModel):
    """A place in a flow: where a conversation stands, or where an unfinished task can resume."""

    model_config = ConfigDict(frozen=True)

    flow: str
    state: str


class Session(BaseModel):
    """One worker's conversation. Kept compact: an idle session must fit in 2 KB of Redis.

    `vars` holds the answers saved with `save_as`; personal answers are kept only with consent.
    `offer` holds the options of the last system or search menu (label, value), so a worker can
    answer it by number; it is cleared by the next message.
    """

    model_config = ConfigDict(frozen=True)

    v: int = SCHEMA_VERSION
    flow: str
    state: str
    vars: dict[str, Any] = Field(default_factory=dict)
    lang: str = "es"
    consent: bool = False
    opted_out: bool = False
    misses: int = 0
    offer: tuple[tuple[str, str], ...] = ()
    resume: Position | None = None
    paused_until: datetime | None = None  # a person is handling her: the bot stays quiet
    started_at: datetime
    updated_at: datetime

    @property
    def position(self) -> Position:
        return Position(flow=self.flow, state=self.state)

    def to_json(self) -> str:
        """Compact JSON: defaults are left out, except the schema version."""
        data = self.model_dump(mode="json", exclude_defaults=True)
        data["v"] = self.v
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Session:
        return cls.model_validate_json(raw)
