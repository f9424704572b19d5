"""Translations and locale formatting: Spanish source texts, gettext catalogs under locales/.

Every text the bot says is written once in Spanish (flow files, content files and `N_()`
markers in Python) and looked up at run time in `locales/<lang>/LC_MESSAGES/messages.mo`.
A text with no translation falls back to Spanish.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from bot.paths import LOCALES_DIR

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
BABEL_LOCALES = {"es": "es_MX", "en": "en_US"}
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Marks a Spanish source text for extraction; translated later with `translate`."""
    return message


def language_from_hint(hint: str | None) -> str:
    """A channel's language hint ("en-US", "es") as one of our languages; Spanish otherwise."""
    code = (hint or "").split("-")[0].split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


# Short, frequent words of each language (accents removed). Words both languages write ("a",
# "no", "me", "mi", "ok", "menu") are in neither list, so they decide nothing.
_SPANISH = """
de la que el en y los se del las un por con una su para es al lo como mas pero sus le ya o
si porque esta estoy estan tengo tiene tienen hay hola buenas buenos buen dias tardes noches
gracias quiero necesito trabajo patron patrona jefe pagan pago pagaron donde cuando cuanto
cuantos q pq xq ayuda hago nos te yo tu ella el ellos nada ni sin sobre puedo pueden debo
hacer soy fue era ayer hoy dia semana mes ano horas corrieron despidieron renuncie dieron
salario sueldo mucho tambien aqui alla tal oye oiga senorita
"""
_ENGLISH = """
the to of and in is it you that for on with my i do does did have has had they them what how
where can could pay paid work job boss hi hello hey thanks thank please am are was were be not
yes extra overtime fired want need get help this from at an will would should if there their
about your our we he she his her just know much many hours week day today yesterday quit got
"""
_SPANISH_WORDS = frozenset(_SPANISH.split())
_ENGLISH_WORDS = frozenset(_ENGLISH.split())


def language_in(text: str, *, strict: bool = False) -> str | None:
    """The language a message is written in, when its short common words say so clearly.

    Counts each language's frequent words (`hola` is Spanish, `hi` English). A first message
    needs only more of one than of the other (`strict=False`); to switch a conversation already
    going (`strict=True`) a message needs at least three and three times as many as the other.
    """
    words = [w for w in re.split(r"[^\w]+", _plain(text)) if w]
    spanish = sum(w in _SPANISH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    high, low, lang = max((spanish, english, "es"), (english, spanish, "en"))
    if strict:
        return lang if high >= 3 and high >= 3 * low else None
    return lang if high > low else None


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _PoTranslations(gettext.NullTranslations):
    """Translations read straight from a .po file, when its .mo is missing or stale."""

    def __init__(self, po: Path) -> None:
        super().__init__()
        with po.open("rb") as handle:
            catalog = read_po(handle)
        self._messages = {str(m.id): str(m.string) for m in catalog
                          if m.id and m.string and not m.fuzzy}

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)


@lru_cache(maxsize=8)
def _catalog(lang: str) -> gettext.NullTranslations:
    folder = LOCALES_DIR / lang / "LC_MESSAGES"
    po, mo = folder / "messages.po", folder / "messages.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if po.exists():
        return _PoTranslations(po)  # `make i18n` compiles it; until then, read the source
    return gettext.NullTranslations()


def translate(lang: str, message: str) -> str:
    """The text in `lang`, or the Spanish source when there is no translation."""
    if lang == DEFAULT_LANGUAGE or not message:
        return message
    return _catalog(lang).gettext(message)


def translator(lang: str) -> Callable[[str], str]:
    """A `_` function for one language, for code that says many things in a row."""
    return lambda message: translate(lang, message)


def reload_catalogs() -> None:
    """Read the catalogs again (after `make i18n` recompiled them)."""
    _catalog.cache_clear()
    preload_catalogs()


def preload_catalogs() -> None:
    """Read every language's catalog now, so answering a worker never waits on the disk."""
    for lang in LANGUAGES[1:]:
        _catalog(lang)


def fill(text: str, values: Mapping[str, Any]) -> str:
    """Replace `{name}` placeholders; a name with no value (e.g. not kept without consent) is
    left empty rather than shown to the worker as `{name}`."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def format_money(amount: Decimal | float, lang: str) -> str:
    """An amount in Mexican pesos for the worker's locale: `$1,234.50`."""
    return format_currency(amount, "MXN", locale=BABEL_LOCALES.get(lang, "es_MX"))


def format_day(day: date, lang: str) -> str:
    """A date in words for the worker's locale: `7 de marzo de 2025`, `March 7, 2025`."""
    return babel_format_date(day, format="long", locale=BABEL_LOCALES.get(lang, "es_MX"))


def format_marker_in(text: str) -> tuple[str, str] | None:
    """A `%` sequence Babel would take for a python-format placeholder, with its context.

    Babel then flags the text `python-format` and `pybabel compile` (`make i18n`) fails when
    the translation does not repeat it, so checkers report it before it gets that far.
    """
    marker = PYTHON_FORMAT.search(text)
    if marker is None:
        return None
    return marker.group(0), text[max(0, marker.start() - 3): marker.end() + 2].strip()
