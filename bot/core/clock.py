"""Her local date: dates are read and checked in the worker's time zone, never in UTC.

The engine's clock is UTC. In Mexico that is up to eight hours ahead, so after 18:00 in
Mexico City "hoy" in UTC is already tomorrow, and a deadline counted from it lands one day
late (finding N2). Everything that turns the clock into a day goes through `local_today`.

Her zone is America/Mexico_City unless the session says otherwise: a `tz` variable (an IANA
name an action may set) or her state (`mx_state`, the ISO code the complaint guide saves). A
state that spans two zones takes the westernmost one: its date is the earlier one, so a date
read there can only err early, which is the safe side for a deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "America/Mexico_City"
TZ_VAR = "tz"  # session variable: an IANA zone name, when a flow knows it
STATE_VAR = "mx_state"  # session variable: her state's ISO 3166-2:MX code
STATE_ZONES = {
    "BCN": "America/Tijuana",  # Baja California: Pacific time, with US daylight saving
    "BCS": "America/Mazatlan",
    "SIN": "America/Mazatlan",
    "NAY": "America/Mazatlan",  # all but Bahía de Banderas, which keeps central time
    "SON": "America/Hermosillo",
    "CHH": "America/Ciudad_Juarez",  # the border strip; the rest of the state is central time
    "ROO": "America/Cancun",
}

Zone = ZoneInfo | str


def zone(tz: Zone | None = None) -> ZoneInfo:
    """A zone from a name or a ZoneInfo; an unknown name falls back to Mexico City."""
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def zone_for(values: Mapping[str, Any]) -> ZoneInfo:
    """Her zone from the session's variables: `tz`, else her state, else Mexico City."""
    named = values.get(TZ_VAR)
    if isinstance(named, str) and named:
        return zone(named)
    state = values.get(STATE_VAR)
    return zone(STATE_ZONES.get(state, DEFAULT_TZ) if isinstance(state, str) else DEFAULT_TZ)


def local_now(now: datetime, tz: Zone | None = None) -> datetime:
    """`now` (a naive clock is taken as UTC, the engine's convention) in her zone."""
    aware = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return aware.astimezone(zone(tz))


def local_today(now: datetime, tz: Zone | None = None) -> date:
    """Her calendar day at `now`: 03:30 UTC on 2 Dec is still 1 Dec in Mexico City."""
    return local_now(now, tz).date()
