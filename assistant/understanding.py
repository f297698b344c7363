"""One utterance in, the assistant's verdict out: what `togetherly understand` prints, and what the
evaluation script measures. Audio goes through the same recognizer, grammar and matcher as in a
conversation, so an intent author sees exactly why something matched (or did not)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio import Samples, dithered_silence, read_wav
from assistant.endpointer import FRAME_SAMPLES
from assistant.matcher import IntentMatcher, Match
from assistant.recognizer import Recognizer

MIN_COMMAND_CONFIDENCE = 0.5
"""Below this engine confidence a command is rejected rather than acted on."""


def gate(match: Match, confidence: float, min_confidence: float = MIN_COMMAND_CONFIDENCE) -> Match:
    """Drop the intent of a match the recognizer itself was unsure of."""
    if match.intent is None or confidence >= min_confidence:
        return match
    return Match(match.text, None, match.score, match.phrase, match.alternatives)


@dataclass(frozen=True)
class Understanding:
    input: str
    transcript: str
    intent: str | None
    score: float
    confidence: float
    alternatives: list[tuple[str, float]]
    engine: str
    recognize_ms: float
    match_ms: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Understander:
    def __init__(self, matcher: IntentMatcher, recognizer: Recognizer | None = None) -> None:
        self.matcher = matcher
        self.recognizer = recognizer

    def _match(self, source: str, transcript: str, confidence: float, allowed: Sequence[str], *, engine: str,
               recognize_ms: float) -> Understanding:
        start = time.perf_counter()
        match = gate(self.matcher.match(transcript, allowed), confidence)
        match_ms = (time.perf_counter() - start) * 1000
        return Understanding(source, transcript, match.intent, round(match.score, 1), round(confidence, 3),
                             [(name, score) for name, score in match.alternatives], engine,
                             round(recognize_ms, 1), round(match_ms, 3))

    def text(self, line: str, allowed: Sequence[str]) -> Understanding:
        """Typed input: the transcript is the line itself."""
        return self._match(line, line, 1.0, allowed, engine="text", recognize_ms=0.0)

    def samples(self, label: str, samples: Samples, allowed: Sequence[str]) -> Understanding:
        """One utterance of 16 kHz audio, decoded in command mode over the allowed intents' phrases."""
        if self.recognizer is None:
            raise ValueError("no recognizer for audio input")
        phrases = [p.spoken for p in self.matcher.intents.phrases(allowed)]
        padded = np.concatenate([dithered_silence(0.3, seed=1), samples, dithered_silence(0.5, seed=2)])
        session = self.recognizer.start(phrases)
        for i in range(0, padded.size, FRAME_SAMPLES):  # fed as the live listener feeds it
            session.feed(padded[i:i + FRAME_SAMPLES])
        start = time.perf_counter()
        transcript = session.finish()
        recognize_ms = (time.perf_counter() - start) * 1000
        return self._match(label, transcript.text, transcript.confidence, allowed, engine=self.recognizer.name,
                           recognize_ms=recognize_ms)

    def wav(self, path: Path, allowed: Sequence[str]) -> Understanding:
        return self.samples(str(path), read_wav(path), allowed)
