""""Borrar mis datos" leaves nothing that names her in Redis (red team F6, rows 30 and 49).

A WhatsApp worker with a referral, a workshop seat, reminders scheduled months ahead and dead
letters addressed to her asks to delete her data; afterwards every key name and every value in
the real Redis is scanned for her number and her tag. And the clean-up outside her slot is
durable: with the server gone right after the commit, `labor-bot worker`'s purge finishes it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.assets import Assets
from bot.compose import build_service
from bot.core.flowset import FlowSet
from bot.outbox import STREAM as OUTBOX
from bot.purge import Purger
from bot.service import BotService
from bot.settings import Settings
from bot.store.redis import RedisSessionStore
from bot.workshops.scheduler import STREAM as NOTICES
from bot.workshops.scheduler import Scheduler
from bot.workshops.seats import Person, Terms
from bot.workshops.seats.redis import RedisSeats
from bot.workshops.table import WorkshopTable, load_workshops
from tests.test_complaint import complaint_flowset
from tests.test_faults import WORKSHOP, flows_with_one_workshop
from tests.test_referrals import PHONE, Worker

TAG = "{whatsapp:" + PHONE + "}"


@dataclasses.dataclass
class Rig:
    client: Redis
    store: RedisSessionStore
    service: BotService
    table: WorkshopTable


@pytest.fixture
async def rig(clean_redis: str, tmp_path: Path) -> AsyncIterator[Rig]:
    data = flows_with_one_workshop(tmp_path / "ws", timedelta(days=30), capacity=10) / "data"
    table = load_workshops(data / "workshops.yaml")
    flows: FlowSet = complaint_flowset(tmp_path / "flows")
    assert isinstance(flows.assets, Assets)
    flows.assets = dataclasses.replace(flows.assets, workshops=table)
    client = Redis.from_url(clean_redis)
    store = RedisSessionStore.from_url(clean_redis)
    service = build_service(Settings(), store, flows=flows, redis=client)
    yield Rig(client, store, service, table)
    await store.aclose()
    await client.aclose()


async def _her_traces(rig: Rig) -> None:
    """What she leaves before asking: a referral, a seat with its reminders, two dead letters."""
    worker = Worker(rig.service)
    await worker.to_confirm()
    await worker.send("si")
    now = int(datetime.now(UTC).timestamp())
    ws = rig.table.get(WORKSHOP)
    assert ws is not None
    seats = RedisSeats(rig.client)
    outcome, _ = await seats.take(TAG, Terms(WORKSHOP, 10, int(ws.starts_at.timestamp()), now),
                                  Person("", "nonce", "es", False))
    assert outcome == "confirmed"
    assert await Scheduler(rig.client).collect(seats, [WORKSHOP]) == 2  # "day" and "soon", months ahead
    await rig.client.xadd(f"{OUTBOX}:dead", {"channel": "whatsapp", "chat": PHONE, "attempts": "8",
                                             "replies": json.dumps([{"text": "Tu resumen: Ana Pérez"}]),
                                             "reason": "attempts"})
    notice = {"id": "x|freed|C0DE", "kind": "freed", "workshop": WORKSHOP, "tag": TAG, "code": "C0DE",
              "due": 0}
    await rig.client.xadd(f"{NOTICES}:dead", {"channel": "notice", "chat": json.dumps(notice),
                                              "replies": "[]", "attempts": "0", "reason": "permanent"})
    assert await _naming_her(rig.client)  # the scan below does find her before


async def _forget(rig: Rig) -> None:
    worker = Worker(rig.service)
    worker.count = 100
    await worker.send("borrar mis datos")
    replies = await worker.send("si")
    assert "Borré tu conversación" in " ".join(r.text for r in replies)


async def _value(client: Redis, name: str) -> object:
    kind = await client.type(name)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "string":
        return await client.get(name)
    if kind == "hash":
        return await client.hgetall(name)
    if kind == "list":
        return await client.lrange(name, 0, -1)
    if kind == "set":
        return await client.smembers(name)
    if kind == "zset":
        return await client.zrange(name, 0, -1)
    assert kind == "stream", kind
    return await client.xrange(name)


def _flat(value: object) -> str:
    """Every string and byte string in `value`, decoded and joined (JSON escapes left as they are)."""
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, dict):
        return " ".join(_flat(k) + " " + _flat(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return " ".join(_flat(v) for v in value)
    return str(value)


async def _naming_her(client: Redis) -> list[str]:
    """Every key whose name or value holds her number (her tag holds it too)."""
    found = []
    async for raw_name in client.scan_iter(count=1000):
        name = raw_name.decode()
        value = await _value(client, name)
        if PHONE in name + _flat(value):
            found.append(name)
    return found


async def test_after_borrar_mis_datos_no_key_names_her(rig: Rig) -> None:
    await _her_traces(rig)
    await _forget(rig)
    assert await _naming_her(rig.client) == []
    assert await rig.client.zcard(f"{NOTICES}:due") == 0  # her reminders will not go out either


async def test_the_clean_up_is_finished_by_the_worker_when_the_server_died_after_the_commit(
        rig: Rig) -> None:
    await _her_traces(rig)
    rig.service.after_commit = None  # the server died between the commit and its follow-ups
    await _forget(rig)
    left = await _naming_her(rig.client)
    assert left and all(not name.startswith("lb:" + TAG) for name in left)  # her own slot is clean
    purger = Purger(rig.client, RedisSeats(rig.client))
    assert await purger.run_once(rig.table, datetime.now(UTC)) == 1
    assert await _naming_her(rig.client) == []
    assert await purger.run_once(rig.table, datetime.now(UTC)) == 0  # done once, not again
