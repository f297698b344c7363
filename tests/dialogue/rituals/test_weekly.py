"""The weekly state of the union as typed scripts: appreciations kept (several each), one issue heard and said
back until the speaker says so, kept only when asked, the wish for the week kept, and "how are we doing"
mentioning the meeting."""

from __future__ import annotations

from pathlib import Path

from assistant.notes.models import AnswerNote, AppreciationNote, FreeNote
from tests.support.harness import run_assistant

START = ["let's do our weekly meeting", "you cooked on tuesday", "you listened on sunday", "no",
         "you fixed the bike", "no"]


def test_appreciations_an_issue_said_back_twice_and_the_wishes(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, [*START, "yes", "Alex", "I feel rushed in the mornings", "you're tired",
                                 "no", "that mornings feel rushed", "mornings are rushed for you", "yes", "no",
                                 "a walk together", "breakfast in bed", "how are we doing", "goodbye"])
    notes = s.store.load().notes
    assert [(n.partner, n.text) for n in notes if isinstance(n, AppreciationNote)] == [
        ("Sam", "you cooked on tuesday"), ("Sam", "you listened on sunday"), ("Alex", "you fixed the bike")]
    assert s.count("weekly.speaker_turn", speaker="Alex", listener="Sam") == 1
    assert s.count("weekly.ask_right", speaker="Alex", listener="Sam") == 2
    assert s.count("weekly.try_again", speaker="Alex", listener="Sam") == 1 and s.count("weekly.heard") == 1
    assert s.count("weekly.issue_not_saved") == 1
    assert "rushed" not in s.store.path.read_text(), "the issue is not kept unless they ask"
    wishes = [(n.partner, n.text) for n in notes if isinstance(n, AnswerNote)]
    assert wishes == [("Sam", "a walk together"), ("Alex", "breakfast in bed")]
    assert s.count("progress.weekly_meeting", day="today") == 1
    assert len(s.store.load().rituals.weekly_meetings) == 1


def test_the_issue_is_kept_when_they_ask_and_no_issue_is_fine(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, [*START, "yes", "me", "the dishes pile up", "the dishes bother you", "yes",
                                 "save that", "skip", "skip", "goodbye"])
    kept = [n for n in s.store.load().notes if isinstance(n, FreeNote)]
    assert [(n.partner, n.text) for n in kept] == [("Sam", "the dishes pile up")]
    s = run_assistant(tmp_path / "none", [*START, "no", "skip", "skip", "goodbye"])
    assert s.count("weekly.no_issue") == 1 and s.count("weekly.closing") == 1


def test_stop_keeps_what_was_said(tmp_path: Path) -> None:
    s = run_assistant(tmp_path, ["weekly meeting", "you made me laugh", "stop", "goodbye"])
    assert s.count("weekly.stopped") == 1
    assert [n.text for n in s.store.load().notes] == ["you made me laugh"]  # type: ignore[union-attr]
