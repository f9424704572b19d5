"""`RedisSessionStore`: the production store; each message is one atomic Lua commit in Redis.

Key layout
----------
`T` is the worker's hash tag, `UserKey.tag` = `{channel:user}`; every key holding something
of one worker carries it, so all keys one message touches hash to one Redis Cluster slot.

    lb:T:s              string "<version>:<session JSON>", PX = session TTL (default 7 days),
                        refreshed by every commit. No key means version 0 (no session).
    lb:T:m:<message id> string, the replies JSON of a handled message, PX = 48 h. Its
                        existence is what makes a redelivered message a DUPLICATE.
    lb:T:o              string "1" while she has said *baja* (stop messages), PX = 400 days: it
                        outlives her session, so the reminder sender still skips her after the
                        session expired. Deleted when she writes again and by "delete my data".
    lb:T:i              sorted set of the worker's message ids scored by server time (ms),
                        PX = 48 h; lets "delete my data" find and delete her `m` keys.
                        Ids older than 48 h are pruned on each commit.
    lb:r:{F}            list of effect records of every worker whose keys live in slot S,
                        where F is the smallest number whose CRC16 slot is S (so the key is
                        in her slot but its name says nothing about her). Each entry is
                        `["<server time µs>", kind, record]`; `record` is exactly what
                        `records(kind)` returns: `{"user": T, "message_id": ..., **data}`.
                        No TTL: records are kept until staff tools remove them.
    lb:idx:<kind>       set of the `F`s whose list holds (or may hold) records of `kind`.
    lb:{F}:f:<hash>     string, the replies JSON of a "delete my data" message, PX = 48 h, in
                        place of her `m` key: `hash` is a SHA-256 of her tag and the message id,
                        so a redelivery is still a DUPLICATE but no key name says who asked.
    lb:p:{F}            list of forgets whose clean-up outside her slot is still owed (her seats,
                        scheduled reminders, dead letters): JSON `{"tag": T, "message_id": …}`,
                        pushed by the forget's own commit and removed once `bot.purge` is done.
    lb:idx:purge        set of the `F`s whose `lb:p:{F}` may hold entries (written first, as
                        `lb:idx:<kind>` is).

Why records live in per-slot lists rather than in `lb:T:r`: after "delete my data" her
anonymous records must stay (counts) but nothing may name her. A per-worker key or an
index of worker tags would keep her channel id (a phone number on WhatsApp) in key names.

Atomicity
---------
`commit` is one EVALSHA. Redis runs a script alone, so the checks (message id unseen, version
unchanged) and every write (session, replies, id index, records, the forget) happen together
or not at all; a connection lost mid-call leaves either nothing or everything, and a retried
call answers DUPLICATE if the first one landed. All keys the script touches share her slot, so the script is
valid on Redis Cluster too (the `m` keys deleted by a forget are built from her tagged prefix,
not declared in KEYS; Cluster serves undeclared keys of the script's own slot).

The one cross-slot write is `lb:idx:<kind>`. It is written *before* the commit script, with
SADD, which is idempotent: the index is a superset of the slots that hold records of a kind.
A crash or a CONFLICT after the SADD only leaves a member whose list has no such record,
which `records` skips; a record can never exist unindexed. Each record is an element of exactly
one list and each list is read once, so `records(kind)` returns every record exactly once,
ordered by the server time of its commit (then by list position). The SADD costs one extra
round trip, only on messages that produce effects.

Commands and round trips per message on the common path: `load` = 1 (MGET of the session and
the replies), `commit` = 1 (EVALSHA); +1 (SADD) when the turn has effects; a redelivery costs
only the load;
the script is loaded once per server (NOSCRIPT, then SCRIPT LOAD and EVALSHA again).

Redis Cluster
-------------
`REDIS_URL=redis+cluster://host:port` (or `rediss+cluster://` for TLS) names one node of a
cluster (a managed service's configuration endpoint will do); the client discovers the others
and follows MOVED/ASK redirections. Nothing else changes: a message's keys share her slot, so
`load` and the commit script go to one node, and `records` reads the index, then the slot
lists node by node. A cluster client does not wait for a free connection as the single-node
pool does, so the store itself lets at most `max_connections` calls wait on Redis at once.
"""

