"""`labor-bot directory check`: check the places and contacts staff keep under flows/data/."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.checks import in_order, summary
from bot.cli.common import cli_language
from bot.complaint.directory_file import data_problems
from bot.i18n import translator
from bot.paths import DATA_DIR
from bot.problems import has_errors

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
    lang = lang or cli_language()
    _ = translator(lang)
    problems = in_order(data_problems(data_dir, lang))
    for problem in problems:
        typer.echo(problem.render(_("aviso")))
    if has_errors(problems):
        typer.echo(_("{counts}.").format(counts=summary(problems, _)))
        raise typer.Exit(1)
    typer.echo(_("Todo bien: el directorio no tiene errores ({counts}).").format(counts=summary(problems, _)))
