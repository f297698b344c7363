"""Turning input into utterances: typed lines, or audio segmented by the endpointer and recognized."""

from __future__ import annotations

import enum
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal, Protocol, TextIO

import numpy as np

from assistant.audio import SAMPLE_RATE, Samples
from assistant.audio_in import AudioSource
from assistant.endpointer import (
    ANSWER_ENDPOINTING,
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
    Endpointer,
    Event,
)
from assistant.recognizer import RecognitionSession, Recognizer


class ListenMode(enum.Enum):
    COMMAND = "command"
    """Waiting for one of a known set of phrases: the recognizer is restricted to them."""
    ANSWER = "answer"
    """A free answer (a high of the day): open vocabulary, longer pauses allowed."""


@dataclass(frozen=True)
class ListenRequest:
    mode: ListenMode
    phrases: tuple[str, ...] = ()
    """In COMMAND mode, every sentence that could be meant (the grammar)."""
    timeout_s: float | None = 8.0
    """How long to wait for speech to start; None waits for ever."""


@dataclass(frozen=True)
class Heard:
    status: Literal["speech", "silence", "end"]
    """speech: something was said; silence: nothing before the timeout; end: the input is finished."""
    text: str = ""
    confidence: float = 0.0
    recognize_ms: float = 0.0
    """Time from the end of speech to the transcript."""


END = Heard("end")
SILENCE = Heard("silence")


class Listener(Protocol):
    def listen(self, request: ListenRequest) -> Heard: ...


class TextListener:
    """Typed input: one line is one utterance, an empty line is silence, end of input ends the session."""

    def __init__(self, stream: TextIO | None = None, prompt: str = "you> ") -> None:
        self._stream = stream or sys.stdin
        self._prompt = prompt if self._stream.isatty() else ""

    def listen(self, request: ListenRequest) -> Heard:
        if self._prompt:
            print(self._prompt, end="", flush=True)
        line = self._stream.readline()
        if not line:
            return END
        text = line.strip()
        return Heard("speech", text, 1.0) if text else SILENCE


class SpeechListener:
    """Audio from a source, cut into utterances by the endpointer and streamed into a recognizer."""

    PREROLL_FRAMES = 15  # 300 ms kept from before the detected start, so first consonants are not lost

    def __init__(self, source: AudioSource, recognizer: Recognizer) -> None:
        self.source = source
        self.recognizer = recognizer
        self._pending = np.zeros(0, dtype=np.int16)

    def _frames(self) -> Samples | None:
        while self._pending.size < FRAME_SAMPLES:
            block = self.source.read()
            if block is None:
                return None
            self._pending = np.concatenate([self._pending, block])
        frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
        return frame

    def listen(self, request: ListenRequest) -> Heard:
        self.source.drain()
        self._pending = np.zeros(0, dtype=np.int16)
        command = request.mode is ListenMode.COMMAND
        endpointer = Endpointer(COMMAND_ENDPOINTING if command else ANSWER_ENDPOINTING)
        preroll: deque[Samples] = deque(maxlen=self.PREROLL_FRAMES)
        session: RecognitionSession | None = None
        waited = 0.0
        while True:
            frame = self._frames()
            if frame is None:
                return self._finish(session) if session is not None else END
            event = endpointer.push(frame)
            if session is None:
                preroll.append(frame)
                waited += frame.size / SAMPLE_RATE
                if event is Event.START:
                    session = self.recognizer.start(request.phrases if command else None)
                    for earlier in preroll:
                        session.feed(earlier)
                elif request.timeout_s is not None and waited >= request.timeout_s:
                    return SILENCE
                continue
            session.feed(frame)
            if event is Event.END:
                return self._finish(session)

    @staticmethod
    def _finish(session: RecognitionSession) -> Heard:
        started = time.perf_counter()
        transcript = session.finish()
        elapsed = (time.perf_counter() - started) * 1000
        return Heard("speech", transcript.text, transcript.confidence, elapsed)
