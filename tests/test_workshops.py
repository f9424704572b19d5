"""The workshops data file, its checker, dates, and the sign-up flow through the service."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis

import bot.workshops.resolvers as workshop_resolvers_module
from bot.assets import Assets
from bot.compose import build_service
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.loading import load_flowset
from bot.core.turn import Reply
from bot.features import builtin_catalog
from bot.paths import FLOWS_DIR
from bot.service import BotService
from bot.settings import Settings
from bot.store.base import UserKey
from bot.store.memory import MemorySessionStore
from bot.store.redis import RedisSessionStore
from bot.workshops.seats import Seats
from bot.workshops.seats.memory import MemorySeats
from bot.workshops.seats.redis import RedisSeats
from bot.workshops.table import load_workshops, short_day, when_text, workshop_problems, zone_name
from tests.workshop_samples import CDMX

MARCH_1 = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
# The shipped main flow's shape, so these tests do not depend on flows other teams edit.
MAIN = """\
flow: main
start: welcome
states:
  welcome:
    say: ¡Hola! Soy un bot.
    next: privacy
  privacy:
    say: ¿Estás de acuerdo en que guarde tus respuestas?
    input: {type: yes_no}
    yes: accepted
    no: declined
  accepted:
    action: privacy.accept
    next: menu
  declined:
    action: privacy.decline
    next: menu
  menu:
    say: ¿En qué te ayudo?
    choices:
      - {label: Talleres para mujeres, go: workshops}
"""


def flows_dir(folder: Path) -> Path:
    """A flows folder with the workshops flow as shipped and a small main flow."""
    folder.mkdir(exist_ok=True)
    (folder / "main.yaml").write_text(MAIN, encoding="utf-8")
    (folder / "workshops.yaml").write_text((FLOWS_DIR / "workshops.yaml").read_text("utf-8"), "utf-8")
    return folder


def table(tmp_path: Path, capacity: int = 1, text: str = CDMX) -> Any:
    path = tmp_path / "workshops.yaml"
    path.write_text(text.format(capacity=capacity), encoding="utf-8")
    return load_workshops(path)


# -- the data file ---------------------------------------------------------------------------
def test_the_sample_workshops_load_soonest_first_and_are_marked() -> None:
    """The samples the scripts pin (tests/flows/data/), as the live file shipped them."""
    shipped = load_workshops(Path(__file__).parent / "flows" / "data" / "workshops.yaml")
    workshops = list(shipped.by_id.values())
    assert len(workshops) >= 3 and all(w.example for w in workshops)
    assert [w.starts_at for w in workshops] == sorted(w.starts_at for w in workshops)
    assert len({w.timezone for w in workshops}) >= 3 and any(w.online for w in workshops)
    assert shipped.upcoming(datetime(2026, 11, 24, tzinfo=UTC)) == workshops


def test_the_checker_says_what_is_wrong_and_where(tmp_path: Path) -> None:
    path = tmp_path / "workshops.yaml"
    path.write_text(CDMX.format(capacity=5) + """\
  - id: cdmx
    title: Otro
    description: Otro taller.
    start: 2027-03-09 18:00:00
    end: 2027-03-09 17:00:00
    timezone: America/Ciudad_Gotica
    place: Aquí
    state: CDMX
    capacity: 3
  - id: roto
    title: Roto
    description: Sin lugar ni enlace, y con un cupo de cero.
    start: 2027-03-09 18:00:00
    end: 2027-03-09 20:00:00
    timezone: America/Tijuana
    state: BC
    capacity: 0
