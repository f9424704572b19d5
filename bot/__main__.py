"""Lets `python -m bot` run the `labor-bot` command."""

from bot.cli import main

main()
