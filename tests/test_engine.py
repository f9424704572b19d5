"""The pure engine: inputs, global commands, misses, edits, idle resume, fallback, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.engine import step
from bot.core.events import MAX_TEXT, Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.loading import load_flowset
from bot.core.session import Session
from bot.core.turn import Choice, Reply, Turn
from bot.features import builtin_catalog

FLOWS = Path(__file__).parent / "fixtures" / "flows_engine"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def flows() -> FlowSet:
    return load_flowset(FLOWS, builtin_catalog())


class Chat:
    """Drives the engine like a worker would, keeping the session between messages."""

    def __init__(self, flows: FlowSet, lang_hint: str | None = "es") -> None:
        self.flows, self.lang_hint = flows, lang_hint
        self.session: Session | None = None
        self.now = NOW
        self.count = 0
        self.turn = Turn(None)

    def send(self, text: str = "", kind: EventKind = EventKind.TEXT, **fields: object) -> Turn:
        self.count += 1
        self.now += timedelta(seconds=5)
        event = Event(kind, "whatsapp", "w1", str(self.count), text=text, lang_hint=self.lang_hint,
                      **fields)  # type: ignore[arg-type]
        self.turn = step(self.flows, self.session, event, self.now)
        self.session = self.turn.session
        return self.turn

    @property
    def said(self) -> str:
        return " / ".join(r.text for r in self.turn.replies)

    @property
    def where(self) -> str:
        assert self.session is not None
        return f"{self.session.flow}.{self.session.state}"


def at_form(flows: FlowSet, consent: bool = True) -> Chat:
    chat = Chat(flows)
    chat.send("hola")
    chat.send("si" if consent else "no")
    chat.send("formulario")
    assert chat.where == "form.name"
    return chat


def test_first_message_greets_and_asks_consent(flows: FlowSet) -> None:
    chat = Chat(flows)
    turn = chat.send("me corrieron")
    assert chat.where == "main.welcome"
    assert turn.replies[0].text == "Bienvenida"
    assert [c.label for c in turn.replies[0].choices] == ["Sí", "No"]


def test_consent_is_recorded_as_an_effect(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.send("hola")
    turn = chat.send("simon")
    assert chat.session is not None and chat.session.consent
    assert [e.kind for e in turn.effects] == ["consent"]
    assert chat.where == "main.menu"


def test_every_input_type_is_read_and_saved(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("Rosa")
    assert "Hola Rosa" in chat.said
    chat.send("treinta")  # not a number it can read
    assert chat.where == "form.age"
    chat.send("34")
    chat.send("8,500 al mes")
    chat.send("15 de marzo del 2021")
    chat.send("55 1234 5678")
    chat.send("", EventKind.LOCATION, latitude=19.43, longitude=-99.13)
    chat.send("me despidieron")
    assert chat.where == "form.done"
    assert chat.session is not None
    assert chat.session.vars == {
        "name": "Rosa", "age": 34, "salary": "8500.00", "salary_per": "month",
        "started": "2021-03-15", "phone": "+525512345678",
        "where": {"lat": 19.43, "lon": -99.13}, "kind": "dismissal",
    }


def test_personal_answers_are_not_kept_without_consent(flows: FlowSet) -> None:
    chat = at_form(flows, consent=False)
    chat.send("Rosa")
    assert chat.session is not None and "name" not in chat.session.vars
    assert "Rosa" not in chat.said
    assert chat.where == "form.age"


def test_a_future_date_is_asked_again_with_an_example(flows: FlowSet) -> None:
    chat = at_form(flows)
    for answer in ("Rosa", "34", "300 diarios"):
        chat.send(answer)
    chat.send("15/03/2099")
    assert chat.where == "form.started"
    assert "ya pasó" in chat.said


def test_a_button_press_picks_its_option(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.send("hola")
    chat.send("", EventKind.CHOICE, value="1")  # the "Sí" button
    chat.send("", EventKind.CHOICE, value="2")  # "Salir"
    assert chat.where == "main.bye"


def test_three_misses_offer_the_menu_and_a_person(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("x" * 30)  # longer than max_length 20
    assert "máximo 20" in chat.said
    chat.send("y" * 30)
    turn = chat.send("z" * 30)
    assert [c.value for c in turn.replies[-1].choices] == ["cmd:menu", "cmd:person"]
    chat.send("2")  # answered by number: the person
    assert [e.kind for e in chat.turn.effects] == ["handoff"]


def test_unsupported_messages_change_nothing(flows: FlowSet) -> None:
    chat = at_form(flows)
    before = chat.session
    turn = chat.send(kind=EventKind.UNSUPPORTED)
    assert turn.session == before
    assert "texto" in turn.replies[0].text


def test_unsupported_first_message_creates_no_session(flows: FlowSet) -> None:
    turn = Chat(flows).send(kind=EventKind.UNSUPPORTED)
    assert turn.session is None and turn.effects == ()


@pytest.mark.parametrize(("word", "lang"), [("menu", "es"), ("Menú", "es"), ("menu", "en")])
def test_menu_works_from_any_state(flows: FlowSet, word: str, lang: str) -> None:
    chat = at_form(flows)
    chat.send(word)
    assert chat.where == "main.menu"


def test_language_change_repeats_the_question_in_english(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("idioma")
    turn = chat.send("2")
    assert chat.session is not None and chat.session.lang == "en"
    assert turn.replies[0].text == "Done, I will write to you in English."
    assert chat.where == "form.name"


def test_english_hint_from_the_channel(flows: FlowSet) -> None:
    chat = Chat(flows, lang_hint="en-US")
    chat.send("hello")
    assert chat.session is not None and chat.session.lang == "en"


def test_stop_marks_opt_out_until_she_writes_again(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("baja")
    assert chat.session is not None and chat.session.opted_out
    chat.send("Rosa")
    assert chat.session is not None and not chat.session.opted_out


def test_delete_my_data_asks_first_then_deletes(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("borrar mis datos")
    assert chat.session is not None
    turn = chat.send("si")
    assert turn.session is None
    assert [e.kind for e in turn.effects] == ["forget_user"]


def test_delete_my_data_can_be_declined(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("delete my data")
    turn = chat.send("no")
    assert turn.session is not None and turn.effects == ()
    assert "no borré nada" in chat.said


def test_a_state_removed_by_staff_restarts_its_flow_with_an_apology(flows: FlowSet) -> None:
    chat = at_form(flows)
    assert chat.session is not None
    chat.session = chat.session.model_copy(update={"state": "deleted_state"})
    chat.send("hola")
    assert "Perdón" in chat.said
    assert chat.where == "form.name"


def test_a_flow_removed_by_staff_goes_back_to_main(flows: FlowSet) -> None:
    chat = at_form(flows)
    assert chat.session is not None
    chat.session = chat.session.model_copy(update={"flow": "gone", "state": "x"})
    chat.send("hola")
    assert chat.where == "main.welcome"


def test_idle_session_goes_to_menu_and_offers_to_resume(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("Rosa")
    chat.now += timedelta(minutes=61)
    turn = chat.send("hola")
    assert chat.where == "main.menu"
    assert [c.value for c in turn.replies[-1].choices] == ["cmd:resume", "cmd:menu"]
    chat.send("1")
    assert chat.where == "form.age"
    assert "¿Cuántos años" in chat.said
    chat.send("40")  # and the conversation goes on, without looping
    assert chat.where == "form.salary"


def test_free_text_that_is_not_an_answer_goes_to_the_fallback(flows: FlowSet) -> None:
    seen: list[tuple[str, str, datetime]] = []

    def fallback(text: str, lang: str, now: datetime) -> tuple[Reply, ...] | None:
        seen.append((text, lang, now))
        return (Reply("Sobre despidos…"),) if "corrieron" in text else None

    with_fallback = FlowSet(flows=flows.flows, actions=flows.actions, fallback=fallback)
    chat = Chat(with_fallback)
    chat.send("hola")
    chat.send("si")
    chat.send("me corrieron ayer")
    assert chat.said == "Sobre despidos…"
    assert chat.where == "main.menu" and chat.session is not None and chat.session.misses == 0
    chat.send("blablabla")
    assert chat.session is not None and chat.session.misses == 1
    # the fallback gets the time of each message: an answer can name a figure that changes on a date
    assert seen == [("me corrieron ayer", "es", chat.now - timedelta(seconds=5)),
                    ("blablabla", "es", chat.now)]


def test_long_pastes_are_cut_before_anything_sees_them(flows: FlowSet) -> None:
    event = Event(EventKind.TEXT, "whatsapp", "w", "1", text="a" * 10_000)
    assert len(event.text) == MAX_TEXT


def test_text_input_does_not_fire_triggers(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("formulario")  # her name could be anything: it is an answer here
    assert chat.where == "form.age"


def test_a_person_request_pauses_the_bot_and_forwards_her_messages(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("persona")
    assert [e.kind for e in chat.turn.effects] == ["handoff"]
    turn = chat.send("me corrieron ayer")
    # Never silence (N3): a short acknowledgement; no 911 line, as these flows carry no contacts.
    assert [r.text for r in turn.replies] == [
        "Le pasé tu mensaje a la persona del centro. Lo leerá en cuanto pueda."]
    assert [(e.kind, e.data["text"]) for e in turn.effects] == [("handoff_message", "me corrieron ayer")]
    assert chat.where == "form.name"  # her place in the flow is kept


def test_the_pause_ends_after_a_day_or_when_staff_release_her(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("persona")
    chat.now += timedelta(hours=24, seconds=1)
    turn = chat.send("Rosa")  # the bot answers again: after a day idle, it offers to resume
    assert [c.value for c in turn.replies[-1].choices] == ["cmd:resume", "cmd:menu"]
    chat.send("1")
    assert chat.where == "form.name"
    chat.send("persona")
    turn = chat.send(kind=EventKind.CHOICE, value="cmd:release", staff=True)
    assert "terminó de atenderte" in turn.replies[0].text
    assert chat.session is not None and chat.session.paused_until is None


def test_staff_releasing_her_does_not_take_back_her_baja(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("persona")
    chat.send("baja")
    assert chat.session is not None and chat.session.opted_out
    chat.send(kind=EventKind.CHOICE, value="cmd:release", staff=True)
    assert chat.session is not None and chat.session.opted_out and chat.session.paused_until is None
    chat.send("hola")  # she writes again: she is back
    assert chat.session is not None and not chat.session.opted_out


def test_menu_and_delete_still_work_while_paused(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("persona")
    chat.send("menu")
    assert chat.where == "main.menu" and chat.session is not None and chat.session.paused_until is None
    chat.send("persona")
    chat.send("borrar mis datos")
    assert chat.turn.replies[0].choices[0].value == "cmd:forget:yes"


def test_a_first_message_naming_a_flow_leads_there_after_the_welcome(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.send("formulario")
    assert chat.where == "main.welcome"
    chat.send("si")
    assert chat.where == "form.name"
    assert chat.session is not None and "_then" not in chat.session.vars
    chat.send("menu")
    assert chat.where == "main.menu"  # and only once


# -- answers read as she meant them (issue 13 part 3) -----------------------------------------------
EVENING = datetime(2026, 12, 2, 3, 25, tzinfo=UTC)  # 21:25 on 1 Dec 2026 in Mexico City


def at_reading(flows: FlowSet, now: datetime = EVENING, lang_hint: str = "es") -> Chat:
    chat = Chat(flows, lang_hint=lang_hint)
    chat.now = now
    chat.send("hi" if lang_hint == "en" else "hola")  # her words decide the language, not the hint
    chat.send("si")
    chat.send("leer")
    assert chat.where == "reading.owed"
    return chat


def test_weeks_are_read_as_days_where_days_are_asked(flows: FlowSet) -> None:
    chat = at_reading(flows)
    chat.send("2 semanas")
    assert chat.session is not None and chat.session.vars["owed"] == 14


def test_today_is_her_day_in_mexico_city_not_utc(flows: FlowSet) -> None:
    chat = at_reading(flows)
    for answer in ("0", "350 al dia", "hoy"):
        chat.send(answer)
    assert chat.session is not None and chat.session.vars["started"] == "2026-12-01"


def test_her_state_sets_her_zone(flows: FlowSet) -> None:
    late = datetime(2026, 12, 2, 7, 25, tzinfo=UTC)  # 23:25 on 1 Dec in Tijuana, 2 Dec in CDMX
    chat = at_reading(flows, now=late)
    assert chat.session is not None
    chat.session = chat.session.model_copy(update={"vars": {**chat.session.vars, "mx_state": "BCN"}})
    for answer in ("0", "350 al dia", "ayer"):
        chat.send(answer)
    assert chat.session.vars["started"] == "2026-11-30"


def test_a_month_without_a_day_is_taken_and_said(flows: FlowSet) -> None:
    chat = at_reading(flows)
    for answer in ("0", "9 mil al mes"):
        chat.send(answer)
    chat.send("no me acuerdo el dia, fue en marzo del 2022")
    assert chat.where == "reading.border"
    assert "Tomé el 1 de marzo de 2022 porque no dijiste el día." in chat.said
    assert "ya pasó" not in chat.said


def test_the_note_is_kept_in_her_language(flows: FlowSet) -> None:
    chat = at_reading(flows, lang_hint="en")
    for answer in ("0", "9000 a month", "march 2022"):
        chat.send(answer)
    assert "I took March 1, 2022 because you did not say the day." in chat.said


def test_a_new_answer_clears_what_the_old_one_assumed(flows: FlowSet) -> None:
    chat = at_reading(flows)
    for answer in ("0", "150 al dia", "marzo 2022", "si", "si"):
        chat.send(answer)
    assert chat.where == "reading.owed"
    for answer in ("0", "9000", "15/03/2022"):
        chat.send(answer)
    assert chat.session is not None
    assert "salary_per" not in chat.session.vars  # "9000" named no period: ask it, don't reuse it
    assert "started_assumed" not in chat.session.vars


def test_not_knowing_is_not_a_no(flows: FlowSet) -> None:
    chat = at_reading(flows)
    for answer in ("0", "300 diarios", "15/03/2022"):
        chat.send(answer)
    chat.send("no se")
    assert chat.where == "reading.border"
    assert chat.session is not None and "border" not in chat.session.vars
    assert "Está bien si no lo sabes" in chat.said
    chat.send("si pero poquito")
    assert chat.session is not None and chat.session.vars["border"] is True


def test_actions_get_her_day(flows: FlowSet) -> None:
    from bot.core.actions import ActionContext
    from bot.core.clock import zone

    context = ActionContext(vars={}, lang="es", now=EVENING, channel="whatsapp", assets=None)
    assert context.today.isoformat() == "2026-12-01"
    assert ActionContext(vars={}, lang="es", now=EVENING, channel="whatsapp", assets=None,
                         tz=zone("Asia/Tokyo")).today.isoformat() == "2026-12-02"


def test_words_naming_two_options_ask_again_instead_of_searching(flows: FlowSet) -> None:
    searched: list[str] = []

    def fallback(text: str, lang: str, now: datetime) -> tuple[Reply, ...] | None:
        searched.append(text)
        return (Reply("Sobre despidos…"),)

    chat = at_form(FlowSet(flows=flows.flows, actions=flows.actions, fallback=fallback))
    for answer in ("Rosa", "34", "300 diarios", "15/03/2021", "55 1234 5678"):
        chat.send(answer)
    chat.send("", EventKind.LOCATION, latitude=19.43, longitude=-99.13)
    assert chat.where == "form.kind"
    chat.send("me despidieron, no me pagan")  # both options: which one first?
    assert chat.where == "form.kind" and searched == []
    assert "Responde con el número" in chat.said
    chat.send("no me despidieron")  # denies one and names nothing else: the search may help
    assert searched == ["no me despidieron"]


# -- issue 14, part 3: intents anywhere, her first message, her place, her language -------------

def _with_search(flows: FlowSet) -> FlowSet:
    def fallback(text: str, lang: str, now: datetime) -> tuple[Reply, ...] | None:
        if "corren" in text or "corrieron" in text:
            return (Reply("Sobre despidos…", (Choice("Ver más", "go:main.bye"),)),)
        return None
    return FlowSet(flows=flows.flows, actions=flows.actions, fallback=fallback)


def test_a_first_question_is_answered_after_the_welcome_and_a_greeting_is_not(flows: FlowSet) -> None:
    chat = Chat(_with_search(flows))
    chat.send("hola, me corrieron ayer q hago")
    assert chat.where == "main.welcome" and chat.said == "Bienvenida"
    chat.send("si")
    assert chat.said == "Sobre lo que me escribiste al principio: / Sobre despidos…"
    assert chat.where == "main.menu" and chat.session is not None and "_first" not in chat.session.vars
    greeted = Chat(_with_search(flows))
    greeted.send("hola buenas tardes")
    greeted.send("si")
    assert greeted.said == "Menú"


def test_a_request_inside_a_sentence_leads_to_its_flow_but_not_while_she_writes_free_text(
        flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("quiero leer")  # the name question takes free text: this is her answer
    assert chat.where == "form.age"
    chat.send("quiero leer por favor")
    assert chat.where == "reading.owed"


def test_asking_for_a_lawyer_in_a_sentence_hands_her_to_a_person(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.send("hola")
    chat.send("si")
    turn = chat.send("necesito un abogado ya")
    assert [e.kind for e in turn.effects] == ["handoff"]
    assert chat.session is not None and chat.session.paused_until is not None


def test_a_question_mid_flow_is_answered_then_the_question_is_asked_again(flows: FlowSet) -> None:
    chat = at_form(_with_search(flows))
    chat.send("Ana")
    turn = chat.send("y si me corren por faltar")
    assert [r.text for r in turn.replies] == [
        "Sobre despidos…", "Sigamos con lo que te estaba preguntando:",
        "Hola Ana. ¿Cuántos años tienes?"]
    assert all(not r.choices for r in turn.replies)  # the search's buttons would be a 2nd list
    assert chat.session is not None and chat.session.offer == ()
    chat.send("30")
    assert chat.where == "form.salary"


def test_her_words_decide_the_language_and_her_choice_sticks(flows: FlowSet) -> None:
    chat = Chat(flows, lang_hint="en")
    chat.send("hola")
    assert chat.session is not None and chat.session.lang == "es"
    assert {r.lang for r in chat.turn.replies} == {"es"}
    chat.send("si")
    chat.send("where do i go to complain about my boss")
    assert chat.session is not None and chat.session.lang == "en"
    chat.send("español")
    chat.send("where do i go to complain about my boss")
    assert chat.session is not None and chat.session.lang == "es"


# -- issue 18, point 1: only offered buttons count ------------------------------------------------

@pytest.mark.parametrize("forged", ["go:main.bye", "go:bye|name=EVIL", "go:main.accepted",
                                    "cmd:resume", "cmd:release", "go:main.menu"])
def test_a_button_value_the_bot_did_not_offer_is_read_as_text(flows: FlowSet, forged: str) -> None:
    chat = Chat(flows)
    chat.send("hola")
    assert chat.where == "main.welcome"
    chat.send(kind=EventKind.CHOICE, value=forged)  # no consent skipped, no jump
    assert chat.where == "main.welcome" and chat.session is not None
    assert not chat.session.consent and "Responde" in chat.said
    at = at_form(flows)
    at.send(kind=EventKind.CHOICE, value=forged)  # a free-text question: it is her name, as text
    assert at.where == "form.age" and at.session is not None
    assert at.session.vars["name"] == forged[:20] and at.session.paused_until is None


def test_a_forged_button_with_a_label_is_read_as_its_label(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("Rosa", kind=EventKind.CHOICE, value="go:form.done|name=EVIL")
    assert chat.where == "form.age" and chat.session is not None
    assert chat.session.vars["name"] == "Rosa"


def test_offered_and_global_button_values_still_count(flows: FlowSet) -> None:
    chat = Chat(_with_search(flows))
    chat.send("hola")
    chat.send("si")
    chat.send("me corrieron")
    chat.send(kind=EventKind.CHOICE, value="go:main.bye")  # offered by the search's answer
    assert chat.where == "main.bye"
    for value, where in [("cmd:menu", "main.menu"), ("cmd:lang:en", "main.menu")]:
        chat.send(kind=EventKind.CHOICE, value=value)
        assert chat.where == where
    assert chat.session is not None and chat.session.lang == "en"
    chat.send(kind=EventKind.CHOICE, value="cmd:forget:yes")
    assert chat.session is None  # her own data: deleting it needs no menu in front of her


def test_release_counts_only_from_staff(flows: FlowSet) -> None:
    chat = at_form(flows)
    chat.send("persona")
    chat.send(kind=EventKind.CHOICE, value="cmd:release")
    assert chat.session is not None and chat.session.paused_until is not None
    assert [e.kind for e in chat.turn.effects] == ["handoff_message"]  # forwarded as her words
    chat.send(kind=EventKind.CHOICE, value="cmd:release", staff=True)
    assert chat.session is not None and chat.session.paused_until is None
