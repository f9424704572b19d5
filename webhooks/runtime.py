"""The objects one server process shares between requests, how they open and close, and the
one path every channel's message takes: rate limit, `BotService.handle`, metrics, log line."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from telegram import Bot
from telegram.error import InvalidToken, TelegramError
from telegram.request import HTTPXRequest

from bot.compose import build_service
from bot.core.events import Event
from bot.core.turn import Reply
from bot.errors import InputError, StoreConflict, StoreUnavailable
from bot.i18n import N_, language_from_hint, translate
from bot.loader import load_assets
from bot.logs import hash_user, log_message
from bot.outbox import Outbox, Sender
from bot.service import BotService
from bot.settings import Settings
from bot.store.base import SessionStore
from bot.store.client import RedisClient, is_cluster_url, redis_from_url
from webhooks.limits import (
    SLOW_DOWN,
    Admission,
    MemoryRateLimiter,
    MemoryWebchatBudget,
    Rate,
    RateLimiter,
    RedisRateLimiter,
    RedisWebchatBudget,
    WebchatBudget,
)
from webhooks.metrics import Metrics
from webhooks.reload import FlowReloader

log = logging.getLogger(__name__)

TROUBLE = N_("Estamos teniendo problemas técnicos. Por favor vuelve a escribir en unos minutos.")
REDIS_TIMEOUT = 5.0  # seconds; the outbox's blocking reads (1 s) stay well under it


@dataclass
class Runtime:
    settings: Settings
    service: BotService
    metrics: Metrics
    limiter: RateLimiter
    reloader: FlowReloader
    webchat_budget: WebchatBudget
    redis: RedisClient | None = None  # rate limits and the outbox (the store has its own pool)
    outbox: Outbox | None = None
    telegram: Bot | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def sender_id(self, channel: str, user: str) -> str:
        return hash_user(self.settings.log_salt, channel, user)

    async def admit_webchat(self, user: str, address: str) -> Admission:
        """Whether the web chat takes a message from web id `user` at client `address` (the
        budgets of new conversations). Raises `StoreUnavailable` when Redis cannot answer."""
        hashed_address = hash_user(self.settings.log_salt, "address", address)  # no address in Redis
        admission = await self.webchat_budget.admit(self.sender_id("webchat", user), hashed_address,
                                                    time.time())
        if admission is not Admission.ALLOW:
            self.metrics.rate_limited.labels("webchat").inc()
        return admission

    async def converse(self, event: Event) -> tuple[Reply, ...]:
        """Replies to one message within `REPLY_DEADLINE_SECONDS`.

        Raises `StoreUnavailable` (also when Redis is too slow to answer in time: Twilio waits
        only 15 s, and Telegram delivers a 503'd update again) or `StoreConflict`. A deadline
        that lapses while the commit is on its way may leave it applied; her next message then
        goes on from there, and a redelivery is answered from the stored replies.
        """
        try:
            async with asyncio.timeout(self.settings.reply_deadline_seconds):
                return await self._converse(event)
        except TimeoutError:
            raise StoreUnavailable("no answer within REPLY_DEADLINE_SECONDS") from None

    async def _converse(self, event: Event) -> tuple[Reply, ...]:
        channel, sender = event.channel, self.sender_id(event.channel, event.user)
        self.metrics.messages_in.labels(channel).inc()
        started = time.perf_counter()
        rate = await self.limiter.check(sender, event.message_id, time.time())
        if rate is not Rate.ALLOW:
            self.metrics.rate_limited.labels(channel).inc()
            lang = language_from_hint(event.lang_hint)
            slow: tuple[Reply, ...] = (Reply(translate(lang, SLOW_DOWN)),) if rate is Rate.WARN else ()
            log_message(channel, sender, event.kind.value, f"rate_{rate.value}", len(slow),
                        time.perf_counter() - started)
            return slow
        outcome = "internal_error"
        try:
            replies = await self.service.handle(event)
            outcome = "ok"
            return replies
        except StoreUnavailable:
            outcome = "store_unavailable"
            raise
        except StoreConflict:
            outcome = "store_conflict"
            raise
        except asyncio.CancelledError:  # the reply deadline (or the server stopping)
            outcome = "deadline"
            raise
        finally:
            elapsed = time.perf_counter() - started
            if outcome == "ok":
                self.metrics.step_seconds.labels(channel).observe(elapsed)
                log_message(channel, sender, event.kind.value, outcome, len(replies), elapsed)
            else:
                self.metrics.errors.labels(channel, outcome).inc()
                log_message(channel, sender, event.kind.value, outcome, 0, elapsed)

    def start_outbox(self, senders: Mapping[str, Sender]) -> None:
        """Deliver what is waiting in the outbox, in the background, until the runtime closes."""
        if self.outbox is not None and senders:
            consumer = f"{socket.gethostname()}-{os.getpid()}"
            self.tasks.append(asyncio.create_task(self.outbox.run(consumer, senders, self.stop)))

    def start_reloader(self) -> None:
        self.reloader.listen_for_sighup()
        self.tasks.append(asyncio.create_task(self.reloader.watch(self.stop)))


def trouble(lang_hint: str | None) -> str:
    return translate(language_from_hint(lang_hint), TROUBLE)


def redis_client(url: str) -> RedisClient:
    """The client for rate limits and the outbox; a cluster retries once more for redirections."""
    return redis_from_url(url, timeout=REDIS_TIMEOUT, max_connections=50,
                          retries=2 if is_cluster_url(url) else 0)


def _webchat_budget(settings: Settings, redis: RedisClient | None) -> WebchatBudget:
    """An admitted web id stays admitted as long as a session is kept."""
    keep = settings.session_ttl.total_seconds()
    per_address, overall = settings.webchat_new_per_ip_per_hour, settings.webchat_new_per_hour
    if redis is not None:
        return RedisWebchatBudget(redis, per_address, overall, keep)
    return MemoryWebchatBudget(per_address, overall, keep)


def telegram_bot(settings: Settings) -> Bot:
    """A Bot API client with a pool big enough for concurrent webhook requests."""
    assert settings.telegram_token is not None
    return Bot(
        settings.telegram_token,
        base_url=settings.telegram_api_base_url,
        request=HTTPXRequest(connection_pool_size=32, connect_timeout=5.0, read_timeout=10.0),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=10.0),
    )


@asynccontextmanager
async def open_runtime(
    settings: Settings, store: SessionStore | None = None
) -> AsyncIterator[Runtime]:
    """Load the flows, open the store, Redis and the Bot API client; close them all after.

    Raises `FlowError` for flows with errors and `InputError` for a rejected bot token.
    """
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    outbox = Outbox(redis, claim_idle=settings.outbox_claim_seconds) if redis is not None else None
    try:
        service = build_service(settings, store, redis=redis, outbox=outbox)
    except BaseException:
        if redis is not None:
            await redis.aclose()
        raise
    metrics = Metrics(settings.prometheus_multiproc_dir)
    limit = settings.rate_limit_per_minute
    runtime = Runtime(
        settings=settings,
        service=service,
        metrics=metrics,
        limiter=RedisRateLimiter(redis, limit) if redis is not None else MemoryRateLimiter(limit),
        webchat_budget=_webchat_budget(settings, redis),
        reloader=FlowReloader(
            settings.flows_dir,
            apply=lambda new: setattr(service, "flows", new),
            interval=settings.flows_reload_seconds,
            on_result=lambda result: metrics.flow_reloads.labels(result).inc(),
            load=lambda folder: load_assets(folder, production=settings.production),
        ),
        redis=redis,
        outbox=outbox,
        telegram=telegram_bot(settings) if settings.telegram_token else None,
    )
    try:
        if runtime.telegram is not None:
            await _start_bot(runtime.telegram)
        yield runtime
    finally:
        runtime.stop.set()
        for task in runtime.tasks:
            task.cancel()
        for task in runtime.tasks:
            with suppress(asyncio.CancelledError):
                await task
        runtime.reloader.stop_listening()
        if runtime.telegram is not None:
            await runtime.telegram.shutdown()
        if redis is not None:
            await redis.aclose()
        await service.store.aclose()


async def _start_bot(bot: Bot) -> None:
    """`getMe` once: a wrong token stops the start; Telegram being unreachable does not."""
    try:
        await bot.initialize()
    except InvalidToken:
        raise InputError("Telegram rejected TELEGRAM_BOT_TOKEN (getMe failed)") from None
    except TelegramError as exc:
        log.warning("Telegram cannot be reached now; replies will be retried",
                    extra={"error": type(exc).__name__})
