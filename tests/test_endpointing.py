"""Endpointing on real espeak-ng speech in steady noise: the WebRTC VAD (with its energy gate) finds the
start and the end of a command where the energy detector alone loses it."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio import SAMPLE_RATE, Samples, dithered_silence, read_wav
from assistant.endpointer import COMMAND_ENDPOINTING, FRAME_SAMPLES, Endpointer, Event
from assistant.vad import EnergyDetector, SpeechDetector, WebRtcDetector
from tests.eval.noise import mix_at_snr, pink_noise
from tests.speech_fixtures import synthesize

LEAD_S = 5.0  # the room's noise before anyone speaks, for the detectors to learn it


@pytest.fixture(scope="module")
def noisy_command(tmp_path_factory: pytest.TempPathFactory) -> tuple[Samples, float, float]:
    speech = read_wav(synthesize("skip this question", tmp_path_factory.mktemp("ep") / "c.wav"))
    loud = np.flatnonzero(np.abs(speech) > 300)
    signal = np.concatenate([dithered_silence(LEAD_S), speech, dithered_silence(2.0)])
    mixed = mix_at_snr(signal, pink_noise(signal.size, seed=3), snr_db=10)
    return mixed, LEAD_S + loud[0] / SAMPLE_RATE, LEAD_S + loud[-1] / SAMPLE_RATE


def events(detector: SpeechDetector, signal: Samples) -> list[tuple[Event, float]]:
    endpointer = Endpointer(COMMAND_ENDPOINTING, detector)
    found = []
    for i in range(0, signal.size - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        event = endpointer.push(signal[i:i + FRAME_SAMPLES])
        if event is not Event.NONE:
            found.append((event, (i + FRAME_SAMPLES) / SAMPLE_RATE))
    return found


def test_webrtc_vad_finds_a_command_in_pink_noise(noisy_command: tuple[Samples, float, float]) -> None:
    signal, start, end = noisy_command
    found = events(WebRtcDetector(), signal)
    starts = [t for e, t in found if e is Event.START]
    ends = [t for e, t in found if e is Event.END]
    assert len(starts) == 1 and start - 0.1 <= starts[0] <= end  # no false start in 5 s of noise
    assert len(ends) == 1 and end <= ends[0] <= end + COMMAND_ENDPOINTING.trailing_silence_s + 0.2


def test_energy_alone_loses_the_same_command(noisy_command: tuple[Samples, float, float]) -> None:
    # Why the VAD was adopted: steady noise 10 dB under the voice hides it from the energy detector.
    found = events(EnergyDetector(), noisy_command[0])
    assert not [t for e, t in found if e is Event.END and t >= noisy_command[2]]


def test_a_short_last_frame_is_not_speech() -> None:
    assert not WebRtcDetector().is_speech(np.full(100, 5000, dtype=np.int16))
