"""Correcting what was just kept, by voice, as conversation scripts through the real dialogue stack: "that's not
what I said" takes the answer again and replaces it (the old words gone from notes.json), "what did you hear?"
reads it back, inside the ritual or once it is over, and nothing of it reaches the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.notes.models import AnswerNote, AppreciationNote, CheckInNote, FreeNote
from tests.support.harness import Session, run_assistant


def checkin(session: Session) -> CheckInNote:
    [note] = [n for n in session.store.load().notes if isinstance(n, CheckInNote)]
    return note


def test_inside_the_checkin_the_answer_is_taken_again_and_the_question_after_it_asked_again(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["start our check-in", "the dog stealing us off", "that's not what I said",
                                 "the dog stealing a sock", "a long meeting", "dinner", "traffic", "goodbye"])
    note = checkin(s)
    assert [(p.high, p.low) for p in note.partners] == [("the dog stealing a sock", "a long meeting"),
                                                        ("dinner", "traffic")]
    assert s.count("corrections.say_again") == 1 and s.count("corrections.replaced") == 1
    assert s.count("checkin.ask_high", name="Sam") == 2, "the question of the answer corrected, asked again"
    assert s.count("checkin.ask_low", name="Sam") == 2, "then the question it interrupted"
    assert "us off" not in s.store.path.read_text()


def test_after_the_checkin_the_saved_note_is_replaced_and_the_old_words_are_gone(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = run_assistant(tmp_path, ["start our check-in", "a swim", "a long meeting", "dinner", "the traffic jam",
                                 "what did you hear", "let me say that again", "the train was late", "goodbye"])
    assert s.count("corrections.heard_back", text="the traffic jam") == 1
    assert checkin(s).partners[1].low == "the train was late"
    saved = s.store.path.read_text()
    assert "traffic jam" not in saved and "the train was late" in saved
    assert "traffic" not in caplog.text and "train" not in caplog.text, "never the words in the logs"


def test_a_correction_skipped_keeps_the_answer_and_with_nothing_kept_it_says_so(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["that's not what I said", "take a note", "buy milk", "you got that wrong",
                                 "skip", "goodbye"])
    assert s.count("corrections.nothing_to_correct") == 1 and s.count("corrections.kept_as_was") == 1
    [note] = [n for n in s.store.load().notes if isinstance(n, FreeNote)]
    assert note.text == "buy milk"


def test_a_note_and_an_appreciation_are_corrected_too(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", "buy the milk", "that's not what I said", "buy oat milk",
                                 "goodbye"])
    [note] = [n for n in s.store.load().notes if isinstance(n, FreeNote)]
    assert note.text == "buy oat milk" and "the milk" not in s.store.path.read_text()
    s = run_assistant(tmp_path / "evening", ["start our evening ritual", "skip", "yes", "the tee", "change that",
                                             "the tea", "the walk", "stop", "goodbye"])
    thanks = [(n.partner, n.text) for n in s.store.load().notes if isinstance(n, AppreciationNote)]
    assert thanks == [("Sam", "the tea"), ("Alex", "the walk")]


def test_a_new_ritual_ends_the_window(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["take a note", "buy milk", "time a hug", "stop", "that's not what I said",
                                 "goodbye"])
    assert s.count("corrections.nothing_to_correct") == 1


def test_a_goal_is_corrected_as_a_draft_and_once_saved(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["let's set a goal", "walk the coast bath", "that's not what I said",
                                 "walk the coast path", "no date", "goodbye"])
    [goal] = s.store.load().goals
    assert goal.text == "walk the coast path"
    s = run_assistant(tmp_path / "later", ["let's set a goal", "learn to sale", "no date", "you misheard me",
                                           "learn to sail", "goodbye"])
    [goal] = s.store.load().goals
    assert goal.text == "learn to sail" and "sale" not in s.store.path.read_text()


def test_a_saved_answer_of_the_question_game_is_corrected(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["ask us a question", "note that", "the coats", "what did you hear",
                                 "that's not what I said", "the coast", "that's enough", "goodbye"])
    [answer] = [n for n in s.store.load().notes if isinstance(n, AnswerNote)]
    assert answer.text == "the coast" and s.count("corrections.heard_back", text="the coats") == 1
    assert "coats" not in s.store.path.read_text()
