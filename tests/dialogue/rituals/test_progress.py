""""How are we doing": the gentle report, read from a real store file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from assistant.clock import ManualClock
from assistant.dialogue.flows.progress import ProgressFlow, progress, streak
from assistant.notes.models import (
    AnswerNote,
    BreakRecord,
    CheckInNote,
    DateNightRecord,
    FreeNote,
    HugRecord,
    NotesFile,
    PartnerCheckIn,
    StressTalkRecord,
)
from tests.support.harness import make_session, run_assistant

NOW = datetime(2026, 5, 20, 21, 0).astimezone()
TODAY = NOW.date()


def day(n: int) -> datetime:
    """`n` days before NOW."""
    return NOW - timedelta(days=n)


def checkin(at: datetime) -> CheckInNote:
    return CheckInNote(created_at=at, completed=True, partners=[PartnerCheckIn(partner="Sam", high="tea")])


def busy_file() -> NotesFile:
    notes = NotesFile()
    notes.notes += [checkin(day(0)), checkin(day(1)), checkin(day(8)),
                    FreeNote(created_at=day(3), text="a free note is not a ritual"),
                    AnswerNote(created_at=day(2), question_id="q1", question="A dream?", text="a boat")]
    notes.rituals.hugs += [HugRecord(at=day(0), seconds=20, completed=True),
                           HugRecord(at=day(4), seconds=20, completed=True),
                           HugRecord(at=day(5), seconds=20, completed=False),
                           HugRecord(at=day(6), seconds=60, completed=True)]
    notes.rituals.breaks += [
        BreakRecord(at=day(10), planned_minutes=20, actual_minutes=20, ended="time_up"),
        BreakRecord(at=day(12), planned_minutes=20, actual_minutes=25, ended="time_up"),
        BreakRecord(at=day(15), planned_minutes=20, actual_minutes=9, ended="ready_early")]
    notes.rituals.asked_questions = {"starter": ["q1", "q2"], "our-deck": ["m1"]}
    notes.rituals.date_nights.append(DateNightRecord(at=day(30), planner="Sam"))
    return notes


def test_counts_from_a_busy_store() -> None:
    report = progress(busy_file(), TODAY)
    assert report.checkins_this_week == 2, "eight days ago is outside the past week"
    assert report.streak_days == 3, "today, yesterday (check-ins) and two days ago (saved answer)"
    assert report.hugs == 3, "the unfinished hug is not counted"
    assert report.questions_asked == 3 and report.answers_saved == 1
    assert report.breaks == 3 and report.break_endings == {"time_up": 2, "ready_early": 1}


def test_streak_is_still_alive_when_today_has_nothing_yet() -> None:
    days = {TODAY - timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak(days, TODAY) == 3
    assert streak(days | {TODAY}, TODAY) == 4
    assert streak({TODAY - timedelta(days=2)}, TODAY) == 0


def test_the_report_is_spoken_in_order(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=NOW))
    s.store.save(busy_file())
    ProgressFlow().run(s.ctx)
    expected = [
        ("progress.intro", {}),
        ("progress.checkins", {"count": 2}),
        ("progress.streak", {"count": 3}),
        ("progress.hugs", {"count": 3}),
        ("progress.questions", {"count": 3}),
        ("progress.answers", {"count": 1}),
        ("progress.breaks", {"count": 3}),
        ("progress.break_time_up", {"count": 2}),
        ("progress.break_ready_early", {"count": 1}),
        ("progress.closing", {}),
    ]
    assert len(s.lines) == len(expected)
    for line, (key, values) in zip(s.lines, expected, strict=True):
        assert line in s.variants(key, **values), key
    assert s.said("3 calm-down breaks") and s.said("2 of them ran their full time")


def test_an_empty_store_gets_kind_words_for_every_zero(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["how are we doing", "goodbye"], clock=ManualClock(start=NOW))
    for key in ("progress.checkins", "progress.streak", "progress.hugs", "progress.questions", "progress.breaks"):
        assert s.count(key, count=0) == 1, key
    assert s.count("progress.closing") == 1
    assert not any(" 0 " in line for line in s.lines), "no bare zeros are read out"
    assert s.count("progress.answers", count=1) == 0


def test_a_single_break_is_spoken_of_as_it(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=NOW))
    notes = NotesFile()
    notes.rituals.breaks.append(BreakRecord(at=day(1), planned_minutes=20, actual_minutes=3, ended="stopped"))
    notes.rituals.hugs.append(HugRecord(at=day(1), seconds=20, completed=True))
    s.store.save(notes)
    ProgressFlow().run(s.ctx)
    assert s.count("progress.breaks", count=1) == 1
    assert s.count("progress.break_stopped_only") == 1
    assert s.count("progress.hugs", count=1) == 1
    assert s.count("progress.streak", count=1) == 1, "yesterday's ritual keeps a one-day streak"


def test_paraphrases_ask_for_the_report(tmp_path: Path) -> None:
    for phrase in ["how have we been doing", "tell us our progress", "progress report"]:
        s = run_assistant(tmp_path / phrase.replace(" ", "_"), [phrase, "goodbye"])
        assert s.count("progress.intro") == 1, phrase


def test_stress_talks_are_counted_and_make_a_ritual_day(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=NOW))
    notes = NotesFile()
    notes.rituals.stress_talks.append(StressTalkRecord(at=NOW, minutes_each=10, completed=True, felt_heard=True))
    s.store.save(notes)
    ProgressFlow().run(s.ctx)
    assert s.count("progress.stress_talks", count=1) == 1
    assert s.count("progress.streak", count=1) == 1, "a stress talk today is a ritual day"


def test_the_thirty_six_questions_are_mentioned_once_begun(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=NOW))
    ProgressFlow().run(s.ctx)
    assert s.count("progress.closeness_place", asked=0, set=1) == 0, "nothing said of what was never tried"
    notes = NotesFile()
    notes.rituals.closeness_asked = 14
    notes.rituals.closeness_finished.append(NOW - timedelta(days=30))
    s.store.save(notes)
    ProgressFlow().run(s.ctx)
    assert s.count("progress.closeness_finished", count=1) == 1
    assert s.count("progress.closeness_place", asked=14, set=2) == 1
