"""The name in a transcript ("Togetherly, start our check-in"): what follows it is the command. With the
wake-word detector it is the second check (the transcript of the moment the detector fired must start with
the name or a noisy spelling of it, "Together,"); without a detector, the only one. The forms it may be
written in are data (`intents/<lang>/wake.yaml`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz

from assistant.data_files import load_model
from assistant.words import words

WAKE_FILE = "wake.yaml"
_MARKS = r"[\s,.!?;:'\"-]"
SOUNDS_LIKE = 60.0
"""How close (rapidfuzz ratio, letters only) the first words must be to a form of the name, once the
detector heard it: Whisper writes a voice it finds robotic as "To get away," or "Okay, again early," (held-out
espeak-ng and flite names, 60-74), while talk that starts otherwise stays lower (most below 56)."""
"""What may stand around and between the words of the wake phrase: spaces and punctuation."""


class WakeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    said_as: list[str] = Field(min_length=1)


class WakePhrase:
    def __init__(self, forms: Iterable[str]) -> None:
        spelled = sorted({tuple(words(form)) for form in forms if words(form)}, key=len, reverse=True)
        # The longest form first ("hey togetherly" before "togetherly"); punctuation and spaces between words.
        self._start = re.compile(f"{_MARKS}*(?:" + "|".join(
            f"{_MARKS}+".join(re.escape(word) for word in form) for form in spelled) + rf")\b{_MARKS}*",
            re.IGNORECASE)

        self._joined = sorted({"".join(form) for form in spelled})

    @classmethod
    def load(cls, path: Path) -> WakePhrase:
        return cls(load_model(path, WakeFile)[0].said_as)

    def rest(self, heard: str, within: int = 0) -> str | None:
        """What follows the wake phrase, as it was said ("" when nothing did); None when `heard` does not
        start with it, or with at most `within` words before it (the tail of talk the name followed)."""
        starts = [0, *[m.end() for m in re.finditer(rf"\S+{_MARKS}*", heard)][:within]]
        for start in starts:
            found = self._start.match(heard, start)
            if found is not None:
                return heard[found.end():].strip()
        return None

    def sounded(self, heard: str) -> str | None:
        """After the detector heard the name: what follows it, where the transcript starts with the name or
        with words that sound like it (at most three, SOUNDS_LIKE); None when it does not."""
        exact = self.rest(heard, within=2)
        if exact is not None:
            return exact
        found = list(re.finditer(r"[A-Za-z']+", heard))[:3]
        best, end = 0.0, 0
        for k in range(1, len(found) + 1):
            letters = "".join(m.group().lower().replace("'", "") for m in found[:k])
            score = max(fuzz.ratio(letters, form) for form in self._joined)
            if score > best:
                best, end = score, found[k - 1].end()
        return heard[end:].strip(" ,.!?;:-") if best >= SOUNDS_LIKE else None
