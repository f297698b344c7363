"""Turning input into utterances: typed lines, or audio segmented by the endpointer and recognized."""

from __future__ import annotations

import enum
import io
import os
import select
import sys
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal, Protocol, TextIO

import numpy as np

from assistant.audio import SAMPLE_RATE, Samples
from assistant.audio_in import AudioSource
from assistant.clock import Clock, SystemClock
from assistant.endpointer import (
    ANSWER_ENDPOINTING,
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
    Endpointer,
    Event,
)
from assistant.recognizer import RecognitionSession, Recognizer
from assistant.vad import SpeechDetector, default_detector


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
    deadline: float | None = None
    """Monotonic time (on the listener's clock) at which to give up, even mid-utterance: timers end
    on time whatever is being said. None: no deadline."""


@dataclass(frozen=True)
class Heard:
    status: Literal["speech", "silence", "end", "deadline"]
    """speech: something was said; silence: nothing before the timeout; end: the input is finished;
    deadline: the request's deadline came first."""
    text: str = ""
    confidence: float = 0.0
    recognize_ms: float = 0.0
    """Time from the end of speech to the transcript."""


END = Heard("end")
SILENCE = Heard("silence")
DEADLINE = Heard("deadline")
_NO_FRAME = np.zeros(0, dtype=np.int16)


class Listener(Protocol):
    def listen(self, request: ListenRequest) -> Heard: ...


class BargeIn(Protocol):
    def take(self) -> Heard | None:
        """A command said over the assistant's speech and not yet acted on (assistant.barge_in)."""


class TextListener:
    """Typed input: one line is one utterance, an empty line is silence, end of input ends the session.

    With a deadline, a real terminal or pipe is waited on with select() until the deadline on `clock`.
    A stream that cannot be waited on (a script in a StringIO) cannot wait either: there a blank line
    stands for "nothing was said until the deadline" and the clock is slept (a ManualClock advances).
    """

    def __init__(self, stream: TextIO | None = None, prompt: str = "you> ",
                 clock: Clock | None = None) -> None:
        self._stream = stream or sys.stdin
        self._prompt = prompt if self._stream.isatty() else ""
        self.clock: Clock = clock or SystemClock()
        self._fd = _waitable_fd(self._stream)
        self._buffer = b""
        self._eof = False

    def listen(self, request: ListenRequest) -> Heard:
        deadline = request.deadline
        if deadline is not None and self.clock.monotonic() >= deadline:
            return DEADLINE
        if self._prompt:
            print(self._prompt, end="", flush=True)
        line = self._stream.readline() if self._fd is None else self._read_line(deadline)
        if line is None:
            if self._prompt:
                print(flush=True)  # the timer spoke over an empty prompt: start a fresh line
            return DEADLINE
        if not line:
            return END
        text = line.strip()
        if text:
            return Heard("speech", text, 1.0)
        if deadline is not None and self._fd is None:
            self.clock.sleep(deadline - self.clock.monotonic())
            return DEADLINE
        return SILENCE

    def _read_line(self, deadline: float | None) -> str | None:
        """The next line ("" at end of input), or None when the deadline came first. Reads the file
        descriptor directly: select() cannot see lines already sitting in Python's buffer."""
        assert self._fd is not None
        while b"\n" not in self._buffer and not self._eof:
            timeout = None if deadline is None else deadline - self.clock.monotonic()
            if timeout is not None and timeout <= 0:
                return None
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if ready:
                chunk = os.read(self._fd, 4096)
                self._eof = not chunk
                self._buffer += chunk
        line, newline, self._buffer = self._buffer.partition(b"\n")
        return (line + newline).decode("utf-8", "replace")


def _waitable_fd(stream: TextIO) -> int | None:
    """The stream's file descriptor if select() can wait on it (POSIX terminals, pipes, files)."""
    if os.name == "nt":
        return None
    try:
        return stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        return None


class SpeechListener:
    """Audio from a source, cut into utterances by the endpointer and streamed into a recognizer."""

    PREROLL_FRAMES = 25  # 500 ms kept from before the detected start: the VAD can miss a soft onset ("th")

    def __init__(self, source: AudioSource, recognizer: Recognizer, clock: Clock | None = None,
                 barge_in: BargeIn | None = None) -> None:
        self.source = source
        self.barge_in = barge_in
        """Where a command said over the assistant's speech waits; it is the next thing heard."""
        self.recognizer = recognizer
        self.clock: Clock = clock or SystemClock()
        """Deadlines are on this clock: the system clock for a microphone; for WAV files, a ManualClock
        that the source advances by the audio it has played."""
        self._pending = np.zeros(0, dtype=np.int16)
        self._abandoned: RecognitionSession | None = None
        self.detector: SpeechDetector = default_detector()
        """Kept across utterances, so the room's noise level learned at one prompt serves the next."""

    def _frames(self, deadline: float | None = None) -> Samples | None:
        """The next 20 ms frame; None at the end of input; an empty frame when the deadline came first."""
        while self._pending.size < FRAME_SAMPLES:
            if deadline is None:
                block = self.source.read()
            else:
                left = deadline - self.clock.monotonic()
                if left <= 0:
                    return _NO_FRAME
                block = self.source.read(left)  # wakes at the deadline, not at the next block
            if block is None:
                return None
            self._pending = np.concatenate([self._pending, block])
        frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
        return frame

    def listen(self, request: ListenRequest) -> Heard:
        barged = self.barge_in.take() if self.barge_in is not None else None
        if barged is not None:
            return barged
        if self._abandoned is not None:  # cut off by a deadline last time: close it now, off the clock
            self._abandoned.finish()
            self._abandoned = None
        self.source.drain()
        self._pending = np.zeros(0, dtype=np.int16)
        command = request.mode is ListenMode.COMMAND
        endpointer = Endpointer(COMMAND_ENDPOINTING if command else ANSWER_ENDPOINTING, self.detector)
        preroll: deque[Samples] = deque(maxlen=self.PREROLL_FRAMES)
        session: RecognitionSession | None = None
        waited = 0.0
        while True:
            if request.deadline is not None and self.clock.monotonic() >= request.deadline:
                # Checked every frame, so an utterance in progress never delays a timer's end.
                self._abandoned = session
                return DEADLINE
            frame = self._frames(request.deadline)
            if frame is None:
                return self._finish(session) if session is not None else END
            if frame.size == 0:
                continue
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
