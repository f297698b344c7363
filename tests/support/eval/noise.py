"""Noise for the understanding evaluation, made here so nothing is downloaded: pink noise generated in
code and babble from several espeak-ng talkers, mixed at a target SNR measured as in Picovoice's
speech-to-intent benchmark (loudest 2048-sample frame of speech against loudest frame of noise)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.audio.samples import Samples, dithered_silence, read_wav
from tests.support.speech_fixtures import synthesize

PEAK_FRAME = 2048
BABBLE_LINES = [
    "the meeting was moved to thursday afternoon because of the holiday",
    "did you see how many people came to the market this morning",
    "I think the blue one looks better with the curtains",
    "he said the train would be late again so we took the bus",
    "there is a new bakery on the corner and the bread is amazing",
    "we should probably call the plumber about the kitchen sink",
]
BABBLE_VOICES = ["en-us", "en", "en-us+f3", "en+m3", "en-us+f2", "en+f4"]


def pink_noise(samples: int, seed: int = 0) -> npt.NDArray[np.float64]:
    """1/f noise: white noise shaped in the frequency domain."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(samples))
    freqs = np.arange(spectrum.size, dtype=np.float64)
    freqs[0] = 1.0
    pink = np.fft.irfft(spectrum / np.sqrt(freqs), n=samples)
    return np.asarray(pink / np.abs(pink).max(), dtype=np.float64)


def babble(folder: Path, seconds: float, seed: int = 0) -> npt.NDArray[np.float64]:
    """Several espeak talkers over each other, looped to `seconds`."""
    rng = np.random.default_rng(seed)
    length = int(16000 * seconds)
    mix = np.zeros(length)
    for i, voice in enumerate(BABBLE_VOICES):
        path = folder / f"babble-{i}.wav"
        if not path.exists():
            synthesize(". ".join(BABBLE_LINES[i:] + BABBLE_LINES[:i]), path, voice=voice, speed=165)
        talker = read_wav(path).astype(np.float64)
        offset = int(rng.integers(0, talker.size))
        mix += np.resize(np.roll(talker, -offset), length)
    return np.asarray(mix / np.abs(mix).max(), dtype=np.float64)


def _peak_frame_rms(signal: npt.NDArray[np.float64]) -> float:
    frames = signal[: signal.size - signal.size % PEAK_FRAME].reshape(-1, PEAK_FRAME)
    if frames.size == 0:
        return float(np.sqrt(np.mean(signal**2)))
    return float(np.sqrt((frames**2).mean(axis=1)).max())


def mix_at_snr(speech: Samples, noise: npt.NDArray[np.float64], snr_db: float) -> Samples:
    """Speech plus noise scaled so the loudest frames differ by `snr_db`."""
    clean = speech.astype(np.float64)
    noise = np.resize(noise, clean.size)
    scale = _peak_frame_rms(clean) / (_peak_frame_rms(noise) * 10 ** (snr_db / 20))
    mixed = clean + noise * scale
    peak = np.abs(mixed).max()
    if peak > 32000:  # keep the mix from clipping, as a microphone's gain control would
        mixed *= 32000 / peak
    return mixed.astype(np.int16)


def noise_clips(folder: Path) -> dict[str, Samples]:
    """Silence and noise in which nothing is said, what a recognizer's no-speech gate is tuned and tested on
    (babble's talkers rendered into `folder`)."""
    rng = np.random.default_rng(1)
    talk = babble(folder, 30.0)
    pink = pink_noise(16000 * 6, seed=5)
    return {
        "silence 2 s": dithered_silence(2.0, seed=1), "silence 0.5 s": dithered_silence(0.5, seed=2),
        "white, soft": rng.normal(0, 300, 32000).astype(np.int16),
        "white, loud": rng.normal(0, 3000, 48000).astype(np.int16),
        "pink": pink[:32000].astype(np.int16),
        "pink, loud": np.clip(pink[40000:88000] * 4, -32000, 32000).astype(np.int16),
        "babble 1": talk[:48000].astype(np.int16), "babble 2": talk[100000:132000].astype(np.int16),
        "babble 3": talk[200000:280000].astype(np.int16),
        "babble, far": (talk[300000:340000] * 0.2).astype(np.int16),
        "hum": (2000 * np.sin(2 * np.pi * 50 * np.arange(32000) / 16000)).astype(np.int16),
        "clicks": np.where(np.arange(32000) % 4000 < 20, 12000, 0).astype(np.int16),
        "breath": np.convolve(rng.normal(0, 800, 24000), np.ones(30) / 30, "same").astype(np.int16),
    }
