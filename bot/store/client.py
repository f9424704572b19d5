"""The one way to open a Redis client from `REDIS_URL`, and what its errors mean for the store.

`redis://`, `rediss://` (TLS) and `unix://` open one server (or a proxy in front of many);
`redis+cluster://` / `rediss+cluster://` open a Redis Cluster from one node's address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialWithJitterBackoff
from redis.exceptions import (
    ClusterDownError,
    ConnectionError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisClusterException,
    RedisError,
    ResponseError,
    SlotNotCoveredError,
    TimeoutError,
    TryAgainError,
)

from bot.errors import InputError, StoreUnavailable

# `redis+cluster://` -> `redis://` for the cluster client; the `+cluster` part only selects it.
CLUSTER_SCHEMES = {"redis+cluster": "redis", "rediss+cluster": "rediss"}
SCHEMES = ("redis", "rediss", "unix", *CLUSTER_SCHEMES)

# What a `REDIS_URL` opens: one server (or a proxy in front of many), or a Redis Cluster.
RedisClient = Redis | RedisCluster

# Errors meaning "Redis cannot serve us now" rather than "our command is wrong".
_UNAVAILABLE: tuple[type[RedisError], ...] = (
    ConnectionError,  # includes BusyLoadingError, MaxConnectionsError, AuthenticationError
    TimeoutError,
    ReadOnlyError,
    OutOfMemoryError,
    ClusterDownError,  # includes MasterDownError
    TryAgainError,
)
_UNAVAILABLE_REPLIES = ("MISCONF", "NOREPLICAS")  # RDB save failing, replicas missing
# Cluster client errors that are not RedisErrors: a slot no node serves (a failover under way),
# and "cannot be connected" when no node answers while it (re)reads the cluster's layout.
_CLUSTER_UNAVAILABLE = (SlotNotCoveredError,)
_CLUSTER_UNREACHABLE = "Redis Cluster cannot be connected"


@contextmanager
def unavailable_as_store_error() -> Iterator[None]:
    """Turn "Redis cannot answer" errors into `StoreUnavailable`; let real bugs through."""
    try:
        yield
    except _UNAVAILABLE as exc:
        raise StoreUnavailable(f"Redis unavailable: {type(exc).__name__}") from exc
    except ResponseError as exc:
        if str(exc).startswith(_UNAVAILABLE_REPLIES):
            raise StoreUnavailable(f"Redis unavailable: {str(exc).split(' ', 1)[0]}") from exc
        raise
    except _CLUSTER_UNAVAILABLE as exc:
        raise StoreUnavailable(f"Redis unavailable: {type(exc).__name__}") from exc
    except RedisClusterException as exc:
        if _CLUSTER_UNREACHABLE in str(exc):
            raise StoreUnavailable("Redis unavailable: no cluster node answers") from exc
        raise


def is_cluster_url(url: str) -> bool:
    return urlsplit(url).scheme in CLUSTER_SCHEMES


def redis_from_url(
    url: str, *, timeout: float = 5.0, max_connections: int = 50, retries: int = 1
) -> RedisClient:
    """A client for `REDIS_URL` on its own pool: `redis://`, `rediss://` (TLS), `unix://`, or
    `redis+cluster://` / `rediss+cluster://` for a Redis Cluster (one node's address is enough).

    `timeout` bounds connecting and each command, and (single server) waiting for a free pooled
    connection; `retries` re-sends a command once a dropped connection is re-opened (cluster:
    after re-reading the cluster's layout, as a failover needs). Raises `InputError` for
    another scheme.
    """
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise InputError("REDIS_URL must start with redis://, rediss://, unix:// or redis+cluster://")
    retry = Retry(ExponentialWithJitterBackoff(base=0.05, cap=0.5), retries=retries)
    if parts.scheme in CLUSTER_SCHEMES:
        plain = urlunsplit(parts._replace(scheme=CLUSTER_SCHEMES[parts.scheme]))
        return RedisCluster.from_url(
            plain,
            max_connections=max_connections,  # per node
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=retry,
        )
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=retry,
    )
    return Redis.from_pool(pool)
