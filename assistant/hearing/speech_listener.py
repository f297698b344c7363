"""Turning input into utterances: typed lines, or audio segmented by the endpointer and recognized."""

from __future__ import annotations

import enum
import functools
import io
import os
import select
import sys
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TextIO

import numpy as np

from assistant.audio.endpointer import (
    ANSWER_ENDPOINTING,
    COMMAND_ENDPOINTING,
    FRAME_SAMPLES,
    Endpointer,
    EndpointerSettings,
    Event,
)
from assistant.audio.samples import SAMPLE_RATE, Samples
from assistant.audio.sources import AudioSource
from assistant.audio.vad import SpeechDetector, default_detector, frame_rms
from assistant.clock import Clock, SystemClock
from assistant.hearing.recognizer import RecognitionSession, Recognizer
from assistant.understanding.intents import Phrase
from assistant.words import words as split_words


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
    meanings: tuple[str, ...] = ()
    """What each of `phrases` means (intent and slot values), in the same order. A command heard whole
    ends after a shorter silence when every longer phrase it could still grow into means the same
    ("cancel" / "cancel that", not "next" / "next week"). Empty: each phrase means something of its own."""


def command_request(phrases: Sequence[Phrase], timeout_s: float | None = 8.0,
                    deadline: float | None = None) -> ListenRequest:
    """Listen for one of `phrases` (their spoken forms are the grammar; intent and slots their meaning)."""
    return ListenRequest(ListenMode.COMMAND, tuple(p.spoken for p in phrases), timeout_s, deadline,
                         tuple(f"{p.intent} {p.slots}" for p in phrases))


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


class CompleteCommands:
    """Which partial hypotheses are a whole command of a request: one of its phrases, and no longer
    phrase starting with it means something else. Waiting out the full silence window could then only
    add words that change nothing."""

    def __init__(self, phrases: tuple[str, ...], meanings: tuple[str, ...] = ()) -> None:
        if len(meanings) != len(phrases):
            meanings = phrases  # nothing said about meanings: every phrase means something of its own
        self._meaning: dict[str, str | None] = {}
        """Normalized phrase → its meaning (None where two meanings share one wording)."""
        self._longer: dict[str, set[str]] = {}
        """Each proper word-prefix of a phrase → the meanings of the phrases that continue it."""
        for phrase, meaning in zip(phrases, meanings, strict=True):
            words = split_words(phrase)
            text = " ".join(words)
            self._meaning[text] = meaning if self._meaning.get(text, meaning) == meaning else None
            for end in range(1, len(words)):
                self._longer.setdefault(" ".join(words[:end]), set()).add(meaning)

    def meaning(self, partial: str) -> str | None:
        """The command `partial` is, if it is whole; else None."""
        text = " ".join(split_words(partial))
        meaning = self._meaning.get(text)
        if meaning is None or self._longer.get(text, set()) - {meaning}:
            return None
        return meaning


@functools.lru_cache(maxsize=16)
def complete_commands(phrases: tuple[str, ...], meanings: tuple[str, ...]) -> CompleteCommands:
    """Built once per grammar: a conversation asks for the same few again and again."""
    return CompleteCommands(phrases, meanings)


class EarlyEnd:
    """Decides when a command may end after the short silence (`early_silence_s`) instead of the full
    window: the recognizer's partial hypothesis has been the same whole command for a while, and the
    voice stood well clear of the room's noise.

    Measured on espeak-ng commands and paraphrases in two voices: in a quiet room a 200 ms pause inside a
    command is rare (a comma's pause in a slow voice), but with noise 20 dB under the voice one utterance
    in eight to three, and at 15 dB one in two, has a 200 ms stretch that the detector takes for silence,
    where ending early would cut it. So in a noisy room (or for a quiet voice) the full window applies.
    """

    STABLE_FRAMES = 5
    """The partial hypothesis must have meant the same command this many frames (20 ms) in a row."""
    CLEAR_RATIO = 56.0
    """35 dB: the loudest frame of the utterance over the room's level before it."""
    ROOM_FLOOR_RMS = 30.0
    """A room is never taken as quieter than this (about -60 dBFS, a quiet microphone's own noise)."""

    def __init__(self, commands: CompleteCommands, silence_s: float) -> None:
        self.commands = commands
        self.silence_s = silence_s
        self._room = self.ROOM_FLOOR_RMS
        self._peak = 0.0
        self._meaning: str | None = None
        self._stable = 0

    def start(self, before: Iterable[Samples]) -> None:
        """Speech has started; `before` is the room just before it (the pre-roll)."""
        levels = [frame_rms(frame) for frame in before]
        self._room = max(self.ROOM_FLOOR_RMS, float(np.median(levels)) if levels else 0.0)

    @property
    def clear(self) -> bool:
        """The voice so far stands clear of the room: this utterance may end early."""
        return self._peak >= self._room * self.CLEAR_RATIO

    def hear(self, frame: Samples, silence_s: float, session: RecognitionSession) -> bool:
        """One more frame of the utterance, with the silence after the words so far: end it now?"""
        self._peak = max(self._peak, frame_rms(frame))
        if silence_s <= 0 or not self.clear:
            self._meaning, self._stable = None, 0
            return False
        meaning = self.commands.meaning(session.partial())
        same = meaning is not None and meaning == self._meaning
        self._stable = self._stable + 1 if same else int(meaning is not None)
        self._meaning = meaning
        # A streaming engine's partial can still change; a whole-utterance decode (Whisper's, ahead of the
        # end) is what the end would give, so once it is a whole command there is nothing to wait for.
        needed = 1 if getattr(session, "partial_is_final", False) else self.STABLE_FRAMES
        return self._stable >= needed and silence_s >= self.silence_s - 1e-9


