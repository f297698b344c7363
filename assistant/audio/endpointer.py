"""Utterance boundaries from the audio itself: speech starts on a few consecutive speech frames and ends
after a window of trailing silence (short for commands, longer for free answers, since people pause
mid-thought when sharing their day). Which frames are speech is the detector's call (`assistant.audio.vad`)."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from assistant.audio.samples import SAMPLE_RATE, Samples
from assistant.audio.vad import EnergyDetector, SpeechDetector

FRAME_SAMPLES = SAMPLE_RATE // 50  # 20 ms


class Event(enum.Enum):
    NONE = "none"
    START = "start"
    END = "end"


@dataclass(frozen=True)
class EndpointerSettings:
    trailing_silence_s: float = 0.6
    """Silence that ends an utterance."""
    start_frames: int = 3
    """Consecutive speech frames (20 ms each) that count as speech starting."""
    max_utterance_s: float = 30.0
    early_silence_s: float | None = None
    """Silence that ends an utterance already known to be complete (the listener decides, from the
    recognizer's partial hypothesis); None: only the full window ends one."""


# Commands are short and said in one breath: 350 ms of silence ends one. A command the recognizer has
# already heard whole, one that no longer phrase could turn into another command, ends after 200 ms
# (assistant.hearing.early_end), so most replies start ~300 ms after the last word (scripts/bench.py). A fixed
# 250 ms window made pocketsphinx misrecognize a later command in a spoken ritual (its adaptation depends
# on what it heard before), and a fixed 200 ms split "skip this question" in steady noise.
# Free answers keep long pauses mid-thought.
COMMAND_ENDPOINTING = EndpointerSettings(trailing_silence_s=0.35, max_utterance_s=10.0, early_silence_s=0.2)
ANSWER_ENDPOINTING = EndpointerSettings(trailing_silence_s=1.2, max_utterance_s=45.0)


class Endpointer:
    def __init__(self, settings: EndpointerSettings, detector: SpeechDetector | None = None) -> None:
        self.settings = settings
        self.detector: SpeechDetector = detector or EnergyDetector()
        self._loud_run = 0
        self._quiet_frames = 0
        self._speech_frames = 0
        self.in_speech = False

    @property
    def silence_s(self) -> float:
        """Trailing silence so far in the current utterance (0 outside one)."""
        return self._quiet_frames * FRAME_SAMPLES / SAMPLE_RATE if self.in_speech else 0.0

    @property
    def speech_s(self) -> float:
        """How long the current (or last) utterance has lasted, its trailing silence not counted."""
        return max(0, self._speech_frames - self._quiet_frames) * FRAME_SAMPLES / SAMPLE_RATE

    def silence_frames_left(self) -> int:
        """Frames of silence the full window still needs to end the current utterance."""
        needed = math.ceil(self.settings.trailing_silence_s * SAMPLE_RATE / FRAME_SAMPLES - 1e-9)
        return max(0, needed - self._quiet_frames) if self.in_speech else 0

    def push(self, frame: Samples) -> Event:
        """Feed one 20 ms frame; returns START or END at the frame where that happens."""
        loud = self.detector.is_speech(frame)
        if not self.in_speech:
            if loud:
                self._loud_run += 1
            else:
                self._loud_run = 0
                self.detector.quiet(frame)  # track the room's noise while nobody speaks
            if self._loud_run >= self.settings.start_frames:
                self.in_speech, self._quiet_frames, self._speech_frames = True, 0, self._loud_run
                return Event.START
            return Event.NONE
        self._speech_frames += 1
        self._quiet_frames = 0 if loud else self._quiet_frames + 1
        frame_s = FRAME_SAMPLES / SAMPLE_RATE
        if self._quiet_frames * frame_s >= self.settings.trailing_silence_s - 1e-9 or \
                self._speech_frames * frame_s >= self.settings.max_utterance_s:
            self.in_speech = False
            self._loud_run = 0
            return Event.END
        return Event.NONE
