"""`load_flowset(directory, catalog)`: check the flow files and build the `FlowSet` the engine runs."""

from __future__ import annotations

from pathlib import Path

from bot.core.actions import ActionCatalog
from bot.core.checker import check_flow_files
from bot.core.flowset import MAIN_FLOW, FlowSet
from bot.errors import FlowError
from bot.problems import has_errors


def load_flowset(directory: Path, catalog: ActionCatalog, assets: object = None) -> FlowSet:
    """Check and load every flow in `directory`; raise `FlowError` if any has an error."""
    report = check_flow_files(directory, catalog)
    if has_errors(report.problems):
        raise FlowError([p for p in report.problems if p.severity == "error"])
    if MAIN_FLOW not in report.sources:
        raise FlowError([f"{directory}: no flow named '{MAIN_FLOW}'"])
    flows = {name: source.flow for name, source in report.sources.items()}
    return FlowSet(flows=flows, actions=catalog, assets=assets, warnings=report.problems)
