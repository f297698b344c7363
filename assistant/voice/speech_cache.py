"""Spoken lines kept as audio, so a fixed line ("Good night, you two") starts playing at once.

Only lines the conversation marks as fixed are cached: a response with the partners' names and numbers
in it, never one carrying what the couple said (a read-back, an agreement, a question's answer). Files
are WAVs named by a hash of the voice's settings and the text, in `<data folder>/speech-cache/` (0700,
files 0600), the oldest removed past a size bound. A damaged file is ignored and written anew.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.private_files import write_private

log = logging.getLogger(__name__)

MAX_BYTES = 64 * 1024 * 1024
"""About 25 minutes of 22 kHz speech: every fixed line of an evening many times over."""
Audio = tuple[npt.NDArray[np.int16], int]


class SpeechCache:
    def __init__(self, folder: Path, max_bytes: int = MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    @staticmethod
    def key(settings: str, text: str) -> str:
        return hashlib.sha256(f"{settings}\n{text}".encode()).hexdigest()[:32]

    def get(self, key: str) -> Audio | None:
        path = self.folder / f"{key}.wav"
        try:
            with wave.open(str(path), "rb") as wav:
                if wav.getnchannels() != 1 or wav.getsampwidth() != 2 or wav.getnframes() == 0:
                    raise wave.Error("not a mono 16-bit line")
                rate = wav.getframerate()
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
        except FileNotFoundError:
            return None
        except (OSError, EOFError, wave.Error) as exc:
            log.info("ignoring a damaged cached line %s: %s", path.name, exc)
            path.unlink(missing_ok=True)
            return None
        if samples.size == 0:
            return None
        os.utime(path)  # recently used: the last to go when the cache is trimmed
        return samples, rate

    def put(self, key: str, audio: Audio) -> None:
        samples, rate = audio
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(rate)
                wav.writeframes(samples.astype("<i2").tobytes())
            write_private(self.folder / f"{key}.wav", buffer.getvalue())
            self._trim()
        except OSError as exc:  # a full or read-only disk only costs synthesizing again
            log.info("could not cache a spoken line: %s", exc)

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("*.wav")) if self.folder.is_dir() else 0

    def _trim(self) -> None:
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if total <= self.max_bytes:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
