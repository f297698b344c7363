"""WAV input: any rate and channel count is converted; bad files get a clear, specific error."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.samples import SAMPLE_RATE, iter_wav_blocks, read_wav
from assistant.audio.sources import WavFilesSource
from assistant.errors import AudioFormatError


def write(path: Path, rate: int, channels: int, width: int, seconds: float = 0.5, freq: float = 440.0) -> Path:
    t = np.arange(int(rate * seconds)) / rate
    wave_ = np.sin(2 * np.pi * freq * t) * 0.5
    frames = np.repeat(wave_[:, None], channels, axis=1).reshape(-1)
    if width == 1:
        data = (frames * 127 + 128).astype(np.uint8).tobytes()
    elif width == 2:
        data = (frames * 32767).astype("<i2").tobytes()
    elif width == 3:
        ints = (frames * (2**23 - 1)).astype("<i4")
        data = b"".join(int(v).to_bytes(4, "little", signed=True)[:3] for v in ints)
    else:
        data = (frames * (2**31 - 1)).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path


def dominant_frequency(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.argmax(spectrum) * SAMPLE_RATE / samples.size)


@pytest.mark.parametrize(("rate", "channels", "width"), [
    (16000, 1, 2), (48000, 2, 2), (44100, 1, 2), (8000, 1, 2), (22050, 1, 1), (16000, 1, 3), (16000, 2, 4),
])
def test_any_pcm_wav_becomes_16k_mono_with_the_same_content(tmp_path: Path, rate: int, channels: int,
                                                             width: int) -> None:
    samples = read_wav(write(tmp_path / "a.wav", rate, channels, width))
    assert samples.dtype == np.int16
    assert abs(samples.size - SAMPLE_RATE * 0.5) < 200
    assert abs(dominant_frequency(samples) - 440) < 10
    assert 8000 < np.abs(samples).max() < 20000  # about half of full scale survived the conversion


def test_long_files_are_streamed_in_blocks(tmp_path: Path) -> None:
    path = write(tmp_path / "long.wav", 48000, 2, 2, seconds=3.0)
    blocks = list(iter_wav_blocks(path, block_seconds=0.1))
    assert len(blocks) >= 29
    assert max(b.size for b in blocks) <= 2400  # ~0.1 s each (the resampler flushes a little more at the end)


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"not a wav at all, just text"), "not a readable PCM WAV"),
    (lambda p: p.write_bytes(b""), "not a readable PCM WAV"),
    (lambda p: p.write_bytes(write(p, 16000, 1, 2).read_bytes()[:30]), "not a readable PCM WAV"),
    (lambda p: p.mkdir(), "is a directory"),
    (lambda p: None, "no such file"),
])
def test_bad_files_get_a_specific_error(tmp_path: Path, make: object, message: str) -> None:
    path = tmp_path / "bad.wav"
    make(path)  # type: ignore[operator]
    with pytest.raises(AudioFormatError, match=message):
        read_wav(path)


def test_float_wav_is_refused_with_a_conversion_hint(tmp_path: Path) -> None:
    path = tmp_path / "float.wav"
    data = np.zeros(1600, dtype="<f4").tobytes()
    header = (b"RIFF" + (36 + len(data)).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
              + (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + (16000).to_bytes(4, "little")
              + (64000).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
              + b"data" + len(data).to_bytes(4, "little"))
    path.write_bytes(header + data)
    with pytest.raises(AudioFormatError, match="sox"):
        read_wav(path)


def test_wav_source_checks_every_file_before_starting(tmp_path: Path) -> None:
    good = write(tmp_path / "good.wav", 16000, 1, 2)
    (tmp_path / "bad.wav").write_text("nope")
    with pytest.raises(AudioFormatError, match=r"bad\.wav"):
        WavFilesSource([good, tmp_path / "bad.wav"])


def test_wav_source_adds_a_lead_in_and_a_pause_after_each_file_and_then_ends(tmp_path: Path) -> None:
    source = WavFilesSource([write(tmp_path / "a.wav", 16000, 1, 2, seconds=0.5)], pause_seconds=1.0)
    total = 0
    while (block := source.read()) is not None:
        total += block.size
    assert total == pytest.approx(SAMPLE_RATE * (0.3 + 0.5 + 1.0), abs=SAMPLE_RATE * 0.06)  # lead-in, file, pause


@pytest.mark.slow
def test_cli_reports_a_bad_wav_clearly_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "bad.wav").write_text("nope")
    result = subprocess.run([sys.executable, "-m", "assistant", "--wav", str(tmp_path / "bad.wav"),
                             "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "togetherly: error:" in result.stderr and "bad.wav" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "notes.json").exists()
