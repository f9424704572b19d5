"""`labor-bot calc …`: calculators (severance and final pay). Being written in the rights issue."""

from __future__ import annotations

import typer

app = typer.Typer(help="Calculators.", no_args_is_help=True)
