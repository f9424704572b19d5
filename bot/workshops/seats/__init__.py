"""Workshop seats and waitlists: the value types and the `Seats` protocol both keepers follow.

The keepers: `bot.workshops.seats.redis.RedisSeats` (atomic Lua scripts, for any number of
processes) and `bot.workshops.seats.memory.MemorySeats` (one process: `labor-bot chat`,
development, tests). This module imports neither, so the pure actions can use the types
without importing `redis`.

A worker is known here only by her `UserKey.tag`; her name and other answers never reach
the seat keepers (they are effect records, which "delete my data" blanks).

Every change first promotes from the waitlist while there are free seats (capacity may have
been raised), so taking a seat, giving a waitlist place, cancelling, promoting and queuing
the notices of whoever moved all happen in one atomic step. Capacity lowered below the confirmed
count keeps the confirmed seats and gives no new ones. Taking a seat is idempotent per sign-up:
the same `nonce` (fixed earlier in the conversation) gets the same answer again; another
nonce from a worker who holds a place gets `already`. All of a workshop's keys expire 60 days
after it starts (exports and attendance are done by then): no chat id stays in Redis for good.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
CODE_LENGTH = 6
REMINDERS = (("day", 24 * 3600), ("soon", 2 * 3600))  # kind, seconds before the start
KEEP_AFTER_START = 60 * 86400  # then a workshop's seats, codes and attendance expire

Status = Literal["confirmed", "waiting"]


@dataclass(frozen=True, slots=True)
class Terms:
    """What a script needs to know about a workshop now; times are Unix seconds."""

    workshop: str
    capacity: int
    starts: int
    now: int


@dataclass(frozen=True, slots=True)
class Place:
    """A worker's place: a seat (`place` 0) or her position on the waitlist (from 1)."""

    workshop: str
    code: str
    status: Status
    place: int = 0


@dataclass(frozen=True, slots=True)
class Person:
    """What is kept with a place: no personal data, only what sending a reminder needs."""

    code: str
    nonce: str
    lang: str = "es"
    discreet: bool = False
    at: int = 0


@dataclass(frozen=True, slots=True)
class Notice:
    """A message owed to a worker: `freed` (she got a seat), `day` or `soon` (reminders)."""

    id: str
    kind: str
    workshop: str
    tag: str
    code: str
    due: int

    @classmethod
    def from_json(cls, raw: str | bytes) -> Notice:
        data = json.loads(raw)
        return cls(**{k: data[k] for k in ("id", "kind", "workshop", "tag", "code")}, due=int(data["due"]))


@dataclass(frozen=True, slots=True)
class Counts:
    confirmed: int
    waiting: int
    attended: int = 0


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One line of a staff export: never her tag."""

    code: str
    status: Status
    place: int
    lang: str
    at: int
    attended: bool


Availability = tuple[str, int, int, Place | None]  # open|full|already|already_waiting, left, waiting


class Seats(Protocol):
    """The seat keeper behind the `availability`, `seat`, `cancel` and `my_signups` requests."""

    async def availability(self, tag: str, terms: Terms) -> Availability: ...

    async def take(self, tag: str, terms: Terms, person: Person) -> tuple[str, Place]:
        """("confirmed" | "waitlisted" | "already", her place)."""

    async def cancel(self, tag: str, terms: Terms, nonce: str) -> str:
        """"cancelled" (also when this nonce already cancelled) or "none"."""

    async def places(self, tag: str, workshops: Sequence[str]) -> list[Place]: ...

    async def person(self, workshop: str, tag: str) -> tuple[Person, Place] | None: ...

    async def counts(self, workshop: str) -> Counts: ...

    async def roster(self, workshop: str) -> list[RosterRow]: ...

    async def attend(self, workshop: str, codes: Sequence[str]) -> list[str]:
        """Mark codes as present; returns the codes nobody holds."""

    async def notices(self, workshop: str) -> list[Notice]:
        """Notices queued by the scripts and not yet handed to the scheduler."""

    async def drop_notices(self, workshop: str, ids: Sequence[str]) -> None: ...


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def cancel_marker(tag: str, nonce: str) -> str:
    """Remembers a done cancellation without keeping her tag in clear."""
    return hashlib.sha256(f"{tag}|{nonce}".encode()).hexdigest()[:20]


def roster_rows(groups: Sequence[tuple[Status, Sequence[str]]], people: Mapping[str, Person],
                attended: set[str]) -> list[RosterRow]:
    """A staff export's lines: each group's tags in order, as codes."""
    return [RosterRow(people[tag].code, status, 0 if status == "confirmed" else i + 1, people[tag].lang,
                      people[tag].at, people[tag].code in attended)
            for status, tags in groups for i, tag in enumerate(tags)]
