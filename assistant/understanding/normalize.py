"""Text normalization shared by the matcher (what was heard) and the phrase lists (what can be said)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.data_files import load_model
from assistant.words import words as split_words

_SPACES = re.compile(r"\s+")


class NormalizationData(BaseModel):
    """`intents/<lang>/normalize.yaml`: filler words dropped, contractions expanded and words that sound
    alike written one way before matching."""

    model_config = ConfigDict(extra="forbid")
    fillers: list[str] = []
    contractions: dict[str, str] = {}
    sounds_alike: dict[str, str] = {}


@dataclass(frozen=True)
class Normalizer:
    fillers: frozenset[str] = frozenset()
    contractions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Normalizer:
        data, _ = load_model(path, NormalizationData)
        # A word that sounds like a command's word is that word: the recognizer picks a spelling by
        # context, and a command has little ("red back yesterday's check in").
        contractions = {k.lower(): v.lower() for k, v in {**data.sounds_alike, **data.contractions}.items()}
        return cls(frozenset(w.lower() for w in data.fillers), contractions)

    def words(self, text: str) -> list[str]:
        """Lower-case words with punctuation, hyphens and curly quotes folded; contractions kept."""
        return split_words(text)

    def normalize(self, text: str) -> str:
        """The form both phrases and transcripts are compared in."""
        out: list[str] = []
        for word in self.words(text):
            if word in self.fillers:
                continue
            out.extend(self.contractions.get(word, word).split())
        return _SPACES.sub(" ", " ".join(out)).strip()
