"""The one CSV writer of every export and the terminal cleaning of the staff commands."""

from __future__ import annotations

import csv
import io

import pytest

from bot.cli.workshops import csv_bytes
from bot.staffout import csv_text, defuse, json_safe, terminal_safe


@pytest.mark.parametrize("cell", ["=1+1", "+cmd", "-2+3 rampa", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_excel_would_run_gets_a_leading_apostrophe(cell: str) -> None:
    assert defuse(cell).startswith("'")
    (row,) = csv.DictReader(io.StringIO(csv_text([{"a": cell}], ["a"])))
    assert row["a"].startswith("'")


@pytest.mark.parametrize("cell", ["Ana Pérez", "5 de mayo", "", "a=b", "Textiles - ABC"])
def test_ordinary_cells_are_left_alone(cell: str) -> None:
    assert defuse(cell) == cell


def test_control_characters_are_escaped_and_newlines_kept_only_when_asked() -> None:
    text = "hola \x1b[2J\x1b]0;pwned\x07 \x9b31m\x00\r\nfin"
    assert terminal_safe(text) == "hola \\x1b[2J\\x1b]0;pwned\\x07 \\x9b31m\\x00\\r\\nfin"
    assert terminal_safe(text, newlines=True).endswith("\\r\nfin")
    assert defuse("x\x1b[31m\ny") == "x\\x1b[31m\ny"
    assert json_safe('"\x9b"') == '"\\u009b"'


def test_the_workshops_export_uses_the_same_writer() -> None:
    row_in = {"codigo": "AB12", "nombre": "=HYPERLINK(1)", "apoyo": "\x1b[2Jrampa"}
    data = csv_bytes([row_in]).decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(data))
    assert row["nombre"] == "'=HYPERLINK(1)" and row["apoyo"] == "\\x1b[2Jrampa"
