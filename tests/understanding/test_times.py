"""Times of day as people say and type them, and which evening they name."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from assistant.understanding.times import SaidTime, evening_time, heard_time, next_time


@pytest.mark.parametrize(("text", "said"), [
    ("remind us to check in at nine", SaidTime(9, 0, None)),
    ("at 9:30 pm", SaidTime(9, 30, "pm")),
    ("at nine thirty", SaidTime(9, 30, None)),
    ("half past nine", SaidTime(9, 30, None)),
    ("quarter to ten", SaidTime(9, 45, None)),
    ("twenty past eight", SaidTime(8, 20, None)),
    ("at eight oh five", SaidTime(8, 5, None)),
    ("9 o'clock", SaidTime(9, 0, None)),
    ("ten o'clock in the evening", SaidTime(10, 0, "pm")),
    ("21:00", SaidTime(21, 0, None)),
    ("at 9pm", SaidTime(9, 0, "pm")),
    ("nine thirty", SaidTime(9, 30, None)),
])
def test_times_said(text: str, said: SaidTime) -> None:
    assert heard_time(text) == said


@pytest.mark.parametrize("text", ["in half an hour", "after dinner", "one thing", "let's do it for two of us",
                                  "ten minutes each", "not on fridays"])
def test_no_time_said(text: str) -> None:
    assert heard_time(text) is None


def test_a_bare_nine_is_nine_at_night_for_a_ritual_and_the_next_nine_for_a_return() -> None:
    assert evening_time(SaidTime(9, 0, None)) == time(21, 0)
    assert evening_time(SaidTime(7, 30, "am")) == time(7, 30)
    assert evening_time(SaidTime(21, 15, None)) == time(21, 15)
    now = datetime(2026, 1, 15, 20, 10)
    assert next_time(SaidTime(9, 0, None), now) == datetime(2026, 1, 15, 21, 0)
    assert next_time(SaidTime(8, 0, None), now) == datetime(2026, 1, 16, 8, 0)
    assert next_time(SaidTime(8, 0, "pm"), now) == datetime(2026, 1, 16, 20, 0)
