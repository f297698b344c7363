"""The understanding evaluation set (`understanding.yaml`) and its audio renderings.

Sentences are rendered with several voices and speeds, with a little dither (real microphones never
send digital silence), and mixed with babble or pink noise at fixed SNRs. Two families of voices:
espeak-ng's formant voices (what the issue asked for), and flite's voices built from recordings of real
speakers, which pocketsphinx's acoustic model hears far better ("next" in clean espeak-ng audio is heard
as "you"), so they say more about a person at the microphone.
Renderings are cached on disk by content, so repeated runs only decode.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.audio.samples import Samples, dithered_silence, read_wav
from assistant.data_files import load_model
from tests.support.eval.noise import babble, mix_at_snr, pink_noise
from tests.support.speech_fixtures import synthesize, synthesize_flite, synthesize_piper

CORPUS_FILE = Path(__file__).with_name("understanding.yaml")


@dataclass(frozen=True)
class Voice:
    synth: str
    """"espeak-ng", "flite" or "piper"."""
    name: str
    speed: float
    """espeak-ng: words per minute; flite: duration stretch (above 1 is slower)."""

    def __str__(self) -> str:
        return f"{self.synth} {self.name}@{self.speed:g}"

    def key(self, text: str) -> str:
        """The rendering's cache name (espeak-ng's as it was before flite joined, so old caches still serve)."""
        label = (f"{self.synth}|{self.name}|{self.speed:.1f}" if self.synth in ("flite", "piper")
                 else f"{self.name}|{int(self.speed)}")
        return hashlib.sha1(f"{label}|{text}".encode()).hexdigest()[:16]

    def render(self, text: str, path: Path) -> None:
        if self.synth == "flite":
            synthesize_flite(text, path, voice=self.name, stretch=self.speed)
        elif self.synth == "piper":
            synthesize_piper(text, path, speaking_rate=self.speed)
        else:
            synthesize(text, path, voice=self.name, speed=int(self.speed))


VOICE_SETS: dict[str, tuple[Voice, ...]] = {
    "espeak": (Voice("espeak-ng", "en-us", 150), Voice("espeak-ng", "en", 175), Voice("espeak-ng", "en-us+f3", 130)),
    "flite": (Voice("flite", "awb", 1.0), Voice("flite", "rms", 0.9), Voice("flite", "slt", 1.1)),
    "piper": (Voice("piper", "joe", 1.0), Voice("piper", "joe", 0.85), Voice("piper", "joe", 1.15)),
}
"""Three voices at three speeds per family; items take them in turn."""
LEVELS: tuple[float | None, ...] = (None, 24.0, 15.0, 6.0)
"""SNR in dB; None is clean."""


class Split(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dev: list[str] = Field(min_length=1)
    test: list[str] = Field(min_length=1)


class Corpus(BaseModel):
    model_config = ConfigDict(extra="forbid")
    in_scope: dict[str, Split]
    out_of_scope: Split


@dataclass(frozen=True)
class Item:
    text: str
    intent: str | None
    """Expected intent; None for out-of-scope sentences."""
    split: str


def load_corpus(path: Path = CORPUS_FILE) -> Corpus:
    return load_model(path, Corpus)[0]


def items(corpus: Corpus, split: str) -> list[Item]:
    out = [Item(text, intent, split) for intent, s in corpus.in_scope.items() for text in getattr(s, split)]
    return out + [Item(text, None, split) for text in getattr(corpus.out_of_scope, split)]


class Renderer:
    """Speech for an item in a voice, then noise at a level; everything cached under `cache`."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self._pink = pink_noise(16000 * 30, seed=7)
        self._babble: np.ndarray | None = None

    def speech(self, text: str, voice: Voice) -> Samples:
        key = voice.key(text)
        path = self.cache / f"{key}.wav"
        if not path.exists():
            # Written aside and renamed, so two runs sharing a cache never read a half-written file.
            part = path.with_suffix(f".{os.getpid()}.part")
            voice.render(text, part)
            part.replace(path)
        clean = read_wav(path)
        # Sized from the float duration, the dither can come out one sample short: trim or pad to match.
        dither = np.resize(dithered_silence(clean.size / 16000 + 0.01, level=3.0, seed=int(key[:6], 16)), clean.size)
        return (clean + dither).astype(np.int16)

    def noisy(self, speech: Samples, snr_db: float | None, index: int) -> Samples:
        if snr_db is None:
            return speech
        if index % 2 == 0:  # alternate babble and pink noise across items
            if self._babble is None:
                self._babble = babble(self.cache, 30.0)
            noise = np.roll(self._babble, index * 7919)
        else:
            noise = np.roll(self._pink, index * 7919)
        return mix_at_snr(speech, noise, snr_db)