from __future__ import annotations

import asyncio
import builtins
import hashlib
import json
from binascii import crc_hqx
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from redis.crc import REDIS_CLUSTER_HASH_SLOTS as SLOTS
from redis.crc import key_slot

from bot.core.session import Session
from bot.core.turn import FORGET, Turn, replies_from_json, replies_to_json
from bot.errors import InputError, StoreUnavailable
from bot.store.base import CommitResult, Loaded, UserKey
from bot.store.client import RedisClient, is_cluster_url, redis_from_url, unavailable_as_store_error

DEFAULT_SESSION_TTL = timedelta(days=7)
IDEMPOTENCY_TTL = timedelta(hours=48)
# Longer than any workshop's reminders are scheduled ahead (seat keys go 60 days after the start).
OPT_OUT_TTL = timedelta(days=400)
PURGE = "purge"  # `lb:idx:purge`
# KEYS: 1 session, 2 id index, 3 this message's replies, 4 the slot's record list, 5 her opt-out,
#       6 this message's replies if it forgets her (named by a hash), 7 the slot's purge list.
# ARGV: 1 message id, 2 expected version, 3 session JSON ("" deletes it), 4 session TTL ms,
#       5 replies JSON, 6 idempotency TTL ms, 7 prefix of her message keys, 8 her tag,
#       9 opt-out TTL ms, 10 number of effects, then one (kind, record JSON) pair per effect;
#       an empty record JSON marks the forget_user effect.
_COMMIT = """
if redis.call('EXISTS', KEYS[3]) == 1 or redis.call('EXISTS', KEYS[6]) == 1 then
  return 'duplicate'
end
local raw = redis.call('GET', KEYS[1])
local version = 0
if raw then version = tonumber(string.match(raw, '^(%d+):')) end
if version ~= tonumber(ARGV[2]) then return 'conflict' end

local time = redis.call('TIME')
-- Kept as strings: Lua numbers are doubles and tostring() would round 16 digits.
local stamp = time[1] .. string.format('%06d', tonumber(time[2]))
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local forgotten = false
local function forget()
  forgotten = true
  redis.call('DEL', KEYS[1])
  redis.call('DEL', KEYS[5])
  for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    redis.call('DEL', ARGV[7] .. id)
  end
  redis.call('DEL', KEYS[2])
  -- Her records stay as anonymous counts: the kind and the order, nothing about her.
  for i, entry in ipairs(redis.call('LRANGE', KEYS[4], 0, -1)) do
    local e = cjson.decode(entry)
    if type(e[3]) == 'table' and e[3].user == ARGV[8] then
      redis.call('LSET', KEYS[4], i - 1, '[' .. cjson.encode(e[1]) .. ',' .. cjson.encode(e[2])
        .. ',{"user":null,"forgotten":true}]')
    end
  end
end

for i = 0, tonumber(ARGV[10]) - 1 do
  local kind, record = ARGV[11 + 2 * i], ARGV[12 + 2 * i]
  if record == '' then
    forget()
  else
    redis.call('RPUSH', KEYS[4], '["' .. stamp .. '",' .. cjson.encode(kind) .. ',' .. record .. ']')
  end
end

if forgotten then
  -- Stored under a name that says nothing about her, so a redelivered "delete my data" gets
  -- the same answer; and the clean-up of what lives outside her slot is owed, durably.
  redis.call('SET', KEYS[6], ARGV[5], 'PX', ARGV[6])
  redis.call('RPUSH', KEYS[7], cjson.encode({tag = ARGV[8], message_id = ARGV[1]}))
else
  redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[6])
  redis.call('ZADD', KEYS[2], now_ms, ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf',
    '(' .. string.format('%d', now_ms - tonumber(ARGV[6])))
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%d', version + 1) .. ':' .. ARGV[3], 'PX', ARGV[4])
  -- Her *baja* outlives the session; any later message of hers takes it back.
  if cjson.decode(ARGV[3]).opted_out == true then
    redis.call('SET', KEYS[5], '1', 'PX', ARGV[9])
  else
    redis.call('DEL', KEYS[5])
  end
end
return 'applied'
"""


def _dumps(value: object) -> str:
    # NaN is not JSON: the Lua side could not decode the slot's list any more.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


