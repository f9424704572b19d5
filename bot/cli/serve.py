"""`labor-bot serve`: the web server (Telegram and WhatsApp webhooks, web chat, health, metrics)."""

from __future__ import annotations

import socket
from asyncio import Transport

import typer
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.cli.common import exit_on_flow_error
from bot.errors import InputError
from bot.i18n import translator
from bot.loader import load_assets
from bot.logs import configure_logging
from bot.settings import Settings, prepare_process

APP_FACTORY = "webhooks.app:app_from_env"


class H11NoDelay(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with TCP_NODELAY on every connection.

    With `--workers` above 1 uvicorn binds the socket itself, without `IPPROTO_TCP`, so asyncio
    leaves Nagle's algorithm on: a response written as headers then body waits for the
    client's delayed ACK, about 40 ms each on Linux (measured by `bench/load.py`).
    """

    def connection_made(self, transport: Transport) -> None:  # type: ignore[override]  # as uvicorn's
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes; more than one needs REDIS_URL."),
) -> None:
    """Start the server; the settings come from environment variables and ./.env (see .env.example)."""
    import uvicorn

    try:
        settings = Settings.load().for_server()
        if settings.production and not settings.redis_url:
            raise InputError("LABOR_BOT_ENV=production needs REDIS_URL")
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None
    _ = translator(settings.cli_language)
    if workers > 1 and not settings.redis_url:
        typer.echo(_("--workers mayor que 1 necesita REDIS_URL: la memoria de un proceso no se "
                     "comparte con los demás."), err=True)
        raise typer.Exit(2)
    with exit_on_flow_error():
        flows = load_assets(settings.flows_dir, production=settings.production)

    shown = "localhost" if host in ("0.0.0.0", "::") else host
    address = f"[{shown}]" if ":" in shown else shown
    chat_url = f"http://{address}:{port}/"
    typer.echo(_("Chat web: abre {url} en tu navegador").format(url=chat_url))
    if settings.redis_url:
        typer.echo(_("Almacén: Redis ({workers} proceso(s))").format(workers=workers))
    else:
        typer.echo(_("Almacén: en memoria (sin REDIS_URL): las conversaciones se pierden al detener "
                     "el servidor"))
    typer.echo(_("Flujos: {count} desde {path}").format(count=len(flows.flows), path=settings.flows_dir))
    on, off = _("activo"), _("apagado")
    typer.echo(f"Telegram: {on if settings.telegram_enabled else off} · "
               f"WhatsApp: {on if settings.whatsapp_enabled else off}")
    if settings.telegram_token and not settings.telegram_enabled:
        typer.echo(_("Telegram: falta TELEGRAM_WEBHOOK_SECRET para el webhook; "
                     "`labor-bot telegram poll` funciona sin él."))

    configure_logging(settings.log_level)
    prepare_process(settings)  # before uvicorn imports the app (and prometheus_client) in any process
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=H11NoDelay,
        log_config=None,  # our JSON lines (configured in each worker by the factory)
        access_log=False,  # one line per message is logged by the app, without personal data
        ws="none",
        timeout_graceful_shutdown=10,
        server_header=False,
    )
