"""`Assets`: the typed data a running bot's actions read, loaded once from flows/ by `bot.loader`.

The engine carries it without looking inside (`FlowSet.assets`), and each action reads its part
through `ctx.assets`. Nothing here touches the disk: an empty `Assets()` is a bot with no centers,
no workshops, no topics and no dated figures, which is what a test or a flow folder without data files gets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.complaint.directory import Directory, Listing
from bot.complaint.mxstates import StateTable
from bot.rights.figures import NO_FIGURES, DatedFigures
from bot.rights.topics import TopicCatalog
from bot.severance.minimum_wage import MinimumWageTable
from bot.workshops.table import WorkshopTable


@dataclass(frozen=True, slots=True)
class Assets:
    flow_names: frozenset[str] = frozenset()  # the installed flows, for "what next" buttons
    states: StateTable = field(default_factory=lambda: StateTable(()))
    directory: Directory = field(default_factory=lambda: Directory(()))
    public_systems: Listing = field(default_factory=lambda: Listing(()))
    contacts: Listing = field(default_factory=lambda: Listing(()))
    workshops: WorkshopTable = field(default_factory=lambda: WorkshopTable({}))
    minimum_wages: MinimumWageTable = field(default_factory=lambda: MinimumWageTable({}))
    topics: TopicCatalog = field(default_factory=lambda: TopicCatalog([], {}))
    figures: DatedFigures = NO_FIGURES  # the `{name}` figures rights answers fill by date