@cache
def _slot_fillers() -> tuple[int, ...]:
    """For each Cluster slot, the smallest number whose CRC16 slot it is (about 50 ms, once).

    These names are part of the stored data: never change how they are chosen.
    """
    table = [-1] * SLOTS
    left, n = SLOTS, 0
    while left:
        slot = crc_hqx(str(n).encode(), 0) % SLOTS  # what redis.crc.key_slot computes
        if table[slot] < 0:
            table[slot] = n
            left -= 1
        n += 1
    return tuple(table)


def _slot_filler(key: str) -> str:
    """A hash tag in the same slot as `key` that names no one."""
    return str(_slot_fillers()[key_slot(key.encode())])


class RedisSessionStore:
    def __init__(
        self,
        client: RedisClient,
        session_ttl: timedelta = DEFAULT_SESSION_TTL,
        idempotency_ttl: timedelta = IDEMPOTENCY_TTL,
        *,
        max_waiting: int | None = None,
        wait_timeout: float = 5.0,
    ) -> None:
        """`max_waiting` caps the calls waiting on Redis at once (None: no cap; the pool waits)."""
        if session_ttl <= timedelta(0) or idempotency_ttl <= timedelta(0):
            raise InputError("the session and idempotency TTLs must be positive")
        self._redis = client
        self._gate = asyncio.Semaphore(max_waiting) if max_waiting else None
        self._wait_timeout = wait_timeout
        self._session_ttl_ms = _ms(session_ttl)
        self._idempotency_ttl_ms = _ms(idempotency_ttl)
        self._opt_out_ttl_ms = _ms(OPT_OUT_TTL)
        self._commit = client.register_script(_COMMIT)
        _slot_fillers()  # built now rather than inside the first request

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        session_ttl: timedelta = DEFAULT_SESSION_TTL,
        idempotency_ttl: timedelta = IDEMPOTENCY_TTL,
        timeout: float = 5.0,
        max_connections: int = 50,
    ) -> RedisSessionStore:
        """A store on its own connection pool; `rediss://` gives TLS, `redis+cluster://` a
        Redis Cluster (see `redis_from_url`). One per process.

        `timeout` bounds connecting, each command, and waiting for a free pooled connection,
        so an unreachable Redis becomes `StoreUnavailable` within a few timeouts.
        """
        # A retried commit is safe (it answers DUPLICATE if the first one landed); one retry
        # rides out a dropped idle connection without stretching an outage; a cluster gets a
        # second one, for the redirection a failover or a slot migration causes.
        cluster = is_cluster_url(url)
        client = redis_from_url(url, timeout=timeout, max_connections=max_connections,
                                retries=2 if cluster else 1)
        return cls(client, session_ttl, idempotency_ttl,
                   max_waiting=max_connections if cluster else None, wait_timeout=timeout)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Wait for a turn to use Redis (only a cluster client needs it), then map its errors."""
        with unavailable_as_store_error():
            if self._gate is None:
                yield
                return
            try:
                await asyncio.wait_for(self._gate.acquire(), self._wait_timeout)
            except builtins.TimeoutError:  # from wait_for (not redis.exceptions.TimeoutError)
                raise StoreUnavailable("Redis unavailable: no free connection") from None
            try:
                yield
            finally:
                self._gate.release()

    async def load(self, key: UserKey, message_id: str) -> Loaded:
        async with self._turn():
            # One MGET: all three keys are in her slot, so it is one command on a cluster too.
            keys = (_session_key(key), _message_key(key, message_id), _forget_key(key, message_id))
            raw_session, raw_replies, raw_forget = await self._redis.mget(*keys)
        raw_replies = raw_replies if raw_replies is not None else raw_forget
        replies = replies_from_json(json.loads(raw_replies)) if raw_replies is not None else None
        if raw_session is None:
            return Loaded(None, 0, replies)
        raw = raw_session.encode() if isinstance(raw_session, str) else bytes(raw_session)
        version, _, body = raw.partition(b":")
        return Loaded(Session.from_json(body), int(version), replies)

    async def commit(
        self, key: UserKey, message_id: str, expected_version: int, turn: Turn, now: datetime
    ) -> CommitResult:
        effects: list[str] = []
        for effect in turn.effects:
            record = {"user": key.tag, "message_id": message_id, **effect.data}
            effects += [effect.kind, "" if effect.kind == FORGET else _dumps(record)]
        kinds = {effect.kind for effect in turn.effects} - {FORGET}
        if any(effect.kind == FORGET for effect in turn.effects):
            kinds.add(PURGE)  # not a record kind: its index lists the slots with a purge list
        filler = _slot_filler(_session_key(key))
        args: list[str | int] = [
            message_id,
            expected_version,
            "" if turn.session is None else turn.session.to_json(),
            self._session_ttl_ms,
            _dumps(replies_to_json(turn.replies)),
            self._idempotency_ttl_ms,
            _message_key(key, ""),
            key.tag,
            self._opt_out_ttl_ms,
            len(turn.effects),
            *effects,
        ]
        keys = [_session_key(key), _ids_key(key), _message_key(key, message_id), _records_key(filler),
                _opt_out_key(key), _forget_key(key, message_id), purge_list_key(filler)]
        async with self._turn():
            if kinds:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for kind in sorted(kinds):
                        pipe.sadd(index_key(kind), filler)
                    await pipe.execute()
            result = await self._commit(keys=keys, args=args)
        return CommitResult(result.decode() if isinstance(result, bytes) else str(result))

    async def opted_out(self, key: UserKey) -> bool:
        """She said *baja* and has not written since (kept beyond her session's expiry)."""
        async with self._turn():
            return bool(await self._redis.exists(_opt_out_key(key)))

    async def records(self, kind: str) -> list[dict[str, object]]:
        """All records of `kind` from every slot in its index, oldest commit first."""
        async with self._turn():
            members = await self._redis.smembers(index_key(kind))
            fillers = sorted(m.decode() if isinstance(m, bytes) else m for m in members)
            async with self._redis.pipeline(transaction=False) as pipe:
                for filler in fillers:
                    pipe.lrange(_records_key(filler), 0, -1)
                lists: Sequence[list[bytes]] = await pipe.execute() if fillers else []
        found: list[tuple[int, int, int, dict[str, object]]] = []
        for list_no, entries in enumerate(lists):
            for position, raw in enumerate(entries):
                stamp, entry_kind, record = json.loads(raw)
                if entry_kind == kind:
                    found.append((int(stamp), list_no, position, _as_record(record)))
        found.sort(key=lambda item: item[:3])
        return [record for *_, record in found]

    async def ping(self) -> bool:
        """True when Redis answers; False (not an exception) when it cannot be reached."""
        try:
            async with self._turn():
                return bool(await self._redis.ping())
        except StoreUnavailable:
            return False

    async def aclose(self) -> None:
        await self._redis.aclose()


def _session_key(key: UserKey) -> str:
    return f"lb:{key.tag}:s"


def _ids_key(key: UserKey) -> str:
    return f"lb:{key.tag}:i"


def _forget_key(key: UserKey, message_id: str) -> str:
    digest = hashlib.sha256(f"{key.tag}\0{message_id}".encode()).hexdigest()[:32]
    return f"lb:{{{_slot_filler(_session_key(key))}}}:f:{digest}"


def purge_list_key(filler: str) -> str:
    """The slot's list of forgets whose clean-up outside her slot is owed (see `bot.purge`)."""
    return f"lb:p:{{{filler}}}"


def slot_filler_of(key: UserKey) -> str:
    """The nameless hash tag of her slot (where her purge entry is)."""
    return _slot_filler(_session_key(key))


def _opt_out_key(key: UserKey) -> str:
    return f"lb:{key.tag}:o"


def _message_key(key: UserKey, message_id: str) -> str:
    return f"lb:{key.tag}:m:{message_id}"


def _records_key(filler: str) -> str:
    return f"lb:r:{{{filler}}}"


def index_key(kind: str) -> str:
    return f"lb:idx:{kind}"


def _as_record(value: Any) -> dict[str, object]:
    if not isinstance(value, Mapping):
        raise ValueError("malformed effect record in Redis")
    return dict(value)


__all__ = [
    "DEFAULT_SESSION_TTL",
    "IDEMPOTENCY_TTL",
    "RedisClient",
    "RedisSessionStore",
]
