"""Workshop seats and waitlists: `RedisSeats` (atomic Lua scripts) and `MemorySeats` (development).

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

Every script first promotes from the waitlist while there are free seats (capacity may have
been raised), so taking a seat, giving a waitlist place, cancelling, promoting and queuing
the notices of whoever moved all happen in one script. Capacity lowered below the confirmed
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
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B)
CODE_LENGTH = 6
REMINDERS = (("day", 24 * 3600), ("soon", 2 * 3600))  # kind, seconds before the start
KEEP_AFTER_START = 60 * 86400  # then a workshop's seats, codes and attendance expire

Status = Literal["confirmed", "waiting"]

# Shared by the scripts. KEYS: 1 seats, 2 wait, 3 people, 4 codes, 5 seq, 6 notices, 7 cancels,
# 8 attended. ARGV: 1 workshop, 2 capacity, 3 now, 4 start (Unix seconds), then per script.
_PRELUDE = """
local ws, capacity, now, start = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local function notice(kind, tag, code, due)
  local id = ws .. '|' .. kind .. '|' .. code
  redis.call('HSET', KEYS[6], id, cjson.encode({id = id, kind = kind, workshop = ws, tag = tag,
    code = code, due = due}))
end
local function confirm(tag, code)
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[5]), tag)
  for _, r in ipairs({{'day', $DAY}, {'soon', $SOON}}) do
    if start - r[2] > now then notice(r[1], tag, code, start - r[2]) end
  end
end
local function promote()
  while now < start and redis.call('ZCARD', KEYS[1]) < capacity do
    local first = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
    if not first then return end
    redis.call('ZREM', KEYS[2], first)
    local code = cjson.decode(redis.call('HGET', KEYS[3], first)).code
    confirm(first, code)
    notice('freed', first, code, now)
  end
end
local function keep()  -- a workshop's keys, her chat id among them, go some weeks after it
  if start > 0 then
    for i = 1, 8 do redis.call('EXPIREAT', KEYS[i], start + $KEEP) end
  end
end
local function status(tag)
  local raw = redis.call('HGET', KEYS[3], tag)
  if not raw then return nil end
  local p = cjson.decode(raw)
  if redis.call('ZSCORE', KEYS[1], tag) then return {'confirmed', p.code, 0, p.nonce} end
  return {'waiting', p.code, redis.call('ZRANK', KEYS[2], tag) + 1, p.nonce}
end
""".replace("$DAY", str(REMINDERS[0][1])).replace("$SOON", str(REMINDERS[1][1])).replace(
    "$KEEP", str(KEEP_AFTER_START))


def _script(body: str) -> str:
    """A script whose every exit path ends by setting the keys' expiry."""
    return _PRELUDE + "local function main()\n" + body + "end\nlocal result = main()\nkeep()\nreturn result\n"


# ARGV 5 tag. -> {outcome, code or seats left, place or waiting}
_AVAILABILITY = _script("""
promote()
local s = status(ARGV[5])
if s then return {s[1] == 'confirmed' and 'already' or 'already_waiting', s[2], s[3]} end
local left = capacity - redis.call('ZCARD', KEYS[1])
if left > 0 then return {'open', left, 0} end
return {'full', 0, redis.call('ZCARD', KEYS[2])}
""")

# ARGV 5 tag, 6 new code, 7 person JSON (with that code and the sign-up's nonce).
# -> {outcome, code, place, status}; {'retry'} when the new code is taken.
_TAKE = _script("""
promote()
local tag = ARGV[5]
local s = status(tag)
if s then
  if s[4] == cjson.decode(ARGV[7]).nonce then
    return {s[1] == 'confirmed' and 'confirmed' or 'waitlisted', s[2], s[3], s[1]}
  end
  return {'already', s[2], s[3], s[1]}
end
if redis.call('HSETNX', KEYS[4], ARGV[6], tag) == 0 then return {'retry'} end
redis.call('HSET', KEYS[3], tag, ARGV[7])
if redis.call('ZCARD', KEYS[1]) < capacity and now < start then
  confirm(tag, ARGV[6])
  return {'confirmed', ARGV[6], 0, 'confirmed'}
end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[5]), tag)
return {'waitlisted', ARGV[6], redis.call('ZRANK', KEYS[2], tag) + 1, 'waiting'}
""")

