"""Workshop notices (reminders, "a seat is yours") as words, and the channel calls that send them.

`NoticeSender` is the outbox sender for notice entries. At sending time it checks everything
again: the workshop still exists and has not started, she still holds that seat with that
code, and she has not said "stop". Then it writes the notice in her language, plainly or
(discreet mode, for a worker who shares her phone) without a word about workshops or rights.
On WhatsApp, outside the 24-hour window after her last message, free text would fail
(Twilio error 63016): the notice goes as the approved content template configured for its
kind, and without one it is skipped and counted, never sent as free text.
A template's `{{1}}`, `{{2}}`… are the placeholders of the Spanish text below, in order.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from bot.core.turn import Reply
from bot.i18n import N_, PLACEHOLDER, fill, translate
from bot.outbox import DeliveryFailed
from bot.ptb import retry_after_seconds
from bot.store.base import SessionStore, UserKey
from bot.workshops.seats import Notice, Seats
from bot.workshops.table import Workshop, WorkshopTable, time_text, when_text

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)  # WhatsApp: free text only this long after her last message
TEXTS = {
    "day": N_("Recordatorio: mañana es tu taller «{title}», {when}. Lugar: {place}. Tu código es "
              "{code}. Si ya no puedes ir, escribe *taller* para cancelar y dejarle el lugar a otra "
              "compañera."),
    "soon": N_("Recordatorio: tu taller «{title}» empieza hoy a las {time}. Lugar: {place}. "
               "Tu código es {code}."),
    "freed": N_("¡Buenas noticias! Se liberó un lugar y ya es tuyo: «{title}», {when}. Lugar: {place}. "
                "Tu código es {code}. Si no puedes ir, escribe *taller* para cancelar."),
    # Discreet: nothing about workshops, unions or rights, for a phone someone else may read.
    "day_discreet": N_("Recordatorio: tu cita es mañana a las {time}."),
    "soon_discreet": N_("Recordatorio: tu cita es hoy a las {time}."),
    "freed_discreet": N_("Buenas noticias: tu cita quedó confirmada para el {when}. Tu código es {code}."),
}
TEMPLATE_NAMES = {"day": "REMINDER_DAY", "soon": "REMINDER_SOON", "freed": "SEAT_FREED"}


def template_sids(environ: Mapping[str, str]) -> dict[str, str]:
    """`WHATSAPP_TEMPLATE_<KIND>[_DISCREET][_EN]` -> {"day_discreet:en": "HX…", …}."""
    found = {}
    for kind, name in TEMPLATE_NAMES.items():
        for suffix in ("", "_discreet"):
            for lang in ("es", "en"):
                var = f"WHATSAPP_TEMPLATE_{name}{suffix.upper()}" + ("_EN" if lang == "en" else "")
                if sid := environ.get(var, "").strip():
                    found[f"{kind}{suffix}:{lang}"] = sid
    return found


class Channel(Protocol):
    async def text(self, chat: str, body: str) -> None: ...


@runtime_checkable
class TemplateChannel(Channel, Protocol):
    async def template(self, chat: str, content_sid: str, variables: Mapping[str, str]) -> None: ...


class TelegramChannel:
    """Sends one text through the Bot API (any `base_url`).

    The bot is initialized (getMe) on first use, not at start: with Telegram unreachable the
    worker keeps scheduling, and each send fails as a retryable `DeliveryFailed`.
    """

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def ready(self) -> None:
        """Initialize the bot (getMe); raises `DeliveryFailed` when Telegram cannot be reached."""
        try:
            await self.bot.initialize()
        except TelegramError as exc:  # NetworkError, TimedOut, InvalidToken: retried later
            raise DeliveryFailed(()) from exc

    async def close(self) -> None:
        await self.bot.shutdown()

    async def text(self, chat: str, body: str) -> None:
        chat_id: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        await self.ready()
        try:
            await self.bot.send_message(chat_id, body)
        except RetryAfter as exc:
            raise DeliveryFailed((Reply(body),), retry_after=retry_after_seconds(exc)) from exc
        except (Forbidden, BadRequest) as exc:  # she blocked the bot, or Telegram refuses it
            raise DeliveryFailed((Reply(body),), permanent=True) from exc
        except TelegramError as exc:
            raise DeliveryFailed((Reply(body),)) from exc


class WhatsAppChannel:
    """Sends through Twilio's REST API; `api_base_url` points it elsewhere (a local fake)."""

    def __init__(self, account_sid: str, auth_token: str, sender: str, api_base_url: str | None = None,
                 timeout: float = 10.0) -> None:
        self.client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_base_url:
            self.client.api.base_url = api_base_url.rstrip("/")
        self.sender = sender if sender.startswith("whatsapp:") else f"whatsapp:{sender}"

    def close(self) -> None:
        session = getattr(self.client.http_client, "session", None)
        if session is not None:
            session.close()

    async def text(self, chat: str, body: str) -> None:
        await self._create(chat, body=body)

    async def template(self, chat: str, content_sid: str, variables: Mapping[str, str]) -> None:
        await self._create(chat, content_sid=content_sid,
                           content_variables=json.dumps(variables, ensure_ascii=False))

    async def _create(self, chat: str, **fields: Any) -> None:
        to = chat if chat.startswith("whatsapp:") else f"whatsapp:{chat}"
        try:  # the REST client blocks: keep the event loop free
            await asyncio.to_thread(self.client.messages.create, to=to, from_=self.sender, **fields)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            raise DeliveryFailed((), permanent=not transient) from exc
        except OSError as exc:  # connection refused, timeout: try again later
            raise DeliveryFailed(()) from exc


