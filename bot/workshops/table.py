"""Workshops for women workers, read from the staff-edited `flows/data/workshops.yaml`.

Staff write each workshop's start and end in the local time of its `timezone` (an IANA name
such as America/Mexico_City); the bot shows dates in the worker's language and that zone,
with the zone's everyday name: "martes 9 de marzo, 18:00 a 20:00 (hora del centro)".
`workshop_problems` gives `labor-bot flows check` the file's errors and warnings with their
lines; `load_workshops` raises `InputError` on the first error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from pydantic import BaseModel, ConfigDict, Field

from bot.datafile import SPANISH, Translate, open_data, or_input_error, validate
from bot.i18n import BABEL_LOCALES, N_, translate, translator
from bot.paths import DATA_DIR
from bot.problems import Problem, Severity
from bot.yamlsource import plain

WORKSHOPS_FILE = DATA_DIR / "workshops.yaml"

# The everyday names of Mexico's zones; any other valid zone is named after its city.
ZONE_NAMES = {
    "America/Mexico_City": N_("hora del centro"),
    "America/Monterrey": N_("hora del centro"),
    "America/Merida": N_("hora del centro"),
    "America/Bahia_Banderas": N_("hora del centro"),
    "America/Chihuahua": N_("hora del centro"),
    "America/Cancun": N_("hora del sureste"),
    "America/Mazatlan": N_("hora del Pacífico"),
    "America/Hermosillo": N_("hora del Pacífico"),
    "America/Tijuana": N_("hora del noroeste"),
}
_DAY = {"es": "EEEE d 'de' MMMM", "en": "EEEE, MMMM d"}
_YEAR = {"es": " 'de' y", "en": ", y"}
_TIME = {"es": "HH:mm", "en": "h:mm a"}
_SHORT = {"es": "d MMM", "en": "MMM d"}

TITLE_SHOWN = 30  # a button shows "17 sept · " and then about this much of the title

_Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]  # goes into Redis keys


class Workshop(BaseModel):
    """One workshop as staff wrote it; times are local to `timezone`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: _Id
    example: bool = False
    title: Annotated[str, Field(min_length=3, max_length=80)]
    description: Annotated[str, Field(min_length=3, max_length=600)]
    start: datetime
    end: datetime
    timezone: str
    place: Annotated[str, Field(min_length=3, max_length=200)] | None = None
    online_url: Annotated[str, Field(pattern=r"^https://\S+$", max_length=300)] | None = None
    state: Annotated[str, Field(min_length=2, max_length=60)]
    capacity: Annotated[int, Field(gt=0, le=10_000)]
    language: Literal["es", "en"] = "es"
    childcare: bool = False
    registration_closes: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def starts_at(self) -> datetime:
        return self.start.replace(tzinfo=self.zone)

    @property
    def ends_at(self) -> datetime:
        return self.end.replace(tzinfo=self.zone)

    @property
    def closes_at(self) -> datetime:
        """Registration closes here; when staff say nothing, when the workshop starts."""
        return (self.registration_closes or self.start).replace(tzinfo=self.zone)

    @property
    def online(self) -> bool:
        return self.online_url is not None

    def open_at(self, now: datetime) -> bool:
        return now < self.closes_at


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    workshops: list[Workshop] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class WorkshopTable:
    """The loaded workshops by id, in the order they start."""

    by_id: Mapping[str, Workshop]

    def get(self, workshop_id: object) -> Workshop | None:
        return self.by_id.get(str(workshop_id)) if workshop_id is not None else None

    def upcoming(self, now: datetime) -> list[Workshop]:
        """Workshops still taking sign-ups, soonest first."""
        return [w for w in self.by_id.values() if w.open_at(now)]

    def current(self, now: datetime) -> list[Workshop]:
        """Workshops not over yet (sign-ups may have closed)."""
        return [w for w in self.by_id.values() if now < w.ends_at]


def load_workshops(path: Path = WORKSHOPS_FILE, production: bool = False, lang: str = "es") -> WorkshopTable:
    """The table, or `InputError` with `file:line: …` for the first error (in `lang`). No file:
    no workshops.

    In production, sample workshops (`example: true`) are left out: a worker never signs up
    for a workshop that does not exist.
    """
    if not path.exists():
        return WorkshopTable({})
    parsed = or_input_error(*_read(path, None, translator(lang)))
    offered = [w for w in parsed.workshops if not (production and w.example)]
    ordered = sorted(offered, key=lambda w: w.starts_at)
    return WorkshopTable({w.id: w for w in ordered})


def workshop_problems(path: Path = WORKSHOPS_FILE, now: datetime | None = None,
                      lang: str = "es") -> list[Problem]:
    """Errors of the file, and warnings for workshops already over and for leftover examples."""
    if not path.exists():
        return []
    return _read(path, now, translator(lang))[1]


