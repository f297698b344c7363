"""Regression guard for issue 4: a small fixed subset of the evaluation's test split, spoken by
espeak-ng, clean and with noise at 15 dB, decoded and judged exactly as `togetherly understand` does
(every intent allowed). Thresholds sit a little below what this subset measured, so a change that
makes understanding worse fails CI; the full table comes from scripts/eval_understanding.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.intents import IntentSet
from assistant.matcher import IntentMatcher
from assistant.paths import language_dir
from assistant.understanding import Understander
from tests.eval.corpus import Item, Renderer, items, load_corpus

INTENT_STRIDE = 2
"""Every second intent (in file order), its first test sentence: 24 commands."""
OUT_OF_SCOPE = 12
LEVELS = (None, 15.0)
# Measured on this subset (decoding is deterministic) as the live loop hears speech (phrase grammar, fuzzy
# matcher): clean 6/24 commands right and 4/12 out-of-scope sentences accepted; 15 dB 7/24 right, 8/12
# accepted. Far from issue 4's targets: see the README table.
MIN_ACCURACY = {None: 5 / 24, 15.0: 6 / 24}
MAX_FALSE_ACCEPTS = {None: 5 / 12, 15.0: 9 / 12}


def subset() -> list[Item]:
    test = items(load_corpus(), "test")
    firsts: dict[str | None, Item] = {}
    for item in test:
        firsts.setdefault(item.intent, item)
    commands = [item for intent, item in firsts.items() if intent is not None][::INTENT_STRIDE]
    return commands + [item for item in test if item.intent is None][:OUT_OF_SCOPE]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[float | None, list[tuple[Item, str | None]]]:
    matcher = IntentMatcher(IntentSet.load_dir(language_dir()), paraphrases=False)  # as the live loop hears speech
    understander = Understander(matcher, PocketsphinxRecognizer())
    renderer = Renderer(Path(tmp_path_factory.mktemp("renderings")))
    allowed = matcher.intents.names()
    out: dict[float | None, list[tuple[Item, str | None]]] = {level: [] for level in LEVELS}
    for index, item in enumerate(subset()):
        speech = renderer.speech(item.text, "en-us", 150)
        for level in LEVELS:
            result = understander.samples(item.text, renderer.noisy(speech, level, index), allowed)
            out[level].append((item, result.intent))
    return out


@pytest.mark.parametrize("level", LEVELS)
def test_commands_are_understood(verdicts: dict[float | None, list[tuple[Item, str | None]]],
                                 level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[level] if item.intent is not None]
    accuracy = sum(item.intent == got for item, got in judged) / len(judged)
    assert accuracy >= MIN_ACCURACY[level] - 1e-9, f"accuracy {accuracy:.0%} at {level or 'clean'}"


@pytest.mark.parametrize("level", LEVELS)
def test_out_of_scope_speech_is_rejected(verdicts: dict[float | None, list[tuple[Item, str | None]]],
                                         level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[level] if item.intent is None]
    false_accepts = sum(got is not None for _, got in judged) / len(judged)
    assert false_accepts <= MAX_FALSE_ACCEPTS[level] + 1e-9, f"false accepts {false_accepts:.0%} at {level or 'clean'}"


def test_typed_paraphrases_of_the_whole_test_split() -> None:
    """Typed words (`togetherly --text`) go through the fuzzy matcher and the intent classifier. Measured on
    the whole test split: 71.3% of commands right (36.1% with the phrases alone), 10% of out-of-scope
    sentences accepted."""
    matcher = IntentMatcher(IntentSet.load_dir(language_dir()))
    test = items(load_corpus(), "test")
    inside = [item for item in test if item.intent is not None]
    outside = [item for item in test if item.intent is None]
    accuracy = sum(matcher.match(item.text).intent == item.intent for item in inside) / len(inside)
    false_accepts = sum(matcher.match(item.text).intent is not None for item in outside) / len(outside)
    assert accuracy >= 0.68, f"typed accuracy {accuracy:.1%}"
    assert false_accepts <= 0.12, f"typed false accepts {false_accepts:.0%}"
