"""The Raspberry Pi budget, measured on one pinned core of this machine (`scripts/bench.py --pin CORE`): the
whole turn as it runs live (end of speech → first reply audio, Whisper tiny.en and Piper joe), the wake
stage's CPU while it listens, and start-up to the welcome line. A Pi 4's core is about 4x slower than one
here, and it has four: the target is a turn p50 within 300 ms on one core here."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from assistant.audio.samples import SAMPLE_RATE, read_wav, write_wav
from scripts.bench_listening import bench_turn
from tests.support.eval.noise import babble, mix_at_snr
from tests.support.speech_fixtures import synthesize_piper, with_silence

MIC_FRAME = SAMPLE_RATE // 50
"""The microphone's 20 ms blocks, as the wake stage is handed them."""


def wake_stage_cpu(work: Path, minutes: float = 2.0) -> list[list[str]]:
    """CPU the wake stage (openWakeWord's features and Togetherly's head) spends per second of audio, over
    babble with the name said now and then, as a share of the core."""
    from assistant.hearing.wake_word import load_detector  # noqa: PLC0415

    detector = load_detector("togetherly")
    seconds = minutes * 60
    said = read_wav(synthesize_piper("Hey Togetherly, start our check-in", work / "pi-name.wav"))
    speech = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.int16)
    for at in range(10, int(seconds) - 5, 30):
        speech[at * SAMPLE_RATE:at * SAMPLE_RATE + said.size] = said
    (work / "pi-babble").mkdir(exist_ok=True)
    stream = mix_at_snr(speech, babble(work / "pi-babble", seconds, seed=3), 15.0)
    fired = 0
    cpu = time.process_time()
    for start in range(0, stream.size - MIC_FRAME + 1, MIC_FRAME):
        fired += detector.hear(stream[start:start + MIC_FRAME])
    used = time.process_time() - cpu
    return [["wake stage (features + head)", f"{seconds:.0f}", f"{100 * used / seconds:.1f}%",
             f"{1000 * used / (seconds / 0.08):.2f}", str(fired)]]


def turn_rows(work: Path, repeats: int) -> list[list[str]]:
    from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
    from assistant.voice.piper import PiperSynthesizer  # noqa: PLC0415

    return bench_turn(WhisperRecognizer(), work, repeats, realtime=True, synth=PiperSynthesizer())


def silence_wav(work: Path) -> Path:
    """A run's input for the start-up measure: one short command, so the process ends soon after welcoming."""
    path = work / "pi-stop.wav"
    write_wav(path, with_silence(read_wav(synthesize_piper("goodbye", work / "pi-bye.wav")), 0.1, 0.1))
    return path
