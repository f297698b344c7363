"""Real speech for engine tests: espeak-ng renders text to a WAV, fed to a recognizer like the listener does.

Plain functions (no pytest fixtures) so any test module can use them. espeak-ng must be installed
(`apt install espeak-ng`); a missing one is an error, never a skip, so CI cannot silently pass.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime
import soxr

from assistant.audio.endpointer import FRAME_SAMPLES
from assistant.audio.samples import Samples, dithered_silence, read_wav, write_wav
from assistant.hearing.recognizer import Recognizer, Transcript
from assistant.voice.piper import PiperSynthesizer
from assistant.voice.synthesis import SYSTEM_WPM


def _speak(program: str, arguments: list[str], text: str, path: Path) -> Path:
    """Run a command-line synthesizer (text on stdin, so a phrase starting with '-' is never taken for an
    option; `{out}` in `arguments` is its WAV) and store what it said in `path` as 16 kHz mono 16-bit,
    resampled like real input is."""
    found = shutil.which(program)
    if found is None:
        raise RuntimeError(f"{program} is not installed (apt install {program}); speech tests need it")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "spoken.wav"
        subprocess.run([found, *(str(raw) if a == "{out}" else a for a in arguments)],
                       input=text.encode("utf-8"), check=True, capture_output=True)
        write_wav(path, read_wav(raw))
    return path


def synthesize(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> Path:
    """Speak `text` with espeak-ng (22050 Hz, resampled) into `path`; return `path`."""
    return _speak("espeak-ng", ["-v", voice, "-s", str(speed), "-w", "{out}", "--stdin"], text, path)


def synthesize_flite(text: str, path: Path, voice: str = "awb", stretch: float = 1.0) -> Path:
    """Speak `text` with flite into `path`; return `path`. flite's awb, rms and slt voices are built from
    recordings of real speakers, much closer to a person than espeak-ng's formant voices; `stretch` > 1
    speaks slower."""
    return _speak("flite", ["-voice", voice, "--setf", f"duration_stretch={stretch}", "-o", "{out}"], text, path)


def synthesize_piper(text: str, path: Path, speaking_rate: float = 1.0) -> Path:
    """Speak `text` with the Piper joe voice (a neural voice trained on a real speaker's recordings, the
    closest of the three families to a person) into `path` as 16 kHz mono; return `path`."""
    samples, rate = _piper(speaking_rate).synthesize(text)
    write_wav(path, soxr.resample(samples, rate, 16000).astype(np.int16))
    return path


PIPER_SEED = 20261202
"""Piper draws random noise at every line (its voices never say a line twice the same way), so one test run
and the next would hear different audio; seeded, a run hears what the last one heard."""


def seeded_piper(speaking_rate: float = 1.0, seed: int = PIPER_SEED) -> PiperSynthesizer:
    """The joe voice with onnxruntime's random draws seeded: the same lines in the same order give the same
    samples. The seed is taken when the voice loads (onnxruntime seeds each random operator as it builds it),
    so a test that needs its own lines reproducible whatever ran before loads its own."""
    onnxruntime.set_seed(seed)
    return PiperSynthesizer(speaking_rate=speaking_rate)


_PIPER: dict[float, PiperSynthesizer] = {}
"""One loaded voice per pace: loading takes a third of a second."""


def _piper(speaking_rate: float) -> PiperSynthesizer:
    if speaking_rate not in _PIPER:
        _PIPER[speaking_rate] = seeded_piper(speaking_rate)
    return _PIPER[speaking_rate]


def with_silence(samples: Samples, before_s: float = 0.3, after_s: float = 0.5) -> Samples:
    """Surround speech with dithered near-silence, as the listener's pre-roll and endpointing do."""
    return np.concatenate([dithered_silence(before_s, seed=1), samples, dithered_silence(after_s, seed=2)])


def recognize(recognizer: Recognizer, samples: Samples, phrases: Sequence[str] | None = None,
              block: int = FRAME_SAMPLES) -> Transcript:
    """One utterance through a recognizer session, fed in listener-sized blocks (20 ms by default)."""
    session = recognizer.start(phrases)
    for i in range(0, samples.size, block):
        session.feed(samples[i:i + block])
    return session.finish()


class FreshSystemVoice:
    """The system voice (espeak-ng, what pyttsx3 drives on Linux, at its default voice and pace) with each line
    rendered by a new espeak-ng process. In one process espeak-ng's lines depend on what it said before (the
    same line comes back some 10 ms longer or shorter), so a pyttsx3 voice shared with earlier tests plays
    other audio than it plays alone; a test whose outcome depends on where our words fall uses this one."""

    name = "system"

    def __init__(self) -> None:
        self.pace = (1.0, 1.0)

    def tune(self, speaking_rate: float, volume: float) -> None:
        self.pace = (speaking_rate, volume)

    @property
    def settings_key(self) -> str:
        return f"system-fresh|{self.pace[0]:.2f}|{self.pace[1]:.2f}"

    def synthesize(self, text: str) -> tuple[npt.NDArray[np.int16], int]:
        found = shutil.which("espeak-ng")
        if found is None:
            raise RuntimeError("espeak-ng is not installed (apt install espeak-ng); speech tests need it")
        rate, volume = self.pace
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "line.wav"
            subprocess.run([found, "-s", str(round(SYSTEM_WPM * rate)), "-a", str(round(100 * volume)),
                            "-w", str(raw), "--stdin"], input=text.encode("utf-8"), check=True,
                           capture_output=True)
            with wave.open(str(raw), "rb") as wav:
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
                return samples, wav.getframerate()
