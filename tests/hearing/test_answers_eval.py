"""Free answers are kept as they were said: the word error rate of Whisper on the answers of
tests/support/eval/answers.yaml in the Piper voice family (the closest to a person), clean and at 15 dB.
Measured (`python -m scripts.eval_answers`): 1.7% and 7.9% (the bounds asked for: 8% and 15%); the
thresholds sit a little above, since Piper's draws depend on what the test voice said before."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from scripts.eval_answers import load_answers, normalized, word_errors
from tests.support.eval.corpus import VOICE_SETS, Renderer

pytestmark = [pytest.mark.audio, pytest.mark.slow]

MAX_WORD_ERRORS = {None: 0.04, 15.0: 0.11}


def test_the_words_are_normalized_before_they_are_compared() -> None:
    assert normalized("We took 20 minutes, then... Bed!") == ["we", "took", "twenty", "minutes", "then", "bed"]


@pytest.mark.parametrize("level", [None, 15.0])
def test_free_answers_are_heard_nearly_word_for_word(tmp_path_factory: pytest.TempPathFactory,
                                                     level: float | None) -> None:
    renderer = Renderer(Path(tmp_path_factory.getbasetemp()) / "answers-speech")  # shared by both levels
    answers = load_answers()
    edits, said, exact = word_errors(WhisperRecognizer(), renderer, answers, VOICE_SETS["piper"], level)
    print(f"piper {level or 'clean'}: {100 * edits / said:.1f}% word errors, {exact}/{len(answers)} exact")
    assert said > 250
    assert edits / said <= MAX_WORD_ERRORS[level], f"{edits}/{said} words wrong"
