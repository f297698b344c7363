"""Chimes made in code: the right notes, the right length, gentle, and without clicks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio import chimes as tones
from assistant.audio.samples import read_wav
from assistant.audio.sinks import WavFileSink
from assistant.voice.speaker import MultiSpeaker, PrintSpeaker, VoiceSpeaker
from assistant.voice.synthesis import Pyttsx3Synthesizer


def peak_hz(samples: npt.NDArray[np.floating] | npt.NDArray[np.int16], rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[np.argmax(spectrum)])


def test_a_note_has_its_length_and_frequency() -> None:
    note = tones.sine_note(440.0, 0.5)
    assert note.size == round(0.5 * tones.RATE)
    assert abs(peak_hz(note, tones.RATE) - 440.0) < 3.0  # FFT bins are 2 Hz wide here


@pytest.mark.parametrize("name", sorted(tones.CHIMES))
def test_chimes_start_and_end_in_silence_and_never_jump(name: str) -> None:
    samples, rate = tones.chime(name)
    notes = tones.CHIMES[name]
    assert rate == tones.RATE
    assert samples.dtype == np.int16
    assert abs(samples.size - max(n.start + n.seconds for n in notes) * rate) <= 1  # rounding only
    peak = int(np.max(np.abs(samples.astype(np.int32))))
    assert peak == pytest.approx(tones.PEAK * 32767, rel=0.01), "soft: well below full scale"
    # No click: the first and last samples are (near) zero, and no step between neighbouring samples
    # is larger than the steepest a smooth sine of the highest note (with its overtone) can make.
    assert abs(int(samples[0])) <= 1 and abs(int(samples[-1])) <= 1
    top = max(n.freq for n in notes)
    smooth_step = peak * 2 * np.pi * (2 * top) / rate
    assert np.max(np.abs(np.diff(samples.astype(np.int32)))) <= smooth_step
    # The envelope fades in: the first 5 ms stay well under the peak.
    assert np.max(np.abs(samples[: rate // 200].astype(np.int32))) < 0.5 * peak


def test_envelope_rises_and_falls_smoothly_to_zero() -> None:
    env = tones.envelope(2000, rate=8000, attack_s=0.01)
    assert env[0] == 0.0 and env[-1] == pytest.approx(0.0, abs=1e-12)
    assert env.max() == pytest.approx(1.0, abs=1e-3)
    attack = 80
    assert np.all(np.diff(env[:attack]) > 0) and np.all(np.diff(env[attack:]) <= 1e-12)
    assert np.max(np.abs(np.diff(env))) < 0.05


def test_two_note_chime_plays_its_notes_in_order() -> None:
    samples, rate = tones.chime("hug_start")
    first, second = tones.CHIMES["hug_start"]
    head = samples[: round(second.start * rate)].astype(np.float64)
    tail = samples[round((first.start + first.seconds) * rate):].astype(np.float64)
    assert abs(peak_hz(head, rate) - first.freq) < 6.0
    assert abs(peak_hz(tail, rate) - second.freq) < 6.0


def test_chime_samples_are_shared_and_read_only() -> None:
    a, _ = tones.chime("hug_end")
    b, _ = tones.chime("hug_end")
    assert a is b
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 1
    with pytest.raises(KeyError, match="hug_end"):
        tones.chime("fanfare")


def test_voice_speaker_plays_the_chime_through_the_sink_and_print_shows_it_once(tmp_path: Path) -> None:
    import io

    out = io.StringIO()
    sink = WavFileSink(tmp_path)
    speaker = MultiSpeaker(PrintSpeaker(out), VoiceSpeaker(Pyttsx3Synthesizer(), sink))
    speaker.chime("hug_end")
    assert out.getvalue() == "Togetherly: (chime: hug end)\n"
    assert sink.count == 1
    played = read_wav(tmp_path / "0001.wav")  # read back at 16 kHz, as any WAV is
    expected, rate = tones.chime("hug_end")
    assert played.size == pytest.approx(expected.size * 16_000 / rate, abs=2)
