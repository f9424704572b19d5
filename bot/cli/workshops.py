"""`labor-bot workshops list|export|attendance`: staff tools for the women's workshops.

They read the seats from Redis (`REDIS_URL`: the running bot's seats live there) and the
workshops from flows/data/workshops.yaml. An export holds a code, the place and, only when
the worker consented, the answers she gave; never her phone number or chat id. The CSV is
UTF-8 with a byte-order mark and CRLF lines, so Excel opens accents and ñ correctly.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import LangOption, cli_language, cli_settings
from bot.datafile import Translate
from bot.errors import InputError
from bot.i18n import N_, translator
from bot.staffout import csv_text, json_safe, terminal_safe
from bot.store.client import redis_from_url
from bot.store.redis import RedisSessionStore
from bot.workshops.scheduler import Scheduler
from bot.workshops.seats import RosterRow
from bot.workshops.seats.redis import RedisSeats
from bot.workshops.table import WORKSHOPS_FILE, WorkshopTable, load_workshops, when_text

app = typer.Typer(help="Workshops: seats, exports and attendance.", no_args_is_help=True)
COLUMNS = ("codigo", "estado", "lugar_en_espera", "inscrita", "idioma", "asistio", "nombre",
           "lugar_de_trabajo", "sector", "necesita_cuidado", "apoyo")
ANSWERS = {"name": "nombre", "workplace": "lugar_de_trabajo", "industry": "sector",
           "childcare_needed": "necesita_cuidado", "access": "apoyo"}  # record field -> column
TALLY_WORDS = {"sent": N_("enviados"), "template": N_("enviados con plantilla"),
               "skipped_no_template": N_("sin enviar por falta de plantilla de WhatsApp"),
               "skipped_opted_out": N_("sin enviar porque pidió no recibir mensajes"),
               "skipped_cancelled": N_("sin enviar porque canceló"),
               "skipped_gone": N_("sin enviar (taller quitado o ya empezó)")}

FileOption = Annotated[Path, typer.Option("--file", help="The workshops data file.")]


class Format(StrEnum):
    CSV = "csv"
    JSON = "json"


def _workshops(path: Path, lang: str = "es") -> WorkshopTable:
    try:
        return load_workshops(path, lang=lang)
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def _redis_url(_: Translate) -> str:
    url = cli_settings().redis_url
    if not url:
        typer.echo(_("Falta REDIS_URL: los lugares están en el Redis del bot."), err=True)
        raise typer.Exit(2)
    return url


@app.command("list")
def list_workshops(file: FileOption = WORKSHOPS_FILE, lang: LangOption = "") -> None:
    """Every workshop in the file with its seats taken, waitlist and attendance."""
    lang = lang or cli_language()
    _ = translator(lang)
    table = _workshops(file, lang)

    async def run() -> list[str]:
        client = redis_from_url(_redis_url(_))
        try:
            seats = RedisSeats(client)
            lines = []
            for ws in table.by_id.values():
                c = await seats.counts(ws.id)
                lines.append(terminal_safe(f"{ws.id}  {when_text(ws, lang)}  «{ws.title}»") + "\n    " + _(
                    "lugares {confirmed}/{capacity}, lista de espera {waiting}, asistieron "
                    "{attended}").format(confirmed=c.confirmed, capacity=ws.capacity,
                                         waiting=c.waiting, attended=c.attended))
            tallies = await Scheduler(client).tallies()
            if tallies:
                lines.append(_("Avisos: {tallies}").format(tallies=", ".join(
                    f"{_(TALLY_WORDS[k]) if k in TALLY_WORDS else k} {v}"
                    for k, v in sorted(tallies.items()))))
            return lines
        finally:
            await client.aclose()

    lines = asyncio.run(run())
    typer.echo("\n".join(lines) if lines else _("No hay talleres en {file}.").format(file=file))


@app.command()
def export(
    workshop: Annotated[str, typer.Argument(help="The workshop id.")],
    format: Annotated[Format, typer.Option("--format", help="csv (for Excel) or json.")] = Format.CSV,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    file: FileOption = WORKSHOPS_FILE,
    lang: LangOption = "",
) -> None:
    """Who signed up for one workshop: code, place, and the answers she agreed to give.

    The file's columns and values stay in Spanish whatever `--lang` says: a spreadsheet that
    reads them keeps working.
    """
    lang = lang or cli_language()
    _ = translator(lang)
    if table_missing(file, workshop, lang):
        typer.echo(_("Aviso: «{workshop}» ya no está en {file}; exporto lo que hay.").format(
            workshop=workshop, file=file), err=True)
    rows = asyncio.run(_rows(_redis_url(_), workshop))
    if format is Format.JSON:
        data = (json_safe(json.dumps(rows, ensure_ascii=False, indent=2)) + "\n").encode("utf-8")
    else:
        data = csv_bytes(rows)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        typer.echo(_("{n} inscripciones en {output}").format(n=len(rows), output=output), err=True)


def table_missing(file: Path, workshop: str, lang: str = "es") -> bool:
    return _workshops(file, lang).get(workshop) is None


async def _rows(url: str, workshop: str) -> list[dict[str, Any]]:
    client = redis_from_url(url)
    store = RedisSessionStore.from_url(url)
    try:
        roster = await RedisSeats(client).roster(workshop)
        records = await store.records("signup")
    finally:
        await client.aclose()
        await store.aclose()
    # The latest record of each code; a forgotten record names no code, so it joins nothing.
    answers = {r.get("code"): r for r in records if r.get("workshop") == workshop}
    return [export_row(row, answers.get(row.code, {})) for row in roster]


def export_row(row: RosterRow, record: dict[str, Any]) -> dict[str, Any]:
    """One line of the export: the seat keeper's facts, then her consented answers."""
    line: dict[str, Any] = {
        "codigo": row.code,
        "estado": "confirmada" if row.status == "confirmed" else "lista de espera",
        "lugar_en_espera": row.place or "",
        "inscrita": datetime.fromtimestamp(row.at, UTC).isoformat(timespec="minutes"),
        "idioma": row.lang,
        "asistio": "sí" if row.attended else "",
    }
    for field, column in ANSWERS.items():
        value = record.get(field, "")
        line[column] = {True: "sí", False: "no"}.get(value, value) if isinstance(value, bool) else value
    return line


