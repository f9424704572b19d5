"""`load_assets(directory)`: the checked flows and the typed data they draw on, from a flows/ folder.

This is where the disk is read, once at start and on every reload: flow files through the
checker, then `data/` (states, centers, public systems, contacts, workshops, minimum wages,
dated figures), `texts/`, `topics/` and `matching/`. A folder without some of them gets empty
data for those parts (and the built-in system texts).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bot.assets import Assets
from bot.complaint.directory import Contact, ContactType, Directory, Listing
from bot.complaint.directory_file import load_contacts, load_directory, load_public_systems
from bot.complaint.mxstates import StateTable, load_states
from bot.core.flowset import FlowSet
from bot.core.loading import load_flowset
from bot.errors import FlowError
from bot.features import builtin_catalog
from bot.i18n import preload_catalogs
from bot.paths import FLOWS_DIR
from bot.problems import Severity
from bot.rights.figures import NO_FIGURES, load_dated_figures
from bot.rights.matcher import TopicMatcher
from bot.rights.search import RightsSearch
from bot.rights.synonyms import synonym_problems
from bot.rights.topics import TopicCatalog, load_topics
from bot.severance.minimum_wage import MinimumWageTable, load_minimum_wages
from bot.systemtexts import SYSTEM_TEXTS_FILE, load_system_texts
from bot.workshops.table import load_workshops

T = TypeVar("T")


def load_assets(directory: Path = FLOWS_DIR, production: bool = False,
                pinned_data: Path | None = None) -> FlowSet:
    """The flow set the engine runs, with its data and the free-text search.

    In production the sample centers and workshops (`example: true`) are left out. A data file
    found in `pinned_data` takes the place of the one in `directory/data`: the conversation
    scripts pin the centers and workshops they expect, so editing the live ones never breaks them.
    Raises `FlowError` if a checker finds errors, so a broken edit never reaches workers.
    """
    flows = load_flowset(directory, builtin_catalog())
    names = frozenset(flows.flows)
    data = _DataFolder(directory / "data", pinned_data)
    states = _if_there(data / "states.yaml", load_states, StateTable(()))
    wages = data / "minimum_wages.yaml"
    figures = _if_there(data / "dated_figures.yaml", load_dated_figures, NO_FIGURES)
    topics = (load_topics(directory / "topics", figures=figures.names)
              if (directory / "topics").is_dir() else None)
    contacts = _if_there(data / "contacts.yaml", load_contacts, Listing(()))
    flows.urgent_lines = urgent_lines(contacts)
    flows.texts = load_system_texts(directory / SYSTEM_TEXTS_FILE)
    flows.assets = Assets(
        flow_names=names,
        states=states,
        directory=_if_there(data / "directory.yaml",
                            lambda path: load_directory(path, production, states), Directory(())),
        public_systems=_if_there(data / "public_systems.yaml", load_public_systems, Listing(())),
        contacts=contacts,
        workshops=load_workshops(data / "workshops.yaml", production=production),
        minimum_wages=_if_there(wages, load_minimum_wages, MinimumWageTable({}, wages)),
        topics=topics or TopicCatalog([], {}),
        figures=figures,
    )
    if topics is not None:
        synonyms = directory / "matching" / "synonyms.yaml"
        errors = [p for p in synonym_problems(synonyms) if p.severity is Severity.ERROR]
        if errors:
            raise FlowError(errors)
        flows.fallback = RightsSearch(topics, TopicMatcher.from_catalog(topics, synonyms), names, figures)
    preload_catalogs()
    return flows


CRISIS_LINE = "crisis_line"  # the contact id of the crisis line (Línea de la Vida)


def urgent_lines(contacts: Listing) -> dict[str, str]:
    """The confirmed numbers the urgent answer gives: 911, the anti-trafficking line, the crisis line."""
    usable = [c for c in contacts.entries if isinstance(c, Contact) and c.phone and not c.check]
    found: dict[str, str] = {}
    for key, wanted in (("emergency", lambda c: c.type is ContactType.EMERGENCY),
                        ("trafficking", lambda c: c.type is ContactType.TRAFFICKING),
                        ("crisis", lambda c: c.id == CRISIS_LINE)):
        line = next((c for c in usable if wanted(c)), None)
        if line is not None and line.phone:
            found[key] = line.phone
    return found


class _DataFolder:
    """`folder / name`: the pinned copy of a data file when there is one, else the live one."""

    def __init__(self, live: Path, pinned: Path | None) -> None:
        self.live, self.pinned = live, pinned

    def __truediv__(self, name: str) -> Path:
        if self.pinned is not None and (self.pinned / name).exists():
            return self.pinned / name
        return self.live / name


def _if_there(path: Path, load: Callable[[Path], T], empty: T) -> T:
    return load(path) if path.exists() else empty
