"""The pure conversation engine: `step(flows, session, event, now) -> Turn`. No I/O, ever.

A step reads one message against the worker's session and decides everything: which state
comes next, what to say, which records to write. The service stores the result; channels
send the replies. Because it is pure, the simulator, the flow tests and the webhooks all run
exactly the same conversation.

A button value counts only if the bot offered it in its last reply (the session's `offer`, or
the current state's own buttons) or it is a global command (`GLOBAL_VALUES`); any other `go:` or
`cmd:` value is read as the text she sent. `cmd:release` comes only from staff tooling.

Order of a step: unsupported messages are answered and change nothing; a session whose state
vanished (a staff edit) restarts its flow; while a person handles her, her words go to them
(with an acknowledgement, and the urgent answer when she writes of danger); danger and
coercion are answered at once and she is returned to her question; the last system menu is
answered; global commands; the idle check (offer to resume); flow triggers (a whole message);
finally the current state's answer. When the message does not answer the state (and the state
does not take free text), a trigger or "a person" asked for inside a sentence
(`bot.core.intents`) leads there; otherwise the rights search may answer it, and mid-flow the
pending question is asked again.

Language: a first message's words decide it (`language_in`), the phone's hint only when they
do not; later, a message clearly in the other language switches it, unless she chose one.
A first message that is a question, not a greeting, is answered once the welcome and the
privacy question are done (`FIRST`), as if she had just sent it.

A state with `await:` asks the outside world (a workshop seat): its turn carries a `request`
effect (`pending_request`); whoever holds the world (the service, the script runner) answers it
and calls `answer_request`, which steps again with the answer, all before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core import commands as msg
from bot.core.actions import ActionContext
from bot.core.choices import named_options, read_choice, says_unsure
from bot.core.clock import zone_for
from bot.core.danger import COERCION, Danger, detect
from bot.core.events import Event, EventKind
from bot.core.flowfile import InputType, State, When
from bot.core.flowset import MAIN_FLOW, FlowSet
from bot.core.inputs import EXTRAS, Note, read_answer, read_yes_no
from bot.core.intents import PERSON
from bot.core.session import Position, Session
from bot.core.textnorm import normalize
from bot.core.turn import FORGET, Choice, Effect, Reply, Turn
from bot.i18n import fill, language_from_hint, language_in

MAX_MISSES = 3
THEN = "_then"  # variable: the flow a first message asked for, entered once the welcome is done
FIRST = "_first"  # variable: a first message to answer once the welcome is done (until then only)
FIRST_KEPT = 500  # characters of it kept: enough for the search, small enough for the session
LANG_CHOSEN = "_lang_chosen"  # variable: she chose the language herself; it no longer follows her
# A first message made only of these is a greeting: nothing to answer after the welcome.
GREETING_WORDS = frozenset([
    "hola", "ola", "holi", "holis", "buenas", "buenos", "buen", "dia", "dias", "tardes", "noches",
    "que", "tal", "saludos", "hi", "hello", "hey", "good", "morning", "afternoon", "evening",
    "there", "senorita", "senor", "joven", "oiga", "oye", "gracias", "thanks", "ok"])
# Typed answers a question can detour from: a question written there (four words or more, no
# figure) may be one for the rights search rather than a bad date or amount.
DETOUR_KINDS = (InputType.CHOICE, InputType.YES_NO, InputType.NUMBER, InputType.MONEY,
                InputType.DATE, InputType.PHONE)
NO_REASK_FLOWS = ("rights",)  # browsing topics: the search's answer replaces the topic list
REQUEST = "request"  # effect kind: a question for the service, answered by a RESULT event
HANDOFF_PAUSE = timedelta(hours=24)  # the bot stays quiet this long unless staff release her
PERSON_STATE = Position(flow=MAIN_FLOW, state="person")  # where "persona" leads, if it exists
STILL_WORKS_WHILE_PAUSED = ("cmd:menu", "cmd:forget", "cmd:stop", "cmd:release")
# Button values a worker's client may send although the last reply did not offer them: the global
# commands she could also type. Any other `go:`/`cmd:` value counts only if it was offered (the
# session's `offer`); else it is read as the text she sent, so a forged button cannot jump to a
# state, set a variable, skip consent or read back a summary.
GLOBAL_VALUES = frozenset(["cmd:menu", "cmd:help", "cmd:person", "cmd:language", "cmd:lang:es",
                           "cmd:lang:en", "cmd:stop", "cmd:forget", "cmd:forget:yes",
                           "cmd:forget:no"])
STAFF_VALUES = frozenset(["cmd:release"])  # only from staff tooling (`Event.staff`)
MAX_HOPS = 25  # states passed through in one step; the checker rules out loops of non-waiting states


@dataclass(frozen=True, slots=True)
class _Option:
    """One option of a choice state: as shown, its button value, what is saved, where it goes."""

    label: str
    button: str
    saved: str
    go: str | None = None


def pending_request(turn: Turn) -> Effect | None:
    """The question a turn's `await:` state asks, if any: `data["name"]` names the request."""
    return next((e for e in turn.effects if e.kind == REQUEST), None)


