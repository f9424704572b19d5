"""The actions and `await:` requests the shipped flows may name: every feature's catalog, merged."""

from __future__ import annotations

from bot import privacy
from bot.complaint import actions as complaint
from bot.complaint import centers, person
from bot.core.actions import ActionCatalog
from bot.rights import actions as rights
from bot.severance import actions as severance
from bot.workshops import actions as workshops

FEATURES = (privacy, rights, complaint, centers, person, severance, workshops)


def builtin_catalog() -> ActionCatalog:
    """A fresh catalog of every feature's actions and requests (a name used twice is an error)."""
    return ActionCatalog.merged(feature.ACTIONS for feature in FEATURES)
