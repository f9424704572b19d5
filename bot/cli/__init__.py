"""The `labor-bot` command: one Typer app, with one module per family of sub-commands."""

from __future__ import annotations

import typer

from bot.cli import (
    ask,
    backup,
    calc,
    chat,
    directory,
    doctor,
    flows,
    handoff,
    referrals,
    serve,
    telegram,
    worker,
    workshops,
)

app = typer.Typer(
    help="labor-bot: a labor-rights bot for workers in Mexico.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(flows.app, name="flows")
app.add_typer(calc.app, name="calc")
app.add_typer(telegram.app, name="telegram")
app.add_typer(directory.app, name="directory")
app.add_typer(referrals.app, name="referrals")
app.add_typer(handoff.app, name="handoff")
app.add_typer(workshops.app, name="workshops")
app.command("worker")(worker.worker)
app.command("serve")(serve.serve)
app.command("ask")(ask.ask)
app.command("chat")(chat.chat)
app.command("doctor")(doctor.doctor)
app.command("backup")(backup.backup_command)
app.command("restore")(backup.restore_command)


def main() -> None:
    app()
