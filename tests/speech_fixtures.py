"""Real speech for engine tests: espeak-ng renders text to a WAV, fed to a recognizer like the listener does.

Plain functions (no pytest fixtures) so any test module can use them. espeak-ng must be installed
(`apt install espeak-ng`); a missing one is an error, never a skip, so CI cannot silently pass.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.audio import Samples, dithered_silence, read_wav, write_wav
from assistant.endpointer import FRAME_SAMPLES
from assistant.recognizer import Recognizer, Transcript


def synthesize(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> Path:
    """Speak `text` with espeak-ng into `path` as a 16 kHz mono 16-bit WAV; return `path`."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (apt install espeak-ng); speech tests need it")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "espeak.wav"  # espeak-ng writes 22050 Hz; resample like real input is
        # Text on stdin, so a phrase starting with '-' is never taken for an option.
        subprocess.run([espeak, "-v", voice, "-s", str(speed), "-w", str(raw), "--stdin"],
                       input=text.encode("utf-8"), check=True, capture_output=True)
        write_wav(path, read_wav(raw))
    return path


def synthesize_flite(text: str, path: Path, voice: str = "awb", stretch: float = 1.0) -> Path:
    """Speak `text` with flite into `path` as a 16 kHz mono WAV. flite's awb, rms and slt voices are
    built from recordings of real speakers, much closer to a person than espeak-ng's formant voices;
    `stretch` > 1 speaks slower."""
    flite = shutil.which("flite")
    if flite is None:
        raise RuntimeError("flite is not installed (apt install flite); the understanding evaluation needs it")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "flite.wav"
        # Text on stdin, as for espeak-ng.
        subprocess.run([flite, "-voice", voice, "--setf", f"duration_stretch={stretch}", "-o", str(raw)],
                       input=text.encode("utf-8"), check=True, capture_output=True)
        write_wav(path, read_wav(raw))
    return path


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
