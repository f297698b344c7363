"""One utterance in, the assistant's verdict out: what `togetherly understand` prints, and what the
evaluation script measures. Audio goes through the same recognizer (commands language model or grammar)
and matcher as in a conversation, so an intent author sees exactly why something matched (or did not)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant import paths
from assistant.audio.endpointer import FRAME_SAMPLES
from assistant.audio.samples import Samples, dithered_silence, read_wav
from assistant.cli.output import report as _report
from assistant.config import load_settings
from assistant.dialogue.flows import default_flows
from assistant.dialogue.policy import confirmation_key, gate
from assistant.dialogue.states import listening_states
from assistant.errors import TogetherlyError
from assistant.hearing.engines import create_recognizer
from assistant.hearing.recognizer import Recognizer
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher


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


_CONFIRMED = default_flows().confirmations()
"""What the live loop confirms before acting on it."""


class Understander:
    def __init__(self, matcher: IntentMatcher, recognizer: Recognizer | None = None, *, idle: bool = False) -> None:
        """`idle`: judge as the idle loop does (a paraphrase must be surer there)."""
        self.matcher = matcher
        self.recognizer = recognizer
        self.idle = idle

    def _match(self, source: str, transcript: str, confidence: float, allowed: Sequence[str], *, engine: str,
               recognize_ms: float, others: Sequence[str] = ()) -> Understanding:
        _ = self.matcher.classifier  # a classifier still training in the background is not matching time
        start = time.perf_counter()
        match = gate(self.matcher.match_heard(transcript, others, allowed, idle=self.idle), confidence)
        match_ms = (time.perf_counter() - start) * 1000
        return Understanding(source, transcript, match.intent, round(match.score, 1), round(confidence, 3),
                             [(name, score) for name, score in match.alternatives],
                             confirmation_key(match, confidence, _CONFIRMED), match.by, engine,
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
                           recognize_ms=recognize_ms, others=transcript.alternatives)

    def wav(self, path: Path, allowed: Sequence[str]) -> Understanding:
        return self.samples(str(path), read_wav(path), allowed)


def understand(wavs: list[Path], *, text: bool, state: str, engine: str, model: Path | None,
               models_dir: Path | None, data_dir: Path | None = None) -> int:
    if bool(wavs) == text:
        raise TogetherlyError("give WAV files, or --text to read typed lines from stdin")
    matcher = IntentMatcher(IntentSet.load_dir(paths.language_dir()))  # as the live loop
    states = listening_states(matcher.intents)
    allowed = states.get(state) or [name.strip() for name in state.split(",") if name.strip()]
    unknown = [name for name in allowed if name not in matcher.intents]
    if unknown:
        raise TogetherlyError(f"unknown state or intent(s): {', '.join(unknown)}; states: {', '.join(states)}")
    if text:
        understander = Understander(matcher, idle=state == "idle")
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(understander.text(line.strip(), allowed).as_json(), ensure_ascii=False), flush=True)
        return 0
    kind = "vosk" if model else engine
    chosen = create_recognizer(kind, model, paths.models_dir(models_dir),  # type: ignore[arg-type]
                               matcher.intents.sentences_heard(), load_settings(paths.data_dir(data_dir)).whisper_model)
    if chosen.fallback_reason:
        _report(f"{chosen.fallback_reason}; using {chosen.label} instead")
    recognizer = chosen.recognizer
    understander = Understander(matcher, recognizer, idle=state == "idle")
    for path in wavs:
        print(json.dumps(understander.wav(path, allowed).as_json(), ensure_ascii=False), flush=True)
    return 0
