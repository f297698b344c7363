"""The opt-in wake phrase ("Togetherly, start our check-in"): with it, talk in the room that does not start
with the assistant's name is not for us, however much it sounds like a command. The forms it may be
written in are data (`intents/<lang>/wake.yaml`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.data_files import load_model
from assistant.words import words

WAKE_FILE = "wake.yaml"
_MARKS = r"[\s,.!?;:'\"-]"
"""What may stand around and between the words of the wake phrase: spaces and punctuation."""


class WakeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    said_as: list[str] = Field(min_length=1)


class WakePhrase:
    def __init__(self, forms: Iterable[str]) -> None:
        spelled = sorted({tuple(words(form)) for form in forms if words(form)}, key=len, reverse=True)
        # The longest form first ("hey togetherly" before "togetherly"); punctuation and spaces between words.
        self._start = re.compile(f"^{_MARKS}*(?:" + "|".join(
            f"{_MARKS}+".join(re.escape(word) for word in form) for form in spelled) + rf")\b{_MARKS}*",
            re.IGNORECASE)

    @classmethod
    def load(cls, path: Path) -> WakePhrase:
        return cls(load_model(path, WakeFile)[0].said_as)

    def rest(self, heard: str) -> str | None:
        """What follows the wake phrase, as it was said ("" when nothing did); None when `heard` does not
        start with it."""
        found = self._start.match(heard)
        return None if found is None else heard[found.end():].strip()
