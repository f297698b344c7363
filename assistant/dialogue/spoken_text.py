"""A rendered line as it is spoken: capitals at sentence starts. (Counts are worded by the response files'
plural forms, `assistant.dialogue.responses.Plural`.)"""

from __future__ import annotations

import re

_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


class OurWords(str):
    """Words Togetherly composed from its own response lines ("one minute"), not the couple's: a line that
    holds them is still a fixed line, which the voice may keep as audio."""

    __slots__ = ()


def spoken_form(text: str) -> str:
    """A rendered line as it is said: capitals at sentence starts."""
    return sentence_case(text)


def sentence_case(text: str) -> str:
    """A capital at the start of each sentence: a name filled in first ("partner one, what was...")."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)
