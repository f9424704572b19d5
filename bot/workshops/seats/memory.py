"""`MemorySeats`: the seat rules in one process's memory, for `labor-bot chat`, development and tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.workshops.seats import (
    REMINDERS,
    Availability,
    Counts,
    Notice,
    Person,
    Place,
    RosterRow,
    Terms,
    cancel_marker,
    new_code,
    roster_rows,
)


@dataclass
class _Book:
    """One workshop's seats in memory."""

    seats: list[str]
    wait: list[str]
    people: dict[str, Person]
    notices: dict[str, Notice]
    cancels: set[str]
    attended: set[str]


class MemorySeats:
    """The same rules in one process's memory, for `labor-bot chat`, development and tests.

    Each method runs without awaiting, so on one event loop it is as atomic as a Lua script.
    """

    def __init__(self) -> None:
        self._books: dict[str, _Book] = {}

    def _book(self, workshop: str) -> _Book:
        return self._books.setdefault(workshop, _Book([], [], {}, {}, set(), set()))

    def _notice(self, book: _Book, terms: Terms, kind: str, tag: str, code: str, due: int) -> None:
        notice_id = f"{terms.workshop}|{kind}|{code}"
        book.notices[notice_id] = Notice(notice_id, kind, terms.workshop, tag, code, due)

    def _confirm(self, book: _Book, terms: Terms, tag: str) -> None:
        book.seats.append(tag)
        for kind, before in REMINDERS:
            if terms.starts - before > terms.now:
                self._notice(book, terms, kind, tag, book.people[tag].code, terms.starts - before)

    def _promote(self, book: _Book, terms: Terms) -> None:
        while terms.now < terms.starts and len(book.seats) < terms.capacity and book.wait:
            tag = book.wait.pop(0)
            self._confirm(book, terms, tag)
            self._notice(book, terms, "freed", tag, book.people[tag].code, terms.now)

    def _place(self, workshop: str, tag: str) -> Place | None:
        book = self._book(workshop)
        person = book.people.get(tag)
        if person is None:
            return None
        if tag in book.seats:
            return Place(workshop, person.code, "confirmed", 0)
        return Place(workshop, person.code, "waiting", book.wait.index(tag) + 1)

    async def availability(self, tag: str, terms: Terms) -> Availability:
        book = self._book(terms.workshop)
        self._promote(book, terms)
        held = self._place(terms.workshop, tag)
        if held is not None:
            return ("already" if held.status == "confirmed" else "already_waiting"), 0, 0, held
        left = terms.capacity - len(book.seats)
        return ("open", left, 0, None) if left > 0 else ("full", 0, len(book.wait), None)

    async def take(self, tag: str, terms: Terms, person: Person) -> tuple[str, Place]:
        book = self._book(terms.workshop)
        self._promote(book, terms)
        held = self._place(terms.workshop, tag)
        if held is not None:
            again = book.people[tag].nonce == person.nonce
            outcome = ("confirmed" if held.status == "confirmed" else "waitlisted") if again else "already"
            return outcome, held
        codes = {p.code for p in book.people.values()}
        code = next(c for c in iter(new_code, "") if c not in codes)
        book.people[tag] = Person(code, person.nonce, person.lang, person.discreet, terms.now)
        if len(book.seats) < terms.capacity and terms.now < terms.starts:
            self._confirm(book, terms, tag)
            return "confirmed", Place(terms.workshop, code, "confirmed", 0)
        book.wait.append(tag)
        return "waitlisted", Place(terms.workshop, code, "waiting", len(book.wait))

    async def cancel(self, tag: str, terms: Terms, nonce: str) -> str:
        book = self._book(terms.workshop)
        person = book.people.pop(tag, None)
        if person is None:
            return "cancelled" if cancel_marker(tag, nonce) in book.cancels else "none"
        for where in (book.seats, book.wait):
            if tag in where:
                where.remove(tag)
        for kind in ("day", "soon", "freed"):
            book.notices.pop(f"{terms.workshop}|{kind}|{person.code}", None)
        book.cancels.add(cancel_marker(tag, nonce))
        self._promote(book, terms)
        return "cancelled"

    async def places(self, tag: str, workshops: Sequence[str]) -> list[Place]:
        return [p for w in workshops if (p := self._place(w, tag)) is not None]

    async def person(self, workshop: str, tag: str) -> tuple[Person, Place] | None:
        place = self._place(workshop, tag)
        return None if place is None else (self._book(workshop).people[tag], place)

    async def counts(self, workshop: str) -> Counts:
        book = self._book(workshop)
        return Counts(len(book.seats), len(book.wait), len(book.attended))

    async def roster(self, workshop: str) -> list[RosterRow]:
        book = self._book(workshop)
        return roster_rows([("confirmed", book.seats), ("waiting", book.wait)], book.people, book.attended)

    async def attend(self, workshop: str, codes: Sequence[str]) -> list[str]:
        book = self._book(workshop)
        held = {p.code for p in book.people.values()}
        book.attended |= {c for c in codes if c in held}
        return [c for c in codes if c not in held]

    async def notices(self, workshop: str) -> list[Notice]:
        return sorted(self._book(workshop).notices.values(), key=lambda n: (n.due, n.id))

    async def drop_notices(self, workshop: str, ids: Sequence[str]) -> None:
        for notice_id in ids:
            self._book(workshop).notices.pop(notice_id, None)
