"""`labor-bot ask TEXT`: which rights topic a question is about. Being written in the rights issue."""

from __future__ import annotations

import typer


def ask(text: str = typer.Argument(..., help="The question, as a worker would type it.")) -> None:
    """Find the rights topic a question is about."""
    raise typer.Exit(2)
