"""The wake word: a small detector on the audio stream, before any recognizer, that hears the assistant's
name ("Togetherly", "Hey Togetherly", "Okay Togetherly") or a pretrained word ("hey jarvis").

openWakeWord's feature models (from `pyopen-wakeword`, run on its bundled TFLite runtime) turn every 80 ms of
audio into 96 numbers; a wake word is a head over the last 16 of them. Togetherly's own head is trained here
(`scripts/train_wake_word.py`) and shipped as a small numpy file checked against its SHA-256; the
pretrained words are the package's own TFLite heads.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.audio.samples import Samples
from assistant.checked_files import sha256_of
from assistant.errors import ModelError

log = logging.getLogger(__name__)

CHUNK_SAMPLES = 1280
"""openWakeWord's step: 80 ms at 16 kHz, one embedding each."""
WINDOW = 16
"""Embeddings a head looks at: 1.28 s of steps, about 2 s of audio with the embedding's own span."""
REFRACTORY_S = 1.5
"""After firing, the detector stays quiet this long: one name is one wake."""
CATALOG = "wake_words.yaml"
WakeWordName = str


class WakeWordEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    said_as: str = Field(min_length=1)
    """How the couple says it ("Hey Jarvis"), for the spoken hint."""
    threshold: float = Field(gt=0, lt=1)
    file: str | None = None
    """Togetherly's own head, in this package's wake_words/ folder."""
    size: int | None = None
    sha256: str | None = None
    builtin: str | None = None
    """A pretrained head shipped by pyopen-wakeword."""


def catalog() -> dict[str, WakeWordEntry]:
    text = resources.files("assistant.hearing").joinpath(CATALOG).read_text(encoding="utf-8")
    return {name: WakeWordEntry.model_validate(entry) for name, entry in yaml.safe_load(text).items()}


class WakeDetector(Protocol):
    name: str

    def hear(self, frame: Samples) -> bool:
        """Feed the next frame of the stream (any length); True when the word ended within it."""

    def reset(self) -> None:
        """Forget the stream so far (after Togetherly spoke, or after a wake)."""


class Features(Protocol):
    def process_streaming(self, audio_chunk: bytes) -> Iterable[npt.NDArray[np.float32]]: ...

    def reset(self) -> None: ...


class Head(Protocol):
    def score(self, window: npt.NDArray[np.float32]) -> float:
        """The word's probability for the last WINDOW embeddings (WINDOW x 96)."""


@dataclass(frozen=True)
class NumpyHead:
    """Togetherly's own head: standardized features, one hidden ReLU layer, a logistic output."""

    mean: npt.NDArray[np.float32]
    scale: npt.NDArray[np.float32]
    hidden_w: npt.NDArray[np.float32]
    hidden_b: npt.NDArray[np.float32]
    out_w: npt.NDArray[np.float32]
    out_b: float

    @classmethod
    def load(cls, path: Path) -> NumpyHead:
        with np.load(path) as data:
            arrays = [data[k].astype(np.float32) for k in ("mean", "scale", "hidden_w", "hidden_b", "out_w")]
            return cls(arrays[0], arrays[1], arrays[2], arrays[3], arrays[4], float(data["out_b"]))

    def score(self, window: npt.NDArray[np.float32]) -> float:
        x = (window.reshape(-1) - self.mean) / self.scale
        hidden = np.maximum(x @ self.hidden_w + self.hidden_b, 0.0)
        logit = float(np.clip(hidden @ self.out_w + self.out_b, -60.0, 60.0))
        return 1.0 / (1.0 + float(np.exp(-logit)))


class TfliteHead:
    """A pretrained openWakeWord head, run on pyopen-wakeword's TFLite runtime."""

    def __init__(self, builtin: str) -> None:
        from pyopen_wakeword import Model, OpenWakeWord  # noqa: PLC0415 - loads a native runtime

        self._model = OpenWakeWord.from_builtin(Model(builtin))

    def score(self, window: npt.NDArray[np.float32]) -> float:
        self._model.reset()
        scores = list(self._model.process_streaming(window.reshape(1, 1, -1, 96)))
        return scores[-1] if scores else 0.0


def builtin_features() -> Features:
    from pyopen_wakeword import OpenWakeWordFeatures  # noqa: PLC0415 - loads a native runtime

    features: Features = OpenWakeWordFeatures.from_builtin()
    return features


class StreamingDetector:
    """A head over the feature stream: fires when its score reaches the threshold, then rests."""

    def __init__(self, name: str, head: Head, threshold: float, features: Features | None = None) -> None:
        self.name = name
        self.head = head
        self.threshold = threshold
        self.features = features if features is not None else builtin_features()
        self._pending = np.zeros(0, dtype=np.int16)
        self._window: deque[npt.NDArray[np.float32]] = deque(maxlen=WINDOW)
        self._rest = 0
        """Chunks still to pass before it may fire again."""
        self.last_score = 0.0

    def hear(self, frame: Samples) -> bool:
        self._pending = np.concatenate([self._pending, frame.astype(np.int16, copy=False)])
        fired = False
        while self._pending.size >= CHUNK_SAMPLES:
            chunk, self._pending = self._pending[:CHUNK_SAMPLES], self._pending[CHUNK_SAMPLES:]
            fired = self._step(chunk) or fired
        return fired

    def _step(self, chunk: Samples) -> bool:
        for embedding in self.features.process_streaming(chunk.tobytes()):
            self._window.append(embedding.reshape(-1).astype(np.float32))
        if self._rest > 0:
            self._rest -= 1
            return False
        if len(self._window) < WINDOW:
            return False
        self.last_score = self.head.score(np.stack(self._window))
        if self.last_score < self.threshold:
            return False
        self._rest = round(REFRACTORY_S * 16000 / CHUNK_SAMPLES)
        return True

    def reset(self) -> None:
        self._pending = np.zeros(0, dtype=np.int16)
        self._window.clear()
        self.features.reset()


def wake_words_dir() -> Path:
    return Path(str(resources.files("assistant.hearing").joinpath("wake_words")))


def load_detector(name: WakeWordName, features: Features | None = None, folder: Path | None = None,
                  threshold: float | None = None) -> StreamingDetector:
    """The detector for a catalog word; ModelError, saying what is wrong, when it cannot be used."""
    entries = catalog()
    if name not in entries:
        raise ModelError(f"there is no wake word {name!r}; choose one of {', '.join(entries)}")
    entry = entries[name]
    try:
        if entry.builtin is not None:
            head: Head = TfliteHead(entry.builtin)
        else:
            path = (folder or wake_words_dir()) / str(entry.file)
            _check(path, entry)
            head = NumpyHead.load(path)
        return StreamingDetector(name, head, entry.threshold if threshold is None else threshold, features)
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError) as exc:  # a native runtime or a file it cannot read
        raise ModelError(f"the wake word {name!r} could not be loaded ({exc})") from exc


def _check(path: Path, entry: WakeWordEntry) -> None:
    fix = "reinstall Togetherly (pip install --force-reinstall togetherly)"
    if not path.is_file():
        raise ModelError(f"the wake-word model {path} is missing; {fix}")
    if entry.size is not None and path.stat().st_size != entry.size:
        raise ModelError(f"the wake-word model {path} is damaged ({path.stat().st_size:,} bytes, expected "
                         f"{entry.size:,}); {fix}")
    if entry.sha256 is not None and sha256_of(path) != entry.sha256:
        raise ModelError(f"the wake-word model {path} is damaged (its SHA-256 does not match); {fix}")
