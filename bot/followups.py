"""Work that follows a committed message: notices to a center's staff group, freeing seats.

It runs after the atomic commit, only for a message applied for the first time (never for a
redelivery), and never changes what the worker is told. If the process dies in between, the
record itself is safe in the store; only the convenience notice is lost. The clean-up after
"delete my data" is not lost: her commit left an entry that `labor-bot worker` retries
(`bot.purge`).
"""

from __future__ import annotations

import logging
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
from bot.store.redis import slot_filler_of
from bot.workshops.resolvers import forget_places
from bot.workshops.seats import Seats

log = logging.getLogger(__name__)
STAFF_KINDS = frozenset({"referral", "handoff"})


class Followups:
    """`await followups(key, turn)` after a commit; give it to `BotService(after_commit=...)`."""

    def __init__(self, flows: Callable[[], FlowSet], seats: Seats, outbox: Outbox | None,
                 purger: Purger | None = None) -> None:
        self.flows, self.seats, self.outbox, self.purger = flows, seats, outbox, purger

    async def __call__(self, key: UserKey, turn: Turn) -> None:
        assets = self.flows().assets
        if not isinstance(assets, Assets):
            return  # a flow set loaded without data: no seats to free, no centers to notify
        for effect in turn.effects:
            if effect.kind == FORGET:
                now = datetime.now(UTC)
                await forget_places(self.seats, key, assets.workshops, now)
                if self.purger is not None:  # the durable part: reminders and dead letters too,
                    # and the entry her commit left is removed (else `labor-bot worker` retries it)
                    await self.purger.purge_slot(slot_filler_of(key), assets.workshops, now)
            elif effect.kind in STAFF_KINDS and self.outbox is not None:
                await self._notify_staff(effect.kind, effect.data, assets.directory)

    async def _notify_staff(self, kind: str, record: Mapping[str, Any], directory: Directory) -> None:
        """Post a new referral or handoff in the center's staff group, if it has one."""
        notice = staff_notice(kind, record, directory)
        if notice is not None and self.outbox is not None:
            chat, text = notice
            await self.outbox.add(OutboxEntry("telegram", chat, (Reply(text),)))


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
