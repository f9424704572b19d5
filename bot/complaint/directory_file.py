"""Reads and checks the three place files under `flows/data/` (directory, public systems,
contacts) with `file:line` problems for `labor-bot flows check` and `directory check`.

`load_directory`, `load_public_systems` and `load_contacts` give the checked data or raise
`InputError`; in production `load_directory` leaves out the `example: true` centers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.complaint.directory import (
    Center,
    Contact,
    Directory,
    Entry,
    Id,
    Listing,
    PublicSystem,
    inside_mexico,
)
from bot.complaint.hours import DAYS, weekly_hours
from bot.complaint.mxstates import ALL_STATES, StateTable, default_states, load_states, state_problems
from bot.core.phones import phone_ok
from bot.datafile import SPANISH, Translate, open_data, or_input_error, validate
from bot.i18n import translator
from bot.paths import DATA_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import YamlDocument, plain

DIRECTORY_FILE = DATA_DIR / "directory.yaml"
PUBLIC_SYSTEMS_FILE = DATA_DIR / "public_systems.yaml"
CONTACTS_FILE = DATA_DIR / "contacts.yaml"


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


def load_directory(path: Path = DIRECTORY_FILE, production: bool = False,
                   states: StateTable | None = None) -> Directory:
    """The checked directory; examples left out in production. `InputError` on an error."""
    directory = or_input_error(*_read_directory(path, states or default_states()))
    keep_examples = not production
    centers = tuple(c for c in directory.centers if keep_examples or not c.example)
    default = directory.default_center if any(c.id == directory.default_center for c in centers) else None
    return Directory(centers, default)


def load_public_systems(path: Path = PUBLIC_SYSTEMS_FILE) -> Listing:
    return or_input_error(*_read_listing(path, "systems", PublicSystem))


def load_contacts(path: Path = CONTACTS_FILE) -> Listing:
    return or_input_error(*_read_listing(path, "contacts", Contact))


def directory_problems(path: Path = DIRECTORY_FILE, states: StateTable | None = None,
                       lang: str = "es") -> list[Problem]:
    return _read_directory(path, states or default_states(), translator(lang))[1]


def public_systems_problems(path: Path = PUBLIC_SYSTEMS_FILE, lang: str = "es") -> list[Problem]:
    return _read_listing(path, "systems", PublicSystem, translator(lang))[1]


def contacts_problems(path: Path = CONTACTS_FILE, lang: str = "es") -> list[Problem]:
    return _read_listing(path, "contacts", Contact, translator(lang))[1]


def data_problems(data_dir: Path = DATA_DIR, lang: str = "es") -> list[Problem]:
    """Every problem of the states, directory, public systems and contacts files in `data_dir`.

    A missing file is skipped (a folder of test fixtures has only some); the shipped folder has all.
    """
    problems: list[Problem] = []
    states = default_states()
    if (data_dir / "states.yaml").exists():
        problems += state_problems(data_dir / "states.yaml", lang)
        if not problems:
            states = load_states(data_dir / "states.yaml")
    checks = (("directory.yaml", lambda path, lang: directory_problems(path, states, lang)),
              ("public_systems.yaml", public_systems_problems), ("contacts.yaml", contacts_problems))
    for name, check in checks:
        if (data_dir / name).exists():
            problems += check(data_dir / name, lang)
    return problems


def _open(path: Path, _: Translate) -> tuple[YamlDocument | None, list[Problem]]:
    return open_data(path, Problem(path, 1, "data-missing-file",
                                   _("falta el archivo {name}").format(name=path.name)), _)


def _read_directory(path: Path, states: StateTable, _: Translate = SPANISH
                    ) -> tuple[Directory | None, list[Problem]]:
    doc, problems = _open(path, _)
    if doc is None:
        return None, problems
    top, invalid = validate(doc, _DirectoryFile, plain(doc.data) or {}, "data-invalid", _=_)
    if top is None:
        return None, invalid
    read = _entries(doc, ("centers",), top.centers, Center, problems, _)
    read = [(i, c.model_copy(update={"states": _state_codes(c.states, states)})) for i, c in read]
    problems += _common_problems(doc, ("centers",), read, _)
    for i, center in read:
        problems += _place_problems(doc, ("centers", i), center, states, _)
    centers = [c for _, c in read]
    if top.default_center and top.default_center not in {c.id for c in centers}:
        problems.append(Problem(path, doc.line_of(("default_center",)), "directory-unknown-default",
                                _("«default_center: {id}» no es el id de ningún centro").format(
                                    id=top.default_center)))
    return Directory(tuple(centers), top.default_center), problems


Model = TypeVar("Model", bound=Entry)


def _read_listing(path: Path, key: str, model: type[PublicSystem] | type[Contact],
                  _: Translate = SPANISH) -> tuple[Listing, list[Problem]]:
    doc, problems = _open(path, _)
    if doc is None:
        return Listing(()), problems
    data = plain(doc.data) or {}
    items, invalid = validate(doc, _ListFile, {"items": data.get(key) if isinstance(data, dict) else None},
                              "data-invalid", (key,), _=_)
    if items is None:
        return Listing(()), invalid
    if isinstance(data, dict) and set(data) - {key}:
        problems.append(Problem(path, 1, "data-unknown-key",
                                _("clave desconocida; este archivo solo lleva «{key}:»").format(key=key)))
    read = _entries(doc, (key,), items.items, model, problems, _)
    problems += _common_problems(doc, (key,), read, _)
    return Listing(tuple(entry for _, entry in read)), problems


def _entries(doc: YamlDocument, loc: tuple[str, ...], raw: list[dict[str, Any]],
             model: type[Model], problems: list[Problem], _: Translate) -> list[tuple[int, Model]]:
    """Each entry validated on its own, so one mistake does not hide the others; with its index."""
    found: list[tuple[int, Model]] = []
    for i, item in enumerate(raw):
        entry, invalid = validate(doc, model, item, "data-invalid", (*loc, i), _=_)
        problems += invalid
        if entry is not None:
            found.append((i, entry))
    return found


def _state_codes(values: Sequence[str], states: StateTable) -> tuple[str, ...]:
    codes = []
    for value in values:
        found = states.exact(value)
        codes.append(ALL_STATES if value == ALL_STATES else found.code if found else value)
    return tuple(codes)


def _common_problems(doc: YamlDocument, loc: tuple[str, ...],
                     entries: Sequence[tuple[int, Entry]], _: Translate) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, entry in entries:
        here: tuple[str | int, ...] = (*loc, i)
        if entry.id in seen:
            problems.append(Problem(doc.path, doc.line_of((*here, "id")), "data-duplicate-id",
                                    _("el id «{id}» está repetido").format(
                                        id=entry.id)))
        seen.add(entry.id)
        if not entry.example and not entry.source:
            problems.append(Problem(doc.path, doc.line_of(here), "data-no-source",
                                    _("«{id}» necesita «source:»: de dónde salen sus datos").format(
                                        id=entry.id)))
        if entry.example and "ejemplo" not in entry.name.lower():
            problems.append(Problem(doc.path, doc.line_of((*here, "name")), "data-example-name",
                                    _("«{id}» es un ejemplo: su nombre debe decir «ejemplo»").format(
                                        id=entry.id)))
        if entry.check:
            problems.append(Problem(doc.path, doc.line_of((*here, "check")), "data-check",
                                    _("«{id}» está por confirmar: el bot da su nombre, pero no su "
                                      "teléfono, WhatsApp, dirección ni enlace hasta que pongas "
                                      "«check: false»").format(id=entry.id), Severity.WARNING))
        if entry.phone and not phone_ok(entry.phone):
            problems.append(Problem(doc.path, doc.line_of((*here, "phone")), "data-phone",
                                    _("«{phone}» no es un teléfono válido de México").format(
                                        phone=entry.phone)))
    return problems


def _place_problems(doc: YamlDocument, loc: tuple[str | int, ...], center: Center,
                    states: StateTable, _: Translate) -> list[Problem]:
    problems = []
    for i, code in enumerate(center.states):
        if code != ALL_STATES and states.by_code(code) is None:
            problems.append(Problem(doc.path, doc.line_of((*loc, "states", i)), "directory-state",
                                    _("«{code}» no es un estado; usa el nombre o el código, "
                                      "por ejemplo «Jalisco» o «JAL», o «all»").format(code=code)))
    if center.coordinates and not inside_mexico(*center.coordinates):
        problems.append(Problem(doc.path, doc.line_of((*loc, "coordinates")), "directory-coordinates",
                                _("{where} queda fuera de México; escribe [latitud, longitud], "
                                  "por ejemplo [19.43, -99.13]").format(where=list(center.coordinates))))
    if center.whatsapp and not phone_ok(center.whatsapp, short_ok=False):
        problems.append(Problem(doc.path, doc.line_of((*loc, "whatsapp")), "data-phone",
                                _("«{phone}» no es un número de WhatsApp válido").format(
                                    phone=center.whatsapp)))
    problems += _hours_problems(doc, loc, center, _)
    return problems


def _hours_problems(doc: YamlDocument, loc: tuple[str | int, ...], center: Center,
                    _: Translate) -> list[Problem]:
    try:
        weekly_hours(center.hours)
    except ValueError:
        return [Problem(doc.path, doc.line_of((*loc, "hours")), "directory-hours",
                        _("horario no válido; escribe por ejemplo «mon-fri: 09:00-18:00» "
                          "(días: {days})").format(days=", ".join(DAYS)))]
    try:
        ZoneInfo(center.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [Problem(doc.path, doc.line_of((*loc, "timezone")), "directory-timezone",
                        _("zona horaria desconocida «{zone}»; por ejemplo America/Mexico_City").format(
                            zone=center.timezone))]
    return []


