"""`labor-bot backup FILE` and `labor-bot restore FILE`: the records staff cannot lose, to and from a file.

What goes in the file is listed in `bot.backup`; how long each kind of record is kept is in
docs/backups.md. Both read `REDIS_URL` (a single Redis or `redis+cluster://`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from bot.backup import backup, read_entries, restore
from bot.cli.common import cli_settings
from bot.errors import InputError, StoreUnavailable
from bot.store.client import redis_from_url, unavailable_as_store_error

NO_REDIS = "REDIS_URL no está definida: sin Redis no hay registros que respaldar ni dónde restaurarlos."


def _url() -> str:
    url = cli_settings().redis_url
    if not url:
        typer.echo(NO_REDIS, err=True)
        raise typer.Exit(2)
    return url


def _summary(counts: dict[str, int]) -> str:
    keys = sum(n for kind, n in counts.items() if kind != "expired")
    expired = counts.get("expired", 0)
    return f"{keys} clave(s)" + (f", {expired} ya vencida(s) sin restaurar" if expired else "")


def backup_command(
    file: Path = typer.Argument(..., help="The JSON Lines file to write (replaced if it exists)."),
) -> None:
    """Copy referrals, sign-ups, attendance, hand-offs, consent and workshop seats to FILE."""
    url = _url()

    async def run() -> dict[str, int]:
        client = redis_from_url(url, timeout=30)
        try:
            with unavailable_as_store_error():
                partial = file.with_name(file.name + ".partial")
                with partial.open("w", encoding="utf-8") as out:
                    counts = await backup(client, out)
                partial.replace(file)  # a failed backup never leaves a half file under the name
                return counts
        finally:
            await client.aclose()

    try:
        counts = asyncio.run(run())
    except (InputError, StoreUnavailable) as error:
        typer.echo(f"No se pudo hacer la copia: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Copia lista: {_summary(counts)} en {file}.")


def restore_command(
    file: Path = typer.Argument(..., help="A file written by `labor-bot backup`."),
    force: bool = typer.Option(False, "--force", help="Restore even if Redis already holds the bot's "
                               "keys (each key in the file replaces the one in Redis)."),
) -> None:
    """Put the records of a backup FILE into Redis (an empty one, unless --force)."""
    url = _url()
    if not file.is_file():
        typer.echo(f"No encuentro el archivo {file}.", err=True)
        raise typer.Exit(2)

    async def run() -> dict[str, int]:
        client = redis_from_url(url, timeout=30)
        try:
            with file.open(encoding="utf-8") as lines:
                entries = list(read_entries(lines))  # the whole file checked before writing any key
            with unavailable_as_store_error():
                return await restore(client, entries, force=force)
        finally:
            await client.aclose()

    try:
        counts = asyncio.run(run())
    except (InputError, StoreUnavailable) as error:
        typer.echo(f"No restauré nada: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Restaurado: {_summary(counts)} desde {file}.")
