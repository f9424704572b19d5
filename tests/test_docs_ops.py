"""The operator's docs agree with the code: every WhatsApp template setting the worker reads, with the
exact text and placeholders it fills; the retention table names every kind of key a backup holds."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import PLACEHOLDER, translate
from bot.settings import WHATSAPP_TEMPLATE_VARS
from bot.workshops.senders import TEMPLATE_NAMES, TEXTS, template_sids

DOCS = Path(__file__).resolve().parents[1] / "docs"
ROW = re.compile(r"^\| `(WHATSAPP_TEMPLATE_[A-Z_]+)` \|[^|]*\|[^|]*\| (es|en) \| `([^`]+)` \|", re.M)


class Recorder(dict[str, str]):
    """A mapping that remembers every name looked up in it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def get(self, key: str, default: object = None) -> str:
        self.asked.append(key)
        return ""


def templates_table() -> dict[str, tuple[str, str]]:
    text = (DOCS / "whatsapp-templates.md").read_text(encoding="utf-8")
    rows = ROW.findall(text)
    table = {name: (lang, body) for name, lang, body in rows}
    assert len(table) == len(rows), "a setting appears twice in the table"
    return table


def test_the_table_names_exactly_the_settings_the_worker_reads() -> None:
    reader = Recorder()
    assert template_sids(reader) == {}
    assert set(templates_table()) == set(reader.asked) == set(WHATSAPP_TEMPLATE_VARS)


def numbered(text: str, order: list[str]) -> str:
    """`{title}` -> `{{1}}`, numbered in the order of the Spanish text's placeholders."""
    return PLACEHOLDER.sub(lambda m: f"{{{{{order.index(m.group(1)) + 1}}}}}", text)


def test_each_template_text_is_what_the_worker_fills() -> None:
    table = templates_table()
    for kind, name in TEMPLATE_NAMES.items():
        for discreet in ("", "_discreet"):
            spanish = TEXTS[kind + discreet]
            order = PLACEHOLDER.findall(spanish)  # the worker numbers them in this order
            for lang in ("es", "en"):
                setting = f"WHATSAPP_TEMPLATE_{name}{discreet.upper()}" + ("_EN" if lang == "en" else "")
                expected = numbered(translate(lang, spanish), order)
                assert table[setting] == (lang, expected), setting
                assert f"{{{{{len(order)}}}}}" in expected and f"{{{{{len(order) + 1}}}}}" not in expected


def test_the_backup_doc_has_its_section_and_a_row_per_kind_of_key() -> None:
    text = (DOCS / "backups.md").read_text(encoding="utf-8")
    assert "## Copias de seguridad / Backups" in text
    for key in ("lb:r:{F}", "lb:idx:<kind>", "lb:{ws:W}:", "lb:{notices}:", "lb:{channel:user}:s"):
        assert key in text, key
