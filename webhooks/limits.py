"""Limits that protect the server: request body size (413), messages per sender per minute, and
new web-chat conversations per address and in all per hour."""

from __future__ import annotations

import logging
from enum import Enum
from typing import Protocol

from redis.exceptions import RedisError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.i18n import N_
from bot.store.client import RedisClient, unavailable_as_store_error

log = logging.getLogger(__name__)

SLOW_DOWN = N_(
    "Recibí muchos mensajes tuyos en poco tiempo. Espera un minuto y vuelve a escribirme, por favor."
)
WINDOW_SECONDS = 60
BUSY = N_(
    "En este momento el chat tiene demasiadas conversaciones nuevas. Intenta otra vez más tarde, por favor."
)
NEW_WINDOW_SECONDS = 3600  # the web chat's budgets of new conversations are per hour


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is answered 413 before any route sees it.

    Bodies here are small, so the body is read whole up front (counting, whatever the
    Content-Length says) and replayed to the app.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await _too_large(declared.isdigit())(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)  # client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _too_large(True)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)


def _too_large(known: bool) -> JSONResponse:
    if not known:
        return JSONResponse({"error": "bad Content-Length"}, status_code=400)
    return JSONResponse({"error": "request body too large"}, status_code=413)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    async def replayed() -> Message:
        return messages.pop(0) if messages else await receive()

    return replayed


class Rate(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first message over the limit: answer once with "slow down"
    DROP = "drop"  # over the limit: ignore until the minute is over


class RateLimiter(Protocol):
    async def check(self, sender: str, message_id: str, now: float) -> Rate:
        """`sender` is a hashed id. A redelivered `message_id` gets the same answer again."""
        ...


def _rate(rank: int, limit: int) -> Rate:
    if rank <= limit:
        return Rate.ALLOW
    return Rate.WARN if rank == limit + 1 else Rate.DROP


# KEYS[1] the sender's counter for this minute; ARGV: message id, limit, TTL in seconds.
# Each message id gets its rank in the minute once, so a redelivery is not counted twice.
_RANK = """
local rank = redis.call('ZSCORE', KEYS[1], ARGV[1])
if rank then return tonumber(rank) end
local n = redis.call('ZCARD', KEYS[1])
if n > tonumber(ARGV[2]) then return n + 1 end
redis.call('ZADD', KEYS[1], n + 1, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return n + 1
"""


class RedisRateLimiter:
    """A fixed one-minute window per sender, shared by every server process."""

    def __init__(self, client: RedisClient, limit: int) -> None:
        self._limit = limit
        self._rank = client.register_script(_RANK)

    async def check(self, sender: str, message_id: str, now: float) -> Rate:
        if self._limit <= 0:
            return Rate.ALLOW
        key = f"lb:rate:{sender}:{int(now // WINDOW_SECONDS)}"
        try:
            rank = await self._rank(keys=[key], args=[message_id, self._limit, 2 * WINDOW_SECONDS])
        except RedisError as exc:  # the store will say whether Redis is really gone
            log.warning("rate limiter cannot reach Redis", extra={"error": type(exc).__name__})
            return Rate.ALLOW
        return _rate(int(rank), self._limit)


class MemoryRateLimiter:
    """The same window for a single process without Redis."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._windows: dict[tuple[str, int], dict[str, int]] = {}

    async def check(self, sender: str, message_id: str, now: float) -> Rate:
        if self._limit <= 0:
            return Rate.ALLOW
        window = int(now // WINDOW_SECONDS)
        for old in [k for k in self._windows if k[1] < window - 1]:
            del self._windows[old]
        ranks = self._windows.setdefault((sender, window), {})
        if message_id in ranks:
            return _rate(ranks[message_id], self._limit)
        if len(ranks) > self._limit:
            return Rate.DROP
        ranks[message_id] = len(ranks) + 1
        return _rate(ranks[message_id], self._limit)


class Admission(Enum):
    ALLOW = "allow"  # a conversation already admitted, or a new one within both budgets
    ADDRESS_FULL = "address_budget"  # this address started its budget of new conversations this hour
    ALL_FULL = "global_budget"  # the web chat as a whole did


class WebchatBudget(Protocol):
    async def admit(self, sender: str, address: str, now: float) -> Admission:
        """`sender` is the hashed web id, `address` the hashed client address.

        A sender admitted before (within `keep_seconds`) is always let in, so a conversation
        under way is never cut off; a new one takes one place in both hourly budgets.
        """
        ...


# KEYS[1] the sender's admission, KEYS[2] the address's count this hour, KEYS[3] everyone's count
# this hour; ARGV: per-address budget, global budget (0 = none), count TTL (s), admission TTL (ms).
_ADMIT = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 0
end
local per_address, overall = tonumber(ARGV[1]), tonumber(ARGV[2])
if per_address > 0 and tonumber(redis.call('GET', KEYS[2]) or '0') >= per_address then return 1 end
if overall > 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= overall then return 2 end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[4])
return 0
"""
_ADMISSIONS = (Admission.ALLOW, Admission.ADDRESS_FULL, Admission.ALL_FULL)


class RedisWebchatBudget:
    """Both budgets in Redis, shared by every server process. All keys carry the `{webchat}` hash
    tag, so the one script runs on a Redis Cluster too; the web chat's keys all live in one slot,
    which the global budget keeps small."""

    def __init__(self, client: RedisClient, per_address: int, overall: int, keep_seconds: float) -> None:
        self._per_address, self._overall = per_address, overall
        self._keep_ms = max(1, int(keep_seconds * 1000))
        self._admit = client.register_script(_ADMIT)

    async def admit(self, sender: str, address: str, now: float) -> Admission:
        """Raises `StoreUnavailable` when Redis cannot answer: the page shows "try again"."""
        if self._per_address <= 0 and self._overall <= 0:
            return Admission.ALLOW
        hour = int(now // NEW_WINDOW_SECONDS)
        keys = [f"lb:{{webchat}}:known:{sender}", f"lb:{{webchat}}:addr:{address}:{hour}",
                f"lb:{{webchat}}:all:{hour}"]
        with unavailable_as_store_error():
            found = await self._admit(keys=keys, args=[self._per_address, self._overall,
                                                       2 * NEW_WINDOW_SECONDS, self._keep_ms])
        return _ADMISSIONS[int(found)]


class MemoryWebchatBudget:
    """The same budgets for a single process without Redis."""

    def __init__(self, per_address: int, overall: int, keep_seconds: float) -> None:
        self._per_address, self._overall, self._keep = per_address, overall, keep_seconds
        self._known: dict[str, float] = {}  # sender -> when her admission lapses
        self._hour = -1
        self._addresses: dict[str, int] = {}
        self._all = 0

    async def admit(self, sender: str, address: str, now: float) -> Admission:
        if self._per_address <= 0 and self._overall <= 0:
            return Admission.ALLOW
        hour = int(now // NEW_WINDOW_SECONDS)
        if hour != self._hour:  # a new hour: fresh counts, and lapsed admissions forgotten
            self._hour, self._addresses, self._all = hour, {}, 0
            self._known = {s: until for s, until in self._known.items() if until > now}
        if self._known.get(sender, 0.0) > now:
            self._known[sender] = now + self._keep
            return Admission.ALLOW
        if 0 < self._per_address <= self._addresses.get(address, 0):
            return Admission.ADDRESS_FULL
        if 0 < self._overall <= self._all:
            return Admission.ALL_FULL
        self._addresses[address] = self._addresses.get(address, 0) + 1
        self._all += 1
        self._known[sender] = now + self._keep
        return Admission.ALLOW
