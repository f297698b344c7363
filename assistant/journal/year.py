"""The figures a journal page shows, read from the notes: which evenings had a ritual, hugs and kisses by
week, how deep the questions went, goals, agreements, and the check-in highs (shown only behind a click)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from assistant.clock import local_day
from assistant.notes.models import AnswerNote, AppreciationNote, CheckInNote, NotesFile

DAYS = 364
"""Fifty-two weeks of evenings on the calendar."""
WEEKS = 26
"""Half a year of hugs and kisses."""


@dataclass(frozen=True)
class GoalLine:
    text: str
    set_on: date
    status: str


@dataclass
class Year:
    names: tuple[str, str]
    today: date
    rituals_by_day: Counter[date] = field(default_factory=Counter)
    hugs_by_week: list[tuple[date, int, int]] = field(default_factory=list)
    """(Monday, hugs, kisses) for each of the last WEEKS weeks, oldest first."""
    depths: dict[str, int] = field(default_factory=dict)
    goals: list[GoalLine] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    highs: list[tuple[date, str, str]] = field(default_factory=list)
    """(day, partner, high), newest first."""
    problem: str | None = None
    """Why the notes could not be read (a damaged file, kept where it is): the page says so."""

    @property
    def empty(self) -> bool:
        return not self.rituals_by_day and not self.goals and not self.agreements


def year_of(notes: NotesFile, today: date, names: tuple[str, str], depth_of: Mapping[str, str]) -> Year:
    """The figures, from the notes; `depth_of`: question id -> its depth (light, deeper, vulnerable)."""
    year = Year(names, today)
    first = today - timedelta(days=DAYS - 1)
    rituals = notes.rituals
    moments = [n.created_at for n in notes.notes if isinstance(n, CheckInNote | AppreciationNote | AnswerNote)]
    moments += [h.at for h in rituals.hugs if h.completed] + [b.at for b in rituals.breaks]
    moments += [d.at for d in rituals.date_nights] + [t.at for t in rituals.stress_talks] + rituals.weekly_meetings
    year.rituals_by_day = Counter(day for day in map(local_day, moments) if first <= day <= today)
    monday = today - timedelta(days=today.weekday())
    weeks = [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    counts: Counter[tuple[date, str]] = Counter()
    for hug in rituals.hugs:
        if hug.completed:
            day = local_day(hug.at)
            counts[(day - timedelta(days=day.weekday()), hug.label)] += 1
    year.hugs_by_week = [(week, counts[(week, "hug")], counts[(week, "kiss")]) for week in weeks]
    asked = [depth_of.get(question, "") for ids in rituals.asked_questions.values() for question in ids]
    year.depths = {depth: asked.count(depth) for depth in ("light", "deeper", "vulnerable")}
    year.goals = [GoalLine(g.text, local_day(g.created_at), "reached" if g.done_at else "open")
                  for g in sorted(notes.goals, key=lambda g: g.created_at)]
    year.agreements = list(rituals.agreements)
    year.highs = [(local_day(n.created_at), part.partner, part.high)
                  for n in sorted(notes.notes, key=lambda n: n.created_at, reverse=True)
                  if isinstance(n, CheckInNote) for part in n.partners if part.high]
    return year
