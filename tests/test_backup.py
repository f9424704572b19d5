"""`labor-bot backup` / `restore`: every record staff cannot lose comes back in a fresh Redis (one
server or a Redis Cluster), a deleted worker's records stay blanked, a non-empty target is refused."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from redis.asyncio import Redis
from typer.testing import CliRunner

from bot.backup import kept
from bot.cli import app
from bot.core.session import Session
from bot.core.turn import FORGET, Effect, Turn
from bot.store.base import CommitResult, UserKey
from bot.store.client import redis_from_url
from bot.store.redis import RedisSessionStore
from bot.workshops.scheduler import Scheduler
from bot.workshops.seats import Person, Terms
from bot.workshops.seats.redis import RedisSeats
from tests.redis_server import RedisServer

T0 = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
KINDS = ("referral", "signup", "handoff", "handoff_message", "consent")  # attendance: in the seats
WORKSHOP = "taller-respaldo"
ANA, BETY = UserKey("whatsapp", "+5215511112222"), UserKey("telegram", "41")
CARMEN = UserKey("telegram", "4242424242")


def session() -> Session:
    return Session(flow="main", state="start", vars={}, started_at=T0, updated_at=T0)


async def fill(url: str) -> None:
    """Records of every kind for three workers (Carmen then deletes her data), seats, notices."""
    store = RedisSessionStore.from_url(url)
    client = redis_from_url(url)
    try:
        for n, who in enumerate((ANA, BETY, CARMEN)):
            effects = tuple(Effect(kind, {"n": n, "name": f"persona {n}", "center": "centro_a"})
                            for kind in KINDS)
            assert await store.commit(who, f"m{n}", 0, Turn(session(), effects=effects), T0) \
                is CommitResult.APPLIED
        await store.commit(CARMEN, "bye", 1, Turn(None, effects=(Effect(FORGET),)), T0)
        seats, now = RedisSeats(client), int(time.time())
        terms = Terms(WORKSHOP, 1, starts=now + 3 * 86400, now=now)
        for n, who in enumerate((ANA, BETY)):  # one seat, one on the waitlist
            await seats.take(who.tag, terms, Person("", f"nonce-{n}", "es", n == 1))
        (seated, *_), = [[r.code for r in await seats.roster(WORKSHOP) if r.status == "confirmed"]]
        assert await seats.attend(WORKSHOP, [seated]) == []
        scheduler = Scheduler(client)
        await scheduler.collect(seats, [WORKSHOP])
        await scheduler.tally("sent")
    finally:
        await store.aclose()
        await client.aclose()


async def snapshot(url: str, roster: bool = True) -> dict[str, object]:
    """What staff tools read: the records of each kind, the roster, the scheduled notices.

    `roster=False` on a cluster: `RedisSeats.roster` reads in a MULTI that redis-py's cluster
    pipeline cannot parse yet; the seats' keys are then compared key by key instead.
    """
    store = RedisSessionStore.from_url(url)
    client = redis_from_url(url)
    try:
        scheduler = Scheduler(client)
        return {
            **{kind: await store.records(kind) for kind in KINDS},
            "roster": await RedisSeats(client).roster(WORKSHOP) if roster else None,
            "waiting": await scheduler.waiting(),
            "tallies": await scheduler.tallies(),
        }
    finally:
        await store.aclose()
        await client.aclose()


async def ask(url: str, *command: str) -> int:
    client = Redis.from_url(url)
    try:
        return int(await client.execute_command(*command))  # type: ignore[no-untyped-call]
    finally:
        await client.aclose()


def cli(monkeypatch: pytest.MonkeyPatch, url: str, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("REDIS_URL", url)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_round_trip_through_a_fresh_redis(
    clean_redis: str, make_redis_server: Callable[..., RedisServer], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(fill(clean_redis))
    before = asyncio.run(snapshot(clean_redis))
    assert all(len(before[kind]) == 3 for kind in KINDS)  # type: ignore[arg-type]
    assert len(before["roster"]) == 2 and before["waiting"] == 2  # type: ignore[arg-type]
    file = tmp_path / "copia.jsonl"
    code, out = cli(monkeypatch, clean_redis, "backup", str(file))
    assert code == 0, out
    lines = file.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "labor-bot-backup"
    keys = [json.loads(line)["key"] for line in lines[1:]]
    assert all(kept(key) for key in keys)
    assert not any(key.endswith(":s") or ":m:" in key for key in keys)  # no conversations in progress
    assert CARMEN.user not in file.read_text(encoding="utf-8")  # she asked to be deleted: blanked

    fresh = make_redis_server()
    code, out = cli(monkeypatch, fresh.url, "restore", str(file))
    assert code == 0, out
    after = asyncio.run(snapshot(fresh.url))
    assert after == before
    referrals = after["referral"]
    assert isinstance(referrals, list)
    forgotten = [r for r in referrals if r.get("forgotten")]
    assert forgotten == [{"user": None, "forgotten": True}]
    # Workshop keys keep their expiry (60 days after the start), not "forever".
    ttl = asyncio.run(ask(fresh.url, "PTTL", f"lb:{{ws:{WORKSHOP}}}:people"))
    assert 60 * 86400 * 1000 < ttl <= 63 * 86400 * 1000

    # Again into the same Redis: refused, nothing written; --force replaces.
    code, out = cli(monkeypatch, fresh.url, "restore", str(file))
    assert code == 1 and "--force" in out
    code, out = cli(monkeypatch, fresh.url, "restore", "--force", str(file))
    assert code == 0, out
    assert asyncio.run(snapshot(fresh.url)) == before


def test_a_damaged_file_restores_nothing(
    make_redis_server: Callable[..., RedisServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "copia.jsonl"
    file.write_text('{"format": "labor-bot-backup", "version": 1, "created": "2027-03-01T18:00:00"}\n'
                    '{"key": "lb:idx:referral", "type": "set", "value": ["1"], "expire_at_ms": null}\n'
                    '{"key": "lb:r:{1}", "type": "list", "val\n', encoding="utf-8")
    fresh = make_redis_server()
    code, out = cli(monkeypatch, fresh.url, "restore", str(file))
    assert code == 1 and "line 3" in out
    assert asyncio.run(ask(fresh.url, "DBSIZE")) == 0


@pytest.mark.slow
def test_round_trip_from_one_redis_into_a_cluster_and_back(
    clean_redis: str, clean_redis_cluster: str, make_redis_server: Callable[..., RedisServer],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    asyncio.run(fill(clean_redis))
    before = asyncio.run(snapshot(clean_redis))
    first, second = tmp_path / "uno.jsonl", tmp_path / "dos.jsonl"
    assert cli(monkeypatch, clean_redis, "backup", str(first))[0] == 0
    code, out = cli(monkeypatch, clean_redis_cluster, "restore", str(first))
    assert code == 0, out
    on_cluster = asyncio.run(snapshot(clean_redis_cluster, roster=False))  # the slot lists, 3 masters
    assert on_cluster == {**before, "roster": None}
    assert cli(monkeypatch, clean_redis_cluster, "backup", str(second))[0] == 0
    def keys(file: Path) -> set[str]:
        return {json.loads(line)["key"] for line in file.read_text().splitlines()[1:]}

    assert keys(first) and keys(first) == keys(second)
    fresh = make_redis_server()
    assert cli(monkeypatch, fresh.url, "restore", str(second))[0] == 0
    assert asyncio.run(snapshot(fresh.url)) == before

