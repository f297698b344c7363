"""The voice at the bedside: the real Piper joe voice, heard back by the recognizer; fixed lines kept as
audio (never what the couple said); pyttsx3 when Piper cannot load; "speak slower" and "louder"."""

from __future__ import annotations

import functools
import io
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
import soxr
import yaml

from assistant.audio.samples import SAMPLE_RATE
from assistant.audio.sinks import WavFileSink
from assistant.config import Settings, save_settings
from assistant.errors import AudioDeviceError
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.understanding.numbers import spell_digits
from assistant.voice.piper import PiperSynthesizer
from assistant.voice.speaker import MultiSpeaker, PrintSpeaker, VoiceSpeaker, sentences
from assistant.voice.speech_cache import SpeechCache
from tests.support.harness import make_session
from tests.support.speech_fixtures import seeded_piper, with_silence

pytestmark = pytest.mark.audio


@pytest.fixture(scope="module")
def joe() -> PiperSynthesizer:
    return seeded_piper()  # Piper's noise is random: seeded, this module hears the same lines every run


class Counting(PiperSynthesizer):
    """The real voice, counting what it is asked to say."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []

    def synthesize(self, text: str) -> tuple[np.ndarray, int]:
        self.said.append(text)
        return super().synthesize(text)


def keep(data_dir: Path, settings: Settings) -> None:
    save_settings(data_dir, settings)


@pytest.mark.slow
def test_joe_speaks_a_line_the_recognizer_hears_back(joe: PiperSynthesizer) -> None:
    samples, rate = joe.synthesize("Let's take twenty minutes apart, so your bodies can calm down.")
    assert rate == 22050
    seconds = samples.size / rate
    assert 2.0 < seconds < 6.0
    assert np.abs(samples).max() > 3000, "audible"
    heard = WhisperRecognizer().transcribe(with_silence(soxr.resample(samples, rate, SAMPLE_RATE).astype(np.int16)))
    words = spell_digits(re.sub(r"[^\w' ]+", " ", heard.text.lower())).split()  # Whisper writes "20"
    assert " ".join(words) == "let's take twenty minutes apart so your bodies can calm down"


@pytest.mark.slow
def test_a_slower_pace_is_longer_and_a_lower_volume_softer(joe: PiperSynthesizer) -> None:
    line = "Breathe in slowly, and out."
    joe.tune(1.0, 1.0)  # from a known pace: Piper's own timing varies a little from one run to the next
    normal, _ = joe.synthesize(line)
    joe.tune(0.6, 0.5)  # 1.67 times as long by the scale; measured 1.44-1.59
    try:
        slow, _ = joe.synthesize(line)
    finally:
        joe.tune(1.0, 1.0)
    assert slow.size > normal.size * 1.25
    assert np.abs(slow).max() < np.abs(normal).max() * 0.7


@pytest.mark.slow
def test_a_fixed_line_is_served_from_the_cache_and_a_damaged_file_rewritten(tmp_path: Path) -> None:
    voice = Counting()
    speaker = VoiceSpeaker(voice, WavFileSink(tmp_path / "out"), cache=SpeechCache(tmp_path / "cache"))
    speaker.say("Good night, you two.", fixed=True)
    speaker.say("Good night, you two.", fixed=True)
    assert voice.said == ["Good night, you two."], "the second time from the cache"
    [cached] = (tmp_path / "cache").glob("*.wav")
    assert cached.stat().st_mode & 0o777 == 0o600 and (tmp_path / "cache").stat().st_mode & 0o777 == 0o700
    cached.write_bytes(b"RIFF\x00\x00garbage")
    speaker.say("Good night, you two.", fixed=True)
    assert voice.said == ["Good night, you two."] * 2
    with wave.open(str(cached)) as w:
        assert w.getnframes() > 0
    played = sorted((tmp_path / "out").glob("*.wav"))
    assert len(played) == 3


class Card:
    """A sound card that takes audio as a real one would (there is none here): it keeps what it played."""

    def __init__(self) -> None:
        self.played: list[int] = []

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.played.append(samples.size)

    def stop(self) -> None:
        pass


def test_a_new_line_plays_sentence_by_sentence_and_is_not_kept(tmp_path: Path) -> None:
    voice = Counting()
    card = Card()
    speaker = VoiceSpeaker(voice, card, cache=SpeechCache(tmp_path / "cache"))
    speaker.say("I heard: walk by the sea. Shall I keep that?")
    assert voice.said == ["I heard: walk by the sea.", "Shall I keep that?"] and len(card.played) == 2
    assert not list((tmp_path / "cache").glob("*.wav"))
    assert sentences("One. Two? Three!") == ["One.", "Two?", "Three!"]


@pytest.mark.slow
def test_what_the_couple_says_never_reaches_the_cache(tmp_path: Path) -> None:
    session = make_session(tmp_path, ["add an agreement", "no shouting after ten", "yes", "take a note",
                                      "buy the blue paint", "goodbye"])
    voice = Counting()
    cache = SpeechCache(tmp_path / "speech-cache")
    session.ctx.speaker = MultiSpeaker(PrintSpeaker(io.StringIO()),
                                       VoiceSpeaker(voice, WavFileSink(tmp_path / "out"), cache=cache))
    session.run()
    private = [line for line in voice.said if "shouting" in line or "blue paint" in line]
    assert private, "the lines with the couple's words were spoken"
    kept = {p.stem for p in cache.folder.glob("*.wav")}
    keys = {SpeechCache.key(voice.settings_key, line): line for line in voice.said}
    assert kept and kept <= set(keys), "only lines that were said, the welcome among them"
    assert not [keys[k] for k in kept if "shouting" in keys[k] or "blue paint" in keys[k]]
    for line in private:  # nor any sentence of a line that carried their words
        assert all(SpeechCache.key(voice.settings_key, part) not in kept for part in sentences(line))


@pytest.mark.slow
def test_without_piper_the_system_voice_speaks_and_says_why(tmp_path: Path) -> None:
    save_settings(tmp_path, Settings(partner_one="Sam", partner_two="Alex", voice="nobody"))
    result = subprocess.run([sys.executable, "-m", "assistant", "--text", "--save-speech", str(tmp_path / "out"),
                             "--data-dir", str(tmp_path), "--models-dir", str(tmp_path / "models")],
                            input="goodbye\n", capture_output=True, text=True, timeout=120,
                            env={**os.environ, "TOGETHERLY_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("speaking with the system voice (pyttsx3) instead") == 1
    assert "no Piper voice 'nobody'" in result.stderr
    assert len(list((tmp_path / "out").glob("*.wav"))) == 2


@pytest.mark.slow
def test_speak_slower_and_louder_change_the_config_and_the_next_line(tmp_path: Path) -> None:
    session = make_session(tmp_path, ["speak slower", "louder", "goodbye"])
    session.ctx.settings_keeper = functools.partial(keep, tmp_path)
    voice = PiperSynthesizer(speaking_rate=0.9, volume=0.8)
    before = voice.settings_key
    session.ctx.speaker = MultiSpeaker(session.ctx.speaker, VoiceSpeaker(voice, WavFileSink(tmp_path / "out")))
    session.run()
    kept = yaml.safe_load((tmp_path / "config.yaml").read_text())
    assert kept["speaking_rate"] == pytest.approx(0.78) and kept["volume"] == pytest.approx(1.0)
    assert voice.settings_key != before == "piper:joe|0.90|0.80"
    assert session.said("I'll speak more slowly") and session.said("I'll speak up")


def test_an_unknown_voice_is_named(tmp_path: Path) -> None:
    with pytest.raises(AudioDeviceError, match=r"no Piper voice 'anna' in .*anna\.onnx"):
        PiperSynthesizer("anna", tmp_path)


def test_setup_keeps_the_voice_pace_and_volume(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "assistant", "setup", "--partner-one", "Sam", "--partner-two",
                             "Alex", "--voice", "system", "--speaking-rate", "0.8", "--volume", "0.6",
                             "--data-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, input="")
    assert result.returncode == 0, result.stderr
    kept = yaml.safe_load((tmp_path / "config.yaml").read_text())
    assert (kept["voice"], kept["speaking_rate"], kept["volume"]) == ("system", 0.8, 0.6)
    refused = subprocess.run([sys.executable, "-m", "assistant", "setup", "--volume", "3", "--data-dir",
                              str(tmp_path)], capture_output=True, text=True, timeout=60, input="")
    assert refused.returncode == 1 and "volume" in refused.stderr and "Traceback" not in refused.stderr
    assert yaml.safe_load((tmp_path / "config.yaml").read_text())["volume"] == 0.6


@pytest.mark.slow
def test_a_line_with_only_a_partners_name_filled_in_is_kept(tmp_path: Path) -> None:
    session = make_session(tmp_path, [])
    voice = Counting()
    cache = SpeechCache(tmp_path / "speech-cache")
    session.ctx.speaker = VoiceSpeaker(voice, WavFileSink(tmp_path / "out"), cache=cache)
    asked = session.ctx.say("checkin.ask_high", name="Sam")
    session.ctx.say("calm_down.confirm_agreement", text="no shouting after ten")
    assert {p.stem for p in cache.folder.glob("*.wav")} == {SpeechCache.key(voice.settings_key, asked)}


@pytest.mark.slow
def test_breathing_cues_are_spoken_slower_than_the_couples_pace_and_the_pace_comes_back(tmp_path: Path) -> None:
    session = make_session(tmp_path, ["we need a break", "yes", "", "", "skip", "stop", "goodbye"])
    joe = PiperSynthesizer(speaking_rate=0.9, volume=0.8)
    voice = VoiceSpeaker(joe, WavFileSink(tmp_path / "out"), cache=SpeechCache(tmp_path / "cache"))
    session.ctx.speaker = MultiSpeaker(session.ctx.speaker, voice)
    session.run()
    # One WAV file per printed line (chimes too), in the same order.
    wavs = sorted((tmp_path / "out").glob("*.wav"))
    assert len(wavs) == len(session.lines)
    cues = [(line, wav) for line, wav in zip(session.lines, wavs, strict=True) if line in ("Breathe in.", "Hold.")]
    assert [line for line, _ in cues] == ["Breathe in.", "Hold."]
    spoken = sum(read_wav_frames(wav) for _, wav in cues)
    normal = sum(voice.audio(line)[0].size for line, _ in cues)  # the same lines at the couple's own pace
    assert spoken > normal * 1.08, (spoken, normal)  # 0.8 of the pace: measured 1.12-1.28 times as long
    assert joe.pace == (0.9, 0.8) and joe.settings_key == "piper:joe|0.90|0.80"


def read_wav_frames(path: Path) -> int:
    with wave.open(str(path)) as wav:
        return int(wav.getnframes())