""", encoding="utf-8")
    problems = workshop_problems(path, MARCH_1)
    found = {(p.line, p.code) for p in problems}
    assert (29, "workshop-invalid") in found  # capacity 0, on its own line
    assert len(problems) == 1  # the schema error stops the rest: fix it first
    path.write_text(path.read_text().replace("capacity: 0", "capacity: 4"), encoding="utf-8")
    found = {(p.line, p.code) for p in workshop_problems(path, MARCH_1)}
    assert found == {(13, "workshop-duplicate"), (18, "workshop-timezone"), (22, "workshop-place")}
    with pytest.raises(Exception, match="workshops.yaml:13: taller «cdmx»: ya hay otro"):
        load_workshops(path)


def test_end_before_start_past_workshops_and_long_titles(tmp_path: Path) -> None:
    text = CDMX.replace("end: 2027-03-09 20:00:00", "end: 2027-03-09 17:00:00")
    path = tmp_path / "workshops.yaml"
    path.write_text(text.format(capacity=1), encoding="utf-8")
    assert [(p.line, p.code, p.severity) for p in workshop_problems(path, MARCH_1)] == \
        [(6, "workshop-end", "error")]
    path.write_text(CDMX.format(capacity=1).replace("Negocia tu salario", "x" * 40), encoding="utf-8")
    later = datetime(2027, 4, 1, tzinfo=UTC)
    assert [(p.code, p.severity) for p in workshop_problems(path, later)] == \
        [("workshop-title-long", "warning"), ("workshop-past", "warning")]
    assert workshop_problems(tmp_path / "none.yaml", later) == []
    assert load_workshops(tmp_path / "none.yaml").by_id == {}


def test_local_times_only_and_registration_before_the_end(tmp_path: Path) -> None:
    path = tmp_path / "workshops.yaml"
    path.write_text(CDMX.format(capacity=1).replace("2027-03-08 20:00:00", "2027-03-10 20:00:00"),
                    encoding="utf-8")
    assert [p.code for p in workshop_problems(path, MARCH_1)] == ["workshop-closes"]
    path.write_text(CDMX.format(capacity=1).replace("18:00:00\n", "18:00:00-06:00\n", 1),
                    encoding="utf-8")
    assert [p.code for p in workshop_problems(path, MARCH_1)] == ["workshop-offset"]


def test_dates_in_her_language_and_the_workshop_zone(tmp_path: Path) -> None:
    ws = table(tmp_path).by_id["cdmx"]
    assert when_text(ws, "es", MARCH_1) == "martes 9 de marzo, 18:00 a 20:00 (hora del centro)"
    assert when_text(ws, "es", datetime(2026, 12, 1, tzinfo=UTC)).startswith("martes 9 de marzo de 2027")
    assert when_text(ws, "en", MARCH_1).startswith("Tuesday, March 9, 6:00 PM")
    assert short_day(ws, "es") == "9 mar"
    tijuana = ws.model_copy(update={"timezone": "America/Tijuana"})
    assert when_text(tijuana, "es", MARCH_1).endswith("(hora del noroeste)")
    assert zone_name("Europe/Madrid", "es") == "hora de Madrid"


# -- the flow through the service, with the in-memory seat keeper -----------------------------
@dataclass
class Chat:
    """A worker talking to the service; `now` is shared by every chat of one test."""

    service: BotService
    user: str
    clock: list[datetime]
    channel: str = "telegram"
    last: tuple[Reply, ...] = ()
    count: int = 0
    lang: str = "es"

    async def send(self, text: str = "", press: int | None = None) -> str:
        self.count += 1
        self.clock[0] += timedelta(seconds=5)
        event = Event(EventKind.TEXT, self.channel, self.user, str(self.count), text=text,
                      lang_hint=self.lang)
        if press is not None:
            choices = next(r.choices for r in reversed(self.last) if r.choices)
            event = replace(event, kind=EventKind.CHOICE, value=choices[press - 1].value)
        self.last = await self.service.handle(event)
        return " | ".join(r.text for r in self.last)


@dataclass
class World:
    flows: FlowSet
    seats: Seats = field(default_factory=MemorySeats)
    store: Any = field(default_factory=MemorySessionStore)
    clock: list[datetime] = field(default_factory=lambda: [MARCH_1])

    def __post_init__(self) -> None:
        self.service = build_service(Settings(), self.store, flows=self.flows, seats=self.seats,
                                     clock=lambda: self.clock[0])

    def chat(self, user: str) -> Chat:
        return Chat(self.service, user, self.clock)


@pytest.fixture
def world(tmp_path: Path) -> World:
    folder = flows_dir(tmp_path / "flows")
    return World(load_flowset(folder, builtin_catalog(), Assets(workshops=table(tmp_path, capacity=1))))


async def sign_up(chat: Chat, consent: bool = True, discreet: bool = False) -> str:
    await chat.send("hola")
    await chat.send("no")
    assert "Negocia tu salario" in str([c.label for c in (await _list(chat))])
    shown = await chat.send(press=1)
    if "Ya tienes un lugar" in shown or "Ya estás en la lista" in shown:
        return shown
    await chat.send(press=1)
    if consent:
        await chat.send("si")
        await chat.send("Ana")
        await chat.send("no")
        await chat.send(press=1)
        await chat.send("si")
        await chat.send("silla de ruedas")
    else:
        await chat.send("no")
    return await chat.send(press=2 if discreet else 1)


async def _list(chat: Chat) -> tuple[Any, ...]:
    await chat.send("taller")
    return next(r.choices for r in reversed(chat.last) if r.choices)


async def test_she_signs_up_with_consent_and_her_answers_go_only_to_the_signup_record(world: World) -> None:
    said = await sign_up(world.chat("ana"))
    assert "Tienes tu lugar en «Negocia tu salario»" in said
    assert "martes 9 de marzo, 18:00 a 20:00 (hora del centro)" in said
    (record,) = await world.store.records("signup")
    assert record["name"] == "Ana" and record["industry"] == "fabrica" and "workplace" not in record
    assert record["childcare_needed"] is True and record["access"] == "silla de ruedas"
    assert record["code"] in said and record["waitlisted"] is False
    person, place = await world.seats.person("cdmx", "{telegram:ana}")  # type: ignore[misc]
    assert place.status == "confirmed" and person.code == record["code"]
    assert [n.kind for n in await world.seats.notices("cdmx")] == ["day", "soon"]


async def test_without_consent_she_still_gets_a_seat_and_nothing_personal_is_kept(world: World) -> None:
    said = await sign_up(world.chat("ana"), consent=False, discreet=True)
    assert "Tienes tu lugar" in said
    (record,) = await world.store.records("signup")
    assert not {"name", "workplace", "industry", "childcare_needed", "access"} & set(record)
    person, _ = await world.seats.person("cdmx", "{telegram:ana}")  # type: ignore[misc]
    assert person.discreet is True


async def test_full_means_waitlist_and_a_cancellation_gives_her_the_seat(world: World) -> None:
    ana, eva = world.chat("ana"), world.chat("eva")
    await sign_up(ana)
    await eva.send("hola")
    await eva.send("no")
    await _list(eva)
    assert "Personas en la lista: 0" in await eva.send(press=1)
    assert "lista de espera: eres la número 1" in await sign_up(eva)
    await _list(ana)
    assert "Estas son tus inscripciones" in await ana.send(press=2)
    assert "Tu código" in await ana.send(press=1)
    assert "Seguro que quieres cancelar" in await ana.send(press=1)
    assert "cancelé tu lugar" in await ana.send("si")
    assert [p.status for p in await world.seats.places("{telegram:eva}", ["cdmx"])] == ["confirmed"]
    freed = [n for n in await world.seats.notices("cdmx") if n.kind == "freed"]
    assert [(n.tag, n.due) for n in freed] == [("{telegram:eva}", int(world.clock[0].timestamp()))]
    await _list(ana)
    assert "No tienes inscripciones" in await ana.send(press=2)


async def test_a_second_sign_up_gets_a_clear_reply_and_changes_nothing(world: World) -> None:
    ana = world.chat("ana")
    first = await sign_up(ana)
    again = await sign_up(ana)
    assert "Ya tienes un lugar en «Negocia tu salario»" in again
    assert [r.code for r in await world.seats.roster("cdmx")] == re.findall(r"\*([A-Z0-9]{6})\*", first)


async def test_after_registration_closed_she_is_told_and_nothing_changes(world: World) -> None:
    ana = world.chat("ana")
    world.clock[0] = datetime(2027, 3, 9, 1, 50, tzinfo=UTC)
    await ana.send("hola")
    await ana.send("no")
    await ana.send("taller")
    world.clock[0] = datetime(2027, 3, 9, 2, 10, tzinfo=UTC)  # it closed on the 8th at 20:00 (02:00 UTC)
    assert "ya cerraron" in await ana.send(press=1)
    world.clock[0] = datetime(2027, 3, 10, 3, 0, tzinfo=UTC)
    await ana.send("menu")
    assert "no hay talleres próximos" in await ana.send("taller")
    assert await world.seats.roster("cdmx") == []


async def test_a_workshop_removed_meanwhile_is_refused(world: World, tmp_path: Path) -> None:
    ana = world.chat("ana")
    await ana.send("hola")
    await ana.send("no")
    await ana.send("taller")
    await ana.send(press=1)
    await ana.send(press=1)
    await ana.send("no")
    gone = Assets(workshops=load_workshops(tmp_path / "x"))
    world.service.flows = load_flowset(tmp_path / "flows", builtin_catalog(), gone)
    assert "ya no está disponible" in await ana.send(press=1)
    assert await world.seats.roster("cdmx") == []


async def test_deleting_her_data_blanks_her_signup_record(world: World) -> None:
    ana = world.chat("ana")
    await sign_up(ana)
    await ana.send("borrar mis datos")
    await ana.send(press=1)
    assert await world.store.records("signup") == [{"user": None, "forgotten": True}]


async def test_forgetting_her_can_also_give_back_her_places(world: World) -> None:
    await sign_up(world.chat("ana"))
    await sign_up(world.chat("eva"))
    assert isinstance(world.flows.assets, Assets)
    table = world.flows.assets.workshops
    key = UserKey("telegram", "ana")
    assert await workshop_resolvers_module.forget_places(world.seats, key, table, world.clock[0]) == 1
    assert await world.seats.places(key.tag, ["cdmx"]) == []
    assert [p.status for p in await world.seats.places("{telegram:eva}", ["cdmx"])] == ["confirmed"]


async def test_a_hundred_workers_through_several_services_get_twenty_seats(tmp_path: Path,
                                                                           clean_redis: str) -> None:
    flows = load_flowset(flows_dir(tmp_path / "flows"), builtin_catalog(),
                         Assets(workshops=table(tmp_path, capacity=20)))
    clock = [MARCH_1]
    processes = []
    for _ in range(4):  # as four server processes sharing one Redis
        client = Redis.from_url(clean_redis)
        store = RedisSessionStore.from_url(clean_redis)
        service = build_service(Settings(), store, flows=flows, redis=client, clock=lambda: clock[0])
        processes.append((client, store, service))
    try:
        chats = [Chat(processes[i % 4][2], f"w{i}", clock) for i in range(100)]
        said = await asyncio.wait_for(asyncio.gather(*(sign_up(c, consent=False) for c in chats)), 60)
        roster = await RedisSeats(processes[0][0]).roster("cdmx")
    finally:
        for client, store, _ in processes:
            await client.aclose()
            await store.aclose()
    assert sum("Tienes tu lugar" in s for s in said) == 20
    assert sorted(int(s.split("eres la número ")[1].split(".")[0]) for s in said
                  if "lista de espera" in s) == list(range(1, 81))
    assert len(roster) == 100 and len({r.code for r in roster}) == 100


def test_sample_workshops_are_not_offered_in_production(tmp_path: Path) -> None:
    path = tmp_path / "workshops.yaml"
    path.write_text(CDMX.format(capacity=5) + "    example: true\n", encoding="utf-8")
    assert list(load_workshops(path).by_id) == ["cdmx"]
    assert list(load_workshops(path, production=True).by_id) == []
