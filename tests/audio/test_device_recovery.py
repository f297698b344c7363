"""Devices that fail and come back: the microphone and the speaker recover without a restart.

No sound card exists here, so the failing devices are stand-ins behind the project's own AudioSource
and AudioSink interfaces; speech recognition and synthesis around them are the real engines.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.reconnecting import RETRY_S, ReconnectingSource
from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence, read_wav
from assistant.audio.sinks import WavFileSink
from assistant.clock import ManualClock
from assistant.errors import AudioDeviceError
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.requests import ListenMode, ListenRequest
from assistant.hearing.speech_listener import SpeechListener
from assistant.voice.speaker import VoiceSpeaker
from assistant.voice.synthesis import Pyttsx3Synthesizer
from tests.support.speech_fixtures import synthesize

BLOCK = SAMPLE_RATE // 50


class RecordedDevice:
    """A microphone playing recorded audio in 20 ms blocks; it can be told to fail after some blocks."""

    def __init__(self, samples: Samples, fail_after: int | None = None) -> None:
        self._blocks = [samples[i:i + BLOCK] for i in range(0, samples.size, BLOCK)]
        self._fail_after = fail_after
        self.closed = False

    def read(self, timeout: float | None = None) -> Samples | None:
        if self._fail_after is not None and self._fail_after <= 0:
            raise AudioDeviceError("device unplugged")
        if self._fail_after is not None:
            self._fail_after -= 1
        return self._blocks.pop(0) if self._blocks else None

    def drain(self) -> None:
        """Recorded audio is what was said after the prompt: nothing to drop."""

    def close(self) -> None:
        self.closed = True


def test_an_unplugged_microphone_is_reported_retried_and_heard_again(tmp_path: Path) -> None:
    speech = read_wav(synthesize("start our check-in", tmp_path / "start.wav"))
    audio = np.concatenate([dithered_silence(0.5), speech, dithered_silence(1.0)])
    clock, reports = ManualClock(), list[str]()
    attempts: Iterator[AudioDeviceError | RecordedDevice] = iter(
        [AudioDeviceError("not plugged in"), AudioDeviceError("not plugged in"), RecordedDevice(audio)])

    def reopen() -> RecordedDevice:
        result = next(attempts)
        if isinstance(result, AudioDeviceError):
            raise result
        return result

    first = RecordedDevice(dithered_silence(0.2), fail_after=3)
    source = ReconnectingSource(first, reopen, clock, reports.append)
    listener = SpeechListener(source, PocketsphinxRecognizer(), clock=clock)
    started = clock.monotonic()
    heard = listener.listen(ListenRequest(ListenMode.COMMAND, ("start our check in", "stop"), None))
    assert heard.text == "start our check in"
    assert first.closed
    assert clock.monotonic() - started >= 3 * RETRY_S  # failed, then two failed reopenings, then back
    assert len(reports) == 2 and "stopped working" in reports[0] and "is back" in reports[1]


def test_a_deadline_is_kept_while_the_microphone_is_gone() -> None:
    clock = ManualClock()
    source = ReconnectingSource(RecordedDevice(dithered_silence(0.1), fail_after=0),
                                lambda: (_ for _ in ()).throw(AudioDeviceError("still gone")), clock, lambda _: None)
    start = clock.monotonic()
    block = source.read(timeout=1.25)
    assert block is not None and block.size == 0
    assert clock.monotonic() - start == pytest.approx(1.25)


class FlakySpeaker(WavFileSink):
    """An output device that fails for a while, then plays (into WAV files) again."""

    def __init__(self, directory: Path, failures: int) -> None:
        super().__init__(directory)
        self.failures = failures
        self.attempts = 0

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self.attempts += 1
        if self.failures > 0:
            self.failures -= 1
            raise AudioDeviceError("The speaker failed (device unplugged).")
        super().play(samples, rate)


def test_the_voice_comes_back_when_the_speaker_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock()
    sink = FlakySpeaker(tmp_path / "out", failures=1)
    voice = VoiceSpeaker(Pyttsx3Synthesizer(), sink, clock=clock)
    voice.say("Hello, you two.")
    assert "voice output stopped" in capsys.readouterr().err
    voice.say("Still printed only.")
    assert sink.attempts == 1, "no retry before the retry interval"
    clock.advance(VoiceSpeaker.RETRY_S)
    voice.say("Is the speaker back?")
    assert sink.count == 1 and sink.attempts == 2
    assert "voice output is back" in capsys.readouterr().err