# ARGV 5 tag, 6 marker of this cancellation. -> 'cancelled' | 'none'
_CANCEL = _script("""
local s = status(ARGV[5])
if not s then
  return redis.call('SISMEMBER', KEYS[7], ARGV[6]) == 1 and 'cancelled' or 'none'
end
redis.call('ZREM', KEYS[1], ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[5])
redis.call('HDEL', KEYS[3], ARGV[5])
redis.call('HDEL', KEYS[4], s[2])
for _, kind in ipairs({'day', 'soon', 'freed'}) do
  redis.call('HDEL', KEYS[6], ws .. '|' .. kind .. '|' .. s[2])
end
redis.call('SADD', KEYS[7], ARGV[6])
promote()
return 'cancelled'
""")

# ARGV 1 tag (no prelude: reads only). -> {person JSON, status, place} or {}
_STATUS = """
local raw = redis.call('HGET', KEYS[3], ARGV[1])
if not raw then return {} end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return {raw, 'confirmed', 0} end
return {raw, 'waiting', redis.call('ZRANK', KEYS[2], ARGV[1]) + 1}
"""

# ARGV codes. -> the codes nobody holds
_ATTEND = """
local unknown = {}
for _, code in ipairs(ARGV) do
  if redis.call('HEXISTS', KEYS[4], code) == 1 then redis.call('SADD', KEYS[8], code)
  else table.insert(unknown, code) end
end
local ttl = redis.call('PTTL', KEYS[4])
if ttl > 0 then redis.call('PEXPIRE', KEYS[8], ttl) end
return unknown
"""



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


def person_json(person: Person) -> str:
    return json.dumps(asdict(person), separators=(",", ":"), ensure_ascii=False)


def _roster(groups: Sequence[tuple[Status, Sequence[str]]], people: Mapping[str, Person],
            attended: set[str]) -> list[RosterRow]:
    return [RosterRow(people[tag].code, status, 0 if status == "confirmed" else i + 1, people[tag].lang,
                      people[tag].at, people[tag].code in attended)
            for status, tags in groups for i, tag in enumerate(tags)]


def _person(raw: str | bytes) -> Person:
    data = json.loads(raw)
    return Person(**{k: data[k] for k in ("code", "nonce", "lang", "discreet", "at")})


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _keys(workshop: str) -> list[str]:
    tag = "{ws:" + workshop + "}"
    return [f"lb:{tag}:{name}" for name in
            ("seats", "wait", "people", "codes", "seq", "notices", "cancels", "attended")]


