"""Audio as plain values: 16 kHz mono int16 numpy arrays, plus WAV reading and conversion."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soxr

from assistant.errors import AudioFormatError

SAMPLE_RATE = 16_000
"""Both engines want 16 kHz mono 16-bit; everything entering recognition is converted to this."""

Samples = npt.NDArray[np.int16]


def to_mono_16k(samples: npt.NDArray[np.int16], rate: int, channels: int) -> Samples:
    """Mix down to mono and resample to 16 kHz with a proper low-pass (soxr), keeping int16."""
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    if rate == SAMPLE_RATE:
        return samples.astype(np.int16, copy=False)
    return np.asarray(soxr.resample(samples, rate, SAMPLE_RATE), dtype=np.int16)


def _decode_frames(raw: bytes, width: int) -> npt.NDArray[np.int16]:
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.int16)
    if width == 1:  # 8-bit WAV is unsigned
        return ((np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) << 8).astype(np.int16)
    if width == 3:
        b = np.frombuffer(raw[: len(raw) - len(raw) % 3], dtype=np.uint8).reshape(-1, 3)
        # keep the top 16 bits of each little-endian 24-bit sample
        return (b[:, 1].astype(np.uint16) | (b[:, 2].astype(np.uint16) << 8)).view(np.int16)
    if width == 4:
        return (np.frombuffer(raw, dtype="<i4") >> 16).astype(np.int16)
    raise AudioFormatError(f"unsupported sample width {width * 8} bits")


def iter_wav_blocks(path: Path, block_seconds: float = 0.1) -> Iterator[Samples]:
    """Stream a WAV file as 16 kHz mono blocks, so long files are never loaded whole."""
    if path.is_dir():
        raise AudioFormatError(f"{path} is a directory, not a WAV file")
    if not path.exists():
        raise AudioFormatError(f"{path}: no such file")
    try:
        wav = wave.open(str(path), "rb")  # noqa: SIM115 - opened here to map its errors, closed by `with` below
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(
            f"{path} is not a readable PCM WAV file ({exc}); convert it with e.g. "
            f"`sox {path.name} -r 16000 -c 1 -b 16 out.wav`"
        ) from exc
    except OSError as exc:
        raise AudioFormatError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    with wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        if rate < 8000 or channels < 1 or width not in (1, 2, 3, 4):
            raise AudioFormatError(
                f"{path}: unsupported WAV format ({rate} Hz, {channels} channels, {width * 8}-bit); "
                "use PCM 8 to 32-bit at 8 kHz or more"
            )
        frames_per_block = max(1, int(rate * block_seconds))
        resampler = None if rate == SAMPLE_RATE else soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="int16")
        while True:
            try:
                raw = wav.readframes(frames_per_block)
            except (wave.Error, EOFError) as exc:
                raise AudioFormatError(f"{path}: truncated WAV data ({exc})") from exc
            last = len(raw) < frames_per_block * channels * width
            usable = len(raw) - len(raw) % (channels * width)
            samples = _decode_frames(raw[:usable], width)
            if channels > 1:
                samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
            if resampler is not None:
                samples = np.asarray(resampler.resample_chunk(samples, last=last), dtype=np.int16)
            if samples.size:
                yield samples
            if last:
                return


def read_wav(path: Path) -> Samples:
    """A whole WAV file as 16 kHz mono (for short files: tests, prompts, benchmarks)."""
    blocks = list(iter_wav_blocks(path))
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)


def write_wav(path: Path, samples: npt.NDArray[np.int16], rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def dithered_silence(seconds: float, level: float = 4.0, seed: int = 0) -> Samples:
    """Near-silence with a little noise: real microphones never send digital zeros."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(SAMPLE_RATE * seconds)) * level).astype(np.int16)
