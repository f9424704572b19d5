"""`labor-bot handoff list|release`: workers waiting for a person, and giving them back to the bot.

A worker who asks for a person gets a `handoff` record and the bot goes quiet for her for 24
hours; what she writes meanwhile becomes `handoff_message` records. `list` shows the open
requests (her session still paused) with her messages; `release WORKER` ends the pause the
same way the bot would (the event `cmd:release`), and the reply telling her is queued in the
outbox for delivery, or printed when there is no outbox.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import typer

from bot.cli.common import LangOption, cli_settings, cli_translator, exit_on_flow_error
from bot.compose import build_service
from bot.core.events import Event, EventKind
from bot.core.turn import Reply
from bot.datafile import SPANISH, Translate
from bot.i18n import N_
from bot.outbox import Outbox, OutboxEntry
from bot.service import BotService
from bot.settings import Settings, make_store
from bot.staffout import terminal_safe
from bot.store.base import SessionStore, UserKey
from bot.store.client import redis_from_url

app = typer.Typer(help="Workers who asked to talk to a person.", no_args_is_help=True)

Record = dict[str, object]
NO_REDIS = N_("REDIS_URL no está definida: sin Redis, cada proceso guarda sus datos en su propia "
              "memoria y no hay solicitudes que ver desde aquí. Define REDIS_URL (la misma del bot).")


@dataclass
class Request:
    """One worker's latest request for a person, and what she wrote after it."""

    user: str
    asked: Record
    messages: list[Record] = field(default_factory=list)
    paused_until: datetime | None = None

    def open_at(self, now: datetime) -> bool:
        return self.paused_until is not None and self.paused_until > now


def worker_key(tag: str, _: Translate = SPANISH) -> UserKey:
    """`{telegram:123}` or `telegram:123` (as `handoff list` prints it) as a `UserKey`."""
    channel, _colon, user = tag.strip().strip("{}").partition(":")
    if not channel or not user:
        raise typer.BadParameter(_("«{tag}» no es un trabajador: escríbelo como lo da «handoff list»").format(
            tag=tag))
    return UserKey(channel, user)


def group(handoffs: Sequence[Record], messages: Sequence[Record]) -> dict[str, Request]:
    """Each worker's latest request, with the messages she sent after asking."""
    requests: dict[str, Request] = {}
    for record in handoffs:
        user = record.get("user")
        if isinstance(user, str):
            requests[user] = Request(user, record)  # records come oldest first: the last wins
    for record in messages:
        request = requests.get(str(record.get("user")))
        if request is not None and str(record.get("at", "")) >= str(request.asked.get("at", "")):
            request.messages.append(record)
    return requests


async def open_requests(store: SessionStore, now: datetime, everything: bool = False) -> list[Request]:
    requests = group(await store.records("handoff"), await store.records("handoff_message"))
    for request in requests.values():
        loaded = await store.load(worker_key(request.user), f"handoff-list-{uuid.uuid4()}")
        request.paused_until = loaded.session.paused_until if loaded.session else None
    return [r for r in requests.values() if everything or r.open_at(now)]


async def release_worker(service: BotService, key: UserKey, outbox: Outbox | None,
                         now: datetime | None = None) -> tuple[Reply, ...] | None:
    """Send `cmd:release` for her through the service; None when she is not waiting for a person."""
    loaded = await service.store.load(key, f"handoff-check-{uuid.uuid4()}")
    until = loaded.session.paused_until if loaded.session else None
    if until is None or until <= (now or datetime.now(UTC)):
        return None
    event = Event(EventKind.CHOICE, key.channel, key.user, message_id=f"release-{uuid.uuid4()}",
                  value="cmd:release", staff=True)
    replies = await service.handle(event)
    if outbox is not None and replies:
        await outbox.add(OutboxEntry(key.channel, key.user, replies))
    return replies


def _settings(_: Translate) -> Settings:
    settings = cli_settings()
    if not settings.redis_url:
        typer.echo(_(NO_REDIS), err=True)
        raise typer.Exit(0)
    return settings


@app.command("list")
def list_requests(
    everything: bool = typer.Option(False, "--all", help="Also requests already released or expired."),
    show_messages: bool = typer.Option(False, "--messages", help="Print what each worker wrote."),
    lang: LangOption = "",
) -> None:
    """Open requests: worker, center, when she asked, and how many messages she sent since."""
    _ = cli_translator(lang)
    settings = _settings(_)

    async def run() -> list[Request]:
        store = make_store(settings)
        try:
            return await open_requests(store, datetime.now(UTC), everything)
        finally:
            await store.aclose()

    found = asyncio.run(run())
    for request in found:
        center = request.asked.get("center") or "-"
        typer.echo(terminal_safe(f"{request.user}  {center}  {request.asked.get('at')}  ")
                   + _("{n} mensaje(s)").format(n=len(request.messages)))
        for message in request.messages if show_messages else ():
            text = message.get("text", _("(ubicación)"))  # a shared location has no text
            typer.echo(terminal_safe(f"    {message.get('at')}: {text}"))
    typer.echo(_("{n} solicitud(es).").format(n=len(found)), err=True)


@app.command()
def release(worker: str = typer.Argument(..., help="The worker as `handoff list` shows it."),
            lang: LangOption = "") -> None:
    """Give the worker back to the bot and tell her (through the outbox)."""
    _ = cli_translator(lang)
    settings = _settings(_)
    key = worker_key(worker, _)
    redis = redis_from_url(settings.redis_url or "")
    outbox = Outbox(redis)
    with exit_on_flow_error():
        service = build_service(settings, redis=redis, outbox=outbox)

    async def run() -> tuple[Reply, ...] | None:
        try:
            return await release_worker(service, key, outbox)
        finally:
            await redis.aclose()
            await service.store.aclose()

    replies = asyncio.run(run())
    if replies is None:
        typer.echo(_("{worker} no está esperando a una persona: no hice nada.").format(worker=worker))
        raise typer.Exit(1)
    typer.echo(_("Listo: {worker} vuelve a hablar con el bot. Mensaje en la cola de envío:").format(
        worker=worker))
    for reply in replies:
        typer.echo("    " + terminal_safe(reply.text, newlines=True).replace("\n", "\n    "))
