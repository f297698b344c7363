"""Shared goals: setting one with a spoken review date, reviewing them, and the start-up reminder."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.dialogue.flows.goals import ReviewGoalsFlow, SetGoalFlow, add_months, reminder_due
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.notes.models import Goal, NotesFile
from tests.support.harness import Session, make_session, run_assistant
from tests.support.speech_fixtures import synthesize

START = datetime(2026, 1, 31, 20, 0).astimezone()
TODAY = START.date()


def goals(session: Session) -> list[Goal]:
    return session.store.load().goals


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "review_on"), [
    ("in three months", date(2026, 4, 30)),
    ("next month", date(2026, 2, 28)),
    ("in a month", date(2026, 2, 28)),
    ("in two weeks", date(2026, 2, 14)),
    ("next week", date(2026, 2, 7)),
    ("in six months", date(2026, 7, 31)),
    ("next year", date(2027, 1, 31)),
    ("next quarter", date(2026, 4, 30)),
    ("no date", None),
    ("no", None),
    ("skip", None),
    ("leave it open", None),
])
def test_set_a_goal_with_a_spoken_review_date(tmp_path: Path, answer: str, review_on: date | None) -> None:
    s = run_assistant(tmp_path, ["let's set a goal", "walk the coast path together", answer, "goodbye"],
                      clock=ManualClock(start=START))
    [goal] = goals(s)
    assert goal.text == "walk the coast path together"
    assert goal.review_on == review_on
    assert goal.created_at == START and goal.done_at is None
    if review_on is None:
        assert s.count("goals.saved_no_date") == 1
    else:
        assert s.count("goals.saved_with_date", date=f"{review_on:%B} {review_on.day}") == 1


def test_an_unclear_date_is_asked_again(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["learn to salsa", "whenever the moon is blue", "in four months"],
                     clock=ManualClock(start=START))
    SetGoalFlow().run(s.ctx)
    assert s.count("core.didnt_catch_in_flow") == 1
    assert [g.review_on for g in goals(s)] == [date(2026, 5, 31)]


def test_months_are_added_to_the_calendar_and_clamped() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)


def test_stop_at_the_date_keeps_the_goal_without_one(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["save for a trip to Lisbon", "stop"], clock=ManualClock(start=START))
    SetGoalFlow().run(s.ctx)
    [goal] = goals(s)
    assert goal.text == "save for a trip to Lisbon" and goal.review_on is None
    assert s.count("goals.saved_no_date") == 1


def test_skipping_or_stopping_the_goal_itself_saves_nothing(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["skip"])
    SetGoalFlow().run(s.ctx)
    s2 = make_session(tmp_path, ["stop"])
    SetGoalFlow().run(s2.ctx)
    assert goals(s) == []
    assert s.count("goals.no_goal") == 1 and s2.count("goals.stopped") == 1


def _stored(session: Session, *texts: str, created: datetime = START, review_on: date | None = None) -> None:
    def add(notes: NotesFile) -> None:
        for i, text in enumerate(texts):
            when = created + timedelta(minutes=i)
            notes.goals.append(Goal(created_at=when, text=text, review_on=review_on))

    session.store.update(add)


def test_review_asks_about_each_open_goal_in_turn(tmp_path: Path) -> None:
    clock = ManualClock(start=START + timedelta(days=30))
    s = make_session(tmp_path, ["yes", "not really", "skip"], clock=clock)
    _stored(s, "a weekly walk", "learn Italian", "plant an apple tree")
    ReviewGoalsFlow().run(s.ctx)
    done = {g.text: g.done_at for g in goals(s)}
    assert done == {"a weekly walk": clock.now(), "learn Italian": None, "plant an apple tree": None}
    assert s.count("goals.review_intro_many", count=3) == 1
    assert s.said("You set this goal on January 31: a weekly walk. Have you reached it?")
    assert [s.count(k) for k in ("goals.marked_done", "goals.still_open", "goals.skipped")] == [1, 1, 1]
    assert s.count("goals.review_closing_some", count=1) == 1
    assert s.store.load().rituals.last_goal_reminder == clock.now().date(), "a review resets the quarter"


def test_review_stopped_part_way_keeps_what_was_marked(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["yes", "stop"], clock=ManualClock(start=START))
    _stored(s, "run a 5k", "cook together on Sundays")
    ReviewGoalsFlow().run(s.ctx)
    assert [g.done_at is not None for g in goals(s)] == [True, False]
    assert s.count("goals.review_stopped") == 1


def test_review_with_no_goals_or_all_reached(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=START))
    ReviewGoalsFlow().run(s.ctx)
    assert s.lines == s.variants("goals.none_yet")
    s2 = make_session(tmp_path / "b", ["yes"], clock=ManualClock(start=START))
    _stored(s2, "paint the kitchen")
    ReviewGoalsFlow().run(s2.ctx)
    ReviewGoalsFlow().run(s2.ctx)
    assert s2.count("goals.review_closing_all") == 1
    assert s2.count("goals.all_done", count=1) == 1


def _start_at(tmp_path: Path, when: datetime) -> Session:
    """A new session (the couple starting Togetherly) at `when`, over the same notes."""
    return run_assistant(tmp_path, ["goodbye"], clock=ManualClock(start=when))


def test_quarterly_reminder_is_spoken_once_when_a_quarter_has_passed(tmp_path: Path) -> None:
    setup = make_session(tmp_path, [], clock=ManualClock(start=START))
    _stored(setup, "a holiday by the sea")
    assert _start_at(tmp_path, START + timedelta(days=60)).count("goals.reminder_quarterly", count=1) == 0
    later = _start_at(tmp_path, START + timedelta(days=92))
    assert later.lines[1] in later.variants("goals.reminder_quarterly", count=1), "right after the welcome"
    assert _start_at(tmp_path, START + timedelta(days=92, hours=1)).count("goals.reminder_quarterly", count=1) == 0
    assert _start_at(tmp_path, START + timedelta(days=150)).count("goals.reminder_quarterly", count=1) == 0
    assert _start_at(tmp_path, START + timedelta(days=92 + 91)).count("goals.reminder_quarterly", count=1) == 1


def test_reminder_when_a_review_date_comes(tmp_path: Path) -> None:
    setup = make_session(tmp_path, [], clock=ManualClock(start=START))
    _stored(setup, "one", "two", review_on=TODAY + timedelta(days=14))
    assert _start_at(tmp_path, START + timedelta(days=13)).count("goals.reminder_due", count=2) == 0
    assert _start_at(tmp_path, START + timedelta(days=15)).count("goals.reminder_due", count=2) == 1
    assert _start_at(tmp_path, START + timedelta(days=16)).count("goals.reminder_due", count=2) == 0


def test_a_review_postpones_the_quarterly_reminder(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["review our goals", "no", "goodbye"],
                      clock=ManualClock(start=START + timedelta(days=80)))
    assert s.count("goals.none_yet") == 1
    _stored(s, "a garden")
    run_assistant(tmp_path, ["review our goals", "no", "goodbye"],
                  clock=ManualClock(start=START + timedelta(days=80)))
    assert _start_at(tmp_path, START + timedelta(days=100)).count("goals.reminder_quarterly", count=1) == 0
    assert _start_at(tmp_path, START + timedelta(days=80 + 91)).count("goals.reminder_quarterly", count=1) == 1


def test_no_goals_means_no_reminder() -> None:
    assert reminder_due(NotesFile(), TODAY + timedelta(days=400)) is None


def test_reminder_on_an_unreadable_file_stays_quiet(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"schema_version": 99}')
    s = _start_at(tmp_path, START)
    assert s.lines[0] in s.variants("core.welcome") and s.lines[1] in s.variants("core.goodbye")
    assert (tmp_path / "notes.json").read_text() == '{"schema_version": 99}'


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_goal_with_a_spoken_review_date(tmp_path: Path) -> None:
    """espeak-ng speech through the real pocketsphinx engine: the date is a closed grammar, so exact."""
    said = [synthesize(text, tmp_path / f"{i}.wav") for i, text in enumerate(
        ["let's set a goal", "we want to travel to the mountains", "in three months"])]
    clock = ManualClock(start=START)
    listener = SpeechListener(WavFilesSource(said, clock=clock), PocketsphinxRecognizer(), clock=clock)
    s = run_assistant(tmp_path / "data", [], listener=listener, clock=clock)
    [goal] = goals(s)
    assert goal.review_on == date(2026, 4, 30)
    assert "travel" in goal.text, "open vocabulary is rough, but the gist is there"
    assert s.count("goals.saved_with_date", date="April 30") == 1
