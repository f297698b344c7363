"""Taking a note and hearing back what was said, as conversation scripts through the real stack."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.clock import ManualClock
from assistant.dialogue.flows.notes_flow import LastCheckInFlow, RecallFlow, TakeNoteFlow
from assistant.notes.models import AppreciationNote, CheckInNote, FreeNote, PartnerCheckIn
from tests.support.harness import Session, make_session, run_assistant

START = datetime(2026, 3, 12, 20, 30).astimezone()  # a Thursday evening


def free_notes(session: Session) -> list[FreeNote]:
    return [n for n in session.store.load().notes if isinstance(n, FreeNote)]


Answers = tuple[str | None, str | None]


def checkin(at: datetime, sam: Answers, alex: Answers) -> CheckInNote:
    return CheckInNote(created_at=at, completed=True, partners=[
        PartnerCheckIn(partner="Sam", high=sam[0], low=sam[1]),
        PartnerCheckIn(partner="Alex", high=alex[0], low=alex[1])])


def test_take_a_note_keeps_the_dictated_text_with_the_time(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", "Jo's birthday is on the ninth", "goodbye"],
                      clock=ManualClock(start=START))
    [note] = free_notes(s)
    assert note.text == "Jo's birthday is on the ninth"
    assert note.created_at == START
    assert note.partner is None, "one microphone cannot tell who spoke"
    assert s.count("notes.ask_note") == 1 and s.count("notes.saved") == 1


@pytest.mark.parametrize("phrase", ["remember that", "make a note", "could you remember something",
                                    "write this down for us", "uh take a note please"])
def test_paraphrases_start_a_note(tmp_path: Path, phrase: str) -> None:
    s = run_assistant(tmp_path, [phrase, "we want to repaint the hall", "goodbye"])
    assert [n.text for n in free_notes(s)] == ["we want to repaint the hall"]


def test_skip_and_stop_save_nothing(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", "skip", "take a note", "never mind", "goodbye"])
    assert free_notes(s) == []
    assert s.count("notes.cancelled") == 2


def test_help_inside_a_note_explains_and_asks_again(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["help", "repeat that", "pick up the cake"])
    TakeNoteFlow().run(s.ctx)
    assert s.count("notes.help_take") == 1
    assert s.count("notes.ask_note") == 2
    assert [n.text for n in free_notes(s)] == ["pick up the cake"]
    assert s.ctx.help_key == "core.help_idle", "the flow restores the idle help"


def test_note_text_is_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    run_assistant(tmp_path, ["take a note", "a very private thought about pancakes", "goodbye"])
    assert caplog.records, "the dialogue does log (intents, scores)"
    assert "pancakes" not in caplog.text


def test_recall_with_nothing_saved_says_so_kindly(tmp_path: Path) -> None:
    s = make_session(tmp_path, [])
    RecallFlow().run(s.ctx)
    LastCheckInFlow().run(s.ctx)
    assert s.lines == [*s.variants("notes.nothing_yet"), *s.variants("notes.no_checkin_yet")]


def test_what_did_we_say_last_time_reads_the_last_days_entries(tmp_path: Path) -> None:
    clock = ManualClock(start=START)
    s = make_session(tmp_path, ["what did we say last time", "goodbye"], clock=clock)
    two_days_ago, yesterday = START - timedelta(days=2), START - timedelta(days=1)
    s.store.add(FreeNote(created_at=two_days_ago, text="an older note"))
    s.store.add(checkin(yesterday, ("the sunset", None), ("a long call with mum", "a headache")))
    s.store.add(AppreciationNote(created_at=yesterday + timedelta(minutes=5), partner="Alex",
                                 text="how we laughed at dinner."))
    s.run()
    lines = s.lines
    start = lines.index("Your check-in yesterday.") - 1
    assert lines[start] in s.variants("notes.recall_intro", day="yesterday")
    assert lines[start + 1:start + 6] == [
        "Your check-in yesterday.",
        "Sam's high: the sunset.",
        "Alex's high: a long call with mum.",
        "Alex's low: a headache.",
        "What Alex appreciated yesterday: how we laughed at dinner.",
    ]
    assert not s.said("an older note"), "only the last day with entries is read"


def test_read_our_last_checkin_reads_only_the_newest_checkin(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "a swim", "a cold", "pizza", "skip",
                                 "read our last check-in", "goodbye"], clock=ManualClock(start=START))
    lines = s.lines
    first = lines.index("Your check-in today.")
    assert lines[first + 1:first + 5] == ["Sam's high: a swim.", "Sam's low: a cold.", "Alex's high: pizza.",
                                          s.variants("core.after_flow")[0]]


def test_older_entries_are_named_by_weekday_then_by_date(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=START))
    s.store.add(FreeNote(created_at=START - timedelta(days=3), text="monday thought"))
    RecallFlow().run(s.ctx)
    assert s.said("You noted on Monday: monday thought.")
    s2 = make_session(tmp_path / "b", [], clock=ManualClock(start=START))
    s2.store.add(FreeNote(created_at=START - timedelta(days=40), text="an old plan"))
    RecallFlow().run(s2.ctx)
    assert s2.said("You noted on January 31: an old plan.")
