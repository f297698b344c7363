"""What Whisper reads and writes besides its weights: the log-mel spectrogram of the audio, and the special
tokens around a transcript. Both are small, so they are computed here with numpy and the model's own
tokenizer.json (read with `tokenizers`) rather than by a package that brings an audio decoder with it.
tests/hearing/test_whisper_input.py checks them against faster-whisper's, which Whisper's CTranslate2
conversions are made for.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.audio.samples import SAMPLE_RATE

N_FFT = 400
"""25 ms analysis windows..."""
HOP = 160
"""...every 10 ms: Whisper's frame rate."""
LOG_RANGE = 8.0
"""The spectrogram is floored this many decades (log10) under its loudest value."""

Features = npt.NDArray[np.float32]


def _slaney_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Slaney's mel scale (as librosa's default, which Whisper was trained with), mel to Hz: linear at
    200/3 Hz a mel up to 1 kHz (15 mels), logarithmic above it (27 mels an octave of 6.4x)."""
    linear = mel * (200.0 / 3.0)
    knee = 15.0
    logarithmic = 1000.0 * np.exp((mel - knee) * (np.log(6.4) / 27.0))
    return np.where(mel < knee, linear, logarithmic)


@functools.cache
def mel_filters(bands: int) -> npt.NDArray[np.float32]:
    """Triangular filters over the FFT bins, `bands` of them evenly spaced in mels from 0 Hz to 8 kHz,
    each scaled to the same area (Slaney's normalization)."""
    top = 15.0 + np.log(8000.0 / 1000.0) / (np.log(6.4) / 27.0)  # 8 kHz in Slaney mels
    edges = _slaney_hz(np.linspace(0.0, top, bands + 2))
    bins = np.fft.rfftfreq(N_FFT, 1.0 / SAMPLE_RATE)
    left, centre, right = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - left) / (centre - left)
    falling = (right - bins[None, :]) / (right - centre)
    triangles = np.clip(np.minimum(rising, falling), 0.0, None)
    area = 2.0 / (edges[2:] - edges[:-2])
    return (triangles * area[:, None]).astype(np.float32)


@functools.cache
def _window() -> npt.NDArray[np.float32]:
    return np.hanning(N_FFT + 1)[:-1].astype(np.float32)  # periodic Hann, as torch.stft's default


def log_mel(audio: npt.NDArray[np.float32], bands: int = 80) -> Features:
    """Whisper's input for float audio at 16 kHz in [-1, 1]: `bands` x frames (one per 10 ms, plus one),
    log10 power floored LOG_RANGE under its peak and scaled to about [-1, 1]."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), (0, HOP))  # Whisper's one hop of trailing silence
    padded = np.pad(padded, N_FFT // 2, mode="reflect")  # centred frames
    count = 1 + (padded.size - N_FFT) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:count]
    power = np.abs(np.fft.rfft(frames * _window(), axis=-1)) ** 2
    energy = mel_filters(bands) @ power[:-1].T.astype(np.float32)  # the last centred frame is not Whisper's
    spectrum = np.log10(np.maximum(energy, 1e-10))
    spectrum = np.maximum(spectrum, spectrum.max() - LOG_RANGE)
    result: Features = ((spectrum + 4.0) / 4.0).astype(np.float32)
    return result


@dataclass(frozen=True)
class WhisperTokens:
    """The special tokens an English transcription is asked with and ended by, and the text of the rest."""

    tokenizer: Any
    """The model's `tokenizers.Tokenizer` (its tokenizer.json)."""
    prompt: tuple[int, ...]
    """Start of transcript, then (multilingual models) English and "transcribe", then "no timestamps"."""
    end: int
    """End of text: it and every token after it in the vocabulary are special, never words."""

    @classmethod
    def of(cls, tokenizer: Any, multilingual: bool) -> WhisperTokens:
        """ValueError when the tokenizer lacks one of Whisper's special tokens (not a Whisper tokenizer)."""
        names = ["<|startoftranscript|>", *(["<|en|>", "<|transcribe|>"] if multilingual else []),
                 "<|notimestamps|>", "<|endoftext|>"]
        ids = [tokenizer.token_to_id(name) for name in names]
        missing = [name for name, token in zip(names, ids, strict=True) if token is None]
        if missing:
            raise ValueError(f"not a Whisper tokenizer: no {', '.join(missing)}")
        return cls(tokenizer, tuple(ids[:-1]), ids[-1])

    def text(self, ids: list[int]) -> str:
        """The words of a decoded sequence, special tokens left out."""
        return str(self.tokenizer.decode([t for t in ids if t < self.end])).strip()
