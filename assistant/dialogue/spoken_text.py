"""A rendered line as it is spoken: counts of one in the singular, capitals at sentence starts."""

from __future__ import annotations

import re

_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


_ONE_OF = re.compile(r"\b(1|one) (minute|second|hour|time|hug|question|goal|day|kiss|break|check-in|night)(e?s)\b")


def singular_after_one(text: str) -> str:
    """"1 minutes" -> "1 minute": counts filled into lines written for many."""
    return _ONE_OF.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


def spoken_form(text: str) -> str:
    """A rendered line as it is said: counts of one in the singular, capitals at sentence starts."""
    return sentence_case(singular_after_one(text))


def sentence_case(text: str) -> str:
    """A capital at the start of each sentence: a name filled in first ("partner one, what was...")."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
