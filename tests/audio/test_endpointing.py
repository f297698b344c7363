"""Endpointing on real espeak-ng speech in steady noise: the WebRTC VAD (with its energy gate) finds the
start and the end of a command where the energy detector alone loses it. And adaptive endpointing through
the real listener and pocketsphinx: a command heard whole ends after a shorter silence, unless it could
still grow into another command or the room is too noisy to trust a short silence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.audio.endpointer import COMMAND_ENDPOINTING, FRAME_SAMPLES, Endpointer, Event
from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence, read_wav
from assistant.audio.sources import WavFilesSource
from assistant.audio.vad import EnergyDetector, SpeechDetector, WebRtcDetector
from assistant.clock import ManualClock
from assistant.hearing.early_end import CompleteCommands, EarlyEnd
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.requests import ListenMode, ListenRequest, Meaning, command_request
from assistant.hearing.speech_listener import SpeechListener
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from tests.support.eval.noise import mix_at_snr, pink_noise
from tests.support.speech_fixtures import synthesize

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
    found: list[tuple[Event, float]] = []
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


# -- Adaptive endpointing: a whole command ends after a shorter silence ----------------------------

class _Microphone:
    """`samples` handed over as a microphone does, in 20 ms blocks; `position` is the audio read so far."""

    def __init__(self, samples: Samples) -> None:
        self.samples = samples
        self.position = 0

    def read(self, timeout: float | None = None) -> Samples | None:
        if self.position >= self.samples.size:
            return None
        block = self.samples[self.position:self.position + FRAME_SAMPLES]
        self.position += block.size
        return block

    def drain(self) -> None:
        """Nothing is queued."""

    def close(self) -> None:
        self.position = self.samples.size


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.fixture(scope="module")
def start_command(tmp_path_factory: pytest.TempPathFactory) -> tuple[Samples, float]:
    """"start our check-in" after 0.6 s of a quiet room, then 1.5 s of it; and when the voice ends (s)."""
    speech = read_wav(synthesize("start our check-in", tmp_path_factory.mktemp("early") / "start.wav"))
    signal = np.concatenate([dithered_silence(0.6, seed=4), speech, dithered_silence(1.5, seed=5)])
    return signal, 0.6 + (np.flatnonzero(np.abs(speech) > 300)[-1] + 1) / SAMPLE_RATE


def heard_after(recognizer: PocketsphinxRecognizer, signal: Samples, request: ListenRequest) -> tuple[str, float]:
    """What a fresh listener hears in `signal`, and how long after `signal` began the utterance ended."""
    microphone = _Microphone(signal)
    heard = SpeechListener(microphone, recognizer).listen(request)
    assert heard.status == "speech"
    return heard.text, microphone.position / SAMPLE_RATE


@pytest.mark.slow
def test_a_whole_command_ends_after_the_short_silence(recognizer: PocketsphinxRecognizer,
                                                      start_command: tuple[Samples, float]) -> None:
    intents = IntentSet.load_dir(language_dir())
    request = command_request(intents.phrases(["start_checkin", "stop", "help", "what_can_you_do"]))
    text, ended = heard_after(recognizer, start_command[0], request)
    assert text == "start our check in"
    early = COMMAND_ENDPOINTING.early_silence_s
    assert early is not None and early < COMMAND_ENDPOINTING.trailing_silence_s
    # The reply may start ~150 ms sooner: the short silence and at most two frames of VAD lag.
    assert start_command[1] + early - 0.02 <= ended <= start_command[1] + early + 0.06


def test_a_command_that_could_still_become_another_waits_the_full_window(
        recognizer: PocketsphinxRecognizer, start_command: tuple[Samples, float]) -> None:
    # "... tomorrow" would mean something else: only the full window can tell the person has finished.
    request = ListenRequest(ListenMode.COMMAND, ("start our check in", "start our check in tomorrow"),
                            meanings=(Meaning("now"), Meaning("later")))
    text, ended = heard_after(recognizer, start_command[0], request)
    assert text == "start our check in"
    assert ended >= start_command[1] + COMMAND_ENDPOINTING.trailing_silence_s


def test_in_a_noisy_room_commands_wait_the_full_window(recognizer: PocketsphinxRecognizer,
                                                       start_command: tuple[Samples, float]) -> None:
    # With noise 20 dB under the voice, quiet syllables pass for silence: an early end could cut words.
    signal, end = start_command
    noisy = mix_at_snr(signal, pink_noise(signal.size, seed=8), snr_db=20)
    request = ListenRequest(ListenMode.COMMAND, ("start our check in", "stop"),
                            meanings=(Meaning("start"), Meaning("stop")))
    _, ended = heard_after(recognizer, noisy, request)
    assert ended >= end + COMMAND_ENDPOINTING.trailing_silence_s - 0.06


def test_which_partial_hypotheses_are_whole_commands() -> None:
    stop, next_, review, skip, hug = (Meaning(name) for name in ("stop", "next", "review", "skip", "hug"))
    commands = CompleteCommands(("stop", "stop that", "next", "next week", "skip", "skip", "hug"),
                                (stop, stop, next_, review, skip, skip, hug))
    assert commands.meaning("stop") == stop  # "stop that" would mean the same
    assert commands.meaning("Stop That") == stop
    assert commands.meaning("next") is None  # it could still become "next week"
    assert commands.meaning("next week") == review
    assert commands.meaning("skip") == skip  # the same phrase twice, one meaning
    assert commands.meaning("stop the") is None and commands.meaning("") is None
    ambiguous = CompleteCommands(("hug", "hug"), (Meaning("hug_timer"), Meaning("kiss_timer")))
    # The same intent with other slot values is another command: "hug" could still become "hug for ten".
    hug_for_ten = Meaning("hug_timer", (("seconds", 10),))
    timers = CompleteCommands(("hug", "hug for ten"), (Meaning("hug_timer"), hug_for_ten))
    assert timers.meaning("hug") is None
    assert timers.meaning("hug for ten") == hug_for_ten
    assert ambiguous.meaning("hug") is None
    # Without meanings every phrase is its own: a phrase that begins a longer one is never whole.
    assert CompleteCommands(("stop", "stop that")).meaning("stop") is None


@pytest.mark.slow
def test_ending_early_changes_when_not_what_is_heard(recognizer: PocketsphinxRecognizer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Several commands in a row from WAV files, heard with whole commands ending early, and with every
    # command waiting out the full window: the recognizer is fed the same audio and each next command is
    # framed the same, so every transcript is the same; only the early ends come sooner.
    texts = ["start our check-in", "skip this one", "how much longer", "yes please", "what can you do"]
    files = [synthesize(text, tmp_path / f"{i}.wav") for i, text in enumerate(texts)]
    request = command_request(IntentSet.load_dir(language_dir()).phrases())

    def run(stable_frames: int) -> list[tuple[str, float]]:
        monkeypatch.setattr(EarlyEnd, "STABLE_FRAMES", stable_frames)
        clock = ManualClock()
        listener = SpeechListener(WavFilesSource(files, clock=clock), PocketsphinxRecognizer(), clock=clock)
        return [(listener.listen(request).text, clock.monotonic()) for _ in texts]  # what, and when it ended

    adaptive = run(EarlyEnd.STABLE_FRAMES)
    full = run(10**6)  # never steady long enough
    assert [text for text, _ in adaptive] == [text for text, _ in full]
    sooner = [full_end - end for (_, end), (_, full_end) in zip(adaptive, full, strict=True)]
    assert all(s == pytest.approx(0.0, abs=1e-6) or 0.1 < s < 0.2 for s in sooner), sooner
    assert sum(s > 0.1 for s in sooner) >= 3, sooner  # most were whole commands, ended ~150 ms sooner
