"""CI fails when a catalog is stale: the texts in the code and the flows are those of locales/."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES
from bot.paths import LOCALES_DIR


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        catalog: Catalog = read_po(handle)
    return {str(m.id) for m in catalog if m.id}


def test_messages_pot_and_every_po_hold_exactly_the_texts_extracted_now(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    # The same extraction as `make i18n` (header dates differ; only the texts are compared).
    args = ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(fresh), "--sort-output",
            "--no-location", "--width", "100", "."]
    CommandLineInterface().run(args)  # type: ignore[no-untyped-call]
    extracted = _ids(fresh)
    pot = _ids(LOCALES_DIR / "messages.pot")
    assert extracted, "nothing was extracted"
    assert pot == extracted, (
        "locales/messages.pot is stale: run `make i18n` and translate the new texts. "
        f"New: {sorted(extracted - pot)[:5]} Gone: {sorted(pot - extracted)[:5]}")
    for lang in LANGUAGES[1:]:
        po = _ids(LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po")
        assert po == extracted, f"locales/{lang} is stale: run `make i18n`"
