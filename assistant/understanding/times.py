"""Times of day as people say them: "at nine", "nine thirty", "half past nine", "quarter to ten",
"9:30 pm", "21:00", "ten o'clock in the evening".

Read from what was heard (typed digits or number words), as lengths of time are (`durations`). Which half
of the day a bare "nine" means is the caller's to decide (`evening_time`, `next_time`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from assistant.quiet_hours import next_at
from assistant.understanding.numbers import read_numbers

_TOKEN = re.compile(r"\d+|[a-z]+")
_HOUR_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10, "eleven": 11, "twelve": 12, "noon": 12, "midnight": 0}
_MINUTE_WORDS = frozenset({"oh", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                           "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                           "nineteen", "twenty", "thirty", "forty", "fifty"})
_PM = ("pm", "evening", "night", "tonight", "afternoon")
_AM = ("am", "morning")
_LEADS = frozenset({"at", "by", "around", "about", "until", "till", "before", "from"})
"""Words before a number that make it a time of day ("at nine", not "two of us")."""


@dataclass(frozen=True)
class SaidTime:
    hour: int
    """0-23 as said: 9 for "nine", 21 for "21:00"."""
    minute: int
    half: str | None
    """"am" or "pm" when the half of the day was said, else None."""


def heard_time(text: str) -> SaidTime | None:
    """The time of day said in `text`, or None when none was said. A bare number is a time only after
    "at", "by", "until" ..., before "o'clock", "am", "pm" or minutes, or as the whole answer ("nine thirty")."""
    tokens = _TOKEN.findall(text.lower().replace("p.m.", "pm").replace("a.m.", "am"))
    half = _half(tokens)
    for i, token in enumerate(tokens):
        if token in ("past", "to") and 1 <= i < len(tokens) - 1:
            hour, minutes = _hour(tokens[i + 1]), _minutes_before(tokens[:i])
            if hour is not None and minutes is not None:
                if token == "past":
                    return SaidTime(hour, minutes, half)
                return SaidTime((hour - 1) % 24, 60 - minutes, half)
        hour = _hour(token)
        if hour is None or (i and tokens[i - 1] in ("past", "to")):
            continue
        after = tokens[i + 1:]
        minute = _minute_after(after)
        marked = bool(after) and after[0] in (*_PM, *_AM, "o", "oclock")
        led = i > 0 and tokens[i - 1] in _LEADS
        whole = len(tokens) - i - (1 if minute is not None else 0) - (1 if marked else 0) <= 1 and i == 0
        if led or marked or whole or minute is not None:
            return SaidTime(hour, minute or 0, half)
    return None


def _half(tokens: list[str]) -> str | None:
    if any(t in _AM for t in tokens):
        return "am"
    if any(t in _PM for t in tokens):
        return "pm"
    return None


def _hour(token: str) -> int | None:
    if token.isdigit():
        value = int(token)
        return value if 0 <= value <= 23 else None
    return _HOUR_WORDS.get(token)


def _minute_follows(tokens: list[str]) -> bool:
    return bool(tokens) and (tokens[0].isdigit() or tokens[0] in _MINUTE_WORDS)


def _minute_after(tokens: list[str]) -> int | None:
    """The minutes said right after the hour: "30", "thirty", "forty five", "oh five", "00"."""
    if not tokens:
        return None
    if tokens[0].isdigit():
        value = int(tokens[0])
        return value if 0 <= value <= 59 else None
    words: list[str] = []
    for token in tokens[:2]:
        if token not in _MINUTE_WORDS:
            break
        words.append(token)
    if not words:
        return None
    if words[0] in ("oh", "zero"):
        rest = read_numbers(" ".join(words[1:]))
        return rest[0] if rest and rest[0] < 10 else 0
    numbers = read_numbers(" ".join(words))
    return numbers[0] if numbers and numbers[0] < 60 else None


def _minutes_before(tokens: list[str]) -> int | None:
    """"half", "quarter", "a quarter", "ten", "twenty five" before "past" or "to"."""
    if tokens[-1:] == ["half"]:
        return 30
    if tokens[-1:] == ["quarter"]:
        return 15
    if tokens[-1:] in (["minutes"], ["minute"]):
        tokens = tokens[:-1]
    if tokens and tokens[-1].isdigit():
        value = int(tokens[-1])
        return value if 0 < value < 60 else None
    for start in (2, 1):
        tail = tokens[-start:]
        if len(tail) == start and all(t in _MINUTE_WORDS for t in tail):
            numbers = read_numbers(" ".join(tail))
            if len(numbers) == 1 and 0 < numbers[0] < 60:
                return numbers[0]
    return None


def evening_time(said: SaidTime) -> time:
    """A time for an evening ritual: a bare "nine" is nine at night."""
    hour = said.hour
    if (said.half == "pm" and hour < 12) or (said.half is None and 1 <= hour <= 11):
        hour += 12
    elif said.half == "am" and hour == 12:
        hour = 0
    return time(hour, said.minute)


def next_time(said: SaidTime, now: datetime) -> datetime:
    """The first moment after `now` that the said time names (a bare "nine": whichever nine comes first)."""
    hours = [said.hour]
    if said.hour <= 12:
        if said.half == "pm":
            hours = [said.hour % 12 + 12]
        elif said.half == "am":
            hours = [said.hour % 12]
        else:
            hours = [said.hour % 12, said.hour % 12 + 12]
    return min(next_at(now, time(hour, said.minute)) for hour in hours)
