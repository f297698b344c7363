"""Numbers in words: how list values are spelled in phrases, and how a transcript's numbers are read."""

from __future__ import annotations

import re

_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_DIGITS = re.compile(r"\b\d{1,6}\b")


def spell_number(n: int) -> str:
    """English words for 0..999999, as people say and recognizers write them ("forty five")."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else f" {_ONES[n % 10]}")
    if n < 1000:
        rest = n % 100
        return f"{_ONES[n // 100]} hundred" + (f" {spell_number(rest)}" if rest else "")
    rest = n % 1000
    return f"{spell_number(n // 1000)} thousand" + (f" {spell_number(rest)}" if rest else "")


def spell_digits(text: str) -> str:
    """Typed numbers as words ("hug for 30 seconds"), the form list phrases are stored in."""
    return _DIGITS.sub(lambda m: spell_number(int(m.group())), text)


_WORD_VALUES = {**{w: n for n, w in enumerate(_ONES)}, **{w: 10 * n for n, w in enumerate(_TENS) if n >= 2}}


def read_numbers(text: str) -> list[int]:
    """Every number said in words ("hug for one hundred twenty seconds" -> [120]), in order."""
    found: list[int] = []
    total, current, in_number = 0, 0, False
    for word in [*text.split(), ""]:
        if word in _WORD_VALUES:
            current, in_number = current + _WORD_VALUES[word], True
        elif word == "hundred":  # "a hundred" is one hundred
            current, in_number = max(current, 1) * 100, True
        elif word == "thousand":
            total, current, in_number = total + max(current, 1) * 1000, 0, True
        elif word == "and" and in_number:
            continue
        elif in_number:
            found.append(total + current)
            total, current, in_number = 0, 0, False
    return found
