"""Structured logs for every process: JSON lines, senders as salted hashes, never message text."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else was passed in `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", "color_message"}  # uvicorn's copy of msg with ANSI colours

log = logging.getLogger("labor_bot.messages")
QUIET_LIBRARIES = ("httpx", "httpcore", "telegram", "twilio", "hpack", "urllib3")


def hash_user(salt: str, channel: str, user: str) -> str:
    """A stable pseudonym for a sender: lets logs be followed without naming the person."""
    digest = hashlib.sha256(f"{salt}\0{channel}\0{user}".encode()).hexdigest()
    return digest[:16]


class JsonFormatter(logging.Formatter):
    """`{"ts": …, "level": …, "logger": …, "msg": …, **extra}`, plus the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send every logger (ours, uvicorn's, the libraries') to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):  # uvicorn.access stays as `access_log` left it
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # Whatever LOG_LEVEL says, these libraries stay at WARNING: at INFO or DEBUG they print
    # secrets and personal data. httpx and httpcore log every request URL (the Bot API URL holds
    # the bot token); python-telegram-bot logs the token in "Set Bot API URL" and every call's
    # parameters (chat ids, reply texts); Twilio's client logs every request (account SID, her
    # number, the text). Their warnings and errors name no payload.
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def log_message(
    channel: str, sender: str, kind: str, outcome: str, replies: int, seconds: float
) -> None:
    """The one line per incoming message. `sender` is already hashed."""
    log.info(
        "message",
        extra={
            "channel": channel,
            "sender": sender,
            "kind": kind,
            "outcome": outcome,
            "replies": replies,
            "ms": round(seconds * 1000, 1),
        },
    )