class RedisSeats:
    """Seats in Redis; safe for any number of processes sharing one Redis."""

    MAX_CODE_TRIES = 8

    def __init__(self, client: Redis | RedisCluster) -> None:
        self._redis = client
        self._take = client.register_script(_TAKE)
        self._cancel = client.register_script(_CANCEL)
        self._availability = client.register_script(_AVAILABILITY)
        self._status = client.register_script(_STATUS)
        self._attend = client.register_script(_ATTEND)

    @staticmethod
    def _args(terms: Terms, *more: str | int) -> list[str | int]:
        return [terms.workshop, terms.capacity, terms.now, terms.starts, *more]

    async def availability(self, tag: str, terms: Terms) -> Availability:
        found = await self._availability(keys=_keys(terms.workshop), args=self._args(terms, tag))
        outcome = _text(found[0])
        if outcome in ("already", "already_waiting"):
            status: Status = "confirmed" if outcome == "already" else "waiting"
            return outcome, 0, 0, Place(terms.workshop, _text(found[1]), status, int(found[2]))
        return ("open" if outcome == "open" else "full"), int(found[1]), int(found[2]), None

    async def take(self, tag: str, terms: Terms, person: Person) -> tuple[str, Place]:
        for _ in range(self.MAX_CODE_TRIES):
            code = new_code()
            stored = person_json(Person(code, person.nonce, person.lang, person.discreet, terms.now))
            found = await self._take(keys=_keys(terms.workshop), args=self._args(terms, tag, code, stored))
            outcome = _text(found[0])
            if outcome == "retry":
                continue  # the code was taken: draw another
            status: Status = "confirmed" if _text(found[3]) == "confirmed" else "waiting"
            return outcome, Place(terms.workshop, _text(found[1]), status, int(found[2]))
        raise RuntimeError("could not draw an unused sign-up code")

    async def cancel(self, tag: str, terms: Terms, nonce: str) -> str:
        keys = _keys(terms.workshop)
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
        found = await self._status(keys=_keys(workshop), args=[tag])
        if not found:
            return None
        person = _person(found[0])
        status: Status = "confirmed" if _text(found[1]) == "confirmed" else "waiting"
        return person, Place(workshop, person.code, status, int(found[2]))

    async def counts(self, workshop: str) -> Counts:
        keys = _keys(workshop)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zcard(keys[0])
            pipe.zcard(keys[1])
            pipe.scard(keys[7])
            confirmed, waiting, attended = await pipe.execute()
        return Counts(int(confirmed), int(waiting), int(attended))

    async def roster(self, workshop: str) -> list[RosterRow]:
        keys = _keys(workshop)
        async with self._redis.pipeline(transaction=True) as pipe:  # one consistent snapshot
            pipe.zrange(keys[0], 0, -1)
            pipe.zrange(keys[1], 0, -1)
            pipe.hgetall(keys[2])
            pipe.smembers(keys[7])
            seated, waiting, people, attended = await pipe.execute()
        return _roster([("confirmed", [_text(t) for t in seated]), ("waiting", [_text(t) for t in waiting])],
                       {_text(t): _person(raw) for t, raw in people.items()}, {_text(c) for c in attended})

    async def attend(self, workshop: str, codes: Sequence[str]) -> list[str]:
        unknown = await self._attend(keys=_keys(workshop), args=list(codes))
        return [_text(code) for code in unknown]

    async def notices(self, workshop: str) -> list[Notice]:
        raw = await self._redis.hgetall(_keys(workshop)[5])
        return sorted((Notice.from_json(v) for v in raw.values()), key=lambda n: (n.due, n.id))

    async def drop_notices(self, workshop: str, ids: Sequence[str]) -> None:
        if ids:
            await self._redis.hdel(_keys(workshop)[5], *ids)


@dataclass
class _Book:
    """One workshop's seats in memory."""

    seats: list[str]
    wait: list[str]
    people: dict[str, Person]
    notices: dict[str, Notice]
    cancels: set[str]
    attended: set[str]


