"""`labor-bot telegram set-webhook|delete-webhook|poll`: connect a Telegram bot to this server."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import typer

from bot.cli.common import exit_on_flow_error
from bot.errors import InputError
from bot.i18n import translator
from bot.logs import configure_logging
from bot.settings import Settings, prepare_process

if TYPE_CHECKING:  # imported lazily below, so other commands start fast
    from telegram import Bot

app = typer.Typer(help="Telegram: register the webhook, or poll without a public URL.",
                  no_args_is_help=True)
WEBHOOK_PATH = "/webhooks/telegram"


def _settings(need_secret: bool) -> Settings:
    """The server's settings, read and checked as `labor-bot serve` does."""
    try:
        settings = Settings.load().for_server()
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    _ = translator(settings.cli_language)
    if not settings.telegram_token:
        typer.echo(_("Falta TELEGRAM_BOT_TOKEN: pídele un token a @BotFather (ver docs/deploy.md)."),
                   err=True)
        raise typer.Exit(2)
    if need_secret and not settings.telegram_secret:
        typer.echo(_("Falta TELEGRAM_WEBHOOK_SECRET: crea uno con "
                     "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"), err=True)
        raise typer.Exit(2)
    return settings


def webhook_url(url: str) -> str:
    """The URL as given, or with `/webhooks/telegram` added when it is just the server's address."""
    return url.rstrip("/") + WEBHOOK_PATH if urlsplit(url).path in ("", "/") else url


@app.command("set-webhook")
def set_webhook(
    url: str = typer.Option(..., help="The public https address: https://bot.example.org "
                                      "(/webhooks/telegram is added) or the full webhook URL."),
    drop_pending: bool = typer.Option(False, help="Forget updates Telegram is still holding."),
) -> None:
    """Tell Telegram to send updates to this server, signed with TELEGRAM_WEBHOOK_SECRET."""
    settings = _settings(need_secret=True)
    _ = translator(settings.cli_language)
    target = webhook_url(url)
    from webhooks.telegram import ALLOWED_UPDATES

    async def register() -> None:
        async with _bot(settings) as bot:
            await bot.set_webhook(target, secret_token=settings.telegram_secret,
                                  allowed_updates=ALLOWED_UPDATES, drop_pending_updates=drop_pending)

    _run(register())
    typer.echo(_("Webhook registrado: {url}").format(url=target))


@app.command("delete-webhook")
def delete_webhook() -> None:
    """Stop webhook delivery (needed before `poll`)."""
    settings = _settings(need_secret=False)
    _ = translator(settings.cli_language)

    async def delete() -> None:
        async with _bot(settings) as bot:
            await bot.delete_webhook()

    _run(delete())
    typer.echo(_("Webhook borrado."))


@app.command()
def poll() -> None:
    """Fetch updates with long polling: try a real Telegram bot without a public URL."""
    settings = _settings(need_secret=False)
    _ = translator(settings.cli_language)
    prepare_process(settings)  # before the web modules import prometheus_client
    from webhooks.runtime import open_runtime
    from webhooks.telegram import outbox_senders, poll_updates

    async def run() -> None:
        async with open_runtime(settings) as runtime:
            runtime.start_outbox(outbox_senders(runtime))
            runtime.start_reloader()
            await poll_updates(runtime)

    configure_logging(settings.log_level)
    typer.echo(_("Recibiendo mensajes de Telegram (Ctrl-C para terminar)…"))
    with exit_on_flow_error():
        try:
            _run(run())
        except KeyboardInterrupt:
            typer.echo("")


def _bot(settings: Settings) -> Bot:
    from telegram import Bot

    assert settings.telegram_token is not None
    return Bot(settings.telegram_token, base_url=settings.telegram_api_base_url)


def _run(job: Coroutine[Any, Any, None]) -> None:
    from telegram.error import TelegramError

    try:
        asyncio.run(job)
    except (InputError, TelegramError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None

