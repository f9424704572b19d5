"""Normalises what workers type (case, accents, punctuation, spacing) so it can be compared."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """`¡Menú!` -> `menu`; `  Sí,  claro ` -> `si claro`. Keeps letters, digits and single spaces."""
    text = strip_accents(text.casefold())
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()
