"""The Telegram adapter: updates in (webhook or long polling), replies out through the Bot API.

Text, button presses, shared locations and contacts in private chats become events; a sticker,
photo or voice note gets the engine's kind "I only read text" reply; every other update
(edits, membership changes, group messages…) is acknowledged and ignored. `Event.message_id`
is the `update_id`, so a re-delivered update gets the stored replies without a second step.
A reply that cannot be sent now goes to the outbox (Redis) and is retried from there.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from redis.exceptions import RedisError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.core.events import Event, EventKind
from bot.core.turn import Choice, Reply
from bot.errors import InputError, StoreConflict, StoreUnavailable
from bot.outbox import DeliveryFailed, OutboxEntry, Sender, backoff
from bot.ptb import retry_after_seconds
from bot.render import TelegramMessage, render_telegram
from webhooks.metrics import Metrics
from webhooks.runtime import Runtime

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]  # what set-webhook and poll ask Telegram for


class NotDelivered(Exception):
    """Replies could not be sent and there is no outbox: Telegram should deliver the update again."""


def event_from_update(update: Update) -> Event | None:
    """The engine event for an update, or None for an update the bot ignores."""
    message_id = str(update.update_id)
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        if query.data is None or (chat is not None and chat.type != "private"):
            return None
        user = str(chat.id if chat is not None else query.from_user.id)
        return Event(EventKind.CHOICE, CHANNEL, user, message_id, value=query.data,
                     lang_hint=query.from_user.language_code)
    message = update.message
    if message is None or message.chat.type != "private":
        return None
    base: dict[str, Any] = {
        "channel": CHANNEL, "user": str(message.chat.id), "message_id": message_id,
        "lang_hint": message.from_user.language_code if message.from_user else None,
    }
    if message.text is not None:
        return Event(EventKind.TEXT, text=message.text, **base)
    if message.location is not None:
        return Event(EventKind.LOCATION, latitude=message.location.latitude,
                     longitude=message.location.longitude, **base)
    if message.contact is not None:
        return Event(EventKind.CONTACT, phone=message.contact.phone_number, **base)
    if message.effective_attachment is not None:
        return Event(EventKind.UNSUPPORTED, **base)  # sticker, photo, voice note, document…
    return None  # a service message (pinned, new members…)


# The parts of a message and of a button press the adapter reads (`event_from_update`).
_MESSAGE_PARTS = ("message_id", "from", "chat", "date", "text", "location", "contact")
_QUERY_PARTS = ("id", "from", "chat_instance", "data")
_QUERY_MESSAGE_PARTS = ("message_id", "chat", "date")


def read_update(data: dict[str, Any], bot: Bot | None) -> Update:
    """PTB's update; when PTB cannot read a part the adapter never uses (a poll or a field of a
    newer Bot API inside the message), the update again with only the parts the adapter reads.
    Raises when even those cannot be read."""
    try:
        return Update.de_json(data, bot)
    except Exception:
        slim = _slim(data)
        if slim == data:
            raise
        return Update.de_json(slim, bot)


def _slim(data: dict[str, Any]) -> dict[str, Any]:
    slim: dict[str, Any] = {"update_id": data["update_id"]}
    message, query = data.get("message"), data.get("callback_query")
    if isinstance(message, dict):
        slim["message"] = {k: message[k] for k in _MESSAGE_PARTS if k in message}
    if isinstance(query, dict):
        slim["callback_query"] = {k: query[k] for k in _QUERY_PARTS if k in query}
        if isinstance(query.get("message"), dict):
            slim["callback_query"]["message"] = {
                k: query["message"][k] for k in _QUERY_MESSAGE_PARTS if k in query["message"]}
    return slim


def _keyboard(buttons: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(c.label, callback_data=c.value)] for c in buttons])


def _unsent(pieces: list[TelegramMessage]) -> tuple[Reply, ...]:
    return tuple(Reply(p.text, p.buttons) for p in pieces)


class TelegramSender:
    """Sends replies in order; a 429 asking for at most `max_wait` seconds in all is waited out."""

    def __init__(self, bot: Bot, metrics: Metrics, max_wait: float) -> None:
        self.bot = bot
        self.metrics = metrics
        self.max_wait = max_wait

    async def send(self, chat: str, replies: tuple[Reply, ...]) -> None:
        """Raises `DeliveryFailed` holding what was not sent."""
        pieces = [piece for reply in replies for piece in render_telegram(reply)]
        chat_id: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        waited, i = 0.0, 0
        while i < len(pieces):
            try:
                piece = pieces[i]
                await self.bot.send_message(chat_id, piece.text, reply_markup=_keyboard(piece.buttons))
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if waited + wait > self.max_wait:
                    self.metrics.errors.labels(CHANNEL, "rate_limited_by_telegram").inc()
                    raise DeliveryFailed(_unsent(pieces[i:]), retry_after=wait) from exc
                await asyncio.sleep(wait)
                waited += wait
                continue
            except (Forbidden, BadRequest) as exc:  # blocked by the worker, or a message Telegram refuses
                self.metrics.errors.labels(CHANNEL, "send_refused").inc()
                raise DeliveryFailed(_unsent(pieces[i:]), permanent=True) from exc
            except TelegramError as exc:  # network trouble, Telegram down
                self.metrics.errors.labels(CHANNEL, "send_failed").inc()
                raise DeliveryFailed(_unsent(pieces[i:])) from exc
            self.metrics.messages_out.labels(CHANNEL).inc()
            i += 1


def outbox_senders(runtime: Runtime) -> dict[str, Sender]:
    if runtime.telegram is None:
        return {}
    sender = TelegramSender(runtime.telegram, runtime.metrics, max_wait=0.0)
    return {CHANNEL: sender.send}


async def handle_update(runtime: Runtime, update: Update) -> None:
    """Answer one update. Raises `StoreUnavailable`/`StoreConflict` (nothing applied, nothing
    sent) and `NotDelivered` (no outbox to keep the replies): ask Telegram to deliver it again."""
    assert runtime.telegram is not None
    bot = runtime.telegram
    if update.callback_query is not None:
        try:  # answered first, whatever follows, so the button stops spinning
            await bot.answer_callback_query(update.callback_query.id)
        except TelegramError as exc:
            log.info("callback query not answered", extra={"error": type(exc).__name__})
    event = event_from_update(update)
    if event is None:
        return
    replies = await runtime.converse(event)
    if not replies:
        return
    sender = TelegramSender(bot, runtime.metrics, runtime.settings.telegram_max_wait_seconds)
    try:
        await sender.send(event.user, replies)
    except DeliveryFailed as failure:
        sender_id = runtime.sender_id(CHANNEL, event.user)
        if failure.permanent:
            log.warning("telegram refused the reply", extra={"sender": sender_id})
            return
        if runtime.outbox is None:
            raise NotDelivered from failure
        delay = failure.retry_after if failure.retry_after is not None else backoff(1)
        entry = OutboxEntry(CHANNEL, event.user, failure.unsent, not_before=time.time() + delay)
        try:
            await runtime.outbox.add(entry)
        except RedisError as exc:
            raise NotDelivered from exc
        log.info("reply queued in the outbox", extra={"sender": sender_id, "replies": len(failure.unsent)})


router = APIRouter()


@router.post("/webhooks/telegram")
async def telegram_webhook(request: Request) -> Response:
    """One update from Telegram. 200 once handled (or ignored); 503 asks Telegram to retry."""
    runtime: Runtime = request.app.state.runtime
    secret = (runtime.settings.telegram_secret or "").encode()
    given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
    if not secret or not hmac.compare_digest(given, secret):
        return JSONResponse({"error": "forbidden"}, status_code=403)
    try:
        data = json.loads(await request.body())
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("not an update")
        if not any(kind in data for kind in ALLOWED_UPDATES):
            # A poll, an edit, a membership change…: acknowledged and ignored without being read,
            # since a shape newer than the library must not get a 400 Telegram redelivers.
            return Response(status_code=200)
        update = read_update(data, runtime.telegram)
        event_from_update(update)  # shapes PTB reads but the adapter cannot: no chat, no sender
    except Exception:  # any shape PTB cannot read is the sender's fault, not ours (deep JSON too)
        runtime.metrics.errors.labels(CHANNEL, "bad_request").inc()
        return JSONResponse({"error": "malformed update"}, status_code=400)
    try:
        await handle_update(runtime, update)
    except (StoreUnavailable, StoreConflict, NotDelivered):
        return JSONResponse({"error": "try again later"}, status_code=503)
    return Response(status_code=200)


async def poll_updates(runtime: Runtime, limit: int | None = None, timeout: int = 25) -> int:
    """Long polling for development: fetch updates and handle them like the webhook does.

    Stops after `limit` updates (None: never). Refuses to run while a webhook is set.
    """
    assert runtime.telegram is not None
    bot = runtime.telegram
    info = await bot.get_webhook_info()
    if info.url:
        raise InputError(f"a webhook is set ({info.url}); remove it with `labor-bot telegram delete-webhook`")
    offset: int | None = None
    handled = 0
    while limit is None or handled < limit:
        try:
            updates = await bot.get_updates(offset=offset, timeout=timeout, allowed_updates=ALLOWED_UPDATES)
        except TelegramError as exc:
            log.warning("getUpdates failed", extra={"error": type(exc).__name__})
            await asyncio.sleep(2)
            continue
        for update in updates:
            try:
                await handle_update(runtime, update)
            except (StoreUnavailable, StoreConflict, NotDelivered):
                await asyncio.sleep(2)
                break  # offset not advanced: Telegram gives this update again
            offset = update.update_id + 1
            handled += 1
            if limit is not None and handled >= limit:
                break
    if offset is not None:  # confirm the last one, so a restart does not see it again
        await bot.get_updates(offset=offset, timeout=0, allowed_updates=ALLOWED_UPDATES)
    return handled
