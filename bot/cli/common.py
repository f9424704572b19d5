"""Small pieces shared by the command-line modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from bot.errors import FlowError, InputError
from bot.i18n import N_, translate, translator
from bot.problems import Problem
from bot.settings import Settings


def cli_settings() -> Settings:
    """The settings, from the environment over `./.env` as `make run` reads them; exit 2 if wrong."""
    try:
        return Settings.load()
    except InputError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


def cli_language() -> str:
    """Spanish unless the terminal's locale is English (LANG=en_US.UTF-8)."""
    return cli_settings().cli_language


# `--lang` of the staff commands that print messages; empty means "from LANG".
LangOption = Annotated[str, typer.Option(
    "--lang", help="Language of the messages: es or en (default: from LANG).")]


def cli_translator(lang: str) -> Callable[[str], str]:
    """The `_` for a command's messages: `--lang` when given, else the terminal's language."""
    return translator(lang or cli_language())


@contextmanager
def exit_on_flow_error() -> Iterator[None]:
    """Print the checker's problems and exit 1 instead of a traceback."""
    try:
        yield
    except FlowError as error:
        for problem in error.problems:
            typer.echo(problem.render() if isinstance(problem, Problem) else str(problem), err=True)
        typer.echo(translate(cli_language(), N_(
            "Los flujos tienen errores: corrige y corre `labor-bot flows check`.")), err=True)
        raise typer.Exit(1) from None
