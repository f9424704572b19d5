"""`labor-bot referrals list|export --center ID`: the summaries workers sent to a worker center.

Referrals are the `referral` records the bot writes with the worker's session (each message
at most once, so a redelivered "yes, send it" does not send twice). They live in Redis: with
no `REDIS_URL` there is nothing to read across processes. `list` shows no personal field;
`export` gives everything staff need to follow up (summary, name if she gave it, worker id).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer

from bot.cli.common import LangOption, cli_settings, cli_translator
from bot.datafile import Translate
from bot.i18n import N_
from bot.settings import Settings, make_store
from bot.staffout import csv_text, json_safe, terminal_safe

app = typer.Typer(help="Referrals sent to worker centers.", no_args_is_help=True)

Record = dict[str, object]
COLUMNS = ("at", "code", "center", "kind", "state", "contact_channel", "lang", "name", "employer",
           "summary", "user", "forgotten")
LIST_COLUMNS = ("at", "code", "kind", "state", "contact_channel")
NO_REDIS = N_("REDIS_URL no está definida: sin Redis, cada proceso guarda sus datos en su propia "
              "memoria y no hay referencias que listar desde aquí. Define REDIS_URL (la misma del bot).")


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


def center_referrals(records: Sequence[Record], center: str) -> list[Record]:
    """The center's referrals, oldest first, each once (by its reference code)."""
    seen: set[object] = set()
    found = []
    for record in records:
        key = record.get("code") or (record.get("user"), record.get("message_id"))
        if record.get("center") != center or key in seen:
            continue
        seen.add(key)
        found.append(record)
    return found


async def fetch(center: str, settings: Settings) -> list[Record] | None:
    """The center's referrals from the bot's Redis, or None when no `REDIS_URL` is set."""
    if not settings.redis_url:
        return None
    store = make_store(settings)
    try:
        return center_referrals(await store.records("referral"), center)
    finally:
        await store.aclose()


def _fetch_or_exit(center: str, _: Translate) -> list[Record]:
    found = asyncio.run(fetch(center, cli_settings()))
    if found is None:
        typer.echo(_(NO_REDIS), err=True)
        raise typer.Exit(0)
    return found


@app.command("list")
def list_referrals(center: str = typer.Option(..., "--center", help="The center's id in directory.yaml."),
                   lang: LangOption = "") -> None:
    """One line per referral, without personal fields."""
    _ = cli_translator(lang)
    found = _fetch_or_exit(center, _)
    for record in found:
        typer.echo("  ".join(terminal_safe(record.get(column) or "-") for column in LIST_COLUMNS))
    typer.echo(_("{n} referencia(s) para {center}.").format(n=len(found), center=center), err=True)


@app.command()
def export(
    center: str = typer.Option(..., "--center", help="The center's id in directory.yaml."),
    format: Format = typer.Option(Format.CSV, "--format", help="csv or json."),
    output: Path | None = typer.Option(None, "--output", "-o", help="A file (default: the screen)."),
    lang: LangOption = "",
) -> None:
    """Every field of the center's referrals, each exactly once, as CSV or JSON."""
    _ = cli_translator(lang)
    found = _fetch_or_exit(center, _)
    text = to_json(found) if format is Format.JSON else to_csv(found)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(_("{n} referencia(s) en {output}.").format(n=len(found), output=output), err=True)


def to_csv(records: Sequence[Record]) -> str:
    """Every column of `COLUMNS`; formulas defused and control characters escaped."""
    return csv_text(records, COLUMNS)


def to_json(records: Sequence[Record]) -> str:
    shown = [{k: v for k, v in record.items() if k not in ("personal", "message_id")} for record in records]
    return json_safe(json.dumps(shown, ensure_ascii=False, indent=2)) + "\n"
