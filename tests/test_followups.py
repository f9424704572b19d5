"""After a commit: new referrals reach the center's staff group; deleting her data frees her seats."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from redis.asyncio import Redis

from bot.assets import Assets
from bot.complaint.directory_file import load_directory
from bot.core.flowset import FlowSet
from bot.core.turn import FORGET, Effect, Turn
from bot.followups import Followups
from bot.loader import load_assets
from bot.outbox import Outbox, OutboxEntry
from bot.store.base import UserKey
from bot.workshops.resolvers import terms_of
from bot.workshops.seats import Person
from bot.workshops.seats.memory import MemorySeats

DATA = Path("flows/data")
KEY = UserKey("whatsapp", "whatsapp:+525512345678")


def flows_with_staff_group(tmp_path: Path, center: str, chat: str) -> FlowSet:
    """The shipped flows, with one center given a Telegram staff group."""
    for source in DATA.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "directory.yaml":
            entry = f"  - id: {center}\n"
            text = text.replace(entry, f"{entry}    staff_telegram_chat: '{chat}'\n", 1)
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    flows = load_assets()
    assert isinstance(flows.assets, Assets)
    directory = load_directory(tmp_path / "directory.yaml", states=flows.assets.states)
    flows.assets = replace(flows.assets, directory=directory)
    return flows


async def test_a_new_referral_is_posted_to_the_centers_staff_group(tmp_path: Path, clean_redis: str) -> None:
    centers = load_directory(DATA / "directory.yaml", production=False).centers
    center = next(c for c in centers if c.example).id
    flows = flows_with_staff_group(tmp_path, center, "-1001234567890")
    client = Redis.from_url(clean_redis)
    outbox = Outbox(client)
    await outbox.ensure_group()
    record = {"center": center, "code": "K7P3QX2M", "kind": "dismissal", "state": "Puebla",
              "contact_channel": "whatsapp", "summary": "Me despidieron el 3 de marzo."}
    followups = Followups(lambda: flows, MemorySeats(), outbox)
    await followups(KEY, Turn(None, (), (Effect("referral", record), Effect("consent", {}))))
    try:
        (taken,) = await outbox.take("test", block_ms=10)
    finally:
        await client.aclose()
    assert taken[1] is not None
    entry = OutboxEntry.from_fields(taken[1])
    assert (entry.channel, entry.chat) == ("telegram", "-1001234567890")
    assert "K7P3QX2M" in entry.replies[0].text and "+5255" not in entry.replies[0].text


async def test_deleting_her_data_gives_back_her_workshop_places(shipped_flows: FlowSet) -> None:
    flows = shipped_flows
    assert isinstance(flows.assets, Assets)
    table = flows.assets.workshops
    workshop = table.current(datetime.now(UTC))[0]
    now = datetime.now(UTC)
    terms = terms_of({"workshop": workshop.id, "capacity": workshop.capacity,
                       "starts": int(workshop.starts_at.timestamp()), "now": int(now.timestamp())})
    seats = MemorySeats()
    await seats.take(KEY.tag, terms, Person("", "n1", "es", False))
    assert await seats.places(KEY.tag, [workshop.id])
    await Followups(lambda: flows, seats, outbox=None)(KEY, Turn(None, (), (Effect(FORGET),)))
    assert await seats.places(KEY.tag, [workshop.id]) == []
