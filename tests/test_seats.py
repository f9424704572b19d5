"""Seats and waitlists: the same rules in memory and in Redis, and atomic under concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from bot.workshops.seats import KEEP_AFTER_START, Person, Seats, Terms
from bot.workshops.seats.memory import MemorySeats
from bot.workshops.seats.redis import RedisSeats

START = 1_900_000_000  # the workshop's start, Unix seconds
NOW = START - 10 * 86400  # ten days before
DAY, SOON = START - 86400, START - 7200


def terms(capacity: int = 2, now: int = NOW, workshop: str = "w1") -> Terms:
    return Terms(workshop, capacity, START, now)


def person(nonce: str = "n1", discreet: bool = False) -> Person:
    return Person("", nonce, "es", discreet)


@pytest.fixture(params=["memory", "redis"])
async def seats(request: pytest.FixtureRequest) -> AsyncIterator[Seats]:
    if request.param == "memory":
        yield MemorySeats()
        return
    client = Redis.from_url(request.getfixturevalue("clean_redis"))
    yield RedisSeats(client)
    await client.aclose()


async def test_seats_then_a_waitlist_in_order(seats: Seats) -> None:
    outcomes = [await seats.take(tag, terms(), person()) for tag in ("a", "b", "c", "d")]
    assert [(o, p.status, p.place) for o, p in outcomes] == [
        ("confirmed", "confirmed", 0), ("confirmed", "confirmed", 0),
        ("waitlisted", "waiting", 1), ("waitlisted", "waiting", 2)]
    assert len({p.code for _, p in outcomes}) == 4
    assert await seats.availability("e", terms()) == ("full", 0, 2, None)
    counts = await seats.counts("w1")
    assert (counts.confirmed, counts.waiting) == (2, 2)


async def test_asking_again_for_the_same_sign_up_gives_the_same_answer(seats: Seats) -> None:
    first = await seats.take("a", terms(capacity=1), person("n1"))
    again = await seats.take("a", terms(capacity=1), person("n1"))
    assert first == again and first[0] == "confirmed"
    waiting = await seats.take("b", terms(capacity=1), person("n2"))
    assert await seats.take("b", terms(capacity=1), person("n2")) == waiting
    assert waiting[0] == "waitlisted"
    counts = await seats.counts("w1")
    assert (counts.confirmed, counts.waiting) == (1, 1)


async def test_a_second_sign_up_to_the_same_workshop_changes_nothing(seats: Seats) -> None:
    _, held = await seats.take("a", terms(), person("n1"))
    outcome, again = await seats.take("a", terms(), person("n2"))
    assert outcome == "already" and again == held
    assert [r.code for r in await seats.roster("w1")] == [held.code]
    availability = await seats.availability("a", terms())
    assert availability == ("already", 0, 0, held)


async def test_a_cancellation_promotes_the_first_on_the_waitlist_and_queues_her_notice(seats: Seats) -> None:
    for tag in ("a", "b", "c", "d"):
        await seats.take(tag, terms(), person())
    a, c = await seats.person("w1", "a"), await seats.person("w1", "c")
    assert a is not None and c is not None
    a_code, c_code = a[0].code, c[0].code
    assert await seats.cancel("a", terms(now=NOW + 60), "x1") == "cancelled"
    assert [(p.status, p.place) for p in await seats.places("c", ["w1"])] == [("confirmed", 0)]
    assert [(p.status, p.place) for p in await seats.places("d", ["w1"])] == [("waiting", 1)]
    assert await seats.places("a", ["w1"]) == []
    notices = {(n.kind, n.tag, n.due) for n in await seats.notices("w1")}
    assert ("freed", "c", NOW + 60) in notices
    assert {("day", "c", DAY), ("soon", "c", SOON)} <= notices
    assert a_code not in {n.code for n in await seats.notices("w1")}  # her reminders went with her
    assert c_code in {n.code for n in await seats.notices("w1")}


async def test_cancelling_twice_answers_the_same_and_promotes_once(seats: Seats) -> None:
    for tag in ("a", "b", "c"):
        await seats.take(tag, terms(capacity=1), person())
    assert await seats.cancel("a", terms(capacity=1), "x1") == "cancelled"
    assert await seats.cancel("a", terms(capacity=1), "x1") == "cancelled"
    assert await seats.cancel("a", terms(capacity=1), "x2") == "none"
    assert [(r.status, r.place) for r in await seats.roster("w1")] == [("confirmed", 0), ("waiting", 1)]


async def test_capacity_lowered_keeps_confirmed_seats_and_gives_no_new_ones(seats: Seats) -> None:
    for tag in ("a", "b", "c"):
        await seats.take(tag, terms(capacity=3), person())
    outcome, held = await seats.take("d", terms(capacity=2), person())
    assert (outcome, held.place) == ("waitlisted", 1)
    assert (await seats.counts("w1")).confirmed == 3
    await seats.cancel("b", terms(capacity=2), "x")
    assert [p.status for p in await seats.places("d", ["w1"])] == ["waiting"]  # 2 seats for 2
    await seats.cancel("c", terms(capacity=2), "x")
    assert [p.status for p in await seats.places("d", ["w1"])] == ["confirmed"]


async def test_capacity_raised_lets_the_waitlist_in_before_newcomers(seats: Seats) -> None:
    for tag in ("a", "b", "c"):
        await seats.take(tag, terms(capacity=1), person())
    outcome, _, _, _ = await seats.availability("z", terms(capacity=3))
    assert outcome == "full"  # b and c got the two new seats
    assert [r.status for r in await seats.roster("w1")] == ["confirmed"] * 3
    assert {n.tag for n in await seats.notices("w1") if n.kind == "freed"} == {"b", "c"}


async def test_reminders_are_only_queued_for_times_still_ahead(seats: Seats) -> None:
    await seats.take("a", terms(now=START - 3 * 3600), person())
    assert [n.kind for n in await seats.notices("w1")] == ["soon"]
    await seats.take("b", terms(now=START - 3600), person())
    assert [n.tag for n in await seats.notices("w1")] == ["a"]


async def test_nobody_is_promoted_once_the_workshop_started(seats: Seats) -> None:
    for tag in ("a", "b"):
        await seats.take(tag, terms(capacity=1), person())
    await seats.cancel("a", terms(capacity=1, now=START + 60), "x")
    assert [p.status for p in await seats.places("b", ["w1"])] == ["waiting"]


async def test_attendance_marks_known_codes_and_names_the_unknown(seats: Seats) -> None:
    _, held = await seats.take("a", terms(), person())
    await seats.take("b", terms(), person())
    assert await seats.attend("w1", [held.code, "ZZZZZZ"]) == ["ZZZZZZ"]
    rows = await seats.roster("w1")
    assert [(r.code == held.code, r.attended) for r in rows] == [(True, True), (False, False)]
    assert (await seats.counts("w1")).attended == 1


async def test_handed_over_notices_are_dropped(seats: Seats) -> None:
    await seats.take("a", terms(), person())
    notices = await seats.notices("w1")
    await seats.drop_notices("w1", [notices[0].id])
    assert await seats.notices("w1") == notices[1:]


async def test_workshops_do_not_share_seats(seats: Seats) -> None:
    await seats.take("a", terms(capacity=1, workshop="w1"), person())
    outcome, _ = await seats.take("b", terms(capacity=1, workshop="w2"), person())
    assert outcome == "confirmed"
    assert [p.workshop for p in await seats.places("a", ["w1", "w2"])] == ["w1"]


async def test_a_workshops_keys_expire_some_weeks_after_it(clean_redis: str) -> None:
    client = Redis.from_url(clean_redis)
    try:
        seats = RedisSeats(client)
        _, held = await seats.take("a", terms(), person())
        await seats.attend("w1", [held.code])
        keys = await client.keys("lb:{ws:w1}:*")
        assert len(keys) == 6  # seats, people, codes, seq, notices, attended
        for key in keys:
            name = key if isinstance(key, str) else key.decode()
            assert await client.expiretime(name) == START + KEEP_AFTER_START
    finally:
        await client.aclose()


async def test_a_hundred_sign_ups_at_once_through_several_clients(clean_redis: str) -> None:
    """100 workers, 20 seats, 5 clients (as 5 server processes would): exactly 20 seats."""
    clients = [Redis.from_url(clean_redis) for _ in range(5)]
    keepers = [RedisSeats(c) for c in clients]
    workers = [f"{{telegram:{i}}}" for i in range(100)]
    try:
        async def sign_up(i: int) -> tuple[str, str, int]:
            outcome, place = await keepers[i % 5].take(workers[i], terms(capacity=20), person(f"n{i}"))
            return outcome, place.code, place.place

        results = await asyncio.wait_for(asyncio.gather(*(sign_up(i) for i in range(100))), 30)
        again = await asyncio.wait_for(asyncio.gather(*(sign_up(i) for i in range(100))), 30)
        roster = await keepers[0].roster("w1")
    finally:
        for client in clients:
            await client.aclose()
    assert again == results  # every one asked twice (a redelivery): the same answers
    outcomes = [r[0] for r in results]
    assert outcomes.count("confirmed") == 20 and outcomes.count("waitlisted") == 80
    assert sorted(r[2] for r in results if r[0] == "waitlisted") == list(range(1, 81))
    assert len({r[1] for r in results}) == 100  # one code each, none shared
    assert len(roster) == 100 and len({r.code for r in roster}) == 100
    # The roster's order is the order the answers gave: seats first, then the waitlist 1..80.
    by_code = {code: (outcome, place) for outcome, code, place in results}
    assert [by_code[r.code] for r in roster] == \
        [("confirmed", 0)] * 20 + [("waitlisted", n) for n in range(1, 81)]
