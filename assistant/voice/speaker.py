"""Speech (and chimes) out behind one small interface: printed, spoken, or both."""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TextIO

import numpy as np
import numpy.typing as npt

from assistant.audio import chimes
from assistant.audio.samples import to_mono_16k
from assistant.audio.sinks import AudioSink
from assistant.clock import Clock, SystemClock
from assistant.errors import AudioDeviceError
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.synthesis import Synthesizer

if TYPE_CHECKING:
    from assistant.hearing.barge_in import BargeInMonitor

log = logging.getLogger(__name__)


class Speaker(Protocol):
    def say(self, text: str, fixed: bool = False, pace: float = 1.0) -> None:
        """Deliver one line to the couple; returns when it has been delivered. `fixed`: a line from the
        response files with only names and numbers filled in, which a voice may keep as audio; never a
        line carrying what the couple said. `pace`: this line's pace against the couple's chosen one
        (a breathing cue is slower still)."""

    def tune(self, speaking_rate: float, volume: float) -> None:
        """The couple asked for another pace or loudness ("speak slower", "louder")."""

    def chime(self, name: str, volume: float = 1.0) -> None:
        """Play one of the named chimes in `assistant.audio.chimes` (shown as a line where there is no sound),
        at `volume` of its own loudness (softer in quiet hours)."""


class PrintSpeaker:
    def __init__(self, stream: TextIO | None = None, prefix: str = "Togetherly: ") -> None:
        self._stream = stream or sys.stdout
        self._prefix = prefix

    def say(self, text: str, fixed: bool = False, pace: float = 1.0) -> None:
        print(f"{self._prefix}{text}", file=self._stream, flush=True)

    def tune(self, speaking_rate: float, volume: float) -> None:
        pass  # printed words have no pace

    def chime(self, name: str, volume: float = 1.0) -> None:
        soft = "soft " if volume < 1.0 else ""
        print(f"{self._prefix}({soft}chime: {name.replace('_', ' ')})", file=self._stream, flush=True)


