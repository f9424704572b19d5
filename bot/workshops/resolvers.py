"""The resolvers that answer the workshops flow's `await:` requests, with the seat keeper.

Each takes the worker and the request the pure action built, asks `Seats` (atomic in Redis),
and returns the outcome for the state's `on:` table with the variables to set. They are
idempotent per worker: a lost race or a redelivered message asks again and gets the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.service import Resolver
from bot.store.base import UserKey
from bot.workshops.seats import Person, Seats, Terms
from bot.workshops.table import WorkshopTable


def terms_of(params: Mapping[str, Any]) -> Terms:
    return Terms(str(params["workshop"]), int(params["capacity"]), int(params["starts"]), int(params["now"]))


def workshop_resolvers(seats: Seats) -> dict[str, Resolver]:
    """The answers to the flow's requests, for `BotService(..., resolvers=...)`."""

    async def availability(key: UserKey, params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        outcome, left, waiting, held = await seats.availability(key.tag, terms_of(params))
        found = {"code": held.code, "place": held.place} if held else {}
        return outcome, {"seats_left": left, "waiting": waiting, **found}

    async def seat(key: UserKey, params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        person = Person("", str(params["nonce"]), str(params["lang"]), bool(params["discreet"]))
        outcome, held = await seats.take(key.tag, terms_of(params), person)
        return outcome, {"code": held.code, "place": held.place}

    async def cancel(key: UserKey, params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        return await seats.cancel(key.tag, terms_of(params), str(params["nonce"])), {}

    async def my_signups(key: UserKey, params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
        held = await seats.places(key.tag, [str(w) for w in params["workshops"]])
        found = [{"workshop": p.workshop, "code": p.code, "status": p.status, "place": p.place}
                 for p in held]
        return ("some" if found else "none"), {"my_signups": found}

    return {"availability": availability, "seat": seat, "cancel": cancel, "my_signups": my_signups}


async def forget_places(seats: Seats, key: UserKey, table: WorkshopTable, now: datetime) -> int:
    """Give back every place she holds (the waitlist moves up), for "delete my data": her
    answers are already gone with her records, and this removes her chat id from the seats."""
    released = 0
    for ws in table.current(now):
        terms = terms_of({"workshop": ws.id, "capacity": ws.capacity,
                           "starts": int(ws.starts_at.timestamp()), "now": int(now.timestamp())})
        released += await seats.cancel(key.tag, terms, f"forget:{now.isoformat()}") == "cancelled"
    return released
