"""`labor-bot directory check`: check the places and contacts staff keep under flows/data/."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import cli_language
from bot.complaint.directory_file import data_problems
from bot.i18n import translator
from bot.paths import DATA_DIR
from bot.problems import Severity, has_errors

app = typer.Typer(help="The directory of worker centers and offices.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """The directory of worker centers and offices."""


@app.command()
def check(
    data_dir: Path = typer.Argument(DATA_DIR, help="The data folder (flows/data)."),
    lang: str = typer.Option("", help="Language of the messages: es or en (default: from LANG)."),
) -> None:
    """Check directory.yaml, states.yaml, public_systems.yaml and contacts.yaml; exit 1 on an error.

    Checks states, coordinates inside Mexico, phone and WhatsApp numbers, hours, duplicate ids
    and sources; entries marked `check: true` are listed as warnings until staff confirm them.
    """
    _ = translator(lang or cli_language())
    problems = sorted(data_problems(data_dir), key=lambda p: (str(p.path), p.line))
    for problem in problems:
        typer.echo(problem.render(_("aviso")))
    errors = sum(p.severity is Severity.ERROR for p in problems)
    if has_errors(problems):
        typer.echo(_("{errors} error(es), {warnings} aviso(s).").format(
            errors=errors, warnings=len(problems) - errors))
        raise typer.Exit(1)
    typer.echo(_("Todo bien: el directorio no tiene errores ({warnings} aviso(s)).").format(
        warnings=len(problems)))
