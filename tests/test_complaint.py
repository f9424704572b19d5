"""The complaint guide: deadlines by situation, jurisdiction (Art. 527), the summary, the referral.

Also `complaint_flowset`, the helper the other tests of this issue use: the shipped main,
complaint and centers flows with the shipped data files, apart from other flows in progress.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

import bot.complaint.actions  # noqa: F401
import bot.complaint.centers  # noqa: F401  (registers the actions)
from bot import i18n
from bot.assets import Assets
from bot.complaint.actions import (
    CODE_ALPHABET,
    given,
    reference_code,
    summary_card,
)
from bot.complaint.deadlines import Situation, deadline_for
from bot.complaint.directory_file import load_contacts
from bot.complaint.rules import (
    FEDERAL_INDUSTRIES,
    INDUSTRY_LABELS,
    LOCAL_INDUSTRIES,
    REPORTS,
    Jurisdiction,
    Kind,
    Office,
    jurisdiction,
    offices,
)
from bot.core.actions import ActionContext
from bot.core.engine import step
from bot.core.events import Event, EventKind
from bot.core.flowset import FlowSet
from bot.core.flowtest import run_script
from bot.core.loading import load_flowset
from bot.core.session import Session
from bot.core.turn import Turn
from bot.features import builtin_catalog
from bot.loader import load_assets
from bot.paths import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows"
OWN_FLOWS = ("complaint", "centers")
SCRIPTS = sorted(p for pattern in ("complaint_*.yaml", "centers_*.yaml")
                 for p in (ROOT / "tests" / "flows").glob(pattern))
DRAFT = LOCALES_DIR / "en" / "LC_MESSAGES" / "complaint-draft.po"
MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 09:00 in Mexico City, like the flow scripts


# -- helpers shared with test_directory, test_referrals, test_handoff --------------------------------

@cache
def shipped_data(production: bool = False) -> Assets:
    """The shipped data files with the scripts' own centers, as the server loads them (once)."""
    assets = load_assets(production=production, pinned_data=ROOT / "tests" / "flows" / "data").assets
    assert isinstance(assets, Assets)
    return assets


def complaint_flowset(folder: Path, data: Assets | None = None) -> FlowSet:
    """The shipped main, complaint and centers flows, with the shipped data (or `data`).

    Menu entries of main.yaml that lead to other flows are left out, so another team's flow
    in progress cannot break these tests; `tests/test_flow_scripts.py` runs the whole set.
    """
    folder.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    for name in OWN_FLOWS:
        (folder / f"{name}.yaml").write_bytes((FLOWS / f"{name}.yaml").read_bytes())
    main = yaml.load(FLOWS / "main.yaml")
    known = {"main", *OWN_FLOWS, *main["states"]}
    for state in main["states"].values():
        if "choices" in state:
            state["choices"] = [c for c in state["choices"]
                                if not c.get("go") or c["go"].split(".")[0] in known]
    with (folder / "main.yaml").open("w", encoding="utf-8") as handle:
        yaml.dump(main, handle)
    return load_flowset(folder, builtin_catalog(), shipped_data() if data is None else data)


@pytest.fixture
def flows(tmp_path: Path) -> FlowSet:
    return complaint_flowset(tmp_path / "flows")


