"""Speech (and chimes) out behind one small interface: printed, spoken, or both."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TextIO

import numpy as np
import numpy.typing as npt

from assistant import tones
from assistant.audio import to_mono_16k
from assistant.audio_out import AudioSink
from assistant.clock import Clock, SystemClock
from assistant.errors import AudioDeviceError
from assistant.tts import Pyttsx3Synthesizer

if TYPE_CHECKING:
    from assistant.barge_in import BargeInMonitor

log = logging.getLogger(__name__)


class Speaker(Protocol):
    def say(self, text: str) -> None:
        """Deliver one line to the couple; returns when it has been delivered."""

    def chime(self, name: str) -> None:
        """Play one of the named chimes in `assistant.tones` (shown as a line where there is no sound)."""


class PrintSpeaker:
    def __init__(self, stream: TextIO | None = None, prefix: str = "Togetherly: ") -> None:
        self._stream = stream or sys.stdout
        self._prefix = prefix

    def say(self, text: str) -> None:
        print(f"{self._prefix}{text}", file=self._stream, flush=True)

    def chime(self, name: str) -> None:
        print(f"{self._prefix}(chime: {name.replace('_', ' ')})", file=self._stream, flush=True)


class VoiceSpeaker:
    """pyttsx3 synthesis played through an AudioSink (the speaker, or WAV files).

    With a barge-in monitor, each line plays on a worker thread while the monitor listens; a barge-in
    stops the sink, and the rest of the turn stays quiet until the listener has taken the command.
    """

    RETRY_S = 5.0
    """After the output fails, replies are only printed; the device is tried again this often."""

    def __init__(self, synthesizer: Pyttsx3Synthesizer, sink: AudioSink,
                 barge_in: BargeInMonitor | None = None, clock: Clock | None = None) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self.barge_in = barge_in
        self.clock: Clock = clock or SystemClock()
        self._retry_at: float | None = None
        """Set while the output is down: when to try it again."""

    @property
    def _failed(self) -> bool:
        return self._retry_at is not None and self.clock.monotonic() < self._retry_at

    def say(self, text: str) -> None:
        if self._failed or (self.barge_in is not None and self.barge_in.pending):
            return
        if self.barge_in is None:
            self._play(lambda: self.synthesizer.synthesize(text))
            return
        monitor = self.barge_in
        try:
            samples, rate = self.synthesizer.synthesize(text)
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

    def chime(self, name: str) -> None:
        """The chime goes through the same sink as speech, so it can be stopped or saved the same way."""
        if not self._failed:
            self._play(lambda: tones.chime(name))

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


class MultiSpeaker:
    def __init__(self, *speakers: Speaker) -> None:
        self.speakers = speakers

    def say(self, text: str) -> None:
        for speaker in self.speakers:
            speaker.say(text)

    def chime(self, name: str) -> None:
        for speaker in self.speakers:
            speaker.chime(name)
