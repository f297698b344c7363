"""Speech out behind one small interface: printed, spoken, or both."""

from __future__ import annotations

import logging
import sys
from typing import Protocol, TextIO

from assistant.audio_out import AudioSink
from assistant.errors import AudioDeviceError
from assistant.tts import Pyttsx3Synthesizer

log = logging.getLogger(__name__)


class Speaker(Protocol):
    def say(self, text: str) -> None:
        """Deliver one line to the couple; returns when it has been delivered."""


class PrintSpeaker:
    def __init__(self, stream: TextIO | None = None, prefix: str = "Togetherly: ") -> None:
        self._stream = stream or sys.stdout
        self._prefix = prefix

    def say(self, text: str) -> None:
        print(f"{self._prefix}{text}", file=self._stream, flush=True)


class VoiceSpeaker:
    """pyttsx3 synthesis played through an AudioSink (the speaker, or WAV files)."""

    def __init__(self, synthesizer: Pyttsx3Synthesizer, sink: AudioSink) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self._failed = False

    def say(self, text: str) -> None:
        if self._failed:
            return
        try:
            samples, rate = self.synthesizer.synthesize(text)
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
