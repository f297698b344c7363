"""Utterance boundaries from the audio itself: speech starts on sustained energy above the noise floor
and ends after a window of trailing silence (short for commands, longer for free answers, since people
pause mid-thought when sharing their day)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from assistant.audio import SAMPLE_RATE, Samples

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
    """Consecutive loud frames (20 ms each) that count as speech starting."""
    min_rms: float = 250.0
    """Absolute floor, so a silent room with digital near-zero noise never triggers."""
    ratio: float = 3.5
    """How far above the tracked noise floor a frame must be to count as speech."""
    max_utterance_s: float = 30.0


COMMAND_ENDPOINTING = EndpointerSettings(trailing_silence_s=0.6, max_utterance_s=10.0)
ANSWER_ENDPOINTING = EndpointerSettings(trailing_silence_s=1.2, max_utterance_s=45.0)


class Endpointer:
    def __init__(self, settings: EndpointerSettings) -> None:
        self.settings = settings
        self._floor = settings.min_rms / settings.ratio
        self._loud_run = 0
        self._quiet_frames = 0
        self._speech_frames = 0
        self.in_speech = False

    def push(self, frame: Samples) -> Event:
        """Feed one 20 ms frame; returns START or END at the frame where that happens."""
        rms = float(np.sqrt(np.mean(frame.astype(np.float32) ** 2))) if frame.size else 0.0
        loud = rms > max(self.settings.min_rms, self._floor * self.settings.ratio)
        if not self.in_speech:
            if loud:
                self._loud_run += 1
            else:
                self._loud_run = 0
                self._floor = 0.95 * self._floor + 0.05 * rms  # track the room's noise while quiet
            if self._loud_run >= self.settings.start_frames:
                self.in_speech, self._quiet_frames, self._speech_frames = True, 0, self._loud_run
                return Event.START
            return Event.NONE
        self._speech_frames += 1
        self._quiet_frames = 0 if loud else self._quiet_frames + 1
        frame_s = FRAME_SAMPLES / SAMPLE_RATE
        if self._quiet_frames * frame_s >= self.settings.trailing_silence_s or \
                self._speech_frames * frame_s >= self.settings.max_utterance_s:
            self.in_speech = False
            self._loud_run = 0
            return Event.END
        return Event.NONE
