"""Dated figures (`bot/rights/figures.py`): the data file, its checks, and answers that change on a date."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.assets import Assets
from bot.checks import check_all
from bot.core.actions import ActionContext
from bot.core.clock import local_today
from bot.errors import FlowError
from bot.loader import load_assets
from bot.paths import FLOWS_DIR
from bot.problems import Severity
from bot.rights.actions import ACTIONS
from bot.rights.answers import answer_text
from bot.rights.figures import (
    DATED_FIGURES_FILE,
    dated_figure_problems,
    load_dated_figures,
    placeholders_in,
)
from bot.rights.matcher import TopicMatcher
from bot.rights.search import RightsSearch
from bot.rights.topics import load_topics

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "figures"
TODAY = date(2026, 11, 24)
EXPECT = re.compile(r"#\s*expect:\s*([a-z][a-z\-, ]*)")
# Mexico City is UTC-6 all year (no daylight saving time since 2022).
LAST_EVENING_OF_2026 = datetime(2027, 1, 1, 5, 59, tzinfo=UTC)  # 31 Dec, 23:59 in Mexico City
FIRST_MINUTE_OF_2027 = datetime(2027, 1, 1, 6, 0, tzinfo=UTC)  # 1 Jan, 00:00 in Mexico City


def expected(path: Path) -> set[tuple[int, str]]:
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if match := EXPECT.search(line):
            found |= {(number, c.strip()) for c in match.group(1).split(",")}
    return found


# --- the shipped file ----------------------------------------------------------------------


def test_the_weekly_limit_follows_the_march_2026_reform_year_by_year() -> None:
    figures = load_dated_figures(DATED_FIGURES_FILE, today=TODAY)
    limits = {day: figures.value_on("weekly_hours_limit", day).value for day in [
        date(2026, 12, 31), date(2027, 1, 1), date(2027, 12, 31), date(2028, 1, 1),
        date(2029, 1, 1), date(2030, 1, 1), date(2031, 6, 1)]}
    assert list(limits.values()) == ["48", "46", "46", "44", "42", "40", "40"]
    assert {v.source for v in figures.figures["weekly_hours_limit"]} == {"DOF 3 Mar 2026"}


def test_the_shipped_file_has_no_problems() -> None:
    assert dated_figure_problems(DATED_FIGURES_FILE, today=TODAY) == []


def test_the_bot_loads_the_figures_with_its_other_data() -> None:
    assets = load_assets().assets
    assert isinstance(assets, Assets)
    assert assets.figures.names == {"weekly_hours_limit"}


# --- the checker ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["broken.yaml", "invalid.yaml"])
def test_each_problem_is_reported_on_its_line(name: str) -> None:
    problems = dated_figure_problems(FIXTURES / name, today=TODAY)
    assert {(p.line, p.code) for p in problems} == expected(FIXTURES / name)


def test_only_missing_english_is_a_warning_and_errors_stop_loading() -> None:
    problems = dated_figure_problems(FIXTURES / "broken.yaml", today=TODAY)
    assert {p.code for p in problems if p.severity is Severity.WARNING} == {"figure-untranslated"}
    with pytest.raises(FlowError) as caught:
        load_dated_figures(FIXTURES / "broken.yaml", today=TODAY)
    assert "figure-untranslated" not in {p if isinstance(p, str) else p.code
                                         for p in caught.value.problems}


def test_a_figure_with_no_value_for_today_is_an_error_until_its_first_day() -> None:
    """`flows check` takes today as a parameter: a figure starting in 2026 is fine from 1 Jan 2026."""
    before = check_all(FLOWS_DIR, today=date(2025, 12, 31))
    assert [(p.path.name, p.code, p.severity) for p in before if p.code.startswith("figure")] == [
        ("dated_figures.yaml", "figure-not-in-force", Severity.ERROR)]
    after = check_all(FLOWS_DIR, today=date(2026, 1, 1))
    assert not [p for p in after if p.code.startswith("figure")]


def test_a_topic_may_name_only_the_figures_of_the_file() -> None:
    names = load_dated_figures(FIXTURES / "dated_figures.yaml", today=TODAY).names
    load_topics(FIXTURES / "topics", today=TODAY, figures=names)
    with pytest.raises(FlowError) as caught:
        load_topics(FIXTURES / "topics", today=TODAY, figures={"weekly_hours_limit"})
    problems = [p for p in caught.value.problems if not isinstance(p, str)]
    assert [(p.path.name, p.line, p.code) for p in problems] == [("time.yaml", 10, "unknown-placeholder")]
    assert "{rest_rule}" in problems[0].message and "{weekly_hours_limit}" in problems[0].message


# --- the answers ---------------------------------------------------------------------------


def test_the_worker_day_is_mexico_city_not_utc() -> None:
    assert local_today(LAST_EVENING_OF_2026) == date(2026, 12, 31)
    assert local_today(FIRST_MINUTE_OF_2027) == date(2027, 1, 1)


def test_the_answer_changes_by_itself_at_midnight_in_mexico_city() -> None:
    figures = load_dated_figures(FIXTURES / "dated_figures.yaml", today=TODAY)
    topic = load_topics(FIXTURES / "topics", today=TODAY, figures=figures.names).topics["time.working_hours"]
    before = answer_text(topic, "es", now=LAST_EVENING_OF_2026, figures=figures)
    after = answer_text(topic, "es", now=FIRST_MINUTE_OF_2027, figures=figures)
    assert "máximo 48 horas." in before and "máximo 46 horas." in after
    more = answer_text(topic, "es", now=FIRST_MINUTE_OF_2027, figures=figures, more=True)
    assert "Descanso, un día por cada seis. Semana de 46 horas." in more
    assert "{" not in before + after + more


def test_english_gets_the_english_value_and_a_bare_number_serves_both() -> None:
    figures = load_dated_figures(FIXTURES / "dated_figures.yaml", today=TODAY)
    text = "Rest: {rest_rule}. Week: {weekly_hours_limit} hours. {unknown} stays."
    assert figures.fill(text, date(2028, 3, 1), "en") == (
        "Rest: one day for every six. Week: 44 hours. {unknown} stays.")
    assert figures.fill("{rest_rule}", date(2028, 3, 1), "es") == "un día por cada seis"


def test_the_rights_action_and_the_free_text_search_fill_figures_by_date() -> None:
    figures = load_dated_figures(FIXTURES / "dated_figures.yaml", today=TODAY)
    catalog = load_topics(FIXTURES / "topics", today=TODAY, figures=figures.names)
    assets = Assets(flow_names=frozenset({"main", "rights"}), topics=catalog, figures=figures)
    answer = ACTIONS.actions["rights.answer"].run
    for now, limit in [(LAST_EVENING_OF_2026, "48"), (FIRST_MINUTE_OF_2027, "46")]:
        ctx = ActionContext({"topic": "time.working_hours"}, "es", now, "whatsapp", assets)
        assert f"máximo {limit} horas." in answer(ctx).say[0]
    matcher = TopicMatcher.from_catalog(catalog, FLOWS_DIR / "matching" / "synonyms.yaml")
    search = RightsSearch(catalog, matcher, assets.flow_names, figures)
    replies = search("cuantas horas por semana es la jornada de trabajo", "es", FIRST_MINUTE_OF_2027)
    assert replies is not None and "máximo 46 horas." in replies[0].text


def test_translations_keep_the_figures_of_their_spanish_text() -> None:
    """A translation that drops or misspells `{weekly_hours_limit}` would show braces or a
    wrong sentence to a worker reading in English."""
    names = load_dated_figures(DATED_FIGURES_FILE, today=TODAY).names
    po_file = Path(__file__).resolve().parents[1] / "locales" / "en" / "LC_MESSAGES" / "messages.po"
    with po_file.open("rb") as po:
        catalog = read_po(po)
    for message in catalog:
        if not isinstance(message.id, str) or not isinstance(message.string, str) or not message.string:
            continue
        used = {n for n in placeholders_in(message.id) if n in names}
        if used:
            assert set(placeholders_in(message.string)) & names == used, message.id


@pytest.mark.parametrize(("topic_id", "lang", "unit"), [
    ("wages.overtime", "es", "horas"), ("wages.overtime", "en", "hours"),
    ("time.working_hours", "es", "horas"), ("time.working_hours", "en", "hours")])
def test_the_shipped_weekly_limit_changes_itself_on_1_january_2027(topic_id: str, lang: str,
                                                                   unit: str) -> None:
    """H4: the overtime and hours answers say 48 until New Year's Eve in Mexico City, then 46."""
    assets = load_assets().assets
    assert isinstance(assets, Assets)
    topic = assets.topics.topics[topic_id]
    last_2026 = datetime(2027, 1, 1, 5, 59, tzinfo=UTC)  # 23:59 on 31 Dec in Mexico City
    first_2027 = datetime(2027, 1, 1, 6, 0, tzinfo=UTC)
    before = answer_text(topic, lang, now=last_2026, figures=assets.figures)
    after = answer_text(topic, lang, now=first_2027, figures=assets.figures)
    assert f"48 {unit}" in before and f"46 {unit}" not in before
    assert f"46 {unit}" in after and "{weekly_hours_limit}" not in after
