"""Lengths of time as people say them: "forty five seconds", "half a minute", "a minute and a half",
"one and a half minutes", "two minutes and ten seconds", "half an hour", "ten hours".

Read from what was heard (normalized words, numbers as words), never from the nearest example phrase:
"can we have a hug" says no length at all, and gets the default.
"""

from __future__ import annotations

from assistant.understanding.numbers import read_numbers

UNITS = {"second": 1, "seconds": 1, "sec": 1, "secs": 1, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
         "hour": 3600, "hours": 3600}
_ONE = ("a", "an", "one")


def heard_seconds(text: str) -> int | None:
    """The length of time said in `text` in seconds, or None when none was said."""
    words = text.split()
    total = 0.0
    found = False
    for i, word in enumerate(words):
        unit = UNITS.get(word)
        if unit is None:
            continue
        amount = _amount_before(words[:i])
        if amount is None:
            continue
        after = words[i + 1:i + 4]
        if after[:3] == ["and", "a", "half"]:  # "a minute and a half"
            amount += 0.5
        total += amount * unit
        found = True
    return round(total) if found else None


def _amount_before(words: list[str]) -> float | None:
    """How many of a unit: the number words just before it ("forty five"), "a"/"an", "half a",
    "one and a half"; None when no amount stands there ("the minute", "minutes")."""
    if len(words) >= 2 and words[-2] == "half" and words[-1] in _ONE:  # "half a minute", "half an hour"
        return 0.5
    if words[-3:] == ["and", "a", "half"]:  # "one and a half minutes"
        whole = _number_ending(words[:-3])
        return whole + 0.5 if whole is not None else None
    if words and words[-1] in ("a", "an"):
        return 1.0
    return _number_ending(words)


def _number_ending(words: list[str]) -> float | None:
    """The number said by the last words of `words` ("... for forty five"), if they are number words."""
    for start in range(max(0, len(words) - 6), len(words)):
        tail = words[start:]
        numbers = read_numbers(" ".join(tail))
        if len(numbers) == 1 and _all_number_words(tail):
            return float(numbers[0])
    return None


def _all_number_words(words: list[str]) -> bool:
    return bool(words) and all(read_numbers(w) or w in ("and", "hundred", "thousand") for w in words) \
        and words[0] != "and"
