"""Loads everything a running bot needs from the flows/ folder: the checked flows and their data."""

from __future__ import annotations

from pathlib import Path

from bot.complaint.directory import load_place_data
from bot.core.flowset import FlowSet, load_flowset
from bot.errors import FlowError
from bot.paths import FLOWS_DIR
from bot.problems import Severity
from bot.rights.matcher import TopicMatcher
from bot.rights.search import RightsSearch
from bot.rights.synonyms import synonym_problems
from bot.rights.topics import load_topics
from bot.workshops.table import DATA_KEY, load_workshops


def load_assets(directory: Path = FLOWS_DIR, production: bool = False) -> FlowSet:
    """The flow set the engine runs, with its data and the free-text search.

    In production the sample centers and workshops (`example: true`) are left out.
    Raises `FlowError` if a checker finds errors, so a broken edit never reaches workers.
    """
    flows = load_flowset(directory)
    flows.data["flow_names"] = frozenset(flows.flows)
    if (directory / "data").is_dir():
        flows.data.update(load_place_data(directory / "data", production))  # states, centers, public systems
        flows.data[DATA_KEY] = load_workshops(directory / "data" / "workshops.yaml",
                                              production=production)
    if (directory / "topics").is_dir():
        catalog = load_topics(directory / "topics")
        flows.data["topics"] = catalog
        synonyms = directory / "matching" / "synonyms.yaml"
        errors = [p for p in synonym_problems(synonyms) if p.severity is Severity.ERROR]
        if errors:
            raise FlowError(errors)
        matcher = TopicMatcher.from_catalog(catalog, synonyms)
        flows.fallback = RightsSearch(catalog, matcher, flows.data["flow_names"])
    return flows
