"""Four minutes of eye contact as conversation scripts on a ManualClock: a blank line while it runs is
nothing said until the deadline, so the end chime's time on the clock is the ritual's own."""

from __future__ import annotations

import io
from pathlib import Path

from assistant.clock import ManualClock
from assistant.hearing.text_listener import TextListener
from tests.support.harness import Session, run_assistant

START = 1000.0  # where ManualClock starts


def typed(tmp_path: Path, script: list[str]) -> tuple[Session, ManualClock]:
    clock = ManualClock()
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    return run_assistant(tmp_path, [], listener=listener, clock=clock), clock


def test_four_minutes_of_eye_contact_end_on_time_with_a_chime_and_nothing_saved(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["let's do four minutes of eye contact", "", "goodbye"])
    ready = next(i for i, line in enumerate(s.lines) if line in s.variants("eye_contact.ready", length="4 minutes"))
    assert "not recording" in s.lines[ready]
    assert s.lines[ready + 1:ready + 3] == ["(chime: hug start)", "(chime: hug end)"]
    assert s.lines[ready + 3] in s.variants("eye_contact.done")
    assert clock.monotonic() == START + 240.0
    assert not (tmp_path / "notes.json").exists() or s.store.load().notes == [], "nothing is kept"


def test_a_length_can_be_asked_and_how_long_left_is_answered(tmp_path: Path) -> None:
    s, clock = typed(tmp_path, ["a two minute eye contact", "how long left", "", "goodbye"])
    assert s.count("eye_contact.ready", length="2 minutes") == 1
    assert s.count("eye_contact.time_left", left="2 minutes") == 1
    assert clock.monotonic() == START + 120.0


def test_stop_ends_it_kindly_and_help_says_what_works(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["eye contact", "help", "stop", "goodbye"])
    assert s.count("eye_contact.help") == 1 and s.count("eye_contact.stopped") == 1
    assert "(chime: hug end)" not in s.lines


def test_it_is_told_about_and_described(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["what can you do", "tell me more about eye contact", "goodbye"])
    assert "eye contact" in s.lines[1]
    assert s.count("eye_contact.summary") == 1
