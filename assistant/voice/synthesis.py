"""Speech synthesis behind one small interface (`Synthesizer`): the Piper neural voice by default
(assistant/voice/piper.py), pyttsx3 (espeak-ng on Linux) as the system voice, both to audio in memory.

pyttsx3's own playback on Linux blocks in `aplay` and cannot be interrupted; synthesizing to a WAV and
playing it through our output path keeps speech stoppable and lets chimes share that path.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import threading
import wave
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from assistant.errors import AudioDeviceError

SYNTH_TIMEOUT_S = 15.0
SYSTEM_WPM = 175
"""espeak-ng's own pace, the system voice at speaking_rate 1."""


class Synthesizer(Protocol):
    name: str
    """The voice, for logs, `togetherly voices list` and the speech cache's keys."""
    pace: tuple[float, float]
    """(speaking_rate, volume) as last tuned."""

    def synthesize(self, text: str) -> tuple[npt.NDArray[np.int16], int]:
        """Mono int16 samples and their rate."""

    def tune(self, speaking_rate: float, volume: float) -> None:
        """Pace (1 is the voice's own, below is slower) and loudness (0..1) from the next line on."""

    @property
    def settings_key(self) -> str:
        """What changes how a line sounds (voice, pace, loudness): part of the speech cache's key."""


class Pyttsx3Synthesizer:
    name = "system"

    def __init__(self, rate_wpm: int | None = None, voice: str | None = None, *, speaking_rate: float = 1.0,
                 volume: float = 1.0) -> None:
        try:
            import pyttsx3  # noqa: PLC0415 - loads espeak-ng
            self._engine: Any = pyttsx3.init()
        except Exception as exc:  # RuntimeError / OSError when libespeak-ng is missing
            raise AudioDeviceError(
                f"Speech synthesis is unavailable ({exc}); install espeak-ng (sudo apt-get install espeak-ng)."
            ) from exc
        self._rate_wpm = rate_wpm
        self.tune(speaking_rate, volume)
        if voice:
            self._engine.setProperty("voice", voice)
        self._dir = Path(tempfile.mkdtemp(prefix="togetherly-tts-"))
        self._lock = threading.Lock()
        # espeak may finish writing the file after runAndWait returns: wait for pyttsx3's own
        # end-of-utterance notification, which comes after the file is complete.
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda name=None, completed=True: self._finished.set())

    def tune(self, speaking_rate: float, volume: float) -> None:
        self.pace = (speaking_rate, volume)
        self._engine.setProperty("rate", round((self._rate_wpm or SYSTEM_WPM) * speaking_rate))
        self._engine.setProperty("volume", max(0.0, min(1.0, volume)))

    @property
    def settings_key(self) -> str:
        return f"system|{self.pace[0]:.2f}|{self.pace[1]:.2f}"

    def synthesize(self, text: str) -> tuple[npt.NDArray[np.int16], int]:
        """Mono int16 samples and their rate."""
        with self._lock:
            path = self._dir / "line.wav"
            path.unlink(missing_ok=True)
            self._finished.clear()
            # pyttsx3 prints "Audio saved to ..." on stdout, which would pollute the transcript.
            with contextlib.redirect_stdout(io.StringIO()):
                self._engine.save_to_file(text, str(path))
                # runAndWait hangs are reported upstream: run it on a worker and give up after a timeout.
                worker = threading.Thread(target=self._engine.runAndWait, daemon=True)
                worker.start()
                done = self._finished.wait(SYNTH_TIMEOUT_S)
                worker.join(1.0)
            if not done or not path.exists():
                raise AudioDeviceError("Speech synthesis did not finish; check that espeak-ng works.")
            with wave.open(str(path), "rb") as wav:
                rate, channels = wav.getframerate(), wav.getnchannels()
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
            path.unlink(missing_ok=True)
        if channels > 1:
            samples = samples.reshape(-1, channels)[:, 0].copy()
        return samples, rate
