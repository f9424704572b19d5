"""The one deadline model: what is her last day to act, from what happened to her and a date.

Deadlines depend on her situation, never on the kind of complaint (legal_facts: deadlines):

- dismissed, for any motive (pregnancy, union activity, after complaining…): 2 months (LFT Art. 518);
- left because of the employer's fault (unpaid or cut wages, harassment by a boss, danger):
  1 month from the day she learned of the cause (Art. 517 fr. II), and she must never sign a
  resignation;
- still working there (unpaid wages, overtime, vacation, aguinaldo): 1 year from the day each
  payment became due (Art. 516); an ongoing problem never "expires": every missed payment has a
  year of its own;
- a work accident or illness: 2 years (Art. 519);
- union matters (objections to a vote, legitimation): short deadlines of their own at the CFCRL,
  so no date at all: a person, today.

Counting (Art. 522): the day of the event is not counted; months run by their own length, so a
period of N months starting on day D ends the day before the same date N months later, or on the
last day of that month when that date does not exist (month ends, leap years). A deadline that
falls on a holiday is never moved later here, so the date given is never later than the law's.
Filing the conciliation request pauses the count, which resumes after the *constancia de no
conciliación* or when the file is archived (Art. 521 fr. III); both the filing day and the day
it resumes are counted as running, again so the date errs early, never late.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.i18n import N_


class Situation(StrEnum):
    """What happened to her; the values are what the flows save and the CLI takes."""

    DISMISSED = "dismissed"
    LEFT = "left"  # she ended the job because of the employer's fault (rescisión, Art. 51)
    STILL_WORKING = "still_working"
    WORK_ACCIDENT = "work_accident"
    UNION = "union"


@dataclass(frozen=True, slots=True)
class Pause:
    """A conciliation request: filed on `filed_on`, the count resumed on `resumed_on`."""

    filed_on: date
    resumed_on: date


@dataclass(frozen=True, slots=True)
class Deadline:
    """Her last day to act, or None (union matters: a person today); texts are Spanish sources."""

    situation: Situation
    last_day: date | None
    article: str
    explanation: str  # translate with bot.i18n.translate, then fill {date}

    def days_left(self, today: date) -> int | None:
        """0 on the last day itself, negative once it has passed; None without a date."""
        return None if self.last_day is None else (self.last_day - today).days

    def expired(self, today: date) -> bool:
        """Whether the date has passed; an ongoing problem (still working) never fully expires."""
        left = self.days_left(today)
        return left is not None and left < 0 and self.situation is not Situation.STILL_WORKING


MONTHS: dict[Situation, int] = {
    Situation.DISMISSED: 2,
    Situation.LEFT: 1,
    Situation.STILL_WORKING: 12,
    Situation.WORK_ACCIDENT: 24,
}
ARTICLES: dict[Situation, str] = {
    Situation.DISMISSED: "LFT Art. 518",
    Situation.LEFT: "LFT Art. 517 fr. II",
    Situation.STILL_WORKING: "LFT Art. 516",
    Situation.WORK_ACCIDENT: "LFT Art. 519",
    Situation.UNION: "LFT Art. 390 Bis, 400 Bis",
}
EXPLANATIONS: dict[Situation, str] = {
    Situation.DISMISSED: N_("Si te despidieron, por el motivo que sea, tienes 2 meses para reclamar: "
                           "hasta el {date}."),
    Situation.LEFT: N_("Si dejaste el trabajo por culpa del patrón, tienes 1 mes desde que pasó: hasta el "
                       "{date}. No firmes una renuncia."),
    Situation.STILL_WORKING: N_("Si sigues trabajando ahí, tienes 1 año desde que debieron pagarte: hasta el "
                                "{date} para ese pago. Cada pago que no te dieron tiene su propio año."),
    Situation.WORK_ACCIDENT: N_("Por un accidente o una enfermedad de trabajo tienes 2 años: "
                                "hasta el {date}."),
    Situation.UNION: N_("Los asuntos del sindicato o del contrato colectivo tienen plazos cortos y "
                        "distintos: habla hoy con una persona."),
}


def end_of_period(first_day: date, months: int) -> date:
    """The last day of a period of `months` months whose first day is `first_day` (Art. 522)."""
    index = first_day.month - 1 + months
    year, month = first_day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if first_day.day > last:
        return date(year, month, last)
    return date(year, month, first_day.day) - timedelta(days=1)


def deadline_for(situation: Situation, day: date, pauses: tuple[Pause, ...] = ()) -> Deadline:
    """Her deadline for `situation`, counted from `day`: the dismissal, the day she learned of the
    employer's fault, the day a payment became due, or the accident (ignored for union matters).

    Each conciliation pause that began on or before the last day moves it by the days in between.
    """
    if situation is Situation.UNION:
        return Deadline(situation, None, ARTICLES[situation], EXPLANATIONS[situation])
    last = end_of_period(day + timedelta(days=1), MONTHS[situation])
    for pause in sorted(pauses, key=lambda p: p.filed_on):
        if day <= pause.filed_on <= last and pause.resumed_on > pause.filed_on:
            last += timedelta(days=(pause.resumed_on - pause.filed_on).days - 1)
    return Deadline(situation, last, ARTICLES[situation], EXPLANATIONS[situation])


def situation_of(value: object) -> Situation | None:
    """A saved answer as a `Situation`, or None when she has not said (or a staff edit changed it)."""
    try:
        return Situation(str(value))
    except ValueError:
        return None