class MemorySeats:
    """The same rules in one process's memory, for `labor-bot chat`, development and tests.

    Each method runs without awaiting, so on one event loop it is as atomic as a Lua script.
    """

    def __init__(self) -> None:
        self._books: dict[str, _Book] = {}

    def _book(self, workshop: str) -> _Book:
        return self._books.setdefault(workshop, _Book([], [], {}, {}, set(), set()))

    def _notice(self, book: _Book, terms: Terms, kind: str, tag: str, code: str, due: int) -> None:
        notice_id = f"{terms.workshop}|{kind}|{code}"
        book.notices[notice_id] = Notice(notice_id, kind, terms.workshop, tag, code, due)

    def _confirm(self, book: _Book, terms: Terms, tag: str) -> None:
        book.seats.append(tag)
        for kind, before in REMINDERS:
            if terms.starts - before > terms.now:
                self._notice(book, terms, kind, tag, book.people[tag].code, terms.starts - before)

    def _promote(self, book: _Book, terms: Terms) -> None:
        while terms.now < terms.starts and len(book.seats) < terms.capacity and book.wait:
            tag = book.wait.pop(0)
            self._confirm(book, terms, tag)
            self._notice(book, terms, "freed", tag, book.people[tag].code, terms.now)

    def _place(self, workshop: str, tag: str) -> Place | None:
        book = self._book(workshop)
        person = book.people.get(tag)
        if person is None:
            return None
        if tag in book.seats:
            return Place(workshop, person.code, "confirmed", 0)
        return Place(workshop, person.code, "waiting", book.wait.index(tag) + 1)

    async def availability(self, tag: str, terms: Terms) -> Availability:
        book = self._book(terms.workshop)
        self._promote(book, terms)
        held = self._place(terms.workshop, tag)
        if held is not None:
            return ("already" if held.status == "confirmed" else "already_waiting"), 0, 0, held
        left = terms.capacity - len(book.seats)
        return ("open", left, 0, None) if left > 0 else ("full", 0, len(book.wait), None)

    async def take(self, tag: str, terms: Terms, person: Person) -> tuple[str, Place]:
        book = self._book(terms.workshop)
        self._promote(book, terms)
        held = self._place(terms.workshop, tag)
        if held is not None:
            again = book.people[tag].nonce == person.nonce
            outcome = ("confirmed" if held.status == "confirmed" else "waitlisted") if again else "already"
            return outcome, held
        codes = {p.code for p in book.people.values()}
        code = next(c for c in iter(new_code, "") if c not in codes)
        book.people[tag] = Person(code, person.nonce, person.lang, person.discreet, terms.now)
        if len(book.seats) < terms.capacity and terms.now < terms.starts:
            self._confirm(book, terms, tag)
            return "confirmed", Place(terms.workshop, code, "confirmed", 0)
        book.wait.append(tag)
        return "waitlisted", Place(terms.workshop, code, "waiting", len(book.wait))

    async def cancel(self, tag: str, terms: Terms, nonce: str) -> str:
        book = self._book(terms.workshop)
        person = book.people.pop(tag, None)
        if person is None:
            return "cancelled" if cancel_marker(tag, nonce) in book.cancels else "none"
        for where in (book.seats, book.wait):
            if tag in where:
                where.remove(tag)
        for kind in ("day", "soon", "freed"):
            book.notices.pop(f"{terms.workshop}|{kind}|{person.code}", None)
        book.cancels.add(cancel_marker(tag, nonce))
        self._promote(book, terms)
        return "cancelled"

    async def places(self, tag: str, workshops: Sequence[str]) -> list[Place]:
        return [p for w in workshops if (p := self._place(w, tag)) is not None]

    async def person(self, workshop: str, tag: str) -> tuple[Person, Place] | None:
        place = self._place(workshop, tag)
        return None if place is None else (self._book(workshop).people[tag], place)

    async def counts(self, workshop: str) -> Counts:
        book = self._book(workshop)
        return Counts(len(book.seats), len(book.wait), len(book.attended))

    async def roster(self, workshop: str) -> list[RosterRow]:
        book = self._book(workshop)
        return _roster([("confirmed", book.seats), ("waiting", book.wait)], book.people, book.attended)

    async def attend(self, workshop: str, codes: Sequence[str]) -> list[str]:
        book = self._book(workshop)
        held = {p.code for p in book.people.values()}
        book.attended |= {c for c in codes if c in held}
        return [c for c in codes if c not in held]

    async def notices(self, workshop: str) -> list[Notice]:
        return sorted(self._book(workshop).notices.values(), key=lambda n: (n.due, n.id))

    async def drop_notices(self, workshop: str, ids: Sequence[str]) -> None:
        for notice_id in ids:
            self._book(workshop).notices.pop(notice_id, None)
