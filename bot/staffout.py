"""Safe output for staff: the one CSV writer of every export, and text cleaned for terminals.

What a worker wrote (or anyone on the web chat) reaches staff through exports and the staff
commands. Two things must not ride along: a spreadsheet formula (a cell starting `=`, `+`,
`-`, `@`, tab or CR is run by Excel or LibreOffice), and terminal control sequences (ANSI
escapes can clear the screen, recolour it, fake lines or set the window title).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is run as a formula
# C0 controls, DEL and C1 controls (0x80-0x9f: a lone 0x9b is CSI on some terminals).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


def terminal_safe(text: object, *, newlines: bool = False) -> str:
    """`text` with every control character written as a visible escape (`\\x1b`, `\\n`…).

    With `newlines`, line breaks are kept (for texts the bot itself wrote over several lines).
    """
    pattern = _CONTROL_BUT_NEWLINE if newlines else _CONTROL
    return pattern.sub(_escape, "" if text is None else str(text))


def defuse(value: object) -> str:
    """A CSV cell: control characters escaped (newlines kept) and formulas made plain text."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text  # before escaping, so a leading tab or CR is caught too
    return _CONTROL_BUT_NEWLINE.sub(_escape, text)


def csv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str], *,
             lineterminator: str = "\n") -> str:
    """Every export's CSV: the given columns, each cell through `defuse`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator=lineterminator)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: defuse(row.get(column)) for column in columns})
    return buffer.getvalue()


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL and C1 controls escaped.

    `json.dumps` escapes C0 itself; these it leaves raw, and they stay valid JSON as `\\u00XX`.
    """
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group(0)):04x}", text)
