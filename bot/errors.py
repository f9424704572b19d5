"""Every error the bot raises on purpose, in one place.

    BotError
     ├── FlowError          a set of flow files failed the checker and cannot be served
     ├── StoreUnavailable   the session store (Redis) could not be reached; nothing was applied
     ├── StoreConflict      a message kept losing the race for one worker's session; nothing was applied
     └── InputError         a command-line argument or data value is invalid; the message says what to fix
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.problems import Problem


class BotError(Exception):
    """Base of the errors the bot raises on purpose."""


class FlowError(BotError):
    """Raised when flow files have errors; `problems` holds the checker's findings."""

    def __init__(self, problems: Sequence[Problem | str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(problems)} problem(s) in the flow files")

    def __str__(self) -> str:
        render = [p if isinstance(p, str) else p.render() for p in self.problems]
        return "\n".join([f"{len(self.problems)} problema(s):", *render])


class StoreUnavailable(BotError):
    """Raised when the session store cannot be reached; the message was not applied."""


class StoreConflict(BotError):
    """Raised when a message could not be committed after the bounded number of retries."""


class InputError(BotError):
    """Raised for invalid user-supplied values (CLI arguments, data files); says what to fix."""
