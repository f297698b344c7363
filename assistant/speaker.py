"""Speech (and chimes) out behind one small interface: printed, spoken, or both."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Protocol, TextIO

import numpy as np
import numpy.typing as npt

from assistant import tones
from assistant.audio_out import AudioSink
from assistant.errors import AudioDeviceError
from assistant.tts import Pyttsx3Synthesizer

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
    """pyttsx3 synthesis played through an AudioSink (the speaker, or WAV files)."""

    def __init__(self, synthesizer: Pyttsx3Synthesizer, sink: AudioSink) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self._failed = False

    def say(self, text: str) -> None:
        if not self._failed:
            self._play(lambda: self.synthesizer.synthesize(text))

    def chime(self, name: str) -> None:
        """The chime goes through the same sink as speech, so it can be stopped or saved the same way."""
        if not self._failed:
            self._play(lambda: tones.chime(name))

    def _play(self, render: Callable[[], tuple[npt.NDArray[np.int16], int]]) -> None:
        try:
            samples, rate = render()
            self.sink.play(samples, rate)
        except AudioDeviceError as exc:
            # The conversation goes on in print; say once why the voice went quiet.
            self._failed = True
            print(f"(voice output stopped: {exc})", file=sys.stderr, flush=True)


class MultiSpeaker:
    def __init__(self, *speakers: Speaker) -> None:
        self.speakers = speakers

    def say(self, text: str) -> None:
        for speaker in self.speakers:
            speaker.say(text)

    def chime(self, name: str) -> None:
        for speaker in self.speakers:
            speaker.chime(name)
