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

INTENT_STRIDE = 4
"""Every fourth intent (in file order), its first test sentence: 12 commands."""
OUT_OF_SCOPE = 6
LEVELS = (None, 15.0)
# Measured on this subset (decoding is deterministic): clean 3/12 commands right and 2/6 out-of-scope
# sentences accepted; 15 dB 1/12 right, 3/6 accepted. Far from issue 4's targets: see the README table.
MIN_ACCURACY = {None: 2 / 12, 15.0: 1 / 12}
MAX_FALSE_ACCEPTS = {None: 3 / 6, 15.0: 4 / 6}


def subset() -> list[Item]:
    test = items(load_corpus(), "test")
    firsts: dict[str | None, Item] = {}
    for item in test:
        firsts.setdefault(item.intent, item)
    commands = [item for intent, item in firsts.items() if intent is not None][::INTENT_STRIDE]
    return commands + [item for item in test if item.intent is None][:OUT_OF_SCOPE]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[float | None, list[tuple[Item, str | None]]]:
    matcher = IntentMatcher(IntentSet.load_dir(language_dir()))
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
