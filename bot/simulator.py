"""The terminal simulator: talk to the bot as a worker would, on WhatsApp or Telegram.

Each line you type is one message. `/ubicacion LAT LON` shares a location, `/sticker` sends
something that is not text, `/salir` (or Ctrl-D) quits. On Telegram, typing a button's
number presses it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

from bot.core.events import Event, EventKind
from bot.core.turn import Reply
from bot.render import render_terminal
from bot.service import BotService

USER = "terminal-user"


class Simulator:
    def __init__(self, service: BotService, channel: str, lang: str) -> None:
        self.service = service
        self.channel = channel
        self.lang = lang
        self.last: tuple[Reply, ...] = ()
        self._ids = itertools.count(1)

    def event_for(self, line: str) -> Event | None:
        text = line.strip()
        event = Event(EventKind.TEXT, self.channel, USER, str(next(self._ids)), text=line,
                      lang_hint=self.lang)
        if text.startswith(("/ubicacion", "/location")):
            try:
                _, lat, lon = text.split()
                return replace(event, kind=EventKind.LOCATION, text="", latitude=float(lat),
                               longitude=float(lon))
            except ValueError:
                return None
        if text == "/sticker":
            return replace(event, kind=EventKind.UNSUPPORTED, text="")
        button = self._button(text)
        if button is not None:
            return replace(event, kind=EventKind.CHOICE, value=button)
        return event

    def _button(self, text: str) -> str | None:
        """On Telegram a number stands for pressing that button of the last menu."""
        choices = next((r.choices for r in reversed(self.last) if r.choices), ())
        if self.channel != "telegram" or not text.isdigit() or not choices:
            return None
        index = int(text) - 1
        return choices[index].value if 0 <= index < len(choices) else None

    async def send(self, line: str) -> list[str]:
        event = self.event_for(line)
        if event is None:
            return ["(uso: /ubicacion 19.43 -99.13)"]
        self.last = await self.service.handle(event)
        return [render_terminal(reply, self.channel) for reply in self.last]


async def run_chat(service: BotService, channel: str, lang: str,
                   read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
    simulator = Simulator(service, channel, lang)
    write(f"labor-bot · {channel} · {lang} — escribe /salir para terminar, /sticker, "
          "/ubicacion LAT LON")
    while True:
        try:
            line = read("> ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.strip() in ("/salir", "/quit", "/exit"):
            return
        for block in await simulator.send(line):
            write(block)
            write("")
