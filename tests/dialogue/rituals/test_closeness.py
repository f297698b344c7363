"""The thirty-six questions as typed scripts: three sets of twelve in turns, one set an evening with the place
kept, "continue" picking up there, nothing said kept, and four minutes of eye contact at the end."""

from __future__ import annotations

from pathlib import Path

from assistant.clock import ManualClock
from assistant.dialogue.flows.closeness import SET_SIZE, questions
from tests.support.harness import run_assistant


def test_the_questions_are_three_sets_of_twelve_of_our_own() -> None:
    asked = questions()
    assert len(asked) == 36 and len(set(asked)) == 36 and SET_SIZE == 12
    assert all(q.endswith(("?", ".", '"')) for q in asked)


def test_one_set_an_evening_then_continue_picks_up_in_set_two(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["let's do the thirty six questions", *["next"] * 12, "no", "goodbye"])
    assert s.count("closeness.explain") == 1 and s.count("closeness.set_start", set=1) == 1
    first = s.lines.index(s.variants("closeness.question", name="Sam", other="Alex", question=questions()[0])[0])
    assert s.lines[first + 1] == s.variants("closeness.question", name="Alex", other="Sam",
                                            question=questions()[1])[0], "in turns: Alex answers first next"
    assert s.count("closeness.set_done", set=1, next=2) == 1
    assert s.count("closeness.paused", set=2, number=1) == 1
    assert s.store.load().rituals.closeness_asked == 12
    s = run_assistant(tmp_path, ["continue our thirty six questions", "skip", "that's enough for tonight", "goodbye"])
    assert s.count("closeness.resume", set=2, number=1) == 1 and s.count("closeness.explain") == 0
    assert s.said(questions()[12]) and s.said(questions()[13])
    assert s.store.load().rituals.closeness_asked == 13


def test_stop_keeps_the_place_and_nothing_said_is_kept(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["36 questions", "next", "my grandmother taught me to sing", "next", "stop",
                                 "goodbye"])
    assert s.count("closeness.paused", set=1, number=3) == 1
    assert s.store.load().rituals.closeness_asked == 2
    assert "grandmother" not in s.store.path.read_text()


def test_all_thirty_six_end_with_four_minutes_of_eye_contact(tmp_path: Path) -> None:
    clock = ManualClock()
    script = ["let's do the thirty six questions", *["next"] * 12, "yes", *["next"] * 12, "continue",
              *["next"] * 12, "", "goodbye"]
    s = run_assistant(tmp_path, script, clock=clock)
    assert s.count("closeness.to_eyes") == 1 and s.count("eye_contact.ready", length="4 minutes") == 1
    start = s.lines.index("(chime: hug start)")
    assert s.lines[start + 1] == "(chime: hug end)", "no cues in between"
    assert s.count("closeness.finished") == 1
    rituals = s.store.load().rituals
    assert rituals.closeness_asked == 0 and len(rituals.closeness_finished) == 1
    again = run_assistant(tmp_path, ["let's do the thirty six questions", "stop", "goodbye"])
    assert again.count("closeness.explain_short") == 1 and again.said(questions()[0])
