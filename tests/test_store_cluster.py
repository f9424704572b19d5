"""The `SessionStore` contract on a 3-master Redis Cluster (`REDIS_URL=redis+cluster://…`).

Every contract test of `tests/test_store_contract.py` that needs only a `store` runs here too,
with the store on the cluster; the tests below check what only a cluster can show: a message's
keys on one node, records gathered from every node, the commit script loaded on each master.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from redis.asyncio.cluster import RedisCluster
from redis.crc import key_slot

from bot.core.turn import Effect, Reply, Turn
from bot.errors import InputError, StoreUnavailable
from bot.outbox import DeliveryFailed, Outbox, OutboxEntry
from bot.settings import Settings, make_store
from bot.store import CommitResult, SessionStore, UserKey
from bot.store.client import is_cluster_url, redis_from_url
from bot.store.redis import RedisSessionStore
from tests import test_store_contract as contract
from tests.redis_cluster import RedisCluster as ClusterProcesses
from tests.test_store_contract import T0, realistic_session, turn

pytestmark = pytest.mark.slow  # a 3-master Redis Cluster, nodes stopped and started

# The contract tests that need nothing but a `store`: collected here with the fixture below.
for _name, _test in vars(contract).items():
    if _name.startswith("test_") and list(inspect.signature(_test).parameters) == ["store"]:
        globals()[_name] = _test


@pytest.fixture
async def store(clean_redis_cluster: str) -> AsyncIterator[SessionStore]:
    made = RedisSessionStore.from_url(clean_redis_cluster)
    yield made
    await made.aclose()


@pytest.fixture
async def raw(clean_redis_cluster: str) -> AsyncIterator[RedisCluster]:
    client = RedisCluster.from_url(clean_redis_cluster.replace("redis+cluster://", "redis://"),
                                   decode_responses=True)
    yield client
    await client.aclose()


def test_the_contract_tests_are_collected_here() -> None:
    assert "test_commit_then_load" in globals()
    assert "test_forget_user_drops_her_data_and_keeps_anonymous_counts" in globals()


def test_cluster_urls() -> None:
    assert is_cluster_url("redis+cluster://10.0.0.1:7000")
    assert is_cluster_url("rediss+cluster://cfg.example.org:6379")
    assert not is_cluster_url("redis://127.0.0.1:6379/0")
    with pytest.raises(InputError, match="redis\\+cluster://"):
        redis_from_url("cluster://127.0.0.1:7000")


async def test_a_message_touches_one_node_and_records_come_from_every_node(
    store: SessionStore, raw: RedisCluster, redis_cluster: ClusterProcesses
) -> None:
    workers = [UserKey("whatsapp", f"+52155{i:08d}") for i in range(60)]
    for i, worker in enumerate(workers):
        signup = Effect("signup", {"i": i})
        applied = await store.commit(worker, f"m{i}", 0, turn("a", effects=(signup,)), T0)
        assert applied is CommitResult.APPLIED

    records = await store.records("signup")
    assert [r["i"] for r in records] == list(range(60))  # every one, in commit order
    # Their slots are spread over all three masters, so records were read from each.
    slots = {key_slot(f"lb:{w.tag}:s".encode()) for w in workers}
    assert {redis_cluster.owner(slot) for slot in slots} == {0, 1, 2}
    for i, worker in enumerate(workers[:5]):
        names = [f"lb:{worker.tag}:s", f"lb:{worker.tag}:i", f"lb:{worker.tag}:m:m{i}"]
        assert await raw.exists(*names) == 3  # one node answers for all three (one slot)


async def test_the_commit_script_runs_on_every_master(
    store: SessionStore, redis_cluster: ClusterProcesses
) -> None:
    for i in range(30):
        await store.commit(UserKey("telegram", str(i)), "m1", 0, turn("a"), T0)
    for port in redis_cluster.ports:
        stats = redis_cluster.info(port, "commandstats")
        assert "cmdstat_evalsha:calls=" in stats, f"no commit ran on node {port}"


async def test_an_idle_session_fits_in_2_kb_on_a_cluster(store: SessionStore, raw: RedisCluster) -> None:
    worker = UserKey("whatsapp", "+5216561234567")
    replies = (Reply("¿Confirmas?"),)
    for i in range(5):
        await store.commit(worker, f"SM{i:032x}", i, Turn(realistic_session(), replies), T0)
    assert 0 < int(await raw.memory_usage(f"lb:{worker.tag}:s", samples=0) or 0) <= 2048


async def test_redis_url_selects_the_cluster_store(clean_redis_cluster: str) -> None:
    made = make_store(Settings.from_env({"REDIS_URL": clean_redis_cluster, "SESSION_TTL_DAYS": "2"}))
    try:
        assert isinstance(made, RedisSessionStore)
        assert await made.ping() is True
        assert await made.commit(UserKey("telegram", "7"), "m1", 0, turn("a"), T0) is CommitResult.APPLIED
    finally:
        await made.aclose()


async def test_a_master_down_is_store_unavailable_and_its_return_is_not(
    make_redis_cluster: Callable[..., ClusterProcesses],
) -> None:
    cluster = make_redis_cluster(durable=True)
    made = RedisSessionStore.from_url(cluster.url, timeout=0.5, session_ttl=timedelta(days=1))
    try:
        # A worker whose slot lives on the second master.
        worker = next(UserKey("telegram", str(n)) for n in range(10_000)
                      if cluster.owner(key_slot(f"lb:{{telegram:{n}}}:s".encode())) == 1)
        assert await made.commit(worker, "m1", 0, turn("a"), T0) is CommitResult.APPLIED
        cluster.stop_node(1)
        with pytest.raises(StoreUnavailable):
            await made.commit(worker, "m2", 1, turn("b"), T0)
        cluster.start_node(1)
        loaded = await made.load(worker, "m2")
        assert loaded.version == 1  # the failed commit left nothing behind
        assert await made.commit(worker, "m2", 1, turn("b"), T0) is CommitResult.APPLIED
    finally:
        await made.aclose()


async def test_the_outbox_works_on_a_cluster(raw: RedisCluster) -> None:
    """Its MULTIs (ack and delete; re-add a retry; move to the dead letters) stay in one slot."""
    now = [1_000_000.0]
    box = Outbox(raw, claim_idle=0.05, max_attempts=3, clock=lambda: now[0])
    await box.ensure_group()
    sent: list[str] = []

    async def send(chat: str, replies: tuple[Reply, ...]) -> None:
        if chat == "refuses":
            raise DeliveryFailed(replies, permanent=True)
        if chat == "flaky" and chat not in sent:
            sent.append(chat)
            raise DeliveryFailed(replies)  # re-added with one more attempt, due in 5 s
        sent.append(chat)

    for chat in ("ok", "flaky", "refuses"):
        await box.add(OutboxEntry("telegram", chat, (Reply("Hola."),)))
    for _ in range(50):
        now[0] += 10.0
        await box.deliver("c1", {"telegram": send}, block_ms=10)
        if await box.depth() == 0:
            break
        await asyncio.sleep(0.06)  # an entry taken before its time comes back after claim_idle
    assert sorted(sent) == ["flaky", "flaky", "ok"]
    dead = await raw.xrange(box.dead)
    assert dead is not None
    assert [(fields or {}).get("reason") for _, fields in dead] == ["refused"]