def answer_request(flows: FlowSet, turn: Turn, event: Event, outcome: str,
                   data: Mapping[str, Any], now: datetime) -> Turn:
    """The turn once the outside world answered its request: one more step with the answer
    (a RESULT event routed by the state's `on:`), its replies and effects added to the first."""
    request = pending_request(turn)
    answer = replace(event, kind=EventKind.RESULT, text="", value=outcome, data=dict(data))
    follow = step(flows, turn.session, answer, now)
    kept = tuple(e for e in turn.effects if e is not request)
    return Turn(follow.session, turn.replies + follow.replies, kept + follow.effects)


def step(flows: FlowSet, session: Session | None, event: Event, now: datetime) -> Turn:
    """Apply one incoming message to a session (None for a worker never seen before)."""
    if event.kind is EventKind.UNSUPPORTED:
        lang = session.lang if session else language_from_hint(event.lang_hint)
        return Turn(session, (Reply(flows.text(msg.UNSUPPORTED, lang), lang=lang),))
    if session is None:
        start = flows.start_of(MAIN_FLOW)
        session = Session(flow=start.flow, state=start.state, lang=_first_language(event),
                          started_at=now, updated_at=now)
        run = _Run(flows, session, event, now)
        run.answer_urgent()  # a first message that tells of danger is answered before the welcome
        if event.kind is EventKind.TEXT:
            run.keep_first_message()
        run.enter(start)
        return run.turn()
    return _Run(flows, _language_followed(session, event), event, now).answer()


def _unoffered_as_text(event: Event, offer: Sequence[tuple[str, str]]) -> Event:
    """A system button value (`go:…`, `cmd:…`) the bot did not offer her, and that is not a
    global command, becomes plain text: its label when the client sent one, else the value."""
    value = event.value or ""
    if event.kind is not EventKind.CHOICE or ":" not in value \
            or value in GLOBAL_VALUES or any(v == value for _, v in offer) \
            or (event.staff and value in STAFF_VALUES):
        return event
    return replace(event, kind=EventKind.TEXT, text=event.text or value, value=None)


def _first_language(event: Event) -> str:
    """What she writes decides ("hola" is Spanish on an English phone); the hint when it cannot."""
    if event.kind is EventKind.TEXT:
        chosen = msg.command_in(event.text) or ""
        if chosen.startswith("cmd:lang:"):
            return chosen.removeprefix("cmd:lang:")
        found = language_in(event.text)
        if found:
            return found
    return language_from_hint(event.lang_hint)


def _language_followed(session: Session, event: Event) -> Session:
    """A message clearly in the other language switches the conversation to it, unless she chose
    the language with *english*/*español* (then only those words change it)."""
    if event.kind is not EventKind.TEXT or session.vars.get(LANG_CHOSEN):
        return session
    found = language_in(event.text, strict=True)
    return session.model_copy(update={"lang": found}) if found and found != session.lang else session


