"""Tests for the rights content (`flows/topics/*.yaml`) and its loader and checker (`bot/topics.py`)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from bot.core.textnorm import normalize
from bot.errors import FlowError
from bot.problems import Severity
from bot.rights.answers import answer_text
from bot.rights.figures import DATED_FIGURES_FILE, load_dated_figures
from bot.rights.topics import (
    ANSWER_MAX,
    MENU_MAX,
    MORE_MAX,
    NEXT_LINKS,
    TITLE_MAX,
    TOPICS_DIR,
    check_topics,
    load_topics,
)

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures" / "topics"
SHARED_SPEC = REPO.parent / "shared" / "spec" / "topics.yaml"
TODAY = date(2026, 11, 24)
EXPECT = re.compile(r"#\s*expect:\s*([a-z][a-z\-, ]*)")

# Every kind of problem check_topics reports; each must have a fixture below.
PROBLEM_CODES = {
    "yaml-syntax", "not-a-topic-file", "unknown-key", "missing-key", "invalid-value",
    "title-too-long", "answer-too-long", "more-too-long", "empty-text", "duplicate-id",
    "duplicate-category", "duplicate-order", "category-file-name", "unknown-next",
    "unknown-language", "stale-checked", "unknown-id", "missing-topic", "too-many-categories",
    "percent-sign", "missing-reviewed", "stale-reviewed", "unknown-placeholder", "inline-article",
}
FIXTURE_SPEC = {"spec_ids": {"wages.aguinaldo", "wages.overtime"}}
FIXTURE_FIGURES = {"placeholder": {"weekly_hours_limit"}}
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "valid")


def spec_ids() -> set[str]:
    lines = (TESTS / "data" / "topic_ids.txt").read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def expected_problems(case: Path) -> set[tuple[str, int, str]]:
    """(file name, line, code) for every `# expect: code` comment in the case's files."""
    found = set()
    for path in sorted(case.glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := EXPECT.search(line):
                found |= {(path.name, number, c.strip()) for c in match.group(1).split(",")}
    return found


# --- the shipped content --------------------------------------------------------------------


def test_every_spec_topic_has_content() -> None:
    catalog = load_topics(TOPICS_DIR, spec_ids=spec_ids())
    assert set(catalog.topics) == spec_ids()


def _shared_spec_ids() -> set[str]:
    if not SHARED_SPEC.exists():
        pytest.skip("../shared/spec/topics.yaml is not beside the repository")
    spec = YAML(typ="safe").load(SHARED_SPEC.read_text(encoding="utf-8"))
    return {t["id"] for t in spec["topics"]}


# The shared catalogue grew to 36 ids on 2026-12-02; the five new topics (union.registration,
# union.sector_agreement, process.backpay, work.seating, work.platforms) are issue 16's work.
NOT_WRITTEN_YET = {"union.registration", "union.sector_agreement", "process.backpay",
                   "work.seating", "work.platforms"}


def test_every_topic_id_here_is_in_the_shared_spec() -> None:
    assert spec_ids() <= _shared_spec_ids()


def test_the_shared_spec_has_no_topic_missing_here_but_the_five_not_yet_written() -> None:
    """Fails when a topic goes missing, and when one of the five is written (remove it from
    NOT_WRITTEN_YET then, so the contract is whole again)."""
    assert _shared_spec_ids() - spec_ids() == NOT_WRITTEN_YET


def test_content_has_no_errors() -> None:
    problems = check_topics(TOPICS_DIR, spec_ids())
    assert [p.render() for p in problems if p.severity is Severity.ERROR] == []


def test_texts_fit_their_limits() -> None:
    catalog = load_topics(TOPICS_DIR)
    for topic in catalog.topics.values():
        assert len(topic.answer) <= ANSWER_MAX, topic.id
        assert len(topic.more) <= MORE_MAX, topic.id
        assert len(topic.title) <= TITLE_MAX, topic.id
    for category in catalog.categories:
        assert len(category.title) <= TITLE_MAX, category.category


def test_categories_make_one_menu_screen() -> None:
    catalog = load_topics(TOPICS_DIR)
    assert [c.order for c in catalog.categories] == list(range(1, 10))
    assert len(catalog.categories) <= MENU_MAX
    assert {c.path.stem for c in catalog.categories} == {c.category for c in catalog.categories}


def test_every_topic_links_onwards_and_can_be_matched() -> None:
    for topic in load_topics(TOPICS_DIR).topics.values():
        assert topic.next and set(topic.next) <= set(NEXT_LINKS), topic.id
        assert topic.refs and topic.sources, topic.id
        assert topic.match.get("es") and topic.match.get("en"), topic.id


def test_answers_leave_the_disclaimer_to_the_bot() -> None:
    for topic in load_topics(TOPICS_DIR).topics.values():
        text = f"{topic.answer}\n{topic.more}".lower()
        assert "no asesoría legal" not in text and "información general" not in text, topic.id


FOOTERS = {
    "es": ("Asesoría gratis: PROFEDET al 079 (servicios laborales) o la Procuraduría de la "
           "Defensa del Trabajo de tu estado.",
           "Esta es información general, no asesoría legal.", "Información revisada el "),
    "en": ("Free legal advice: PROFEDET at 079 (labor services) or the Procuraduría de la "
           "Defensa del Trabajo (workers' legal defense office) of your state.",
           "This is general information, not legal advice.", "Information checked on "),
}


@pytest.mark.parametrize("lang", sorted(FOOTERS))
def test_every_answer_names_a_free_line_that_answers(lang: str) -> None:
    """Legal review H3: *persona* may reach nobody, so each answer and its longer part name
    PROFEDET's 079 (legal_facts.md, free legal help) and the state's Procuraduría."""
    figures = load_dated_figures(DATED_FIGURES_FILE, today=TODAY)
    now = datetime(2026, 12, 2, 18, tzinfo=UTC)
    for topic in load_topics(TOPICS_DIR, figures=figures.names).topics.values():
        for more in (False, True):
            text = answer_text(topic, lang, now=now, figures=figures, more=more)
            free, general, checked = FOOTERS[lang]
            footer = text[text.rindex(free):]
            assert footer.startswith(free) and general in footer and checked in footer, topic.id


def test_every_topic_file_records_its_review() -> None:
    for category in load_topics(TOPICS_DIR).categories:
        assert category.reviewed is not None, category.path.name
        assert category.reviewed.by and category.reviewed.on <= date(2026, 12, 31), category.path.name


def test_a_review_older_than_six_months_warns_on_its_line() -> None:
    """The shipped files were reviewed on 2026-12-02; on 2027-06-03 each warns, on 2027-06-02 none."""
    assert not [p for p in check_topics(TOPICS_DIR, today=date(2027, 6, 2)) if "review" in p.code]
    stale = [p for p in check_topics(TOPICS_DIR, today=date(2027, 6, 3)) if "review" in p.code]
    assert len(stale) == len(list(TOPICS_DIR.glob("*.yaml")))
    for problem in stale:
        assert (problem.code, problem.severity) == ("stale-reviewed", Severity.WARNING)
        lines = problem.path.read_text(encoding="utf-8").splitlines()
        assert lines[problem.line - 1].startswith("reviewed:"), problem.render()


def test_an_old_or_missing_review_is_only_a_warning() -> None:
    catalog = load_topics(FIXTURES / "reviewed", today=TODAY)  # warnings do not stop loading
    assert len(catalog.topics) == 3
    problems = check_topics(FIXTURES / "reviewed", today=TODAY)
    assert {p.severity for p in problems} == {Severity.WARNING}
    assert any("reviewed: {by:" in p.message for p in problems if p.code == "missing-reviewed")


# --- the checker, on broken fixture files ---------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_fixture_reports_each_problem_on_its_line(case: str) -> None:
    directory = FIXTURES / case
    problems = check_topics(directory, FIXTURE_SPEC.get(case), today=TODAY,
                            figures=FIXTURE_FIGURES.get(case, ()))
    found = {(p.path.name, p.line, p.code) for p in problems if p.line}
    assert found == expected_problems(directory)


def test_spec_id_without_content_is_reported_on_the_folder() -> None:
    problems = check_topics(FIXTURES / "spec_ids", FIXTURE_SPEC["spec_ids"], today=TODAY)
    missing = [p for p in problems if p.code == "missing-topic"]
    assert [(p.path, p.line, p.severity) for p in missing] == [
        (FIXTURES / "spec_ids", 0, Severity.ERROR)]
    assert "wages.overtime" in missing[0].message


def test_more_than_one_menu_screen_of_categories(tmp_path: Path) -> None:
    template = (FIXTURES / "valid" / "beta.yaml").read_text(encoding="utf-8")
    for n in range(1, MENU_MAX + 2):
        text = template.replace("category: beta", f"category: c{n}").replace("order: 1", f"order: {n}")
        (tmp_path / f"c{n}.yaml").write_text(text.replace("demo.third", f"demo.t{n}"), "utf-8")
    codes = [(p.path, p.line, p.code) for p in check_topics(tmp_path, today=TODAY)]
    assert codes == [(tmp_path, 0, "too-many-categories")]


def test_every_kind_of_problem_has_a_fixture() -> None:
    covered = set().union(*(
        {code for _, _, code in expected_problems(FIXTURES / case)} for case in CASES))
    assert PROBLEM_CODES - covered == {"missing-topic", "too-many-categories"}  # tested above


def test_messages_suggest_the_closest_name() -> None:
    problems = check_topics(FIXTURES / "unknown_key", today=TODAY)
    assert any("¿Quisiste decir «more»?" in p.message for p in problems)
    problems = check_topics(FIXTURES / "unknown_next", today=TODAY)
    assert any("¿Quisiste decir «person»?" in p.message for p in problems)


def test_stale_date_is_only_a_warning() -> None:
    problems = check_topics(FIXTURES / "stale_checked", today=TODAY)
    assert [p.severity for p in problems] == [Severity.WARNING]
    load_topics(FIXTURES / "stale_checked", today=TODAY)  # warnings do not stop loading


# --- the loader -----------------------------------------------------------------------------


def test_loader_strips_texts_and_keeps_lines() -> None:
    catalog = load_topics(FIXTURES / "valid", today=TODAY)
    assert [c.category for c in catalog.categories] == ["beta", "alpha"]
    alpha = catalog.categories[1]
    assert alpha.title == "Alfa"
    first = catalog.topics["demo.first"]
    assert (first.title, first.answer, first.more) == (
        "Primero", "Primera línea.\nSegunda línea.", "Más texto.")
    assert (first.category, first.line, first.checked) == ("alpha", 8, date(2026, 11, 1))
    assert first.refs == ["LFT Art. 46-50", "518"]
    assert first.match == {"es": ["primero", "el primero"], "en": ["first"]}
    assert catalog.topics["demo.second"].line == 23
    assert alpha.reviewed is not None and alpha.reviewed.on == date(2026, 11, 1)
    assert catalog.topics["demo.third"].more == ""
    assert [t.id for t in alpha.topics] == ["demo.first", "demo.second"]


def test_loader_refuses_files_with_errors() -> None:
    with pytest.raises(FlowError) as caught:
        load_topics(FIXTURES / "unknown_next", today=TODAY)
    assert "wages.yaml:11:" in str(caught.value)
    assert [p if isinstance(p, str) else p.code for p in caught.value.problems] == ["unknown-next"]


def test_inline_articles_are_only_a_warning_and_a_closing_law_line_is_fine() -> None:
    problems = check_topics(FIXTURES / "inline_article", today=TODAY)
    assert {p.severity for p in problems} == {Severity.WARNING}
    catalog = load_topics(FIXTURES / "inline_article", today=TODAY)
    assert catalog.topics["demo.closing_line"].answer.endswith("Ley: LFT Art. 87.")
    assert not [p for p in problems if p.line == catalog.topics["demo.closing_line"].line + 2]


def test_no_answer_tells_a_worker_in_doubt_to_sign() -> None:
    """C3: a convenio signed at the Centro is final; in doubt she must not sign yet."""
    catalog = load_topics(TOPICS_DIR)
    texts = [normalize(f"{t.answer} {t.more or ''}") for t in catalog.topics.values()]
    assert not [t for t in texts if "firmalo" in t]
    severance = catalog.topics["dismissal.severance"]
    assert "no firmes todavia" in normalize(severance.more or "")
