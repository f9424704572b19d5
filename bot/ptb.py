"""Values python-telegram-bot hands back, read one way for the server and the worker."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning


def retry_after_seconds(exc: RetryAfter) -> float:
    """How long Telegram asks us to wait, in seconds.

    python-telegram-bot 22 gives an int and warns that version 23 will give a `timedelta`
    unless `PTB_TIMEDELTA=true` is set (`bot.settings.prepare_process` sets it at start-up);
    both types are read here, and the warning silenced, whichever way the variable is set.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
