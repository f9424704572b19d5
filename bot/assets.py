"""Loads everything a running bot needs from the flows/ folder: the checked flows and their data."""

from __future__ import annotations

from pathlib import Path

from bot.flowset import FlowSet, load_flowset
from bot.topics import load_topics

FLOWS_DIR = Path(__file__).resolve().parents[1] / "flows"


def load_assets(directory: Path = FLOWS_DIR) -> FlowSet:
    """The flow set the engine runs, with its data. Raises `FlowError` if a checker finds errors."""
    flows = load_flowset(directory)
    if (directory / "topics").is_dir():
        flows.data["topics"] = load_topics(directory / "topics")
    flows.data["flow_names"] = frozenset(flows.flows)
    return flows