@dataclass
class _Run:
    """The working state of one step; `turn()` freezes it into the result."""

    flows: FlowSet
    session: Session
    event: Event
    now: datetime
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    forget: bool = False

    def __post_init__(self) -> None:
        self.vars: dict[str, Any] = dict(self.session.vars)
        # Her *baja* holds until she herself writes again: staff releasing her does not undo it.
        opted_out = self.session.opted_out and self.event.staff
        self.s = self.session.model_copy(update={"opted_out": opted_out, "offer": ()})
        self.event = _unoffered_as_text(self.event, self.session.offer)

    # -- the order of a step ------------------------------------------------------------
    def answer(self) -> Turn:
        state = self.flows.state(self.s.position)
        if state is None:
            return self._restart_after_edit()
        value = self._value_from_offer() or self._value_from_event()
        if self._paused(value):
            self._forward_to_person()
            self._acknowledge_while_waiting()
        elif self.answer_urgent() and not self._free_text_here(state):
            self._prompt_again()  # her place is kept: the same question, read as before
        elif value is not None:
            self.dispatch(value)
        elif self._idle_too_long(state):
            self._offer_resume()
        elif (flow := self._trigger(state)) is not None:
            # Greeting again is not a wish to see the privacy notice again: go to the menu.
            self.enter(self.flows.home if flow == MAIN_FLOW else self.flows.start_of(flow))
        else:
            self._answer_state(state)
        return self.turn()

    def turn(self) -> Turn:
        replies = tuple(r if r.lang else replace(r, lang=self.s.lang) for r in self.replies)
        if self.forget:
            return Turn(None, replies, (*self.effects, Effect(FORGET)))
        # Her next number answers the last menu she was shown, and only that one.
        last = next((r for r in reversed(self.replies) if r.choices), None)
        offer = tuple((c.label, c.value) for c in last.choices) \
            if last and any(":" in c.value for c in last.choices) else ()
        session = self.s.model_copy(update={"vars": self.vars, "updated_at": self.now,
                                            "offer": offer})
        return Turn(session, replies, tuple(self.effects))

    def keep_first_message(self) -> None:
        """Remember what a first message asks, to do it once the welcome is done: a flow or a
        person it names (`THEN`), else the message itself when it is more than a greeting."""
        text = self.event.text
        command = msg.command_in(text)
        wanted = command if command == PERSON else (
            self.flows.trigger_for(text, self.s.lang) or self.flows.intent_in(text))
        if wanted and wanted != MAIN_FLOW:
            self.vars[THEN] = wanted  # "taller" as a first message: go there after the welcome
        elif wanted is None and command is None and not _only_greeting(text):
            self.vars[FIRST] = text[:FIRST_KEPT]

    # -- helpers for saying things ------------------------------------------------------
    def t(self, message: str, **values: Any) -> str:
        return fill(self.flows.text(message, self.s.lang), {**self.flows.defaults, **self.vars, **values})

    def tell(self, message: str, choices: Sequence[Choice] = (), **values: Any) -> None:
        self.replies.append(Reply(self.t(message, **values), tuple(choices)))

    def menu(self, message: str, options: Sequence[tuple[str, str]]) -> None:
        self.tell(message, [Choice(self.t(label), value) for label, value in options])

    # -- system values: cmd:… and go:… ---------------------------------------------------
    def _value_from_offer(self) -> str | None:
        offer = self.session.offer
        if not offer or self.event.kind not in (EventKind.TEXT, EventKind.CHOICE):
            return None
        if self.event.kind is EventKind.CHOICE and any(v == self.event.value for _, v in offer):
            return self.event.value
        index = read_choice(self.event.text, offer)
        answer = read_yes_no(self.event.text) if index is None else None
        if answer is not None:
            wanted = ":yes" if answer else ":no"
            index = next((i for i, (_, v) in enumerate(offer) if v.endswith(wanted)), None)
        return offer[index][1] if index is not None else None

    def _value_from_event(self) -> str | None:
        if self.event.kind is EventKind.CHOICE and self.event.value and ":" in self.event.value:
            return self.event.value
        if self.event.kind is EventKind.TEXT:
            return msg.command_in(self.event.text)
        return None

    def dispatch(self, value: str) -> None:
        kind, _, arg = value.partition(":")
        if kind == "go":
            self._go(arg)
        elif kind == "cmd":
            self._command(arg)

    def _go(self, spec: str) -> None:
        """`go:TARGET` or `go:TARGET|name=value`: a button that jumps and may set one variable."""
        target, _, assignment = spec.partition("|")
        if not self.flows.knows(self.s.flow, target):
            self.enter(self.flows.home)
            return
        name, _, value = assignment.partition("=")
        if name:
            self.vars[name] = value
        self.enter(self.flows.resolve(self.s.flow, target))

    def _command(self, arg: str) -> None:
        name, _, detail = arg.partition(":")
        if name == "menu":
            self.s = self.s.model_copy(update={"resume": None})
            self.enter(self.flows.home)
        elif name == "help":
            self.tell(msg.HELP)
        elif name == "person":
            self._person()
        elif name == "release":
            self.s = self.s.model_copy(update={"paused_until": None})
            self.tell(msg.RELEASED)
        elif name == "language":
            self.menu(msg.LANGUAGE_ASK, [("Español", "cmd:lang:es"), ("English", "cmd:lang:en")])
        elif name == "lang" and detail in ("es", "en"):
            self.s = self.s.model_copy(update={"lang": detail})
            self.vars[LANG_CHOSEN] = True
            self.tell(msg.LANGUAGE_SET)
            self._prompt_again()
        elif name == "stop":
            self.s = self.s.model_copy(update={"opted_out": True})
            self.tell(msg.STOP)
        elif name == "forget":
            self._forget(detail)
        elif name == "resume" and self.s.resume is not None:
            position = self.s.resume
            self.s = self.s.model_copy(update={"resume": None, "flow": position.flow,
                                               "state": position.state})
            self._prompt_again()

    def _person(self) -> None:
        """Hand her to a person: through the main flow's `person` state when staff wrote one."""
        if self.flows.state(PERSON_STATE) is not None:
            self.vars["_from_flow"] = self.s.flow
            self.enter(PERSON_STATE)
            return
        self.effects.append(Effect("handoff", {"flow": self.s.flow, "at": self.now.isoformat()}))
        self.s = self.s.model_copy(update={"paused_until": self.now + HANDOFF_PAUSE})
        self.tell(msg.PERSON)

    def _paused(self, value: str | None) -> bool:
        until = self.session.paused_until
        if until is None or self.now >= until:
            self.s = self.s.model_copy(update={"paused_until": None})
            return False
        if value is not None and value.startswith(STILL_WORKS_WHILE_PAUSED):
            if value.startswith("cmd:menu"):
                self.s = self.s.model_copy(update={"paused_until": None})
            return False
        return True

    def _forward_to_person(self) -> None:
        """While a person handles her, what she writes goes to them; the bot says nothing."""
        if self.event.kind is EventKind.TEXT and self.event.text.strip():
            self.effects.append(Effect("handoff_message", {"text": self.event.text[:1000],
                                                           "at": self.now.isoformat()}))
        elif self.event.kind is EventKind.LOCATION:
            self.effects.append(Effect("handoff_message", {
                "latitude": self.event.latitude, "longitude": self.event.longitude,
                "at": self.now.isoformat()}))

    # -- danger: answered at once, in every state ---------------------------------------------
    def _danger(self) -> frozenset[Danger]:
        return detect(self.event.text) if self.event.kind is EventKind.TEXT else frozenset()

    def answer_urgent(self, waiting: bool = False) -> bool:
        """If she writes of danger or coercion, say at once, briefly, where to get help now: 911,
        the anti-trafficking line for coercion, the crisis line for self-harm, how to hide the chat,
        and a person. Nothing else changes. True when it answered. (A free-text answer that tells
        of danger gets this and is still read as her answer.)"""
        found = self._danger()
        if not found:
            return False
        lines = self.flows.urgent_lines  # printed as staff wrote them, as their sources print them
        said = []
        if "emergency" in lines:
            said.append(self.t(msg.URGENT_EMERGENCY, phone=lines["emergency"]))
        if found & COERCION and "trafficking" in lines:
            said.append(self.t(msg.URGENT_TRAFFICKING, phone=lines["trafficking"]))
        if Danger.SELF_HARM in found and "crisis" in lines:
            said.append(self.t(msg.URGENT_CRISIS, phone=lines["crisis"]))
        said.append(self.t(msg.URGENT_SHARED_PHONE))
        said.append(self.t(msg.WAITING_FORWARDED if waiting else msg.URGENT_PERSON))
        self.replies.append(Reply("\n".join(said)))
        return True

    def _free_text_here(self, state: State) -> bool:
        """A question her words answer (free text, or the menu's "write your question"): after
        the urgent answer they are still read, so her story is kept and her question answered."""
        return state.input_type is InputType.TEXT or self.s.position == self.flows.home

    def _acknowledge_while_waiting(self) -> None:
        """While a handoff waits, each message gets a short reply: never silence."""
        if self.answer_urgent(waiting=True):
            return
        said = [self.t(msg.WAITING_FORWARDED)]
        if "emergency" in self.flows.urgent_lines:
            said.append(self.t(msg.WAITING_EMERGENCY, phone=self.flows.urgent_lines["emergency"]))
        self.replies.append(Reply(" ".join(said)))

    def _forget(self, detail: str) -> None:
        if detail == "yes":
            self.forget = True
            self.tell(msg.FORGET_DONE)
        elif detail == "no":
            self.tell(msg.FORGET_KEPT)
        else:
            self.menu(msg.FORGET_ASK, [(msg.FORGET_YES, "cmd:forget:yes"),
                                       (msg.FORGET_NO, "cmd:forget:no")])

    # -- idle, triggers, edits ------------------------------------------------------------
    def _idle_too_long(self, state: State) -> bool:
        limit = timedelta(minutes=self.flows.timeout_minutes(self.s.flow))
        unfinished = self.s.flow != MAIN_FLOW and not state.end
        return unfinished and self.now - self.session.updated_at > limit

    def _offer_resume(self) -> None:
        home = self.flows.home
        self.s = self.s.model_copy(update={"resume": self.s.position, "flow": home.flow,
                                           "state": home.state, "misses": 0})
        self.menu(msg.RESUME_ASK, [(msg.RESUME_YES, "cmd:resume"), (msg.RESUME_NO, "cmd:menu")])

    def _trigger(self, state: State) -> str | None:
        if self.event.kind is not EventKind.TEXT or state.input_type is InputType.TEXT:
            return None
        return self.flows.trigger_for(self.event.text, self.s.lang)

    def _restart_after_edit(self) -> Turn:
        self.tell(msg.FLOW_CHANGED)
        flow = self.s.flow if self.s.flow in self.flows.flows else MAIN_FLOW
        self.enter(self.flows.start_of(flow))
        return self.turn()

    # -- answering the current state ------------------------------------------------------
    def _answer_state(self, state: State) -> None:
        if state.await_:
            self._answer_await(state)
            return
        kind = state.input_type
        if kind is None:  # an end state: the conversation is over, start afresh
            if not self._intent() and not self._fallback():
                self.enter(self.flows.home)
            return
        options = self._options(state)
        value, extra = self._read(state, kind, options)
        if value is None:
            if kind is not InputType.TEXT and self._intent():
                return
            # Words that name some of the options (two kinds of dismissal) answer this question:
            # ask it again rather than search the rights topics.
            named = kind is InputType.CHOICE and self.event.kind is EventKind.TEXT \
                and bool(named_options(self.event.text, [(o.label, o.button) for o in options]))
            before = len(self.replies)
            if self._may_detour(kind) and not named and self._fallback():
                self._back_to_question(state, before)
                return
            self._miss(state, kind, options)
            return
        self._save(state, value, extra)
        self.s = self.s.model_copy(update={"misses": 0})
        self.enter(self._next_after(state, kind, value, options))

    def _answer_await(self, state: State) -> None:
        """The service's answer routes by `on:`; anything else here means the answer was lost
        (it never is in normal operation: the service answers before committing), so ask again."""
        if self.event.kind is not EventKind.RESULT:
            self.enter(self.s.position)
            return
        self.vars.update(self.event.data or {})
        target = (state.on or {}).get(self.event.value or "") or state.next
        self.enter(self.flows.resolve(self.s.flow, target) if target else self.flows.home)

    def _read(self, state: State, kind: InputType,
              options: list[_Option]) -> tuple[Any, dict[str, Any]]:
        if kind is InputType.CHOICE:
            shown = [(o.label, o.button) for o in options]
            if self.event.kind is EventKind.CHOICE:
                index = next((i for i, (_, v) in enumerate(shown) if v == self.event.value), None)
            elif self.event.kind is EventKind.TEXT:
                index = read_choice(self.event.text, shown)
            else:
                index = None
            return (index, {}) if index is not None else (None, {})
        answer = read_answer(kind, state.input, self._as_text_event(kind), self.now,
                             tz=zone_for(self.vars))
        return (answer.value, answer.extra) if answer else (None, {})

    def _as_text_event(self, kind: InputType) -> Event:
        """A yes/no button press reads like typing its number."""
        if self.event.kind is EventKind.CHOICE and kind is InputType.YES_NO:
            return replace(self.event, kind=EventKind.TEXT, text=self.event.value or "")
        return self.event

    def _save(self, state: State, value: Any, extra: dict[str, Any]) -> None:
        if state.save_as is None or (state.personal and not self.s.consent):
            return
        if state.input_type is InputType.CHOICE:
            value = self._options(state)[value].saved
        self.vars[state.save_as] = value
        if state.input_type is not InputType.CHOICE:
            for suffix in EXTRAS:  # a new answer's extras replace the old one's (a period, a note)
                self.vars.pop(f"{state.save_as}_{suffix}", None)
        for suffix, item in extra.items():
            # A note is kept in her language, ready for `{name_assumed}` in the flow's texts.
            self.vars[f"{state.save_as}_{suffix}"] = item.render(self.s.lang) \
                if isinstance(item, Note) else item

    def _next_after(self, state: State, kind: InputType, value: Any,
                    options: list[_Option]) -> Position:
        target: str | None = state.next
        if kind is InputType.CHOICE:
            target = options[value].go or state.next
        elif kind is InputType.YES_NO:
            target = (state.yes if value else state.no) or state.next
        if target is None:
            return self.flows.home
        return self.flows.resolve(self.s.flow, target) if self.flows.knows(self.s.flow, target) \
            else self.flows.home

    def _miss(self, state: State, kind: InputType,
              options: list[_Option]) -> None:
        misses = self.s.misses + 1
        if misses >= MAX_MISSES:
            self.s = self.s.model_copy(update={"misses": 0})
            self.menu(msg.LOST, [(msg.TO_MENU, "cmd:menu"), (msg.TO_PERSON, "cmd:person")])
            return
        self.s = self.s.model_copy(update={"misses": misses})
        reask = _reask_message(state, kind)
        if kind is InputType.YES_NO and self.event.kind is EventKind.TEXT \
                and says_unsure(self.event.text):
            reask = msg.REASK["yes_no_unsure"]  # "no sé" is not a no: say what she can do
        self.tell(state.help or reask, self._buttons(state, options),
                  max=state.input.max_length if state.input else 500)

    def _fallback(self, text: str | None = None) -> bool:
        """Free text that is not an answer: ask the pluggable fallback (the rights search)."""
        if self.flows.fallback is None or (text is None and self.event.kind is not EventKind.TEXT):
            return False
        found = self.flows.fallback(self.event.text if text is None else text, self.s.lang, self.now)
        if not found:
            return False
        self.replies.extend(found)
        return True

    def _intent(self) -> bool:
        """A flow or a person she asks for inside a sentence ("necesito un abogado ya")."""
        target = self.flows.intent_in(self.event.text) if self.event.kind is EventKind.TEXT \
            else None
        if target is None:
            return False
        if target == PERSON:
            self._person()
        else:
            self.enter(self.flows.start_of(target))
        return True

    def _may_detour(self, kind: InputType) -> bool:
        """Whether a message that does not answer this question may be a question of hers."""
        if kind in (InputType.CHOICE, InputType.YES_NO):
            return True
        words = normalize(self.event.text).split()
        return kind in DETOUR_KINDS and len(words) >= 4 and not any(c.isdigit() for c in
                                                                    self.event.text)

    def _back_to_question(self, state: State, first: int) -> None:
        """After answering a detour mid-flow, ask the pending question again, visibly, so her
        next answer is read against the question she sees: the detour answer's own buttons are
        dropped (a second numbered list whose numbers would mean something else)."""
        if self.s.position == self.flows.home or self.s.flow in NO_REASK_FLOWS:
            return
        self.replies[first:] = [replace(r, choices=()) for r in self.replies[first:]]
        self.tell(msg.BACK_TO_QUESTION)
        before = len(self.replies)
        self._say(state)
        if len(self.replies) == before and state.input_type is not None:
            self.tell(state.help or _reask_message(state, state.input_type),
                      max=state.input.max_length if state.input else 500)

    def _answer_kept(self, text: str) -> bool:
        """Her first message, answered once the welcome is done, as if she had just sent it."""
        before = len(self.replies)
        if not self._fallback(text):
            return False
        home = self.flows.home
        self.s = self.s.model_copy(update={"flow": home.flow, "state": home.state})
        self.replies.insert(before, Reply(self.t(msg.FIRST_ANSWERED)))
        return True

    # -- entering states ------------------------------------------------------------------
    def enter(self, position: Position) -> None:
        """Walk from `position` through states that do not wait, until one waits or ends."""
        for _ in range(MAX_HOPS):
            if position == self.flows.home and THEN in self.vars:
                then = str(self.vars.pop(THEN))
                if then == PERSON:
                    self._person()
                    return
                position = self.flows.start_of(then)
            elif position == self.flows.home and FIRST in self.vars \
                    and self._answer_kept(str(self.vars.pop(FIRST))):
                return
            state = self.flows.state(position)
            if state is None:
                position = self.flows.home
                continue
            self.s = self.s.model_copy(update={"flow": position.flow, "state": position.state})
            outcome = self._run_action(state)
            self._say(state)
            if state.input_type is not None or state.end or state.await_:
                return
            target = (state.on or {}).get(outcome or "") or state.next
            position = self.flows.resolve(position.flow, target) if target else self.flows.home

    def _run_action(self, state: State) -> str | None:
        spec = self.flows.actions.actions.get(state.action or "")
        if spec is None:  # no action here (the checker rejects a set naming an unknown one)
            return None
        result = spec.run(ActionContext(vars=dict(self.vars), lang=self.s.lang, now=self.now,
                                        channel=self.event.channel, assets=self.flows.assets,
                                        consent=self.s.consent, tz=zone_for(self.vars)))
        for name, value in result.vars.items():
            if value is None:
                self.vars.pop(name, None)
            else:
                self.vars[name] = value
        self.effects.extend(result.effects)
        if result.consent is not None:
            self.s = self.s.model_copy(update={"consent": result.consent})
        if state.await_:
            self.effects.append(Effect(REQUEST, {"name": state.await_, **(result.request or {})}))
        if result.pause:
            self.s = self.s.model_copy(update={"paused_until": self.now + HANDOFF_PAUSE})
        self.replies.extend(Reply(text) for text in result.say)
        return result.outcome

    def _say(self, state: State) -> None:
        texts = [self.t(text) for text in state.says]
        buttons = self._buttons(state, self._options(state))
        if buttons and not texts:
            texts = [self.t(_reask_message(state, InputType.CHOICE))]
        for i, text in enumerate(texts):
            self.replies.append(Reply(text, tuple(buttons) if i == len(texts) - 1 else ()))

    def _prompt_again(self) -> None:
        """Say the current question again (after a language change or on resuming)."""
        state = self.flows.state(self.s.position)
        if state is not None and state.input_type is not None:
            self._say(state)

    def _options(self, state: State) -> list[_Option]:
        """The options of a choice state, from the flow file or from an action's variable.

        An action's options are dicts with `label` (already translated), `value` and an
        optional `go` target; a target that no longer exists leads to the menu (see `_next_after`).
        """
        if state.choices is not None:
            return [_Option(self.t(o.label), str(i + 1), o.value or o.label, o.go)
                    for i, o in enumerate(state.choices)]
        items = self.vars.get(state.choices_from or "") or []
        return [_Option(str(item["label"]), str(i + 1), str(item["value"]), item.get("go"))
                for i, item in enumerate(items)]

    def _buttons(self, state: State, options: list[_Option]) -> list[Choice]:
        if state.input_type is InputType.YES_NO:
            return [Choice(self.t(msg.YES_LABEL), "1"), Choice(self.t(msg.NO_LABEL), "2")]
        return [Choice(o.label, o.button) for o in options]


def _only_greeting(text: str) -> bool:
    """"hola", "buenas tardes", "hi there": nothing to answer but the welcome itself."""
    return all(word in GREETING_WORDS for word in normalize(text).split())


def _reask_message(state: State, kind: InputType) -> str:
    if kind is InputType.DATE and state.input and state.input.when is not When.ANY:
        return msg.REASK[f"date_{state.input.when.value}"]
    return msg.REASK[kind.value]
