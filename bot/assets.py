"""Loads everything a running bot needs from the flows/ folder: the checked flows and their data."""

from __future__ import annotations

from pathlib import Path

from bot.flowset import FlowSet, load_flowset

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"


def load_assets(directory: Path = FLOWS_DIR) -> FlowSet:
    """The flow set the engine runs. Raises `FlowError` if the checker finds errors."""
    return load_flowset(directory)
