"""One utterance in, the assistant's verdict out: what `togetherly understand` prints, and what the
evaluation script measures. Audio goes through the same recognizer (commands language model or grammar)
and matcher as in a conversation, so an intent author sees exactly why something matched (or did not)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.endpointer import FRAME_SAMPLES
from assistant.audio.samples import Samples, dithered_silence, read_wav
from assistant.hearing.recognizer import Recognizer
from assistant.understanding.matcher import IntentMatcher, Match

MIN_COMMAND_CONFIDENCE = 0.5
"""Below this engine confidence a command is rejected rather than acted on."""
CONSEQUENTIAL = {"need_break": "core.confirm_need_break", "clear_agreements": "core.confirm_clear_agreements"}
"""Intents that start something long or forget something, with the question that confirms them."""
SURE_SCORE = 92.0
"""A consequential intent matched below this score (0-100) is confirmed before it is acted on."""
SURE_CONFIDENCE = 0.8
"""... and so is one the recognizer heard with less confidence than this."""


def gate(match: Match, confidence: float, min_confidence: float = MIN_COMMAND_CONFIDENCE) -> Match:
    """Drop the intent of a match the recognizer itself was unsure of. The one decision shared by the
    live conversation (`Conversation.hear_command`) and `togetherly understand`."""
    if match.intent is None or confidence >= min_confidence:
        return match
    return Match(match.text, None, match.score, match.phrase, match.alternatives)


def confirmation_key(match: Match, confidence: float) -> str | None:
    """The question to ask before acting on a consequential intent heard without certainty, else None:
    starting a twenty-minute break or forgetting agreements on a mishearing costs more than one question."""
    key = CONSEQUENTIAL.get(match.intent or "")
    if key is None or (match.score >= SURE_SCORE and confidence >= SURE_CONFIDENCE):
        return None
    return key


@dataclass(frozen=True)
class Understanding:
    input: str
    transcript: str
    intent: str | None
    score: float
    confidence: float
    alternatives: list[tuple[str, float]]
    confirm: str | None
    """The question asked before acting (a consequential intent heard without certainty), else None."""
    by: str
    """What decided: "phrase" (close to one of the phrases) or "classifier" (understood as a paraphrase)."""
    engine: str
    recognize_ms: float
    match_ms: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Understander:
    def __init__(self, matcher: IntentMatcher, recognizer: Recognizer | None = None, *, idle: bool = False) -> None:
        """`idle`: judge as the idle loop does (a paraphrase must be surer there)."""
        self.matcher = matcher
        self.recognizer = recognizer
        self.idle = idle

    def _match(self, source: str, transcript: str, confidence: float, allowed: Sequence[str], *, engine: str,
               recognize_ms: float) -> Understanding:
        _ = self.matcher.classifier  # a classifier still training in the background is not matching time
        start = time.perf_counter()
        match = gate(self.matcher.match(transcript, allowed, idle=self.idle), confidence)
        match_ms = (time.perf_counter() - start) * 1000
        return Understanding(source, transcript, match.intent, round(match.score, 1), round(confidence, 3),
                             [(name, score) for name, score in match.alternatives],
                             confirmation_key(match, confidence), match.by, engine,
                             round(recognize_ms, 1), round(match_ms, 3))

    def text(self, line: str, allowed: Sequence[str]) -> Understanding:
        """Typed input: the transcript is the line itself."""
        return self._match(line, line, 1.0, allowed, engine="text", recognize_ms=0.0)

    def samples(self, label: str, samples: Samples, allowed: Sequence[str]) -> Understanding:
        """One utterance of 16 kHz audio, decoded in command mode over the allowed intents' phrases (or
        with the engine's commands language model, where it has one and the matcher takes paraphrases)."""
        if self.recognizer is None:
            raise ValueError("no recognizer for audio input")
        phrases = [p.spoken for p in self.matcher.intents.phrases(allowed)]
        padded = np.concatenate([dithered_silence(0.3, seed=1), samples, dithered_silence(0.5, seed=2)])
        session = self.recognizer.start(phrases, paraphrases=self.matcher.paraphrases)
        for i in range(0, padded.size, FRAME_SAMPLES):  # fed as the live listener feeds it
            session.feed(padded[i:i + FRAME_SAMPLES])
        start = time.perf_counter()
        transcript = session.finish()
        recognize_ms = (time.perf_counter() - start) * 1000
        return self._match(label, transcript.text, transcript.confidence, allowed, engine=self.recognizer.name,
                           recognize_ms=recognize_ms)

    def wav(self, path: Path, allowed: Sequence[str]) -> Understanding:
        return self.samples(str(path), read_wav(path), allowed)
