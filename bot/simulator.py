"""The terminal simulator: talk to the bot as a worker would, on WhatsApp or Telegram.

Each line you type is one message. `/ubicacion LAT LON` shares a location, `/sticker` sends
something that is not text, `/salir` (or Ctrl-D) quits. On Telegram, typing a button's
number presses it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from bot.events import Event, EventKind
from bot.render import render_terminal
from bot.service import BotService
from bot.turn import Reply

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
        message_id = str(next(self._ids))
        base = {"channel": self.channel, "user": USER, "message_id": message_id,
                "lang_hint": self.lang}
        if text.startswith("/ubicacion") or text.startswith("/location"):
            try:
                _, lat, lon = text.split()
                return Event(EventKind.LOCATION, latitude=float(lat), longitude=float(lon), **base)
            except ValueError:
                return None
        if text == "/sticker":
            return Event(EventKind.UNSUPPORTED, **base)
        button = self._button(text)
        if button is not None:
            return Event(EventKind.CHOICE, value=button, text=text, **base)
        return Event(EventKind.TEXT, text=line, **base)

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
