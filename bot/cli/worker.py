"""`labor-bot worker`: sends workshop reminders and "a seat is yours" notices.

It also finishes, durably, the clean-up after "delete my data" outside her own keys (seats,
scheduled reminders, dead letters; `bot.purge`) when the server could not finish it.

It runs the scheduler (notices from the seat scripts into the due set, and due ones into the
notices stream) and a consumer of that stream, until SIGINT or SIGTERM. Run one or more,
beside `labor-bot serve`, all on the same Redis. Settings come from the environment and ./.env
(see `bot.settings`):

    REDIS_URL                      required
    TELEGRAM_BOT_TOKEN             to send on Telegram; TELEGRAM_API_BASE_URL to use another API server
    TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM
                                   to send on WhatsApp; TWILIO_API_BASE_URL for another API server
    WHATSAPP_TEMPLATE_REMINDER_DAY, …_REMINDER_SOON, …_SEAT_FREED, each also …_DISCREET, and
    _EN for English: the approved content template SIDs used outside the 24-hour window
    FLOWS_DIR                      where flows/data/workshops.yaml is (re-read when it changes)

Telegram or Twilio unreachable, or Redis down, is one log line per failure (its error type,
never her number or the text) and a retry with backoff (5 s, 10 s… at most 15 min per notice;
Redis up to 30 s between tries); `labor-bot doctor` says what is misconfigured.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

import typer
from telegram import Bot

from bot.cli.common import cli_settings
from bot.errors import InputError
from bot.logs import configure_logging
from bot.outbox import DeliveryFailed
from bot.purge import Purger
from bot.settings import Settings, prepare_process
from bot.store.client import redis_from_url
from bot.store.redis import RedisSessionStore
from bot.workshops.scheduler import CHANNEL, Scheduler
from bot.workshops.seats.redis import RedisSeats
from bot.workshops.senders import Channel, NoticeSender, TelegramChannel, WhatsAppChannel, template_sids
from bot.workshops.table import WorkshopTable, load_workshops

log = logging.getLogger(__name__)


def worker(
    interval: float = typer.Option(1.0, min=0.05, help="Seconds between scheduler rounds."),
    claim_after: float = typer.Option(30.0, min=1.0, help="Take over entries idle this long."),
) -> None:
    """Send workshop reminders and notices until stopped (Ctrl-C)."""
    settings = cli_settings()
    prepare_process(settings)
    configure_logging(settings.log_level)
    stop = asyncio.Event()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop, interval=interval, claim_after=claim_after)

    try:
        asyncio.run(main())
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def workshops_reader(path: Path) -> Callable[[], WorkshopTable]:
    """The workshops, read again when staff change the file; a broken edit keeps the last good."""
    cache: dict[str, object] = {}

    def read() -> WorkshopTable:
        stamp = path.stat().st_mtime_ns if path.exists() else 0
        if cache.get("stamp") != stamp:
            try:
                cache["table"], cache["stamp"] = load_workshops(path), stamp
            except InputError as error:
                log.error("workshops file has errors; keeping the last good one: %s", error)
                cache.setdefault("table", WorkshopTable({}))
                cache["stamp"] = stamp
        table = cache["table"]
        assert isinstance(table, WorkshopTable)
        return table

    return read


async def run_worker(settings: Settings, stop: asyncio.Event, *, interval: float = 1.0,
                     claim_after: float = 30.0) -> NoticeSender:
    """Run until `stop` is set; returns the sender (its `counts` say what happened)."""
    url = settings.redis_url
    if not url:
        raise InputError("labor-bot worker needs REDIS_URL")
    workshops = workshops_reader(settings.flows_dir / "data" / "workshops.yaml")
    async with AsyncExitStack() as stack:
        client, reader = redis_from_url(url), redis_from_url(url)  # the reader's reads block
        stack.push_async_callback(client.aclose)
        stack.push_async_callback(reader.aclose)
        store = RedisSessionStore.from_url(url)
        stack.push_async_callback(store.aclose)
        channels = await _channels(settings, stack)
        seats, scheduler = RedisSeats(client), Scheduler(client)
        sender = NoticeSender(seats, store, workshops, channels, template_sids(settings.whatsapp_templates),
                              tally=scheduler.tally)
        outbox = scheduler.outbox(reader, claim_idle=claim_after)
        consumer = f"{socket.gethostname()}-{os.getpid()}"
        log.info("worker started", extra={"channels": sorted(channels)})
        await asyncio.gather(
            scheduler.run(seats, lambda: list(workshops().by_id), stop, interval=interval),
            Purger(client, seats).run(workshops, stop, interval=max(interval, 5.0)),
            outbox.run(consumer, {CHANNEL: sender}, stop, block_ms=int(min(interval, 1.0) * 1000)),
        )
    return sender


async def _channels(settings: Settings, stack: AsyncExitStack) -> dict[str, Channel]:
    channels: dict[str, Channel] = {}
    if token := settings.telegram_token:
        telegram = TelegramChannel(Bot(token, base_url=settings.telegram_api_base_url))
        stack.push_async_callback(telegram.close)
        try:  # getMe now, to say early if Telegram is unreachable; sending retries it anyway
            await telegram.ready()
        except DeliveryFailed as exc:
            log.warning("worker cannot reach Telegram yet; will retry when sending",
                        extra={"error": type(exc.__cause__).__name__})
        channels["telegram"] = telegram
    sid, secret = settings.twilio_account_sid, settings.twilio_auth_token
    sender = settings.twilio_whatsapp_from
    if sid and secret and sender:
        whatsapp = WhatsAppChannel(sid, secret, sender, settings.twilio_api_base_url)
        stack.callback(whatsapp.close)
        channels["whatsapp"] = whatsapp
    elif sid or sender:
        raise InputError("WhatsApp needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM")
    if not channels:
        raise InputError("labor-bot worker needs TELEGRAM_BOT_TOKEN or the TWILIO_* settings")
    return channels