class Listener(Protocol):
    def listen(self, request: ListenRequest) -> Heard: ...


class BargeIn(Protocol):
    def take(self) -> Heard | None:
        """A command said over the assistant's speech and not yet acted on (assistant.hearing.barge_in)."""


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
                 barge_in: BargeIn | None = None, paraphrases: bool = False, *,
                 command_endpointing: EndpointerSettings = COMMAND_ENDPOINTING,
                 answer_endpointing: EndpointerSettings = ANSWER_ENDPOINTING) -> None:
        self.source = source
        self.command_endpointing = command_endpointing
        """Where a command ends (the benchmarks compare settings here)."""
        self.answer_endpointing = answer_endpointing
        self.paraphrases = paraphrases
        """The matcher understands paraphrases: commands are decoded with the engine's commands language
        model, where it has one, rather than the exact phrases (`Recognizer.start`)."""
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
        self._owed = 0
        """Frames of silence the full window would still have waited after a command that ended early."""

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
        self._skip_owed_silence(request.deadline)
        command = request.mode is ListenMode.COMMAND
        settings = self.command_endpointing if command else self.answer_endpointing
        endpointer = Endpointer(settings, self.detector)
        early = EarlyEnd(complete_commands(request.phrases, request.meanings), settings.early_silence_s) \
            if command and settings.early_silence_s is not None else None
        preroll: deque[Samples] = deque(maxlen=self.PREROLL_FRAMES)
        held: list[Samples] = []
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
                    session = self.recognizer.start(request.phrases if command else None,
                                                    paraphrases=command and self.paraphrases)
                    if early is not None:
                        early.start(preroll)
                    for earlier in preroll:
                        session.feed(earlier)
                elif request.timeout_s is not None and waited >= request.timeout_s:
                    return SILENCE
                continue
            # Where a command may end early, past the short silence the recognizer hears more only if speech
            # resumes: whether it ends early or after the full window, it was fed the same audio, so ending
            # early changes when the reply comes, never what was recognized (pocketsphinx adapts to all it hears).
            holding = early is not None and early.clear
            if event is not Event.END:
                session.silence(endpointer.silence_s)  # Whisper decodes ahead in a pause
            if event is Event.END:
                if not holding:
                    session.feed(frame)
                return self._finish(session)
            if holding and endpointer.silence_s > (settings.early_silence_s or 0.0) + 1e-9:
                held.append(frame)
                # Past the short silence the recognizer hears nothing more; an engine that decodes ahead
                # (Whisper) may only now have the whole command, so keep asking.
                if early is not None and early.hear(frame, endpointer.silence_s, session):
                    self._owed = endpointer.silence_frames_left()
                    return self._finish(session)
                continue
            for earlier in held:
                session.feed(earlier)
            held.clear()
            session.feed(frame)
            if early is not None and early.hear(frame, endpointer.silence_s, session):
                self._owed = endpointer.silence_frames_left()
                return self._finish(session)  # a whole command: the reply starts ~150 ms sooner

    def _skip_owed_silence(self, deadline: float | None) -> None:
        """After a command that ended early, the rest of its silence window still belongs to it: skip that
        much silence (fed to the detector as the full window would have), then drop the partial block, as
        after any utterance. So what follows is framed, detected and recognized exactly as if the full
        window had passed: with WAV files the same frames, and a microphone was drained anyway."""
        while self._owed > 0:
            frame = self._frames(deadline)
            if frame is None or frame.size == 0:
                break  # the end of the input, or the deadline: the listening loop says so
            self._owed -= 1
            if self.detector.is_speech(frame):  # speech again: the next utterance starts here
                self._pending = np.concatenate([frame, self._pending])
                break
        else:
            self._pending = np.zeros(0, dtype=np.int16)
        self._owed = 0

    @staticmethod
    def _finish(session: RecognitionSession) -> Heard:
        started = time.perf_counter()
        transcript = session.finish()
        elapsed = (time.perf_counter() - started) * 1000
        return Heard("speech", transcript.text, transcript.confidence, elapsed)
