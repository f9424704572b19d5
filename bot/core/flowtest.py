"""Conversation scripts that protect a flow: the worker says X, the bot's reply contains Y.

A script (YAML, under tests/flows/) looks like this:

    name: Bienvenida y menú
    lang: es                 # the language the worker's phone reports
    channel: whatsapp        # optional
    clock: 2026-12-02T03:30:00Z   # optional: when it starts (default 2 Mar 2026, 15:00 UTC)
    steps:
      - send: hola
        expect:
          reply: [Hola, de acuerdo]   # each text appears in the bot's replies
          state: main.privacy         # where the conversation stands afterwards
      - send: si
        expect: {state: main.menu, effects: [consent]}
      - press: 3                      # press button 3 of the last menu
      - location: [19.43, -99.13]     # share a location
      - wait_minutes: 180             # let time pass before the next message
      - press: 1                      # in a state with `await:`, what the outside world
        answer: {outcome: confirmed, data: {code: K7P3QX}}   # answers (a seat, say)

Expectations: `reply` (texts that must appear), `no_reply` (texts that must not),
`choices` (labels the last menu offers), `state` (flow.state), `vars` (saved answers),
`effects` (kinds of records written), `deleted: true` (the session is gone), `lang`.
Comparisons ignore case and accents. `labor-bot flows test` and pytest run every script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.engine import answer_request, pending_request, step
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.session import Session
from bot.core.textnorm import normalize
from bot.core.turn import Reply
from bot.yamlsource import YamlSyntaxError, plain, read_yaml

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a fixed clock: scripts are reproducible


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expect(_Strict):
    reply: str | list[str] = Field(default_factory=list)
    no_reply: str | list[str] = Field(default_factory=list)
    choices: list[str] | None = None
    state: str | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    effects: list[str] | None = None
    deleted: bool = False
    lang: str | None = None


class Answer(_Strict):
    """What the service's resolver would answer to the flow's `await` request."""

    outcome: str
    data: dict[str, Any] = Field(default_factory=dict)


class Step(_Strict):
    send: str | None = None
    press: int | str | None = None
    location: tuple[float, float] | None = None
    sticker: bool = False
    wait_minutes: int = 0
    answer: Answer | None = None
    expect: Expect = Field(default_factory=Expect)


class Script(_Strict):
    name: str
    lang: str = "es"
    channel: str = "whatsapp"
    clock: datetime = Field(START, description="when the first message arrives (UTC unless the "
                            "time says otherwise), e.g. 2026-12-02T03:30:00Z: 21:30 in CDMX")
    steps: list[Step] = Field(min_length=1)

    @field_validator("clock")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass
class ScriptResult:
    path: Path
    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def run_script(path: Path, flows: FlowSet) -> ScriptResult:
    try:
        doc = read_yaml(path)
        script = Script.model_validate(plain(doc.data))
    except YamlSyntaxError as error:
        return ScriptResult(path, path.name, [f"{path}:{error.line}: {error.message}"])
    except ValidationError as error:
        return ScriptResult(path, path.name, [f"{path}: {e['loc']}: {e['msg']}" for e in error.errors()])
    result = ScriptResult(path, script.name)
    runner = _Conversation(flows, script)
    for i, item in enumerate(script.steps):
        line = doc.line_of(("steps", i))
        problems = runner.play(item)
        result.failures += [f"{path}:{line}: paso {i + 1}: {p}" for p in problems]
        if problems:
            break  # later steps would only repeat the same mistake
    return result


class _Conversation:
    def __init__(self, flows: FlowSet, script: Script) -> None:
        self.flows, self.script = flows, script
        self.session: Session | None = None
        self.now = script.clock
        self.last: tuple[Reply, ...] = ()
        self.count = 0

    def play(self, item: Step) -> list[str]:
        self.now += timedelta(minutes=item.wait_minutes, seconds=1)
        self.count += 1
        event = self._event(item)
        if isinstance(event, str):
            return [event]
        turn = step(self.flows, self.session, event, self.now)
        request = pending_request(turn)
        if request is not None:
            if item.answer is None:
                return [f"el flujo espera «{request.data.get('name')}»: agrega «answer:» a este paso"]
            name = str(request.data.get("name"))
            known = self.flows.actions.requests.get(name)
            if known is not None and item.answer.outcome not in known.outcomes:
                return [f"«{name}» nunca responde «{item.answer.outcome}»; responde: "
                        f"{', '.join(sorted(known.outcomes))}"]
            turn = answer_request(self.flows, turn, event, item.answer.outcome, item.answer.data,
                                  self.now)
        elif item.answer is not None:
            return ["este paso trae «answer:» pero el flujo no esperaba nada"]
        self.session, self.last = turn.session, turn.replies
        return _check(item.expect, turn.session, turn.replies, [e.kind for e in turn.effects])

    def _event(self, item: Step) -> Event | str:
        base: dict[str, Any] = {"channel": self.script.channel, "user": "script",
                                "message_id": str(self.count), "lang_hint": self.script.lang}
        if item.send is not None:
            return Event(EventKind.TEXT, text=item.send, **base)
        if item.location is not None:
            lat, lon = item.location
            return Event(EventKind.LOCATION, latitude=lat, longitude=lon, **base)
        if item.sticker:
            return Event(EventKind.UNSUPPORTED, **base)
        if item.press is not None:
            choices = next((r.choices for r in reversed(self.last) if r.choices), ())
            labels = [normalize(c.label) for c in choices]
            wanted = str(item.press)
            if wanted.isdigit() and 0 < int(wanted) <= len(choices):
                return Event(EventKind.CHOICE, value=choices[int(wanted) - 1].value, **base)
            if normalize(wanted) in labels:
                picked = choices[labels.index(normalize(wanted))]
                return Event(EventKind.CHOICE, value=picked.value, **base)
            return f"no hay botón «{item.press}» en el último menú: {[c.label for c in choices]}"
        return "cada paso necesita send, press, location o sticker"


def _check(
    expect: Expect, session: Session | None, replies: tuple[Reply, ...], effects: list[str]
) -> list[str]:
    said = normalize(" ".join(r.text for r in replies))
    shown = " | ".join(r.text for r in replies) or "(sin respuesta)"
    problems = [f"la respuesta no contiene «{t}»; dijo: {shown}" for t in _list(expect.reply)
                if normalize(t) not in said]
    problems += [f"la respuesta no debía contener «{t}»" for t in _list(expect.no_reply)
                 if normalize(t) in said]
    if expect.choices is not None:
        offered = [c.label for c in next((r.choices for r in reversed(replies) if r.choices), ())]
        if [normalize(c) for c in expect.choices] != [normalize(c) for c in offered]:
            problems.append(f"opciones esperadas {expect.choices}, ofrecidas {offered}")
    if expect.deleted and session is not None:
        problems.append("la sesión debía quedar borrada")
    if session is not None:
        problems += _check_session(expect, session)
    elif expect.state or expect.vars:
        problems.append("no hay sesión (se borró)")
    if expect.effects is not None and sorted(expect.effects) != sorted(effects):
        problems.append(f"registros esperados {expect.effects}, escritos {effects}")
    return problems


def _check_session(expect: Expect, session: Session) -> list[str]:
    problems = []
    where = f"{session.flow}.{session.state}"
    if expect.state and expect.state != where:
        problems.append(f"estado esperado {expect.state}, está en {where}")
    for name, value in expect.vars.items():
        if session.vars.get(name) != value:
            problems.append(f"variable {name}: esperaba {value!r}, tiene {session.vars.get(name)!r}")
    if expect.lang and session.lang != expect.lang:
        problems.append(f"idioma esperado {expect.lang}, es {session.lang}")
    return problems


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value
