"""The staff-kept places and contacts: worker centers and offices, public systems, hotlines.

Three files under `flows/data/`, each loaded once at start into `FlowSet.data`:

- `directory.yaml` (`load_directory`): worker centers, conciliation centers, defense offices;
- `public_systems.yaml` (`load_public_systems`): online systems workers can use themselves;
- `contacts.yaml` (`load_contacts`): emergency numbers and hotlines for the safety branches.

Every entry names its `source`; `check: true` marks one staff have not confirmed yet, and the
bot then gives its name but not its phone or address (say less rather than something wrong).
`directory_problems` and friends give `labor-bot flows check` and `labor-bot directory check`
their `file:line` problems. In production the bot never offers `example: true` entries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.complaint.hours import DAYS, weekly_hours
from bot.complaint.mxstates import ALL_STATES, StateTable, default_states, load_states, state_problems
from bot.complaint.phones import phone_ok
from bot.errors import InputError
from bot.paths import DATA_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, YamlSyntaxError, plain, read_yaml

DIRECTORY_FILE = DATA_DIR / "directory.yaml"
PUBLIC_SYSTEMS_FILE = DATA_DIR / "public_systems.yaml"
CONTACTS_FILE = DATA_DIR / "contacts.yaml"
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


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    name: str = Field(min_length=3, max_length=120)
    source: str | None = Field(None, min_length=3, description="where the contact data comes from")
    checked: date | None = None
    check: bool = Field(False, description="not confirmed yet: the bot says less")
    example: bool = Field(False, description="a sample for staff to replace: never in production")
    phone: str | None = None
    web: str | None = Field(None, pattern=r"^https?://\S+$")


class Center(_Entry):
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


class PublicSystem(_Entry):
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


class Contact(_Entry):
    """An emergency number or hotline; `for` lists the kinds of complaint it is offered in."""

    type: ContactType = ContactType.OTHER
    for_kinds: tuple[str, ...] = Field(("all",), alias="for")
    always_open: bool = Field(False, description="answers 24 hours a day, every day")


class _DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_center: Id | None = None
    centers: list[dict[str, Any]] = Field(default_factory=list)


class _ListFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    items: list[dict[str, Any]] = Field(default_factory=list)

    @field_validator("items", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return value or []


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


# -- loading ----------------------------------------------------------------------------------

def load_directory(path: Path = DIRECTORY_FILE, production: bool = False,
                   states: StateTable | None = None) -> Directory:
    """The checked directory; examples left out in production. `InputError` on an error."""
    directory, problems = _read_directory(path, states or default_states())
    _raise_on_errors(problems)
    assert directory is not None
    keep_examples = not production
    centers = tuple(c for c in directory.centers if keep_examples or not c.example)
    default = directory.default_center if any(c.id == directory.default_center for c in centers) else None
    return Directory(centers, default)


def load_public_systems(path: Path = PUBLIC_SYSTEMS_FILE) -> Listing:
    listing, problems = _read_listing(path, "systems", PublicSystem)
    _raise_on_errors(problems)
    return listing


def load_contacts(path: Path = CONTACTS_FILE) -> Listing:
    listing, problems = _read_listing(path, "contacts", Contact)
    _raise_on_errors(problems)
    return listing


def directory_problems(path: Path = DIRECTORY_FILE, states: StateTable | None = None) -> list[Problem]:
    return _read_directory(path, states or default_states())[1]


def public_systems_problems(path: Path = PUBLIC_SYSTEMS_FILE) -> list[Problem]:
    return _read_listing(path, "systems", PublicSystem)[1]


def contacts_problems(path: Path = CONTACTS_FILE) -> list[Problem]:
    return _read_listing(path, "contacts", Contact)[1]


def data_problems(data_dir: Path = DATA_DIR) -> list[Problem]:
    """Every problem of the states, directory, public systems and contacts files in `data_dir`.

    A missing file is skipped (a folder of test fixtures has only some); the shipped folder has all.
    """
    problems: list[Problem] = []
    states = default_states()
    if (data_dir / "states.yaml").exists():
        problems += state_problems(data_dir / "states.yaml")
        if not problems:
            states = load_states(data_dir / "states.yaml")
    checks = (("directory.yaml", lambda path: directory_problems(path, states)),
              ("public_systems.yaml", public_systems_problems), ("contacts.yaml", contacts_problems))
    for name, check in checks:
        if (data_dir / name).exists():
            problems += check(data_dir / name)
    return problems


def _raise_on_errors(problems: list[Problem]) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InputError(errors[0].render())


def _open(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    try:
        return read_yaml(path), []
    except FileNotFoundError:
        return None, [Problem(path, 1, "data-missing-file", f"falta el archivo {path.name}")]
    except YamlSyntaxError as error:
        return None, [Problem(path, error.line, "yaml-syntax", f"el YAML no es válido: {error.message}")]


def _read_directory(path: Path, states: StateTable) -> tuple[Directory | None, list[Problem]]:
    doc, problems = _open(path)
    if doc is None:
        return None, problems
    try:
        top = _DirectoryFile.model_validate(plain(doc.data) or {})
    except ValidationError as error:
        return None, _schema_problems(doc, error, ())
    read = _entries(doc, ("centers",), top.centers, Center, problems)
    read = [(i, c.model_copy(update={"states": _state_codes(c.states, states)})) for i, c in read]
    problems += _common_problems(doc, ("centers",), read)
    for i, center in read:
        problems += _place_problems(doc, ("centers", i), center, states)
    centers = [c for _, c in read]
    if top.default_center and top.default_center not in {c.id for c in centers}:
        problems.append(Problem(path, doc.line_of(("default_center",)), "directory-unknown-default",
                                f"«default_center: {top.default_center}» no es el id de ningún centro"))
    return Directory(tuple(centers), top.default_center), problems


Model = TypeVar("Model", bound=_Entry)


def _read_listing(path: Path, key: str, model: type[PublicSystem] | type[Contact]
                  ) -> tuple[Listing, list[Problem]]:
    doc, problems = _open(path)
    if doc is None:
        return Listing(()), problems
    data = plain(doc.data) or {}
    try:
        items = _ListFile.model_validate({"items": data.get(key) if isinstance(data, dict) else None})
    except ValidationError as error:
        return Listing(()), _schema_problems(doc, error, (key,))
    if isinstance(data, dict) and set(data) - {key}:
        problems.append(Problem(path, 1, "data-unknown-key",
                                f"clave desconocida; este archivo solo lleva «{key}:»"))
    read = _entries(doc, (key,), items.items, model, problems)
    problems += _common_problems(doc, (key,), read)
    return Listing(tuple(entry for _, entry in read)), problems


def _entries(doc: YamlDocument, loc: tuple[str, ...], raw: list[dict[str, Any]],
             model: type[Model], problems: list[Problem]) -> list[tuple[int, Model]]:
    """Each entry validated on its own, so one mistake does not hide the others; with its index."""
    found: list[tuple[int, Model]] = []
    for i, item in enumerate(raw):
        try:
            found.append((i, model.model_validate(item)))
        except ValidationError as error:
            problems += _schema_problems(doc, error, (*loc, i))
    return found


def _schema_problems(doc: YamlDocument, error: ValidationError,
                     prefix: tuple[str | int, ...]) -> list[Problem]:
    problems = []
    for detail in error.errors():
        loc = (*prefix, *detail["loc"])
        where = ".".join(str(p) for p in loc) or "(archivo)"
        problems.append(Problem(doc.path, doc.line_of(loc), "data-invalid",
                                f"valor no válido en {where}: {detail['msg']}"))
    return problems


def _state_codes(values: Sequence[str], states: StateTable) -> tuple[str, ...]:
    codes = []
    for value in values:
        found = states.exact(value)
        codes.append(ALL_STATES if value == ALL_STATES else found.code if found else value)
    return tuple(codes)


def _common_problems(doc: YamlDocument, loc: tuple[str, ...],
                     entries: Sequence[tuple[int, _Entry]]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, entry in entries:
        here: tuple[str | int, ...] = (*loc, i)
        if entry.id in seen:
            problems.append(Problem(doc.path, doc.line_of((*here, "id")), "data-duplicate-id",
                                    f"el id «{entry.id}» está repetido"))
        seen.add(entry.id)
        if not entry.example and not entry.source:
            problems.append(Problem(doc.path, doc.line_of(here), "data-no-source",
                                    f"«{entry.id}» necesita «source:»: de dónde salen sus datos"))
        if entry.example and "ejemplo" not in entry.name.lower():
            problems.append(Problem(doc.path, doc.line_of((*here, "name")), "data-example-name",
                                    f"«{entry.id}» es un ejemplo: su nombre debe decir «ejemplo»"))
        if entry.check:
            problems.append(Problem(doc.path, doc.line_of((*here, "check")), "data-check",
                                    f"«{entry.id}» está por confirmar: el bot da su nombre, pero no su "
                                    "teléfono, WhatsApp, dirección ni enlace hasta que pongas "
                                    "«check: false»", Severity.WARNING))
        if entry.phone and not phone_ok(entry.phone):
            problems.append(Problem(doc.path, doc.line_of((*here, "phone")), "data-phone",
                                    f"«{entry.phone}» no es un teléfono válido de México"))
    return problems


def _place_problems(doc: YamlDocument, loc: tuple[str | int, ...], center: Center,
                    states: StateTable) -> list[Problem]:
    problems = []
    for i, code in enumerate(center.states):
        if code != ALL_STATES and states.by_code(code) is None:
            problems.append(Problem(doc.path, doc.line_of((*loc, "states", i)), "directory-state",
                                    f"«{code}» no es un estado; usa el nombre o el código, "
                                    "por ejemplo «Jalisco» o «JAL», o «all»"))
    if center.coordinates and not inside_mexico(*center.coordinates):
        problems.append(Problem(doc.path, doc.line_of((*loc, "coordinates")), "directory-coordinates",
                                f"{list(center.coordinates)} queda fuera de México; escribe "
                                "[latitud, longitud], por ejemplo [19.43, -99.13]"))
    if center.whatsapp and not phone_ok(center.whatsapp, short_ok=False):
        problems.append(Problem(doc.path, doc.line_of((*loc, "whatsapp")), "data-phone",
                                f"«{center.whatsapp}» no es un número de WhatsApp válido"))
    problems += _hours_problems(doc, loc, center)
    return problems


def _hours_problems(doc: YamlDocument, loc: tuple[str | int, ...], center: Center) -> list[Problem]:
    try:
        weekly_hours(center.hours)
    except ValueError:
        return [Problem(doc.path, doc.line_of((*loc, "hours")), "directory-hours",
                        "horario no válido; escribe por ejemplo «mon-fri: 09:00-18:00» "
                        f"(días: {', '.join(DAYS)})")]
    try:
        ZoneInfo(center.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [Problem(doc.path, doc.line_of((*loc, "timezone")), "directory-timezone",
                        f"zona horaria desconocida «{center.timezone}»; por ejemplo America/Mexico_City")]
    return []


def inside_mexico(lat: float, lon: float) -> bool:
    (south, north), (west, east) = MEXICO_BOX["lat"], MEXICO_BOX["lon"]
    return south <= lat <= north and west <= lon <= east
