"""Lengths as a couple says them: read from what was said (not from the nearest example phrase), a kiss, a
hug and a break never confused, a kiss's farewell by the hour, one minute said as one."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest

from assistant.clock import ManualClock
from assistant.config import Settings
from assistant.hearing.text_listener import TextListener
from assistant.notes.models import BreakRecord, HugRecord
from assistant.understanding.durations import heard_seconds
from tests.support.harness import Session, run_assistant

START = 1000.0


def typed(tmp_path: Path, script: list[str], at: datetime | None = None,
          **settings: object) -> tuple[Session, ManualClock]:
    clock = ManualClock(at)
    listener = TextListener(io.StringIO("".join(line + "\n" for line in script)), clock=clock)
    return run_assistant(tmp_path, [], listener=listener, clock=clock,
                         settings=Settings(partner_one="Sam", partner_two="Alex", **settings)), clock  # type: ignore[arg-type]


def hugs(s: Session) -> list[HugRecord]:
    return s.store.load().rituals.hugs


def breaks(s: Session) -> list[BreakRecord]:
    return s.store.load().rituals.breaks


@pytest.mark.slow
@pytest.mark.parametrize(("said", "seconds"), [
    ("hug for half a minute", 30), ("a minute and a half hug", 90), ("can we have a hug", 20),
    ("a long hug", 60), ("hug for 45 seconds", 45), ("time a hug", 20), ("hug for one and a half minutes", 90),
])
def test_a_hug_lasts_what_was_said_or_the_default(tmp_path: Path, said: str, seconds: int) -> None:
    s, clock = typed(tmp_path, [said, "", "goodbye"])
    assert [(h.seconds, h.label) for h in hugs(s)] == [(seconds, "hug")]
    assert clock.monotonic() == START + seconds


def test_a_length_out_of_bounds_gets_the_bounds_reply(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["hug for ten hours", "goodbye"])
    assert hugs(s) == [] and s.said("I can time a hug from 3 seconds up to 10 minutes")


@pytest.mark.parametrize(("said", "minutes", "note"), [
    ("we need a thirty minute break", 30, "calm_down.suggest_asked"),
    ("let's take half an hour apart", 30, "calm_down.suggest_asked"),
    ("we need a ten minute break", 20, "calm_down.at_least"),
    ("we need a break", 20, "calm_down.suggest"),
])
def test_a_break_lasts_what_was_asked_at_least_twenty_minutes(tmp_path: Path, said: str, minutes: int,
                                                             note: str) -> None:
    s, _ = typed(tmp_path, [said, "yes", "no", "", "goodbye"])
    [record] = breaks(s)
    assert record.planned_minutes == minutes
    assert s.said(f"{minutes} minutes")
    assert any(line in s.variants(note, minutes=f"{minutes} minutes", asked="10 minutes") for line in s.lines), s.lines


@pytest.mark.parametrize(("said", "intent"), [
    ("can we have a kiss", "kiss"), ("a five minute kiss", "kiss"), ("time a kiss", "kiss"),
    ("can we have a hug", "hug"), ("a five minute hug", "hug"),
])
def test_kiss_and_hug_are_never_confused_nor_taken_for_a_break(tmp_path: Path, said: str, intent: str) -> None:
    s, _ = typed(tmp_path, [said, "", "goodbye"])
    assert [h.label for h in hugs(s)] == [intent] and breaks(s) == []
    if said == "a five minute kiss":
        assert hugs(s)[0].seconds == 300


@pytest.mark.parametrize(("hour", "part"), [(7, "morning"), (14, "afternoon"), (19, "evening"), (23, "night")])
def test_a_kiss_ends_with_words_for_the_hour(tmp_path: Path, hour: int, part: str) -> None:
    s, _ = typed(tmp_path, ["time a kiss", "", "goodbye"], at=datetime(2026, 3, 2, hour, 0).astimezone())
    assert s.count(f"hug.done_kiss_{part}") == 1
    if part != "morning":
        assert not s.said("Have a good day")


def test_one_minute_is_singular(tmp_path: Path) -> None:
    s, _ = typed(tmp_path, ["we need a break", "yes", "no", "", "goodbye"], break_minutes=1)
    assert s.said("Let's take one minute apart") and not s.said("1 minutes")


def test_lengths_are_read_from_words() -> None:
    assert heard_seconds("two minutes and ten seconds") == 130
    assert heard_seconds("half an hour") == 1800
    assert heard_seconds("in the minutes before") is None
