"""The `SessionStore` contract, run against the in-memory store and against a real Redis."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from redis.crc import key_slot

from bot.core.session import Position, Session
from bot.core.turn import Choice, Effect, Reply, Turn
from bot.errors import InputError, StoreUnavailable
from bot.settings import Settings, make_store
from bot.store import CommitResult, Loaded, MemorySessionStore, SessionStore, UserKey
from bot.store.redis import RedisSessionStore
from tests.redis_server import RedisServer

T0 = datetime(2025, 3, 7, 10, 0, tzinfo=UTC)
ANA = UserKey("telegram", "1001")
BEA = UserKey("whatsapp", "+5215512345678")


def session(state: str = "intro", **vars: object) -> Session:
    return Session(flow="main", state=state, vars=vars, started_at=T0, updated_at=T0)


def turn(state: str = "intro", *texts: str, effects: tuple[Effect, ...] = (), **vars: object) -> Turn:
    replies = tuple(Reply(t) for t in texts) or (Reply(f"en {state}"),)
    return Turn(session(state, **vars), replies, effects)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[SessionStore]:
    made: SessionStore
    if request.param == "memory":
        made = MemorySessionStore()
    else:
        made = RedisSessionStore.from_url(request.getfixturevalue("clean_redis"))
    yield made
    await made.aclose()


@pytest.fixture
async def redis_store(clean_redis: str) -> AsyncIterator[RedisSessionStore]:
    made = RedisSessionStore.from_url(clean_redis, session_ttl=timedelta(days=3))
    yield made
    await made.aclose()


@pytest.fixture
async def raw(clean_redis: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(clean_redis, decode_responses=True)
    yield client
    await client.aclose()


async def test_unknown_worker_loads_as_no_session(store: SessionStore) -> None:
    assert await store.load(ANA, "m1") == Loaded(None, 0, None)


async def test_commit_then_load(store: SessionStore) -> None:
    assert await store.commit(ANA, "m1", 0, turn("a", name="Ana"), T0) is CommitResult.APPLIED
    assert await store.load(ANA, "m2") == Loaded(session("a", name="Ana"), 1, None)
    assert await store.commit(ANA, "m2", 1, turn("b"), T0) is CommitResult.APPLIED
    assert await store.load(ANA, "m3") == Loaded(session("b"), 2, None)
    assert await store.load(BEA, "m3") == Loaded(None, 0, None)


async def test_stale_version_is_a_conflict_and_writes_nothing(store: SessionStore) -> None:
    await store.commit(ANA, "m1", 0, turn("a"), T0)
    signup = Effect("signup", {"workshop": "w1"})
    assert await store.commit(ANA, "m2", 0, turn("b", effects=(signup,)), T0) is CommitResult.CONFLICT
    assert await store.load(ANA, "m2") == Loaded(session("a"), 1, None)
    assert await store.records("signup") == []


async def test_seen_message_is_a_duplicate_with_its_first_replies(store: SessionStore) -> None:
    menu = Reply("¿Qué necesitas? 🙂", (Choice("Mis derechos", "rights"), Choice("Salir", "exit")))
    first = Turn(session("a"), (Reply("Hola"), menu))
    assert await store.commit(ANA, "m1", 0, first, T0) is CommitResult.APPLIED
    for version in (0, 1, 7):
        assert await store.commit(ANA, "m1", version, turn("b"), T0) is CommitResult.DUPLICATE
    assert await store.load(ANA, "m1") == Loaded(session("a"), 1, (Reply("Hola"), menu))


async def test_a_turn_without_replies_is_still_remembered(store: SessionStore) -> None:
    await store.commit(ANA, "m1", 0, Turn(session("a")), T0)
    assert (await store.load(ANA, "m1")).replies == ()


async def test_effects_are_recorded_once_oldest_first(store: SessionStore) -> None:
    consent = Effect("consent", {"given": True})
    signup = Effect("signup", {"workshop": "w1", "name": "Ana López", "pay": 2100.5})
    await store.commit(ANA, "m1", 0, turn("a", effects=(consent, signup)), T0)
    assert await store.commit(ANA, "m1", 1, turn("a", effects=(signup,)), T0) is CommitResult.DUPLICATE
    await store.commit(BEA, "m9", 0, turn("a", effects=(Effect("signup", {"workshop": "w2"}),)), T0)
    await store.commit(ANA, "m2", 1, turn("b", effects=(Effect("signup", {"workshop": "w3"}),)), T0)

    assert await store.records("signup") == [
        {"user": ANA.tag, "message_id": "m1", "workshop": "w1", "name": "Ana López", "pay": 2100.5},
        {"user": BEA.tag, "message_id": "m9", "workshop": "w2"},
        {"user": ANA.tag, "message_id": "m2", "workshop": "w3"},
    ]
    assert await store.records("consent") == [{"user": ANA.tag, "message_id": "m1", "given": True}]
    assert await store.records("handoff") == []


async def test_concurrent_commits_on_one_version_apply_exactly_once(store: SessionStore) -> None:
    await store.commit(ANA, "m0", 0, turn("a"), T0)
    results = await asyncio.gather(
        *(
            store.commit(ANA, f"m{i}", 1, turn(f"s{i}", effects=(Effect("signup", {"i": i}),)), T0)
            for i in range(1, 21)
        )
    )
    assert sorted(r.value for r in results) == ["applied"] + ["conflict"] * 19
    winner = results.index(CommitResult.APPLIED) + 1
    assert await store.load(ANA, "x") == Loaded(session(f"s{winner}"), 2, None)
    assert await store.records("signup") == [{"user": ANA.tag, "message_id": f"m{winner}", "i": winner}]


async def test_session_none_deletes_the_session_only(store: SessionStore) -> None:
    await store.commit(ANA, "m1", 0, turn("a", effects=(Effect("signup", {"w": 1}),)), T0)
    assert await store.commit(ANA, "m2", 1, Turn(None, (Reply("Adiós"),)), T0) is CommitResult.APPLIED
    assert await store.load(ANA, "m3") == Loaded(None, 0, None)
    assert (await store.load(ANA, "m1")).replies == (Reply("en a"),)
    assert (await store.load(ANA, "m2")).replies == (Reply("Adiós"),)
    assert await store.records("signup") == [{"user": ANA.tag, "message_id": "m1", "w": 1}]
    assert await store.commit(ANA, "m3", 0, turn("again"), T0) is CommitResult.APPLIED
    assert (await store.load(ANA, "m4")).version == 1


def same_slot_as(key: UserKey) -> UserKey:
    """Another worker whose keys hash to the same Redis Cluster slot (so shares a record list)."""
    slot = key_slot(key.tag.encode())
    n = 0
    while key_slot(f"{{telegram:{n}}}".encode()) != slot:
        n += 1
    return UserKey("telegram", str(n))


async def test_forget_user_drops_her_data_and_keeps_anonymous_counts(store: SessionStore) -> None:
    neighbour = same_slot_as(BEA)
    await store.commit(BEA, "m1", 0, turn("a", effects=(Effect("consent", {"given": True}),)), T0)
    await store.commit(neighbour, "n1", 0, turn("a", effects=(Effect("signup", {"w": "x"}),)), T0)
    await store.commit(BEA, "m2", 1, turn("b", effects=(Effect("signup", {"name": "Bea"}),)), T0)
    await store.commit(ANA, "a1", 0, turn("a", effects=(Effect("signup", {"w": "y"}),)), T0)

    forget = Turn(None, (Reply("Borré tus datos."),), (Effect("forget_user"),))
    assert await store.commit(BEA, "m3", 2, forget, T0) is CommitResult.APPLIED

    assert await store.load(BEA, "m1") == Loaded(None, 0, None)
    assert await store.load(BEA, "m2") == Loaded(None, 0, None)
    # Her redelivered "delete my data" gets the same confirmation and changes nothing.
    assert await store.load(BEA, "m3") == Loaded(None, 0, (Reply("Borré tus datos."),))
    assert await store.commit(BEA, "m3", 0, forget, T0) is CommitResult.DUPLICATE
    assert await store.records("consent") == [{"user": None, "forgotten": True}]
    assert await store.records("signup") == [
        {"user": neighbour.tag, "message_id": "n1", "w": "x"},
        {"user": None, "forgotten": True},
        {"user": ANA.tag, "message_id": "a1", "w": "y"},
    ]
    assert await store.load(neighbour, "z") == Loaded(session("a"), 1, None)
    # She can start again from nothing.
    assert await store.commit(BEA, "m4", 0, turn("new"), T0) is CommitResult.APPLIED


async def test_records_after_a_forget_in_the_same_turn_are_kept(store: SessionStore) -> None:
    await store.commit(ANA, "m1", 0, turn("a", effects=(Effect("consent", {"given": True}),)), T0)
    effects = (Effect("forget_user"), Effect("consent", {"given": False}))
    await store.commit(ANA, "m2", 1, Turn(None, (), effects), T0)
    assert await store.records("consent") == [
        {"user": None, "forgotten": True},
        {"user": ANA.tag, "message_id": "m2", "given": False},
    ]


async def test_memory_store_forgets_message_ids_after_48_hours() -> None:
    store = MemorySessionStore()
    await store.commit(ANA, "m1", 0, turn("a"), T0)
    await store.commit(ANA, "m2", 1, turn("b"), T0 + timedelta(hours=47))
    assert await store.commit(ANA, "m1", 2, turn("c"), T0 + timedelta(hours=47)) is CommitResult.DUPLICATE
    await store.commit(ANA, "m3", 2, turn("c"), T0 + timedelta(hours=48, seconds=1))
    assert (await store.load(ANA, "m1")).replies is None
    assert (await store.load(ANA, "m2")).replies == (Reply("en b"),)


async def test_redis_keys_carry_the_ttls(redis_store: RedisSessionStore, raw: Redis) -> None:
    await redis_store.commit(ANA, "m1", 0, turn("a"), T0)
    day = 24 * 3600 * 1000
    assert 3 * day - 5000 < await raw.pttl("lb:{telegram:1001}:s") <= 3 * day
    assert 2 * day - 5000 < await raw.pttl("lb:{telegram:1001}:m:m1") <= 2 * day
    assert 2 * day - 5000 < await raw.pttl("lb:{telegram:1001}:i") <= 2 * day
    # Every commit refreshes the session's TTL.
    await raw.pexpire("lb:{telegram:1001}:s", 1000)
    await redis_store.commit(ANA, "m2", 1, turn("b"), T0)
    assert await raw.pttl("lb:{telegram:1001}:s") > 3 * day - 5000


@pytest.mark.slow  # waits for Redis to expire the keys (PX)
async def test_redis_message_ids_expire(clean_redis: str) -> None:
    store = RedisSessionStore.from_url(clean_redis, idempotency_ttl=timedelta(milliseconds=300))
    try:
        await store.commit(ANA, "m1", 0, turn("a"), T0)
        assert await store.commit(ANA, "m1", 1, turn("b"), T0) is CommitResult.DUPLICATE
        await asyncio.sleep(0.5)
        assert (await store.load(ANA, "m1")).replies is None
        assert await store.commit(ANA, "m1", 1, turn("b"), T0) is CommitResult.APPLIED
    finally:
        await store.aclose()


async def test_redis_forget_leaves_no_key_or_record_naming_her(
    redis_store: RedisSessionStore, raw: Redis
) -> None:
    await redis_store.commit(BEA, "m1", 0, turn("a", effects=(Effect("signup", {"w": 1}),)), T0)
    await redis_store.commit(BEA, "m2", 1, turn("b", effects=(Effect("handoff", {"q": "?"}),)), T0)
    await redis_store.commit(BEA, "m3", 2, Turn(None, (Reply("ok"),), (Effect("forget_user"),)), T0)
    names = sorted(map(str, await raw.keys("*")))
    # The forget's own stored answer (for a redelivery) is named by a hash, not by her.
    assert [k for k in names if "5215512345678" in k] == []
    assert await redis_store.commit(BEA, "m3", 2, Turn(None, (Reply("ok"),), (Effect("forget_user"),)),
                                    T0) is CommitResult.DUPLICATE
    # What lives outside her slot is owed to `bot.purge`, through an entry in her slot's list.
    (purge_list,) = [k for k in names if k.startswith("lb:p:")]
    assert [json.loads(e) for e in await raw.lrange(purge_list, 0, -1)] == [
        {"tag": BEA.tag, "message_id": "m3"}]
    for name in names:
        if name.startswith("lb:r:"):
            assert "5215512345678" not in "".join(map(str, await raw.lrange(name, 0, -1)))
        if name.startswith("lb:idx:"):
            assert "5215512345678" not in "".join(map(str, await raw.smembers(name)))


def realistic_session() -> Session:
    return Session(
        flow="workshop_signup",
        state="confirm",
        vars={
            "name": "María Guadalupe Hernández López",
            "session_id": "taller-2025-04-cdmx-sabado",
            "sector": "maquila",
            "salary": 2150.75,
            "city": "Ciudad Juárez",
            "phone": "+52 656 123 4567",
        },
        consent=True,
        offer=(("Confirmar", "yes"), ("Cambiar fecha", "dates"), ("Menú", "menu")),
        resume=Position(flow="complaint", state="employer"),
        started_at=T0,
        updated_at=T0 + timedelta(minutes=12),
    )


async def test_redis_idle_session_fits_in_2_kb(redis_store: RedisSessionStore, raw: Redis) -> None:
    worker = UserKey("whatsapp", "+5216561234567")
    prefix = f"lb:{worker.tag}:"
    replies = (
        Reply("Te inscribo al taller del sábado 12 de abril, 10:00, en el Centro de Trabajadoras."),
        Reply("¿Confirmas?", (Choice("Sí, confirmar", "yes"), Choice("Cambiar fecha", "dates"))),
    )

    async def sizes() -> dict[str, int]:
        keys = [k async for k in raw.scan_iter(match=prefix.replace("[", "\\[") + "*")]
        return {str(k): int(await raw.memory_usage(k, samples=0) or 0) for k in keys}

    # A Twilio-length message id (34 characters), as in production.
    await redis_store.commit(worker, f"SM{0:032x}", 0, Turn(realistic_session(), replies), T0)
    after_one = await sizes()
    for i in range(1, 5):
        await redis_store.commit(worker, f"SM{i:032x}", i, Turn(realistic_session(), replies), T0)
    after_five = await sizes()
    idle = after_five[prefix + "s"]  # once 48 h pass without a message, only this key is left
    per_message = (sum(after_five.values()) - sum(after_one.values())) / 4
    print(
        f"\nidle session {idle} B; after 1 message {sum(after_one.values())} B; "
        f"each further message +{per_message:.0f} B for 48 h"
    )
    assert idle <= 2048
    assert sum(after_one.values()) <= 2048
    assert per_message <= 512


@pytest.mark.slow  # a fault: Redis stopped, connect timeouts
async def test_redis_unreachable_is_store_unavailable(make_redis_server: Callable[..., RedisServer]) -> None:
    server = make_redis_server()
    store = RedisSessionStore.from_url(server.url, timeout=0.5)
    try:
        await store.commit(ANA, "m1", 0, turn("a"), T0)
        server.stop()
        assert await store.ping() is False
        with pytest.raises(StoreUnavailable):
            await store.load(ANA, "m2")
        with pytest.raises(StoreUnavailable):
            await store.commit(ANA, "m2", 1, turn("b", effects=(Effect("signup"),)), T0)
        with pytest.raises(StoreUnavailable):
            await store.records("signup")
    finally:
        await store.aclose()


@pytest.mark.slow  # a fault: Redis paused, read timeouts
async def test_redis_hung_server_is_store_unavailable(make_redis_server: Callable[..., RedisServer]) -> None:
    server = make_redis_server()
    store = RedisSessionStore.from_url(server.url, timeout=0.3)
    try:
        assert await store.ping() is True
        server.pause()
        with pytest.raises(StoreUnavailable):
            await store.commit(ANA, "m1", 0, turn("a"), T0)
        server.resume()
        # The timed-out commit may or may not have landed: either way the message is not lost.
        result = await store.commit(ANA, "m1", 0, turn("a"), T0)
        assert result in (CommitResult.APPLIED, CommitResult.DUPLICATE)
        assert await store.load(ANA, "m1") == Loaded(session("a"), 1, (Reply("en a"),))
    finally:
        await store.aclose()


def test_from_url_rejects_other_schemes() -> None:
    with pytest.raises(InputError):
        RedisSessionStore.from_url("http://127.0.0.1:6379")


def test_settings_defaults_and_overrides() -> None:
    assert Settings.from_env({}) == Settings(redis_url=None, env="development", session_ttl_days=7)
    settings = Settings.from_env(
        {"REDIS_URL": "rediss://r:6380/0", "LABOR_BOT_ENV": "production", "SESSION_TTL_DAYS": "3"}
    )
    assert settings == Settings(redis_url="rediss://r:6380/0", env="production", session_ttl_days=3)
    assert settings.session_ttl == timedelta(days=3)


@pytest.mark.parametrize(
    "environ",
    [{"LABOR_BOT_ENV": "staging"}, {"SESSION_TTL_DAYS": "siete"}, {"SESSION_TTL_DAYS": "0"}],
)
def test_settings_refuse_bad_values(environ: dict[str, str]) -> None:
    with pytest.raises(InputError):
        Settings.from_env(environ)


def test_production_without_redis_is_refused() -> None:
    with pytest.raises(InputError, match="LABOR_BOT_ENV=production needs REDIS_URL"):
        make_store(Settings.from_env({"LABOR_BOT_ENV": "production"}))


def test_development_without_redis_uses_memory_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        assert isinstance(make_store(Settings.from_env({})), MemorySessionStore)
    assert "in-memory session store" in caplog.text


async def test_redis_url_selects_redis_with_the_session_ttl(clean_redis: str, raw: Redis) -> None:
    store = make_store(Settings.from_env({"REDIS_URL": clean_redis, "SESSION_TTL_DAYS": "2"}))
    try:
        assert isinstance(store, RedisSessionStore)
        assert await store.ping() is True
        await store.commit(ANA, "m1", 0, turn("a"), T0)
        assert await raw.pttl("lb:{telegram:1001}:s") > 2 * 24 * 3600 * 1000 - 5000
    finally:
        await store.aclose()


@pytest.mark.parametrize("user", ["1001", "+5215512345678", "a}b{c", "ñandú"])
async def test_redis_keys_of_one_message_share_her_cluster_slot(
    redis_store: RedisSessionStore, raw: Redis, user: str
) -> None:
    worker = UserKey("telegram", user)
    effects = (Effect("signup", {"w": 1}), Effect("consent", {"given": True}))
    await redis_store.commit(worker, "m1", 0, turn("a", effects=effects), T0)
    await redis_store.commit(worker, "m2", 1, turn("b"), T0)
    names = [str(k) for k in await raw.keys("*") if not str(k).startswith("lb:idx:")]
    assert len(names) == 5  # session, id index, two replies, the slot's record list
    assert {key_slot(name.encode()) for name in names} == {key_slot(f"lb:{worker.tag}:s".encode())}