def csv_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 CSV with a BOM and CRLF: opens in Excel with accents intact; formulas defused."""
    return csv_text(rows, COLUMNS, lineterminator="\r\n").encode("utf-8-sig")


@app.command()
def attendance(
    workshop: Annotated[str, typer.Argument(help="The workshop id.")],
    codes: Annotated[list[str], typer.Argument(help="The codes of the women who came.")],
    file: FileOption = WORKSHOPS_FILE,
    lang: LangOption = "",
) -> None:
    """Mark who came, by the codes they showed; exit 1 if a code is unknown."""
    lang = lang or cli_language()
    _ = translator(lang)
    if table_missing(file, workshop, lang):
        typer.echo(_("No hay un taller «{workshop}» en {file}.").format(workshop=workshop, file=file),
                   err=True)
        raise typer.Exit(2)
    wanted = [c.strip().upper() for c in codes if c.strip()]

    async def run() -> list[str]:
        client = redis_from_url(_redis_url(_))
        try:
            return await RedisSeats(client).attend(workshop, wanted)
        finally:
            await client.aclose()

    unknown = asyncio.run(run())
    typer.echo(_("Asistencia marcada: {n}.").format(n=len(wanted) - len(unknown)))
    if unknown:
        typer.echo(_("Nadie tiene estos códigos en «{workshop}»: {codes}").format(
            workshop=workshop, codes=", ".join(unknown)), err=True)
        raise typer.Exit(1)
