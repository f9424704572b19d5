"""Scale-out: `labor-bot serve` with 2 worker processes on a 3-master Redis Cluster, under a short
load of whole conversations on WhatsApp and Telegram (the load benchmark's harness, small)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench import load
from bot.store.redis import RedisSessionStore
from tests.fakes.telegram_api import FakeBotApi
from tests.redis_cluster import RedisCluster

pytestmark = pytest.mark.slow  # a Redis Cluster and two server processes under load

CONVERSATIONS = 2  # of each scenario, per channel


async def consent_records(url: str) -> list[dict[str, object]]:
    store = RedisSessionStore.from_url(url)
    try:
        return await store.records("consent")
    finally:
        await store.aclose()


def test_two_server_processes_on_a_cluster_carry_whole_conversations(
    clean_redis_cluster: str, redis_cluster: RedisCluster, bot_api: FakeBotApi, tmp_path: Path
) -> None:
    scenarios, notes = load.available_scenarios(None)
    print("\n".join(notes))
    server, base = load.bot_server(load.server_env(clean_redis_cluster, bot_api.base_url), 2,
                                   tmp_path / "server.log")
    server.start()
    try:
        users = load.user_ids(1)
        conversations = CONVERSATIONS * len(scenarios)
        whatsapp = asyncio.run(load.run_phase("whatsapp", base, load.WhatsApp(1), scenarios, users, 6, 60,
                                              conversations))
        telegram = asyncio.run(load.run_phase("telegram", base, load.Telegram(2), scenarios, users, 6, 60,
                                              conversations))
    finally:
        server.stop()

    expected = sum(len(s.messages) for s in scenarios) * CONVERSATIONS
    for phase in (whatsapp, telegram):
        assert phase.conversations == conversations
        assert phase.messages == expected
        assert not phase.problems, phase.problems
        assert not phase.mismatched, phase.mismatched  # each conversation ended where it should
    assert len(bot_api.texts()) >= telegram.messages  # every update got at least one reply
    # Both kinds of work reached every master: sessions and commits spread over the slots.
    for port in redis_cluster.ports:
        assert "cmdstat_evalsha:calls=" in redis_cluster.info(port, "commandstats")
    records = asyncio.run(consent_records(clean_redis_cluster))
    ids = [(r["user"], r["message_id"]) for r in records]
    assert records and len(ids) == len(set(ids))  # one consent record per accepting message
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log
