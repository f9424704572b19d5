"""Picks up edited flow files without a restart: a folder watcher and `SIGHUP`.

A new set is served only if it passes the checker; otherwise the errors are logged and the
last good set keeps serving.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from bot.core.flowset import FlowSet
from bot.errors import FlowError
from bot.i18n import reload_catalogs
from bot.loader import load_assets
from bot.problems import Problem

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """Every file under `directory` with its modification time and size."""
    found: list[tuple[str, int, int]] = []
    for path in directory.rglob("*"):
        try:
            if path.is_file():
                stat = path.stat()
                found.append((str(path.relative_to(directory)), stat.st_mtime_ns, stat.st_size))
        except OSError:
            continue  # removed while we looked
    return tuple(sorted(found))


class FlowReloader:
    def __init__(
        self,
        directory: Path,
        apply: Callable[[FlowSet], None],
        interval: float,
        on_result: Callable[[str], None] = lambda result: None,
        load: Callable[[Path], FlowSet] = load_assets,
    ) -> None:
        """`load` reads and checks a folder (with the server's production flag); `apply` installs
        a checked set or raises `FlowError`; `on_result` hears "ok" or "refused" (for metrics)."""
        self.directory = directory
        self.load = load
        self.apply = apply
        self.interval = interval
        self.on_result = on_result
        self._seen = fingerprint(directory)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[bool]] = set()

    async def reload(self, reason: str) -> bool:
        """Load and check the folder; serve the new set if it is sound. True when applied."""
        async with self._lock:
            self._seen = fingerprint(self.directory)
            try:
                flows = await asyncio.to_thread(self.load, self.directory)
                self.apply(flows)
            except FlowError as error:
                for problem in error.problems:
                    text = problem.render() if isinstance(problem, Problem) else str(problem)
                    log.error("flow problem", extra={"problem": text})
                log.error("flows refused: the last good set keeps serving",
                          extra={"reason": reason, "problems": len(error.problems)})
                self.on_result("refused")
                return False
            except Exception:
                log.exception("flows could not be read: the last good set keeps serving")
                self.on_result("refused")
                return False
            reload_catalogs()
            log.info("flows reloaded", extra={"reason": reason, "flows": len(flows.flows)})
            self.on_result("ok")
            return True

    async def watch(self, stop: asyncio.Event) -> None:
        """Every `interval` seconds, reload if any file under the folder changed."""
        if self.interval <= 0:
            return
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.interval)
            except TimeoutError:
                if await asyncio.to_thread(fingerprint, self.directory) != self._seen:
                    await self.reload("changed")

    def listen_for_sighup(self) -> bool:
        """Reload on SIGHUP; False where signals cannot be handled (not the main thread)."""
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGHUP, self._on_sighup)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError):
            return False
        return True

    def stop_listening(self) -> None:
        with suppress(RuntimeError, ValueError, NotImplementedError, AttributeError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def _on_sighup(self) -> None:
        task = asyncio.get_running_loop().create_task(self.reload("SIGHUP"))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
