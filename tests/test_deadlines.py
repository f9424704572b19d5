"""The deadline model against dates worked by hand from LFT Art. 516-522 (legal_facts: deadlines)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.complaint.deadlines import Deadline, Pause, Situation, deadline_for, situation_of

D = date


@pytest.mark.parametrize(("situation", "day", "last"), [
    # Dismissed: 2 months from the day after (Art. 518).
    (Situation.DISMISSED, D(2026, 3, 15), D(2026, 5, 15)),
    (Situation.DISMISSED, D(2026, 11, 30), D(2027, 1, 31)),  # the Juárez worker of the audit
    (Situation.DISMISSED, D(2026, 12, 30), D(2027, 2, 28)),  # 30 Feb does not exist
    (Situation.DISMISSED, D(2026, 12, 31), D(2027, 2, 28)),
    (Situation.DISMISSED, D(2027, 12, 30), D(2028, 2, 29)),  # leap year
    # Left for the employer's fault: 1 month from the day she learned the cause (Art. 517 fr. II).
    (Situation.LEFT, D(2026, 11, 11), D(2026, 12, 11)),
    (Situation.LEFT, D(2027, 1, 30), D(2027, 2, 28)),
    (Situation.LEFT, D(2028, 1, 30), D(2028, 2, 29)),
    (Situation.LEFT, D(2026, 12, 31), D(2027, 1, 31)),
    # Still working: 1 year from the day each payment became due (Art. 516).
    (Situation.STILL_WORKING, D(2026, 12, 20), D(2027, 12, 20)),
    (Situation.STILL_WORKING, D(2028, 2, 29), D(2029, 2, 28)),
    # A work accident or illness: 2 years (Art. 519).
    (Situation.WORK_ACCIDENT, D(2026, 6, 10), D(2028, 6, 10)),
    (Situation.WORK_ACCIDENT, D(2026, 2, 28), D(2028, 2, 29)),  # the count starts on 1 March
])
def test_each_situation_counts_its_own_months(situation: Situation, day: date, last: date) -> None:
    assert deadline_for(situation, day).last_day == last


def test_the_articles_follow_the_situation_not_the_kind_of_complaint() -> None:
    day = D(2026, 11, 20)
    assert {s: deadline_for(s, day).article for s in Situation} == {
        Situation.DISMISSED: "LFT Art. 518", Situation.LEFT: "LFT Art. 517 fr. II",
        Situation.STILL_WORKING: "LFT Art. 516", Situation.WORK_ACCIDENT: "LFT Art. 519",
        Situation.UNION: "LFT Art. 390 Bis, 400 Bis"}


def test_union_matters_get_no_date_but_a_person_today() -> None:
    found = deadline_for(Situation.UNION, D(2026, 11, 20))
    assert found.last_day is None and found.days_left(D(2026, 11, 21)) is None
    assert "habla hoy con una persona" in found.explanation and not found.expired(D(2030, 1, 1))


def test_a_dismissal_two_months_and_a_day_ago_has_expired() -> None:
    found = deadline_for(Situation.DISMISSED, D(2026, 9, 30))
    assert found.days_left(D(2026, 11, 30)) == 0 and not found.expired(D(2026, 11, 30))
    assert found.expired(D(2026, 12, 1))


def test_an_ongoing_problem_never_expires_each_payment_has_its_own_year() -> None:
    first_missed = deadline_for(Situation.STILL_WORKING, D(2025, 1, 1))
    assert (first_missed.days_left(D(2026, 12, 2)) or 0) < 0
    assert not first_missed.expired(D(2026, 12, 2))
    assert "Cada pago que no te dieron tiene su propio año" in first_missed.explanation


def test_a_conciliation_request_pauses_the_count_and_it_resumes_after() -> None:
    # Dismissed 15 March: the last day would be 15 May. She filed on 1 April (16 days used) and the
    # count resumed on 1 May with the constancia: 29 days in between were not counted.
    paused = deadline_for(Situation.DISMISSED, D(2026, 3, 15), (Pause(D(2026, 4, 1), D(2026, 5, 1)),))
    assert paused.last_day == D(2026, 6, 13)


def test_a_request_filed_after_the_last_day_revives_nothing() -> None:
    late = deadline_for(Situation.LEFT, D(2026, 3, 15), (Pause(D(2026, 4, 20), D(2026, 5, 20)),))
    assert late.last_day == D(2026, 4, 15)


def test_two_pauses_each_move_the_date() -> None:
    # 15 May, plus 9 days (2-10 April) and 4 days (2-5 May) not counted: 28 May.
    pauses = (Pause(D(2026, 4, 1), D(2026, 4, 11)), Pause(D(2026, 5, 1), D(2026, 5, 6)))
    assert deadline_for(Situation.DISMISSED, D(2026, 3, 15), pauses).last_day == D(2026, 5, 28)


@pytest.mark.parametrize("value", ["dismissed", "left", "still_working", "work_accident", "union"])
def test_saved_answers_read_back(value: str) -> None:
    assert situation_of(value) is Situation(value)


def test_an_unknown_answer_is_no_situation() -> None:
    assert situation_of("despedida") is None and situation_of(None) is None


def test_a_deadline_is_a_value() -> None:
    assert deadline_for(Situation.LEFT, D(2026, 1, 5)) == Deadline(
        Situation.LEFT, D(2026, 2, 5), "LFT Art. 517 fr. II",
        deadline_for(Situation.LEFT, D(2026, 1, 5)).explanation)
