"""Turns replies into what each channel shows: numbered lists for WhatsApp, buttons for Telegram.

Long texts are split at sentence boundaries to the channel's limit (WhatsApp via Twilio 1600
characters, Telegram 4096), so nothing is cut mid-word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.turn import Choice, Reply

WHATSAPP_LIMIT = 1600
TELEGRAM_LIMIT = 4096
_BREAK = re.compile(r"[.!?…](?=\s)|\n")  # a sentence ends, or a line does


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut after a sentence (or else a word) when possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        ends = [m.end() for m in _BREAK.finditer(window) if m.end() <= limit]
        cut = ends[-1] if ends and ends[-1] > limit // 3 else window.rfind(" ")
        cut = cut if cut > 0 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


def numbered(choices: Sequence[Choice]) -> str:
    return "\n".join(f"{i}. {choice.label}" for i, choice in enumerate(choices, 1))


def render_whatsapp(reply: Reply) -> list[str]:
    """One or more WhatsApp bodies: the text, then the options as a numbered list."""
    text = reply.text if not reply.choices else f"{reply.text}\n\n{numbered(reply.choices)}"
    return split_text(text, WHATSAPP_LIMIT)


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    text: str
    buttons: tuple[Choice, ...] = ()  # one inline button per row, on the last piece only


def render_telegram(reply: Reply) -> list[TelegramMessage]:
    pieces = split_text(reply.text, TELEGRAM_LIMIT)
    return [TelegramMessage(p, reply.choices if i == len(pieces) - 1 else ())
            for i, p in enumerate(pieces)]


def render_terminal(reply: Reply, channel: str) -> str:
    """How the simulator prints a reply: as WhatsApp text, or Telegram text with `[n]` buttons."""
    if channel == "whatsapp":
        return "\n---\n".join(render_whatsapp(reply))
    lines = []
    for message in render_telegram(reply):
        lines.append(message.text)
        lines += [f"  [{i}] {b.label}" for i, b in enumerate(message.buttons, 1)]
    return "\n".join(lines)