def _read(path: Path, now: datetime | None, _: Translate = SPANISH) -> tuple[_File | None, list[Problem]]:
    doc, problems = open_data(path, _=_)
    if doc is None:
        return None, problems
    parsed, problems = validate(doc, _File, plain(doc.data) or {}, "workshop-invalid", whole_file="", _=_)
    if parsed is None:
        return None, problems
    seen: set[str] = set()
    for i, workshop in enumerate(parsed.workshops):
        found = _check_one(workshop, now, _)
        if workshop.id in seen:
            found.insert(0, ("id", "workshop-duplicate", _("ya hay otro taller con este id"), Severity.ERROR))
        seen.add(workshop.id)
        problems += [Problem(path, doc.line_of(("workshops", i, key)), code,
                             _("taller «{id}»: {message}").format(id=workshop.id, message=message), severity)
                     for key, code, message, severity in found]
    return parsed, problems


_Finding = tuple[str, str, str, Severity]  # (key, code, message, severity)


def _check_one(ws: Workshop, now: datetime | None, _: Translate) -> list[_Finding]:
    err, warn = Severity.ERROR, Severity.WARNING
    try:
        ZoneInfo(ws.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [("timezone", "workshop-timezone", _("la zona horaria «{zone}» no existe; usa por ejemplo "
                 "America/Mexico_City, America/Tijuana o America/Monterrey").format(zone=ws.timezone), err)]
    for key in ("start", "end", "registration_closes"):
        value = getattr(ws, key)
        if value is not None and value.tzinfo is not None:
            return [(key, "workshop-offset", _("escribe la hora local sin «+hh:mm»; la zona va en "
                     "«timezone»"), err)]
    found: list[_Finding] = []
    if ws.end <= ws.start:
        found.append(("end", "workshop-end", _("el final debe ser después del inicio"), err))
    if ws.registration_closes is not None and ws.registration_closes > ws.end:
        found.append(("registration_closes", "workshop-closes", _("las inscripciones no pueden "
                      "cerrar después de que termina el taller"), err))
    if (ws.place is None) == (ws.online_url is None):
        found.append(("place", "workshop-place", _("escribe «place» (dirección) o «online_url» "
                      "(enlace), uno de los dos"), err))
    if len(ws.title) > TITLE_SHOWN:
        found.append(("title", "workshop-title-long", _("el título tiene {n} letras; en el "
                      "botón se ven unas {shown}, el resto se corta").format(
                          n=len(ws.title), shown=TITLE_SHOWN), warn))
    if now is not None and ws.ends_at <= now:
        found.append(("end", "workshop-past", _("ya pasó; el bot ya no lo muestra (puedes borrarlo)"), warn))
    if ws.example:
        found.append(("example", "workshop-example", _("es un ejemplo: cámbialo o bórralo antes de "
                      "abrir el bot a las trabajadoras"), warn))
    return found


# -- showing dates --------------------------------------------------------------------------
def zone_name(timezone: str, lang: str) -> str:
    """"hora del centro"; for a zone without an everyday name, "hora de Ciudad Juárez"."""
    known = ZONE_NAMES.get(timezone)
    if known:
        return translate(lang, known)
    city = timezone.rsplit("/", 1)[-1].replace("_", " ")
    return translate(lang, N_("hora de {city}")).format(city=city)


def _fmt(moment: datetime, pattern: str, lang: str) -> str:
    return str(format_datetime(moment, pattern, tzinfo=moment.tzinfo,
                               locale=BABEL_LOCALES.get(lang, "es_MX")))


def day_text(moment: datetime, lang: str, now: datetime | None = None) -> str:
    """"martes 9 de marzo", with the year when it is not this year's."""
    lang = lang if lang in _DAY else "es"
    year = now is None or now.astimezone(moment.tzinfo).year != moment.year
    return _fmt(moment, _DAY[lang] + (_YEAR[lang] if year else ""), lang)


def time_text(moment: datetime, lang: str) -> str:
    """"18:00" in Spanish, "6:00 PM" in English."""
    return _fmt(moment, _TIME.get(lang, _TIME["es"]), lang)


def when_text(ws: Workshop, lang: str, now: datetime | None = None) -> str:
    """"martes 9 de marzo, 18:00 a 20:00 (hora del centro)"."""
    start, end = ws.starts_at, ws.ends_at
    finish = time_text(end, lang) if end.date() == start.date() else \
        f"{day_text(end, lang, now)}, {time_text(end, lang)}"
    return translate(lang, N_("{day}, {start} a {end} ({zone})")).format(
        day=day_text(start, lang, now), start=time_text(start, lang), end=finish,
        zone=zone_name(ws.timezone, lang))


def short_day(ws: Workshop, lang: str) -> str:
    """"9 mar", for a button label."""
    return _fmt(ws.starts_at, _SHORT.get(lang, _SHORT["es"]), lang)
