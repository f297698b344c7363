"""Regression guard for issue 4: a small fixed subset of the evaluation's test split, spoken by
espeak-ng and by flite, clean and with noise at 15 dB, decoded and judged exactly as the live loop and
`togetherly understand` do (commands language model, fuzzy matcher, intent classifier; every intent
allowed). Thresholds sit a little below what this subset measured, so a change that makes understanding
worse fails CI; the full table comes from scripts/eval_understanding.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.intents import IntentSet
from assistant.matcher import IntentMatcher
from assistant.paths import language_dir
from assistant.understanding import Understander
from tests.eval.corpus import VOICE_SETS, Item, Renderer, items, load_corpus

INTENT_STRIDE = 2
"""Every second intent (in file order), its first test sentence: 24 commands."""
OUT_OF_SCOPE = 12
LEVELS = (None, 15.0)
FAMILIES = ("espeak", "flite")
# Measured on this subset (decoding is deterministic), first voice of each family: espeak 5/24 right
# clean, 7/24 at 15 dB; flite 15/24 clean, 1/24 at 15 dB; out of scope accepted: espeak 0/12 and 1/12,
# flite 3/12 and 1/12. Far from issue 4's targets: see the README, "Understanding".
MIN_ACCURACY = {("espeak", None): 4 / 24, ("espeak", 15.0): 5 / 24, ("flite", None): 13 / 24,
                ("flite", 15.0): 1 / 24}
MAX_FALSE_ACCEPTS = {("espeak", None): 2 / 12, ("espeak", 15.0): 2 / 12, ("flite", None): 4 / 12,
                     ("flite", 15.0): 2 / 12}
Key = tuple[str, float | None]


def subset() -> list[Item]:
    test = items(load_corpus(), "test")
    firsts: dict[str | None, Item] = {}
    for item in test:
        firsts.setdefault(item.intent, item)
    commands = [item for intent, item in firsts.items() if intent is not None][::INTENT_STRIDE]
    return commands + [item for item in test if item.intent is None][:OUT_OF_SCOPE]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[Key, list[tuple[Item, str | None]]]:
    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    understander = Understander(matcher, PocketsphinxRecognizer(sentences=intents.sentences_heard()))
    renderer = Renderer(Path(tmp_path_factory.mktemp("renderings")))
    allowed = matcher.intents.names()
    out: dict[Key, list[tuple[Item, str | None]]] = {(f, level): [] for f in FAMILIES for level in LEVELS}
    for family in FAMILIES:
        for index, item in enumerate(subset()):
            speech = renderer.speech(item.text, VOICE_SETS[family][0])
            for level in LEVELS:
                result = understander.samples(item.text, renderer.noisy(speech, level, index), allowed)
                out[family, level].append((item, result.intent))
    return out


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", LEVELS)
def test_commands_are_understood(verdicts: dict[Key, list[tuple[Item, str | None]]], family: str,
                                 level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[family, level] if item.intent is not None]
    right = sum(item.intent == got for item, got in judged)
    print(f"{family} {level or 'clean'}: {right}/{len(judged)} right")
    assert right / len(judged) >= MIN_ACCURACY[family, level] - 1e-9, f"{right}/{len(judged)} right"


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", LEVELS)
def test_out_of_scope_speech_is_rejected(verdicts: dict[Key, list[tuple[Item, str | None]]], family: str,
                                         level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[family, level] if item.intent is None]
    accepted = sum(got is not None for _, got in judged)
    print(f"{family} {level or 'clean'}: {accepted}/{len(judged)} accepted")
    assert accepted / len(judged) <= MAX_FALSE_ACCEPTS[family, level] + 1e-9, f"{accepted}/{len(judged)} accepted"


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