@pytest.fixture
def english_draft(monkeypatch: pytest.MonkeyPatch) -> None:
    """English from the draft catalog of this issue, until it is merged into messages.po."""
    if not DRAFT.exists():
        return
    draft = i18n._PoTranslations(DRAFT)
    shipped = i18n._catalog

    class Merged(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return draft.gettext(message) if draft.gettext(message) != message \
                else shipped("en").gettext(message)

    monkeypatch.setattr(i18n, "_catalog", lambda lang: Merged() if lang == "en" else shipped(lang))


class Chat:
    """Talks to the engine like a worker, keeping her session."""

    def __init__(self, flows: FlowSet, now: datetime = MONDAY, lang: str = "es") -> None:
        self.flows, self.now, self.lang = flows, now, lang
        self.session: Session | None = None
        self.turn = Turn(None)
        self.count = 0

    def send(self, text: str) -> Turn:
        self.count += 1
        self.now += timedelta(seconds=5)
        event = Event(EventKind.TEXT, "whatsapp", "w1", str(self.count), text=text, lang_hint=self.lang)
        self.turn = step(self.flows, self.session, event, self.now)
        self.session = self.turn.session
        return self.turn

    def say(self, *texts: str) -> Turn:
        for text in texts:
            self.send(text)
        return self.turn

    @property
    def said(self) -> str:
        return "\n".join(r.text for r in self.turn.replies)

    @property
    def where(self) -> str:
        assert self.session is not None
        return f"{self.session.flow}.{self.session.state}"


# -- deadlines: worked examples, counted by hand --------------------------------------------------

@pytest.mark.parametrize(("dismissed", "last_day"), [
    # The count starts the next day; two months later, the day before the same date.
    (date(2026, 3, 15), date(2026, 5, 15)),   # 16 Mar .. 15 May
    (date(2026, 1, 31), date(2026, 3, 31)),   # 1 Feb .. 31 Mar
    (date(2025, 11, 30), date(2026, 1, 31)),  # 1 Dec .. 31 Jan (not 30 Jan)
    (date(2026, 6, 30), date(2026, 8, 31)),   # 1 Jul .. 31 Aug
    (date(2025, 12, 31), date(2026, 2, 28)),  # 1 Jan .. 28 Feb
    (date(2023, 12, 31), date(2024, 2, 29)),  # 1 Jan .. 29 Feb in a leap year
    (date(2025, 12, 30), date(2026, 2, 28)),  # 31 Dec .. "30 Feb" does not exist: end of February
    (date(2023, 12, 29), date(2024, 2, 29)),  # 30 Dec .. "29 Feb" exists in 2024: 29 Feb
    (date(2025, 12, 27), date(2026, 2, 27)),  # 28 Dec .. 27 Feb
    (date(2025, 12, 28), date(2026, 2, 28)),  # 29 Dec .. "28 Feb", no 29 Feb in 2026: 28 Feb
])
def test_dismissal_deadline_is_two_months_from_the_next_day(dismissed: date, last_day: date) -> None:
    assert deadline_for(Situation.DISMISSED, dismissed).last_day == last_day


@pytest.mark.parametrize(("due", "last_day"), [
    (date(2026, 1, 15), date(2027, 1, 15)),  # 16 Jan 2026 .. 15 Jan 2027
    (date(2024, 2, 29), date(2025, 2, 28)),  # 1 Mar 2024 .. 28 Feb 2025
    (date(2023, 2, 28), date(2024, 2, 29)),  # 1 Mar 2023 .. 29 Feb 2024 (leap year)
    (date(2025, 12, 31), date(2026, 12, 31)),  # 1 Jan 2026 .. 31 Dec 2026
])
def test_a_payment_owed_while_she_still_works_has_one_year_from_the_next_day(due: date,
                                                                            last_day: date) -> None:
    assert deadline_for(Situation.STILL_WORKING, due).last_day == last_day


def test_days_left_counts_to_the_last_day() -> None:
    deadline = deadline_for(Situation.DISMISSED, date(2026, 1, 31))
    assert deadline.article == "LFT Art. 518"
    assert deadline.days_left(date(2026, 3, 2)) == 29  # 29 days of March after the 2nd
    assert deadline.days_left(date(2026, 3, 31)) == 0
    assert deadline.days_left(date(2026, 4, 1)) == -1


def _said(vars: dict[str, Any], now: datetime = MONDAY) -> str:
    """The four messages of the summary for these answers."""
    ctx = ActionContext(vars, "es", now, "whatsapp", shipped_data())
    return "\n".join(bot.complaint.actions.summary(ctx).say)


def test_reports_to_an_authority_get_no_deadline_date() -> None:
    for kind in REPORTS:
        said = _said({"kind": kind.value, "event_date": "2026-01-01"})
        assert "Fecha límite" not in said and "Para denunciar no esperes" in said
    # Dangerous work is a report while she still works there, a deadline once she left.
    said = _said({"kind": "safety", "situation": "still_working"})
    assert "Fecha límite" not in said
    said = _said({"kind": "safety", "situation": "left", "event_date": "2026-02-20"})
    assert "hasta el 20 de marzo de 2026" in said and "Fecha límite: 20 de marzo de 2026" in said


@pytest.mark.parametrize(("kind", "situation", "day", "expected"), [
    # The kind of complaint does not choose the article: her situation does (C2, N4).
    ("harassment", "dismissed", "2026-02-20", "Fecha límite: 20 de abril de 2026 (LFT Art. 518)"),
    ("wages", "left", "2026-02-20", "Fecha límite: 20 de marzo de 2026 (LFT Art. 517 fr. II)"),
    ("wages", "dismissed", "2026-02-20", "Fecha límite: 20 de abril de 2026 (LFT Art. 518)"),
    ("other", "left", "2026-02-27", "Fecha límite: 27 de marzo de 2026 (LFT Art. 517 fr. II)"),
    ("wages", "still_working", "2026-02-20", "Fecha límite: 20 de febrero de 2027 (LFT Art. 516)"),
    ("safety", "work_accident", "2026-02-20", "Fecha límite: 20 de febrero de 2028 (LFT Art. 519)"),
    ("dismissal", "dismissed", "2026-01-31", "Fecha límite: 31 de marzo de 2026 (LFT Art. 518)"),
])
def test_the_card_takes_its_deadline_from_her_situation(kind: str, situation: str, day: str,
                                                        expected: str) -> None:
    said = _said({"kind": kind, "situation": situation, "event_date": day})
    assert expected in said
    assert said.count("Fecha límite:") == 1


def test_without_a_situation_no_date_is_printed() -> None:
    said = _said({"kind": "wages", "event_date": "2026-02-20"})
    assert "Fecha límite" not in said and "Pregunta a una persona por tu plazo" in said


def test_union_matters_print_no_date_but_a_person_today() -> None:
    said = _said({"kind": "union", "situation": "dismissed", "event_date": "2026-02-20"})
    assert "habla hoy con una persona" in said and "pregunta hoy a una persona" in said
    assert "2027" not in said and "de 2026 (" not in said


def test_an_old_first_missed_payment_is_not_expired_while_she_still_works_there() -> None:
    said = _said({"kind": "wages", "situation": "still_working", "event_date": "2025-01-01"})
    assert "no está vencido" in said and "cada pago que no te hicieron tiene su propio año" in said
    assert "venció" not in said and "1 de enero de 2026" not in said
    assert "Fecha límite: cada pago tiene su propio año" in said


def test_days_left_are_counted_on_her_calendar_day_not_utc() -> None:
    # 1 Dec 2026, 23:30 in Mexico City is already 2 Dec in UTC: she still has 61 days, not 60.
    late = datetime(2026, 12, 2, 5, 30, tzinfo=UTC)
    said = _said({"kind": "dismissal", "situation": "dismissed", "event_date": "2026-11-30"}, late)
    assert "hasta el 31 de enero de 2027" in said and "Faltan 61 días" in said
    assert "el 1 de diciembre de 2026. Es información general" in said


def test_a_passed_deadline_is_said_plainly_with_what_can_still_be_done(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.say("hola", "si", "queja", "1", "31/12/2025", "si", "No sé", "Jalisco", "no")
    assert "venció el 28 de febrero de 2026" in chat.said and "Ley: LFT Art. 518" in chat.said
    assert "habla con una persona" in chat.said and "Faltan" not in chat.said


# -- jurisdiction (LFT Art. 527) -------------------------------------------------------------

@pytest.mark.parametrize("industry", ["auto", "textile", "chemical", "rubber", "steel", "food_drinks",
                                      "sugar_oil_paper_glass", "cement_lime_wood_tobacco",
                                      "energy_mining", "bank"])
def test_the_branches_of_article_527_are_federal(industry: str) -> None:
    assert jurisdiction(industry) is Jurisdiction.FEDERAL


@pytest.mark.parametrize("industry", ["agriculture", "services", "construction", "domestic",
                                      "factory_other"])
def test_other_industries_are_local(industry: str) -> None:
    assert jurisdiction(industry) is Jurisdiction.LOCAL


@pytest.mark.parametrize("industry", ["unknown", "other", None, "factory"])
def test_not_knowing_leads_to_the_state_center_which_may_redirect(industry: str | None) -> None:
    assert jurisdiction(industry) is Jurisdiction.UNKNOWN


def test_every_branch_of_article_527_is_covered_by_the_choices_or_the_explanation() -> None:
    cited = " ".join(FEDERAL_INDUSTRIES.values())
    covered = {int(n) for n in re.findall(r"I\.(\d+)", cited)}
    explanation = _flow()["states"]["industry_explain"]["say"]
    # Film (I.3) and railways (I.18) are rare enough to be only in the explanation.
    assert covered | {3, 18} == set(range(1, 23))
    assert "cine" in explanation and "trenes" in explanation and "concesión federal" in explanation


def test_every_industry_answer_of_the_flow_is_mapped_and_labelled() -> None:
    states = _flow()["states"]
    values = {str(c["value"]) for name in ("industry", "industry_factory") for c in states[name]["choices"]}
    assert values - {"factory"} <= set(FEDERAL_INDUSTRIES) | LOCAL_INDUSTRIES | {"other", "unknown"}
    assert values - {"factory"} <= set(INDUSTRY_LABELS)


def _flow() -> Any:
    return YAML(typ="safe").load(FLOWS / "complaint.yaml")


# -- where to go -------------------------------------------------------------------------------

def test_union_rights_at_an_export_plant_add_the_rapid_response_mechanism() -> None:
    assert Office.RAPID_RESPONSE in offices(Kind.UNION, exports="yes")
    assert Office.RAPID_RESPONSE in offices(Kind.UNION, exports="unknown")
    assert Office.RAPID_RESPONSE not in offices(Kind.UNION, exports="no")
    assert offices(Kind.SAFETY) == [Office.INSPECTION]
    assert Office.CONCILIATION not in offices(Kind.HARASSMENT)  # not required (Art. 685 Ter)


def test_the_federal_case_goes_to_the_cfcrl_and_the_local_one_to_the_state_center(flows: FlowSet) -> None:
    federal = Chat(flows)
    federal.say("hola", "si", "queja", "1", "31/01/2026", "si", "Fábrica o maquila", "Ropa, telas o hilos",
                "Puebla", "no")
    assert "Centro Federal de Conciliación y Registro Laboral (CFCRL)*: ahí pides la conciliación" \
        in federal.said
    local = Chat(flows)
    local.say("hola", "si", "queja", "1", "31/01/2026", "si", "Campo o rancho", "Puebla", "no")
    assert "El Centro de Conciliación Laboral de Puebla: ahí pides la conciliación" in local.said
    assert "CFCRL" not in local.said


# -- the summary -------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["no", "No.", "prefiero no decir", "nada", "-", "  "])
def test_skipped_answers_count_as_not_given(answer: str) -> None:
    assert given({"employer": answer}, "employer") is None
    assert given({"employer": " Textiles ABC "}, "employer") == "Textiles ABC"


def test_the_summary_never_includes_what_she_chose_not_to_give() -> None:
    answers = {"kind": "wages", "situation": "still_working", "event_date": "2026-01-15",
               "industry": "services", "mx_state": "CMX", "employer": "no", "name": "Ana", "anonymous": True,
               "story": "prefiero no decir"}
    card = summary_card(answers, "es", date(2026, 3, 2), shipped_data().states)
    assert "Ana" not in card and "Empresa" not in card and "Lo que pasó" not in card
    assert "Queja anónima: sí, sin tu nombre" in card
    assert "Fecha límite: 15 de enero de 2027 (LFT Art. 516)" in card
    assert "Estado: Ciudad de México" in card


def test_the_summary_is_in_her_language(english_draft: None) -> None:
    answers = {"kind": "dismissal", "situation": "dismissed", "event_date": "2026-01-31",
               "industry": "auto", "mx_state": "JAL", "employer": "Bajio Parts", "name": "Ana"}
    card = summary_card(answers, "en", date(2026, 3, 2), shipped_data().states)
    assert "Problem: Dismissal" in card and "Deadline: March 31, 2026 (LFT Art. 518)" in card
    assert "Company: Bajio Parts" in card and "Name: Ana" in card


def test_a_new_complaint_forgets_the_answers_of_the_last_one(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.say("hola", "si", "queja", "8", "3", "28/02/2026", "si", "Otra", "SLP", "si", "Hotel Sol", "no",
             "Rosa", "no", "no")
    chat.say("queja", "8", "3", "28/02/2026", "si", "Otra", "SLP", "no")
    assert "Rosa" not in chat.said and "Hotel Sol" not in chat.said


# -- safety first -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["3", "6", "7"])
def test_safety_branches_open_with_danger_a_person_and_consent(flows: FlowSet, kind: str) -> None:
    chat = Chat(flows)
    chat.say("hola", "no", "queja")
    turn = chat.send(kind)
    assert "911" in chat.said and chat.where == "complaint.safety"
    assert [c.label for c in turn.replies[-1].choices][0] == "Hablar con una persona ahora"
    chat.send("Seguir con mi queja")
    assert chat.where == "complaint.safety_consent" and chat.turn.effects == ()
    assert chat.session is not None and not chat.session.consent


def test_contacts_marked_check_are_not_given(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text("contacts:\n  - {id: line, type: trafficking, name: Línea, phone: '800 123 4567',"
                        " for: [all], check: true, source: nota}\n", encoding="utf-8")
    data = replace(shipped_data(), contacts=load_contacts(contacts))
    result = bot.complaint.actions.danger(ActionContext({"kind": "forced_labor"}, "es", MONDAY, "whatsapp",
                                                        data))
    assert "800 123 4567" not in " ".join(result.say) and "trata" not in " ".join(result.say)


# -- the referral --------------------------------------------------------------------------------

def test_reference_codes_are_short_unambiguous_and_not_repeated() -> None:
    codes = {reference_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not set(CODE_ALPHABET) & set("01IOL")


def _to_confirm(chat: Chat) -> None:
    chat.say("hola", "si", "queja", "1", "31/01/2026", "si", "Campo o rancho", "Jalisco", "si", "no", "no",
             "Ana", "no", "si", "1")
    assert chat.where == "complaint.confirm_send"


def test_the_referral_record_has_what_the_center_needs(flows: FlowSet) -> None:
    chat = Chat(flows)
    _to_confirm(chat)
    (effect,) = chat.send("si").effects
    record = effect.data
    assert effect.kind == "referral" and chat.where == "complaint.after"
    assert record["center"] == "ejemplo_guadalajara" and record["state"] == "JAL"
    assert record["kind"] == "dismissal" and record["contact_channel"] == "whatsapp"
    assert record["name"] == "Ana" and "employer" not in record  # she wrote "no" for the company
    assert "Nombre: Ana" in str(record["summary"]) and str(record["code"]) in chat.said
    assert record["personal"] == ["name", "employer", "summary"]


def test_a_center_removed_since_the_conversation_began_offers_the_remaining_ones(flows: FlowSet) -> None:
    chat = Chat(flows)
    chat.say("hola", "si", "queja", "1", "31/01/2026", "si", "Campo o rancho", "CDMX", "no", "si")
    assert chat.where == "complaint.pick_center"
    assert "Centro de ejemplo Ciudad de México" in chat.said
    assert isinstance(flows.assets, Assets)
    directory = flows.assets.directory
    other = directory.get("ejemplo_puebla")
    assert other is not None
    moved = replace(directory, centers=tuple(
        c.model_copy(update={"states": ("CMX",)}) if c.id == "ejemplo_puebla" else c
        for c in directory.centers))
    flows.assets = replace(flows.assets, directory=moved)
    chat.send("1")  # the CDMX center, still there
    flows.assets = replace(flows.assets, directory=replace(moved, centers=tuple(
        c for c in moved.centers if c.id != "ejemplo_cdmx")))
    turn = chat.send("si")
    assert turn.effects == ()
    assert "ya no está en la lista" in chat.said and chat.where == "complaint.pick_center"
    assert [c.label for c in turn.replies[-1].choices] == ["Centro de ejemplo Puebla", "Mejor no lo mando"]


def test_in_production_example_centers_are_never_offered(tmp_path: Path) -> None:
    flows = complaint_flowset(tmp_path / "flows", shipped_data(production=True))
    chat = Chat(flows)
    chat.say("hola", "si", "queja", "1", "31/01/2026", "si", "Campo o rancho", "Jalisco", "no", "si")
    assert "ejemplo" not in chat.said
    assert chat.where == "complaint.after" and "Todavía no tengo un centro" in chat.said


# -- the conversation scripts, apart from other flows ----------------------------------------------

@pytest.fixture
def scripts_flows(tmp_path: Path, english_draft: None) -> Iterator[FlowSet]:
    yield complaint_flowset(tmp_path / "flows")


def test_a_finished_complaint_keeps_the_session_small(flows: FlowSet) -> None:
    chat = Chat(flows)
    _to_confirm(chat)
    chat.send("si")
    assert chat.session is not None and len(chat.session.to_json().encode()) < 2048


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_conversation_script(script: Path, scripts_flows: FlowSet) -> None:
    assert run_script(script, scripts_flows).failures == []


def test_each_kind_of_complaint_has_a_script_in_both_languages() -> None:
    names = {s.stem for s in SCRIPTS}
    for kind in Kind:
        assert {f"complaint_{kind.value}_es", f"complaint_{kind.value}_en"} <= names
