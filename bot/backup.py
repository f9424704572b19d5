"""Backup and restore of the records staff cannot lose, as JSON Lines, on one Redis or a Redis Cluster.

What is kept (see docs/backups.md for how long each lives):

    lb:r:{F}, lb:idx:<kind>   effect records (referrals, sign-ups, attendance, hand-offs and her
                              messages to staff, consent…) and their index; a deleted worker's
                              blanked records are copied as they are, still blanked
    lb:{ws:W}:*               each workshop's seats, waitlist, codes, attendance, pending notices
    lb:{notices}:due|data|moved|counts   reminders scheduled and what became of sent ones

Left out on purpose: conversations in progress (`lb:{channel:user}:s`, her message ids), which
expire in days and hold her answers; the outbox streams (replies owed right now); rate limits.

The file: a first line `{"format": "labor-bot-backup", "version": 1, "created": …}`, then one
line per key `{"key", "type", "value", "expire_at_ms"}`: a list or set as a list of strings, a
hash as an object, a sorted set as `[member, score]` pairs, a string as a string; the expiry is
an absolute Unix time in ms (null: none), so a key restored late does not live longer.
Each key is read with one round trip, but keys are read one after another: a backup taken
while the bot runs may split one message's record from a seat change made a moment later.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.errors import InputError
from bot.store.client import RedisClient

FORMAT, VERSION = "labor-bot-backup", 1
NOTICE_KEYS = frozenset(f"lb:{{notices}}:{name}" for name in ("due", "data", "moved", "counts"))
KEPT_PREFIXES = ("lb:r:{", "lb:idx:", "lb:{ws:")


def kept(key: str) -> bool:
    """True for the keys a backup holds."""
    return key.startswith(KEPT_PREFIXES) or key in NOTICE_KEYS


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


@dataclass(frozen=True, slots=True)
class Entry:
    """One key as it goes into the file."""

    key: str
    type: str
    value: Any
    expire_at_ms: int | None

    def to_line(self) -> str:
        return json.dumps({"key": self.key, "type": self.type, "value": self.value,
                           "expire_at_ms": self.expire_at_ms}, ensure_ascii=False, separators=(",", ":"))


async def keys_to_keep(client: RedisClient) -> list[str]:
    """Every key a backup holds, sorted (on a cluster, from every primary)."""
    found = {_text(key) async for key in client.scan_iter(match="lb:*", count=1000)}
    return sorted(key for key in found if kept(key))


async def read_key(client: RedisClient, key: str) -> Entry | None:
    """The key's type, value and expiry; None if it is gone or of a type a backup does not hold."""
    kind = _text(await client.type(key))
    async with client.pipeline(transaction=False) as pipe:
        if kind == "list":
            pipe.lrange(key, 0, -1)
        elif kind == "set":
            pipe.smembers(key)
        elif kind == "hash":
            pipe.hgetall(key)
        elif kind == "zset":
            pipe.zrange(key, 0, -1, withscores=True)
        elif kind == "string":
            pipe.get(key)
        else:
            return None
        pipe.pttl(key)
        raw, ttl = await pipe.execute()
    if raw is None or int(ttl) == -2:
        return None
    value: Any
    if kind == "list":
        value = [_text(v) for v in raw]
    elif kind == "set":
        value = sorted(_text(v) for v in raw)
    elif kind == "hash":
        value = {_text(k): _text(v) for k, v in sorted(raw.items())}
    elif kind == "zset":
        value = [[_text(member), float(score)] for member, score in raw]
    else:
        value = _text(raw)
    expire_at = int(time.time() * 1000) + int(ttl) if int(ttl) >= 0 else None
    return Entry(key, kind, value, expire_at)


async def backup(client: RedisClient, out: TextIO, now: datetime | None = None) -> dict[str, int]:
    """Write the kept keys to `out`; returns how many keys of each type were written."""
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    out.write(json.dumps({"format": FORMAT, "version": VERSION, "created": created}) + "\n")
    counts: dict[str, int] = {}
    for key in await keys_to_keep(client):
        entry = await read_key(client, key)
        if entry is not None:
            out.write(entry.to_line() + "\n")
            counts[entry.type] = counts.get(entry.type, 0) + 1
    return counts


def read_entries(lines: Iterable[str]) -> Iterator[Entry]:
    """The entries of a backup file; `InputError` naming the line when it is not one."""
    numbered = enumerate(lines, start=1)
    first = next(numbered, (1, ""))[1]
    try:
        header = json.loads(first)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise InputError("this file is not a labor-bot backup (its first line says otherwise)")
    if header.get("version") != VERSION:
        raise InputError(f"backup version {header.get('version')} is not one this labor-bot reads")
    for number, line in numbered:
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entry = Entry(str(data["key"]), str(data["type"]), data["value"], data["expire_at_ms"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"line {number} of the backup is damaged ({type(exc).__name__})") from None
        if entry.type not in ("list", "set", "hash", "zset", "string") or not kept(entry.key):
            raise InputError(f"line {number} of the backup holds a key restore does not write")
        yield entry


async def first_key(client: RedisClient) -> str | None:
    """A key of the bot already in Redis, if any."""
    async for key in client.scan_iter(match="lb:*", count=1000):
        return _text(key)
    return None


async def restore(client: RedisClient, entries: Iterable[Entry], force: bool = False,
                  batch: int = 200) -> dict[str, int]:
    """Write the entries; refuses (InputError) when the bot's keys are already there, unless `force`
    (then each key in the backup replaces the one in Redis). Expired entries are skipped."""
    if not force and (found := await first_key(client)) is not None:
        raise InputError(f"Redis is not empty (it holds {found!r}): restore into an empty Redis, "
                         "or add --force to replace the keys the backup holds")
    counts: dict[str, int] = {}
    pending: list[Entry] = []

    async def flush() -> None:
        now_ms = int(time.time() * 1000)
        async with client.pipeline(transaction=False) as pipe:
            for entry in pending:
                if entry.expire_at_ms is not None and entry.expire_at_ms <= now_ms:
                    counts["expired"] = counts.get("expired", 0) + 1
                    continue
                _write(pipe, entry)
                counts[entry.type] = counts.get(entry.type, 0) + 1
            await pipe.execute()
        pending.clear()

    for entry in entries:
        pending.append(entry)
        if len(pending) >= batch:
            await flush()
    if pending:
        await flush()
    return counts


def _write(pipe: Any, entry: Entry) -> None:
    key, value = entry.key, entry.value
    pipe.delete(key)
    if entry.type == "list" and value:
        pipe.rpush(key, *value)
    elif entry.type == "set" and value:
        pipe.sadd(key, *value)
    elif entry.type == "hash" and value:
        pipe.hset(key, mapping=value)
    elif entry.type == "zset" and value:
        pipe.zadd(key, {member: score for member, score in value})
    elif entry.type == "string":
        pipe.set(key, value)
    if entry.expire_at_ms is not None:
        pipe.pexpireat(key, entry.expire_at_ms)

