"""Work that follows a committed message: notices to a center's staff group, freeing seats.

It runs after the atomic commit, only for a message applied for the first time (never for a
redelivery), and never changes what the worker is told. If the process dies in between, the
record itself is safe in the store; only the convenience notice is lost. The clean-up after
"delete my data" is not lost: her commit left an entry that `labor-bot worker` retries
(`bot.purge`).

Notices are budgeted per center and hour (`STAFF_NOTICES_PER_HOUR`), so a flood of fake
handoffs cannot bury a staff group: past the budget one notice says so and points at the
commands that list them all, and the rest are dropped with a log line (the records stay).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from bot.assets import Assets
from bot.complaint.directory import Directory
from bot.core.flowset import FlowSet
from bot.core.turn import FORGET, Reply, Turn
from bot.outbox import Outbox, OutboxEntry
from bot.purge import Purger
from bot.store.base import UserKey
from bot.store.client import RedisClient
from bot.store.redis import slot_filler_of
from bot.workshops.resolvers import forget_places
from bot.workshops.seats import Seats

log = logging.getLogger(__name__)
STAFF_KINDS = frozenset({"referral", "handoff"})
NOTICE_WINDOW_SECONDS = 3600


class NoticeBudget:
    """How many staff notices a center got in the current hour: in Redis when given (shared by
    every process), else in this process. `per_hour` 0 means no limit."""

    def __init__(self, redis: RedisClient | None, per_hour: int) -> None:
        self.redis, self.per_hour = redis, per_hour
        self._counts: dict[tuple[str, int], int] = {}

    async def rank(self, center: str, now: float) -> int:
        """This notice's place in the center's hour: 1 for the first one."""
        if self.per_hour <= 0:
            return 1
        hour = int(now // NOTICE_WINDOW_SECONDS)
        if self.redis is None:
            self._counts = {k: n for k, n in self._counts.items() if k[1] >= hour}
            self._counts[(center, hour)] = rank = self._counts.get((center, hour), 0) + 1
            return rank
        key = f"lb:{{notices}}:budget:{center}:{hour}"
        rank = int(await self.redis.incr(key))
        if rank == 1:
            await self.redis.expire(key, 2 * NOTICE_WINDOW_SECONDS)
        return rank


class Followups:
    """`await followups(key, turn)` after a commit; give it to `BotService(after_commit=...)`."""

    def __init__(self, flows: Callable[[], FlowSet], seats: Seats, outbox: Outbox | None,
                 budget: NoticeBudget | None = None, purger: Purger | None = None) -> None:
        self.flows, self.seats, self.outbox, self.purger = flows, seats, outbox, purger
        self.budget = budget if budget is not None else NoticeBudget(None, 0)

    async def __call__(self, key: UserKey, turn: Turn) -> None:
        assets = self.flows().assets
        if not isinstance(assets, Assets):
            return  # a flow set loaded without data: no seats to free, no centers to notify
        for effect in turn.effects:
            if effect.kind == FORGET:
                now = datetime.now(UTC)
                # The purger frees her seats too, with her reminders and dead letters, and removes
                # the entry her commit left (else `labor-bot worker` retries it). A store that left
                # no entry (the in-memory one) gets the seats freed here.
                purged = 0
                if self.purger is not None:
                    purged = await self.purger.purge_slot(slot_filler_of(key), assets.workshops, now)
                if not purged:
                    await forget_places(self.seats, key, assets.workshops, now)
            elif effect.kind in STAFF_KINDS and self.outbox is not None:
                await self._notify_staff(effect.kind, effect.data, assets.directory)

    async def _notify_staff(self, kind: str, record: Mapping[str, Any], directory: Directory) -> None:
        """Post a new referral or handoff in the center's staff group, if it has one."""
        notice = staff_notice(kind, record, directory)
        if notice is None or self.outbox is None:
            return
        chat, text = notice
        center = str(record.get("center"))
        rank = await self.budget.rank(center, time.time())
        if rank > self.budget.per_hour > 0:
            if rank > self.budget.per_hour + 1:
                log.warning("staff notice not sent: the center's hourly budget is used up",
                            extra={"center": center, "kind": kind})
                return
            text = over_budget_notice(self.budget.per_hour, center)
        await self.outbox.add(OutboxEntry("telegram", chat, (Reply(text),)))


def over_budget_notice(per_hour: int, center: str) -> str:
    """What the staff group reads instead of the notice after the hour's last one."""
    return (f"Llegaron más de {per_hour} solicitudes nuevas en esta hora. No mando más avisos "
            "hasta la próxima hora; puede ser un abuso. Velas todas con: "
            f"labor-bot handoff list --messages y labor-bot referrals export --center {center}")


def staff_notice(kind: str, record: Mapping[str, object], directory: Directory) -> tuple[str, str] | None:
    """`(telegram chat id, text)` to post in the center's staff group for a new `referral` or
    `handoff` record, or None when the center set no `staff_telegram_chat`.
    The text names no worker (no name, employer, story or chat id): staff find her with
    `labor-bot referrals export` or `handoff list`.
    """
    center = directory.get(record.get("center"))
    if center is None or not center.staff_telegram_chat:
        return None
    where = f"{record.get('state') or '-'}, {record.get('contact_channel') or '-'}"
    if kind == "referral":
        # Only the code, the kind of case and the state: a Telegram group is beyond the reach of
        # "borrar mis datos", so her name, employer and story stay in the store staff export from.
        text = (f"Nueva referencia {record.get('code')} ({record.get('kind')}; {where}).\n\n"
                f"Léela con: labor-bot referrals export --center {center.id}")
    elif kind == "handoff":
        text = (f"Una persona pide hablar con alguien ({where}). "
                "Ve la solicitud con: labor-bot handoff list --messages")
    else:
        return None
    return center.staff_telegram_chat, text
