"""`RedisSeats`: the seat rules as atomic Lua scripts, safe for any number of processes.

A worker is known here only by her `UserKey.tag`; her name and other answers never reach
this module (they are effect records, which "delete my data" blanks). Per workshop W, every
key carries the hash tag `{ws:W}`, so one script touches one Redis Cluster slot:

    lb:{ws:W}:seats     sorted set: tags with a seat, scored by a sequence number
    lb:{ws:W}:wait      sorted set: tags on the waitlist, in the order they asked
    lb:{ws:W}:people    hash: tag -> JSON {code, nonce, lang, discreet, at}
    lb:{ws:W}:codes     hash: code -> tag (codes are unique per workshop)
    lb:{ws:W}:seq       counter behind both orders
    lb:{ws:W}:notices   hash: notice id -> JSON notice, until the scheduler takes it
    lb:{ws:W}:cancels   set of hashes of (tag, nonce) of done cancellations: asked again, same answer
    lb:{ws:W}:attended  set of codes marked by staff

The scripts live beside this module: `prelude.lua` (shared by the scripts that change a
workshop, with the KEYS/ARGV they all take) and one `.lua` file per script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from importlib.resources import files
from typing import Any, NamedTuple

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

from bot.errors import BotError
from bot.workshops.seats import (
    KEEP_AFTER_START,
    REMINDERS,
    Availability,
    Counts,
    Notice,
    Person,
    Place,
    RosterRow,
    Status,
    Terms,
    cancel_marker,
    new_code,
    roster_rows,
)


def _lua(name: str) -> str:
    return files("bot.workshops.seats").joinpath(f"{name}.lua").read_text(encoding="utf-8")


def _script(name: str) -> str:
    """The prelude, then the script's body as `main()`: every exit path ends by setting the keys' expiry."""
    return (_lua("prelude") + "local function main()\n" + _lua(name)
            + "end\nlocal result = main()\nkeep()\nreturn result\n")


class SeatKeys(NamedTuple):
    """One workshop's keys, in the order the scripts take them as KEYS."""

    seats: str
    wait: str
    people: str
    codes: str
    seq: str
    notices: str
    cancels: str
    attended: str


def seat_keys(workshop: str) -> SeatKeys:
    tag = "{ws:" + workshop + "}"
    return SeatKeys(*(f"lb:{tag}:{name}" for name in SeatKeys._fields))


def person_json(person: Person) -> str:
    return json.dumps(asdict(person), separators=(",", ":"), ensure_ascii=False)


def _person(raw: str | bytes) -> Person:
    data = json.loads(raw)
    return Person(**{k: data[k] for k in ("code", "nonce", "lang", "discreet", "at")})


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisSeats:
    """Seats in Redis; safe for any number of processes sharing one Redis."""

    MAX_CODE_TRIES = 8

    def __init__(self, client: Redis | RedisCluster) -> None:
        self._redis = client
        self._take = client.register_script(_script("take"))
        self._cancel = client.register_script(_script("cancel"))
        self._availability = client.register_script(_script("availability"))
        self._status = client.register_script(_lua("status"))
        self._attend = client.register_script(_lua("attend"))

    @staticmethod
    def _args(terms: Terms, *more: str | int) -> list[str | int]:
        """The prelude's ARGV (1-7), then the script's own."""
        (_, day), (_, soon) = REMINDERS
        return [terms.workshop, terms.capacity, terms.now, terms.starts, day, soon, KEEP_AFTER_START, *more]

    async def availability(self, tag: str, terms: Terms) -> Availability:
        found = await self._availability(keys=seat_keys(terms.workshop), args=self._args(terms, tag))
        outcome = _text(found[0])
        if outcome in ("already", "already_waiting"):
            status: Status = "confirmed" if outcome == "already" else "waiting"
            return outcome, 0, 0, Place(terms.workshop, _text(found[1]), status, int(found[2]))
        return ("open" if outcome == "open" else "full"), int(found[1]), int(found[2]), None

    async def take(self, tag: str, terms: Terms, person: Person) -> tuple[str, Place]:
        keys = seat_keys(terms.workshop)
        for _ in range(self.MAX_CODE_TRIES):
            code = new_code()
            stored = person_json(Person(code, person.nonce, person.lang, person.discreet, terms.now))
            found = await self._take(keys=keys, args=self._args(terms, tag, code, stored))
            outcome = _text(found[0])
            if outcome == "retry":
                continue  # the code was taken: draw another
            status: Status = "confirmed" if _text(found[3]) == "confirmed" else "waiting"
            return outcome, Place(terms.workshop, _text(found[1]), status, int(found[2]))
        raise BotError(f"could not draw an unused sign-up code in {self.MAX_CODE_TRIES} tries")

    async def cancel(self, tag: str, terms: Terms, nonce: str) -> str:
        keys = seat_keys(terms.workshop)
        found = await self._cancel(keys=keys, args=self._args(terms, tag, cancel_marker(tag, nonce)))
        return _text(found)

    async def places(self, tag: str, workshops: Sequence[str]) -> list[Place]:
        found = []
        for workshop in workshops:
            held = await self.person(workshop, tag)
            if held is not None:
                found.append(held[1])
        return found

    async def person(self, workshop: str, tag: str) -> tuple[Person, Place] | None:
        keys = seat_keys(workshop)
        found = await self._status(keys=[keys.seats, keys.wait, keys.people], args=[tag])
        if not found:
            return None
        person = _person(found[0])
        status: Status = "confirmed" if _text(found[1]) == "confirmed" else "waiting"
        return person, Place(workshop, person.code, status, int(found[2]))

    async def counts(self, workshop: str) -> Counts:
        keys = seat_keys(workshop)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zcard(keys.seats)
            pipe.zcard(keys.wait)
            pipe.scard(keys.attended)
            confirmed, waiting, attended = await pipe.execute()
        return Counts(int(confirmed), int(waiting), int(attended))

    async def roster(self, workshop: str) -> list[RosterRow]:
        keys = seat_keys(workshop)
        async with self._redis.pipeline(transaction=True) as pipe:  # one consistent snapshot
            pipe.zrange(keys.seats, 0, -1)
            pipe.zrange(keys.wait, 0, -1)
            pipe.hgetall(keys.people)
            pipe.smembers(keys.attended)
            seated, waiting, people, attended = await pipe.execute()
        groups: list[tuple[Status, list[str]]] = [("confirmed", [_text(t) for t in seated]),
                                                  ("waiting", [_text(t) for t in waiting])]
        return roster_rows(groups, {_text(t): _person(raw) for t, raw in people.items()},
                           {_text(c) for c in attended})

    async def attend(self, workshop: str, codes: Sequence[str]) -> list[str]:
        keys = seat_keys(workshop)
        unknown = await self._attend(keys=[keys.codes, keys.attended], args=list(codes))
        return [_text(code) for code in unknown]

    async def notices(self, workshop: str) -> list[Notice]:
        raw = await self._redis.hgetall(seat_keys(workshop).notices)
        return sorted((Notice.from_json(v) for v in raw.values()), key=lambda n: (n.due, n.id))

    async def drop_notices(self, workshop: str, ids: Sequence[str]) -> None:
        if ids:
            await self._redis.hdel(seat_keys(workshop).notices, *ids)