class VoiceSpeaker:
    """A synthesizer's speech (Piper, or pyttsx3) played through an AudioSink (the speaker, or WAV files);
    fixed lines from the speech cache when it has them.

    With a barge-in monitor, each line plays on a worker thread while the monitor listens; a barge-in
    stops the sink, and the rest of the turn stays quiet until the listener has taken the command.
    """

    RETRY_S = 5.0
    """After the output fails, replies are only printed; the device is tried again this often."""

    def __init__(self, synthesizer: Synthesizer, sink: AudioSink,
                 barge_in: BargeInMonitor | None = None, clock: Clock | None = None,
                 cache: SpeechCache | None = None) -> None:
        self.synthesizer = synthesizer
        self.cache = cache
        self._lock = threading.Lock()
        """One synthesis at a time: the start-up warm-up shares the voice with the conversation."""
        self._closing = threading.Event()
        self._warming: threading.Thread | None = None
        self.sink = sink
        self.barge_in = barge_in
        self.clock: Clock = clock or SystemClock()
        self._retry_at: float | None = None
        """Set while the output is down: when to try it again."""

    @property
    def _failed(self) -> bool:
        return self._retry_at is not None and self.clock.monotonic() < self._retry_at

    def tune(self, speaking_rate: float, volume: float) -> None:
        with self._lock:
            self.synthesizer.tune(speaking_rate, volume)

    def audio(self, text: str, fixed: bool = False, pace: float = 1.0) -> tuple[npt.NDArray[np.int16], int]:
        """The line's audio: from the cache for a fixed line synthesized before, else synthesized now
        (and kept, when fixed). `pace` scales the couple's speaking rate for this line only."""
        with self._lock:
            rate, volume = self.synthesizer.pace
            if pace != 1.0:
                self.synthesizer.tune(rate * pace, volume)
            try:
                key = SpeechCache.key(self.synthesizer.settings_key, text) if fixed and self.cache else None
                cached = self.cache.get(key) if self.cache is not None and key is not None else None
                if cached is not None:
                    return cached
                audio = self.synthesizer.synthesize(text)
            finally:
                if pace != 1.0:
                    self.synthesizer.tune(rate, volume)
        if self.cache is not None and key is not None:
            self.cache.put(key, audio)
        return audio

    def warm(self, lines: list[str]) -> None:
        """Synthesize these fixed lines into the cache ahead of need, on a background thread; `close`
        stops it between two lines (a voice's native threads must not be cut off at exit)."""

        def run() -> None:
            for line in lines:
                if self._closing.is_set():
                    return
                try:
                    self.audio(line, fixed=True)
                except AudioDeviceError as exc:
                    log.info("voice warm-up stopped: %s", exc)
                    return

        self._warming = threading.Thread(target=run, name="togetherly-voice-warm", daemon=True)
        self._warming.start()

    def close(self) -> None:
        """Stop the warm-up after the line it is on."""
        self._closing.set()
        if self._warming is not None:
            self._warming.join()

    def say(self, text: str, fixed: bool = False, pace: float = 1.0) -> None:
        if self._failed or (self.barge_in is not None and self.barge_in.pending):
            return
        if self.barge_in is None:
            if fixed or self.cache is None or getattr(self.sink, "whole_lines", False):
                self._play(lambda: self.audio(text, fixed, pace))
            else:  # a new line: the first sentence plays while the next ones are synthesized
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="togetherly-tts") as ahead:
                    pending = [ahead.submit(self.audio, sentence, False, pace) for sentence in sentences(text)]
                    for audio in pending:
                        self._play(audio.result)
                        if self._failed:
                            for rest in pending:
                                rest.cancel()
                            return
            return
        monitor = self.barge_in
        try:
            samples, rate = self.audio(text, fixed, pace)
        except AudioDeviceError as exc:
            self._give_up(exc)
            return
        errors: list[AudioDeviceError] = []
        playing = threading.Event()

        def play() -> None:
            playing.set()
            try:
                self.sink.play(samples, rate)
            except AudioDeviceError as exc:
                errors.append(exc)

        worker = threading.Thread(target=play, name="togetherly-speech", daemon=True)
        worker.start()
        playing.wait()  # listen from when the sound starts, not before the thread has run
        monitor.watch(text, worker.is_alive, self.sink.stop, to_mono_16k(samples, rate, 1))
        worker.join()
        if errors:
            self._give_up(errors[0])
        else:
            self._recovered()

    def chime(self, name: str, volume: float = 1.0) -> None:
        """The chime goes through the same sink as speech, so it can be stopped or saved the same way."""
        if not self._failed:
            self._play(lambda: chimes.softened(name, volume))

    def _play(self, render: Callable[[], tuple[npt.NDArray[np.int16], int]]) -> None:
        try:
            samples, rate = render()
            self.sink.play(samples, rate)
        except AudioDeviceError as exc:
            self._give_up(exc)
        else:
            self._recovered()

    def _give_up(self, exc: AudioDeviceError) -> None:
        # The conversation goes on in print; say once why the voice went quiet, then retry quietly.
        if self._retry_at is None:
            print(f"(voice output stopped: {exc} Replies are printed; trying the speaker again every "
                  f"{self.RETRY_S:.0f} s.)", file=sys.stderr, flush=True)
        self._retry_at = self.clock.monotonic() + self.RETRY_S

    def _recovered(self) -> None:
        if self._retry_at is not None:
            self._retry_at = None
            print("(voice output is back)", file=sys.stderr, flush=True)


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """A line cut where its sentences end, so the first can play while the next is synthesized."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part] or [text]


class MultiSpeaker:
    def __init__(self, *speakers: Speaker) -> None:
        self.speakers = speakers

    def say(self, text: str, fixed: bool = False, pace: float = 1.0) -> None:
        for speaker in self.speakers:
            speaker.say(text, fixed, pace)

    def tune(self, speaking_rate: float, volume: float) -> None:
        for speaker in self.speakers:
            speaker.tune(speaking_rate, volume)

    def chime(self, name: str, volume: float = 1.0) -> None:
        for speaker in self.speakers:
            speaker.chime(name, volume)
