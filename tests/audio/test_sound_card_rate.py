"""Piper speaks at 22,050 Hz; many sound cards take only 48,000 or 44,100 Hz. The sink resamples a line once,
whole, to a rate the card takes. There is no sound card here, so `FakeCard` stands in for sounddevice's
device layer (the rates a card accepts, and a callback stream that collects what it is handed)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from assistant.audio.samples import to_mono_16k
from assistant.audio.sinks import SoundDeviceSink, card_rate
from assistant.errors import AudioDeviceError
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.words import words
from tests.support.speech_fixtures import seeded_piper

PIPER_RATE = 22_050


class FakeCard:
    """What SoundDeviceSink uses of the sounddevice module, for a card that takes only `rates`."""

    class CallbackStop(Exception):
        pass

    def __init__(self, rates: tuple[int, ...], default_rate: int) -> None:
        self.rates = rates
        self.default_rate = default_rate
        self.asked: list[int] = []
        self.opened: list[int] = []
        self.played: list[npt.NDArray[np.int16]] = []

    def check_output_settings(self, device: object = None, channels: int = 1, dtype: str = "int16",
                              samplerate: float | None = None) -> None:
        if samplerate is not None:
            self.asked.append(int(samplerate))
            if int(samplerate) not in self.rates:
                raise ValueError("Invalid sample rate [PaErrorCode -9997]")

    def query_devices(self, device: object = None, kind: str | None = None) -> dict[str, Any]:
        return {"name": "fake card", "default_samplerate": float(self.default_rate)}

    def OutputStream(self, *, samplerate: int, blocksize: int, callback: Any, finished_callback: Any,  # noqa: N802
                     **_: Any) -> Any:
        if samplerate not in self.rates:
            raise ValueError("Invalid sample rate [PaErrorCode -9997]")
        self.opened.append(samplerate)
        card = self
        blocks: list[npt.NDArray[np.int16]] = []

        class Stream:
            def start(self) -> None:
                threading.Thread(target=self._run, daemon=True).start()

            def _run(self) -> None:
                while True:
                    out = np.zeros((blocksize, 1), dtype=np.int16)
                    try:
                        callback(out, blocksize, None, None)
                    except card.CallbackStop:
                        blocks.append(out[:, 0].copy())
                        break
                    blocks.append(out[:, 0].copy())
                card.played.append(np.concatenate(blocks))
                finished_callback()

            def stop(self) -> None: ...
            def abort(self) -> None: ...
            def close(self) -> None: ...

        return Stream()


def chirp(seconds: float = 1.0, rate: int = PIPER_RATE) -> npt.NDArray[np.int16]:
    t = np.arange(int(seconds * rate)) / rate
    return (8000 * np.sin(2 * np.pi * (300 + 400 * t) * t)).astype(np.int16)


def loudest_frequency(samples: npt.NDArray[np.int16], rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[int(np.argmax(spectrum))])


def test_a_line_is_resampled_once_to_a_rate_the_card_takes_without_clicks() -> None:
    card = FakeCard(rates=(48_000,), default_rate=48_000)
    sink = SoundDeviceSink(sounddevice=card)
    tone = (6000 * np.sin(2 * np.pi * 440 * np.arange(PIPER_RATE) / PIPER_RATE)).astype(np.int16)
    sink.play(tone, PIPER_RATE)
    sink.play(chirp(), PIPER_RATE)
    assert card.opened == [48_000, 48_000]
    assert card.asked.count(PIPER_RATE) == 1  # the card's rates are asked once per source rate
    played = card.played[0]
    blocks = int(48_000 * SoundDeviceSink.BLOCK_SECONDS)
    assert abs(played.size - 48_000) <= blocks  # the same second of sound, padded to whole blocks
    assert abs(loudest_frequency(played[:48_000], 48_000) - 440) < 2
    # A click is a jump between neighbouring samples; at the higher rate the steps can only be smaller.
    step = np.abs(np.diff(played.astype(np.int32))).max()
    assert step <= np.abs(np.diff(tone.astype(np.int32))).max()
    chirp_out = card.played[1]
    assert np.abs(np.diff(chirp_out.astype(np.int32))).max() <= np.abs(np.diff(chirp().astype(np.int32))).max()


def test_a_card_that_takes_the_voices_rate_gets_the_samples_unchanged() -> None:
    card = FakeCard(rates=(PIPER_RATE, 48_000), default_rate=48_000)
    sink = SoundDeviceSink(sounddevice=card)
    line = chirp()
    sink.play(line, PIPER_RATE)
    assert card.opened == [PIPER_RATE]
    assert np.array_equal(card.played[0][:line.size], line)


def test_the_rate_falls_back_to_the_cards_default_then_common_rates() -> None:
    assert card_rate(PIPER_RATE, lambda r: r == 44_100, 44_100) == 44_100
    assert card_rate(PIPER_RATE, lambda r: r == 44_100, 0) == 44_100  # no default known
    assert card_rate(16_000, lambda r: r in (16_000, 48_000), 48_000) == 16_000
    with pytest.raises(AudioDeviceError, match="takes none of the sample rates 22050, 96000, 48000 or 44100 Hz"):
        card_rate(PIPER_RATE, lambda r: False, 96_000)


@pytest.mark.slow
def test_piper_speech_played_at_48k_is_still_heard_as_said() -> None:
    # A voice that loads with a fixed seed says this line the same way every run (Piper's noise is random).
    samples, rate = seeded_piper().synthesize("Twenty seconds of hugging, starting now.")
    card = FakeCard(rates=(48_000,), default_rate=48_000)
    SoundDeviceSink(sounddevice=card).play(samples, rate)
    recognizer = WhisperRecognizer()

    def heard(sound: npt.NDArray[np.int16], sound_rate: int) -> str:
        listening = recognizer.start(None)
        listening.feed(to_mono_16k(sound, sound_rate, 1))
        return " ".join(words(listening.finish().text))

    through_the_card = heard(card.played[0], 48_000)
    assert "seconds of hugging starting now" in through_the_card, through_the_card  # "20" before it
    assert through_the_card == heard(samples, rate), "the card's rate changes nothing that is heard"
