"""The staff-kept places and contacts as the bot uses them: centers and offices, public systems,
hotlines; the queries the actions ask of them (by state, kind, service, nearest) and geometry.

They are read from three files under `flows/data/` by `bot.complaint.directory_file`:
`directory.yaml` (worker centers, conciliation centers, defense offices), `public_systems.yaml`
(online systems workers can use themselves) and `contacts.yaml` (emergency numbers, hotlines).
Every entry names its `source`; `check: true` marks one staff have not confirmed yet, and the
bot then gives its name but not its phone or address (say less rather than something wrong).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.complaint.mxstates import ALL_STATES

EARTH_RADIUS_KM = 6371.0
# Mexico's extremes with a margin: Isla Guadalupe (-118.4) to Isla Mujeres (-86.7), the Suchiate
# (14.5) to the Colorado delta (32.7). A point outside is a typo or swapped lat/lon.
MEXICO_BOX = {"lat": (14.3, 32.8), "lon": (-118.6, -86.5)}

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class CenterKind(StrEnum):
    WORKER_CENTER = "worker_center"  # takes referrals and handoffs from the bot
    CONCILIATION_FEDERAL = "conciliation_federal"
    CONCILIATION_STATE = "conciliation_state"
    DEFENSE_FEDERAL = "defense_federal"
    DEFENSE_STATE = "defense_state"
    INSPECTION = "inspection"


class Service(StrEnum):
    LEGAL_ADVICE = "legal_advice"
    ORGANIZING = "organizing"
    WOMENS_PROGRAM = "womens_program"
    CHILD_LABOR = "child_labor"
    CONCILIATION = "conciliation"
    INSPECTION = "inspection"


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: str = Field(min_length=3, max_length=120)
    source: str | None = Field(None, min_length=3, description="where the contact data comes from")
    checked: date | None = None
    check: bool = Field(False, description="not confirmed yet: the bot says less")
    example: bool = Field(False, description="a sample for staff to replace: never in production")
    phone: str | None = None
    web: str | None = Field(None, pattern=r"^https?://\S+$")


class Center(Entry):
    """A place a worker can go: its kind, where it is, what it does and how to reach it."""

    kind: CenterKind
    states: tuple[str, ...] = Field(min_length=1, description="codes or names, or `all`")
    city: str | None = None
    address: str | None = None
    coordinates: tuple[float, float] | None = Field(None, description="[latitude, longitude]")
    services: tuple[Service, ...] = ()
    whatsapp: str | None = None
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    hours: dict[str, str] = Field(default_factory=dict, description="mon-fri: 09:00-18:00")
    timezone: str = "America/Mexico_City"
    languages: tuple[str, ...] = ("es",)
    staff_telegram_chat: str | None = Field(None, pattern=r"^-?\d{5,20}$")

    @property
    def serves_all(self) -> bool:
        return ALL_STATES in self.states

    def serves(self, state_code: str | None) -> bool:
        return self.serves_all or (state_code is not None and state_code in self.states)

    @property
    def takes_referrals(self) -> bool:
        return self.kind is CenterKind.WORKER_CENTER


class PublicSystem(Entry):
    """An online system or hotline workers can use on their own (SIQAL, the RRM hotline…)."""

    url: str | None = Field(None, pattern=r"^https?://\S+$")


class ContactType(StrEnum):
    """What a line is for; the bot says it in the worker's language (`name` is not translated)."""

    EMERGENCY = "emergency"
    TRAFFICKING = "trafficking"
    VIOLENCE_AGAINST_WOMEN = "violence_against_women"
    CHILDREN = "children"
    ANONYMOUS_REPORT = "anonymous_report"
    OTHER = "other"


class Contact(Entry):
    """An emergency number or hotline; `for` lists the kinds of complaint it is offered in."""

    type: ContactType = ContactType.OTHER
    for_kinds: tuple[str, ...] = Field(("all",), alias="for")
    always_open: bool = Field(False, description="answers 24 hours a day, every day")


@dataclass(frozen=True, slots=True)
class Directory:
    """The places the bot offers; `get` is None for an id removed since a conversation began."""

    centers: tuple[Center, ...]
    default_center: str | None = None

    def get(self, center_id: object) -> Center | None:
        return next((c for c in self.centers if c.id == center_id), None)

    def in_state(self, state_code: str | None, service: str | None = None) -> list[Center]:
        """Places serving a state: worker centers first, then state offices, then national ones."""
        found = [c for c in self.centers if c.serves(state_code) and _offers(c, service)]
        return sorted(found, key=lambda c: (not c.takes_referrals, c.serves_all, c.name))

    def worker_centers(self, state_code: str | None) -> list[Center]:
        return [c for c in self.in_state(state_code) if c.takes_referrals]

    def of_kind(self, kind: CenterKind, state_code: str | None = None) -> list[Center]:
        return [c for c in self.in_state(state_code) if c.kind is kind]

    def nearest(self, lat: float, lon: float, n: int = 3,
                service: str | None = None) -> list[tuple[Center, float]]:
        """The `n` places with coordinates closest to a point, with their distance in km."""
        placed = [(c, distance_km(lat, lon, *c.coordinates)) for c in self.centers
                  if c.coordinates is not None and _offers(c, service)]
        return sorted(placed, key=lambda pair: (pair[1], pair[0].name))[:n]


def _offers(center: Center, service: str | None) -> bool:
    return service is None or service in center.services


@dataclass(frozen=True, slots=True)
class Listing:
    """The public systems or the contacts: entries by id, in file order."""

    entries: tuple[PublicSystem | Contact, ...]

    def get(self, entry_id: str) -> PublicSystem | Contact | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def contacts_for(self, kind: str) -> list[Contact]:
        return [e for e in self.entries if isinstance(e, Contact)
                and ("all" in e.for_kinds or kind in e.for_kinds)]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on a sphere of the Earth's mean radius, 6371 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def inside_mexico(lat: float, lon: float) -> bool:
    (south, north), (west, east) = MEXICO_BOX["lat"], MEXICO_BOX["lon"]
    return south <= lat <= north and west <= lon <= east
