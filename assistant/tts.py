"""Speech synthesis with pyttsx3 (espeak-ng on Linux), to audio in memory rather than to `aplay`.

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
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import AudioDeviceError

SYNTH_TIMEOUT_S = 15.0


class Pyttsx3Synthesizer:
    def __init__(self, rate_wpm: int | None = None, voice: str | None = None) -> None:
        try:
            import pyttsx3  # noqa: PLC0415 - loads espeak-ng
            self._engine: Any = pyttsx3.init()
        except Exception as exc:  # RuntimeError / OSError when libespeak-ng is missing
            raise AudioDeviceError(
                f"Speech synthesis is unavailable ({exc}); install espeak-ng (sudo apt-get install espeak-ng)."
            ) from exc
        if rate_wpm:
            self._engine.setProperty("rate", rate_wpm)
        if voice:
            self._engine.setProperty("voice", voice)
        self._dir = Path(tempfile.mkdtemp(prefix="togetherly-tts-"))
        self._lock = threading.Lock()
        # espeak may finish writing the file after runAndWait returns: wait for pyttsx3's own
        # end-of-utterance notification, which comes after the file is complete.
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda name=None, completed=True: self._finished.set())

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