def notice_words(notice: Notice, ws: Workshop, lang: str, discreet: bool,
                 now: datetime) -> tuple[str, str, dict[str, str]]:
    """(key of the text, the text in her language, the template variables by number)."""
    key = f"{notice.kind}_discreet" if discreet else notice.kind
    values = {"title": translate(lang, ws.title), "when": when_text(ws, lang, now),
              "time": time_text(ws.starts_at, lang), "code": notice.code,
              "place": ws.place or ws.online_url or ""}
    numbered = {str(i + 1): values[name] for i, name in enumerate(PLACEHOLDER.findall(TEXTS[key]))}
    return key, fill(translate(lang, TEXTS[key]), values), numbered


@dataclass
class NoticeSender:
    """The outbox sender for notices: `chat` holds the notice as JSON."""

    seats: Seats
    store: SessionStore
    workshops: Callable[[], WorkshopTable]
    channels: Mapping[str, Channel]
    templates: Mapping[str, str] = field(default_factory=dict)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    tally: Callable[[str], Awaitable[None]] | None = None  # e.g. `Scheduler.tally`: durable counts
    counts: Counter[str] = field(default_factory=Counter)

    async def __call__(self, chat: str, replies: tuple[Reply, ...]) -> None:
        try:
            notice = Notice.from_json(chat)
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryFailed((), permanent=True) from exc  # to the dead letters, for a person
        result = await self.deliver(notice)
        self.counts[result] += 1
        if self.tally is not None:
            await self.tally(result)
        log.info("workshop notice", extra={"result": result})

    async def deliver(self, notice: Notice) -> str:
        """Send one notice, or say why not: sent, template, or skipped_<reason>."""
        now = self.clock()
        ws = self.workshops().get(notice.workshop)
        if ws is None or now >= ws.starts_at:
            return "skipped_gone"
        held = await self.seats.person(notice.workshop, notice.tag)
        if held is None or held[0].code != notice.code or held[1].status != "confirmed":
            return "skipped_cancelled"
        channel, _, user = notice.tag.strip("{}").partition(":")
        session = (await self.store.load(UserKey(channel, user), "notice")).session
        if (session is not None and session.opted_out) or await self.store.opted_out(UserKey(channel, user)):
            return "skipped_opted_out"  # her *baja* holds after her session expired, too
        lang = session.lang if session is not None else held[0].lang
        key, text, variables = notice_words(notice, ws, lang, held[0].discreet, now)
        sender = self.channels.get(channel)
        if sender is None:
            raise DeliveryFailed((), permanent=True)  # no credentials for her channel here
        if channel == "whatsapp" and (session is None or now - session.updated_at >= WINDOW):
            sid = self.templates.get(f"{key}:{lang}") or self.templates.get(f"{key}:es")
            if sid is None or not isinstance(sender, TemplateChannel):
                return "skipped_no_template"
            await sender.template(user, sid, variables)
            return "template"
        await sender.text(user, text)
        return "sent"
