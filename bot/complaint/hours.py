"""Opening hours of a center, as staff write them (`mon-fri: "09:00-14:00, 16:00-19:00"`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Opening = tuple[str, datetime, time | None]  # ("open", now, closes) | ("later", opens at, None)


def weekly_hours(hours: Mapping[str, str]) -> dict[int, list[tuple[time, time]]]:
    """`{"mon-fri": "09:00-14:00, 16:00-19:00"}` as weekday (0 = Monday) -> [(open, close)]."""
    week: dict[int, list[tuple[time, time]]] = {}
    for days, spans in hours.items():
        first, _, last = days.partition("-")
        start, end = DAYS.index(first.strip()), DAYS.index((last or first).strip())
        for day in range(start, end + 1):
            week.setdefault(day, []).extend(_spans(spans))
    return {day: sorted(spans) for day, spans in week.items()}


def _spans(text: str) -> list[tuple[time, time]]:
    found = []
    for part in text.split(","):
        opens, _, closes = part.strip().partition("-")
        found.append((time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())))
    return found


def next_opening(hours: Mapping[str, str], timezone: str, now: datetime) -> Opening | None:
    """Whether a place is open at `now`, else when it next opens (in its own time zone)."""
    week = weekly_hours(hours)
    if not week:
        return None
    local = now.astimezone(_zone(timezone))
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for opens, closes in week.get(day.weekday(), []):
            if offset == 0 and opens <= local.time() < closes:
                return ("open", local, closes)
            if offset > 0 or local.time() < opens:
                return ("later", datetime.combine(day, opens, tzinfo=local.tzinfo), None)
    return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("America/Mexico_City")
