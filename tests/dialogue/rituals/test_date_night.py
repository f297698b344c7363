"""Date night: whose turn it is to plan, and recording one; by text and through real speech."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.audio.sources import WavFilesSource
from assistant.clock import ManualClock
from assistant.dialogue.flows.date_night import DateNightDoneFlow, DateNightTurnFlow, whose_turn
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.speech_listener import SpeechListener
from assistant.notes.models import DateNightRecord, NotesFile
from tests.support.harness import Session, make_session, run_assistant
from tests.support.speech_fixtures import synthesize

START = datetime(2026, 2, 14, 19, 0).astimezone()


def planners(session: Session) -> list[str]:
    return [r.planner for r in session.store.load().rituals.date_nights]


def record(session: Session, planner: str, at: datetime) -> None:
    def add(notes: NotesFile) -> None:
        notes.rituals.date_nights.append(DateNightRecord(at=at, planner=planner))

    session.store.update(add)


def test_first_turn_goes_to_partner_one(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["whose turn is it to plan date night", "goodbye"])
    assert s.count("date_night.turn_first", name="Sam") == 1


def test_turns_alternate_as_date_nights_are_recorded(tmp_path: Path) -> None:
    clock = ManualClock(start=START)
    s = run_assistant(tmp_path, ["we had our date night", "yes",
                                 "whose turn is it to plan date night",
                                 "i planned it", "yes",
                                 "who plans the next date", "goodbye"], clock=clock)
    assert planners(s) == ["Sam", "Alex"]
    assert s.count("date_night.ask_planner", name="Sam") == 1, "first asked about the one whose turn it was"
    assert s.count("date_night.ask_planner", name="Alex") == 1
    assert s.count("date_night.recorded", name="Sam", next="Alex") == 1
    assert s.count("date_night.turn", name="Alex", last_name="Sam", day="today") == 1
    assert s.count("date_night.turn", name="Sam", last_name="Alex", day="today") == 1


def test_no_means_the_other_partner_planned_it(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["nope"], clock=ManualClock(start=START))
    DateNightDoneFlow().run(s.ctx)
    assert planners(s) == ["Alex"]
    assert s.count("date_night.recorded", name="Alex", next="Sam") == 1


@pytest.mark.parametrize(("answer", "planner"), [("Alex did", "Alex"), ("it was sam", "Sam"),
                                                 ("Alex's idea", "Alex")])
def test_the_planner_can_be_named(tmp_path: Path, answer: str, planner: str) -> None:
    s = make_session(tmp_path, [answer], clock=ManualClock(start=START))
    DateNightDoneFlow().run(s.ctx)
    assert planners(s) == [planner]


def test_an_unclear_answer_asks_by_name_then_gives_up_kindly(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["it was wonderful", "Sam", "we went bowling", "hmm", "no idea"])
    DateNightDoneFlow().run(s.ctx)
    assert planners(s) == ["Sam"]
    assert s.count("date_night.ask_planner_by_name") == 1
    s2 = make_session(tmp_path / "b", ["the film", "both of us", "we forgot"])
    DateNightDoneFlow().run(s2.ctx)
    assert planners(s2) == []
    assert s2.count("date_night.ask_planner_by_name") == 2
    assert s2.count("date_night.not_recorded") == 1


def test_skip_and_stop_record_nothing(tmp_path: Path) -> None:
    s = make_session(tmp_path, ["skip", "stop"])
    DateNightDoneFlow().run(s.ctx)
    DateNightDoneFlow().run(s.ctx)
    assert planners(s) == []
    assert s.count("date_night.not_recorded") == 2


def test_the_last_date_night_is_named_by_day(tmp_path: Path) -> None:
    s = make_session(tmp_path, [], clock=ManualClock(start=START))
    record(s, "Alex", START - timedelta(days=9))
    record(s, "Sam", START - timedelta(days=2))
    DateNightTurnFlow().run(s.ctx)
    assert s.count("date_night.turn", name="Alex", last_name="Sam", day="on Thursday") == 1


def test_turn_after_a_name_change_starts_again_with_partner_one() -> None:
    old = [DateNightRecord(at=START, planner="Jo")]
    assert whose_turn(("Sam", "Alex"), old) == "Sam"
    assert whose_turn(("Sam", "Alex"), [DateNightRecord(at=START, planner="sam")]) == "Alex"


@pytest.mark.slow
@pytest.mark.audio
def test_spoken_question_gets_the_turn_answered(tmp_path: Path) -> None:
    """espeak-ng speech through the real pocketsphinx engine, matcher and flow."""
    wavs = tmp_path / "wavs"
    wavs.mkdir()
    said = [synthesize("whose turn is it to plan date night", wavs / "turn.wav"),
            synthesize("goodbye", wavs / "bye.wav")]
    setup = make_session(tmp_path, [], clock=ManualClock(start=START))
    record(setup, "Sam", START - timedelta(days=1))
    listener = SpeechListener(WavFilesSource(said), PocketsphinxRecognizer())
    s = run_assistant(tmp_path, [], listener=listener, clock=ManualClock(start=START))
    assert s.count("date_night.turn", name="Alex", last_name="Sam", day="yesterday") == 1
    assert s.lines[-1] in s.variants("core.goodbye")
