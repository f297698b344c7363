"""Regression guard: a small fixed subset of the evaluation's test split, spoken by espeak-ng and by
flite, clean and with noise at 15 dB, decoded and judged exactly as the live loop and `togetherly
understand` do (every intent allowed), with Whisper (the default) and with pocketsphinx (the fallback:
commands language model, fuzzy matcher, intent classifier). Thresholds sit a little below what this
subset measured, so a change that makes understanding worse fails CI; the full table comes from
scripts/eval_understanding.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli.understand import Understander
from assistant.dialogue.flows import default_flows
from assistant.dialogue.states import home_state, listening_states
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.hearing.engines.whisper_engine import WhisperRecognizer
from assistant.hearing.recognizer import Recognizer
from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher
from tests.support.eval.corpus import VOICE_SETS, Item, Renderer, items, load_corpus

pytestmark = pytest.mark.slow  # renders and decodes the evaluation set: about a minute

INTENT_STRIDE = 2
"""Every second intent (in file order), its first test sentence: 24 commands."""
OUT_OF_SCOPE = 12
LEVELS = (None, 15.0)
FAMILIES = ("espeak", "flite")
ENGINES = ("whisper", "pocketsphinx")
# Measured on this subset (decoding is deterministic), first voice of each family, right / out of scope
# accepted. Whisper (a beam of 4): espeak 18/24 and 1/12 clean, 19/24 and 2/12 at 15 dB; flite 22/24 and
# 2/12 clean, 16/24 and 1/12 at 15 dB. pocketsphinx (the fallback): espeak 8/24 and 7/12 clean, 11/24 and
# 7/12 at 15 dB; flite 19/24 and 2/12 clean, 5/24 and 5/12 at 15 dB. Its commands language model is rebuilt
# from the phrases, so its figures move with every change to them, and it turns other speech into
# command-like words that the meaning stage then accepts: a known limit of the fallback
# (docs/measurements.md, "Understanding").
# Each threshold is one sentence from what was measured.
MIN_ACCURACY = {
    ("whisper", "espeak", None): 17 / 24, ("whisper", "espeak", 15.0): 17 / 24,
    ("whisper", "flite", None): 21 / 24, ("whisper", "flite", 15.0): 15 / 24,
    ("pocketsphinx", "espeak", None): 7 / 24, ("pocketsphinx", "espeak", 15.0): 10 / 24,
    ("pocketsphinx", "flite", None): 16 / 24, ("pocketsphinx", "flite", 15.0): 4 / 24}
"""At what was measured, with the new rituals' and reminders' intents among the choices: whisper espeak 15 dB
fell from 18 to 17 of 24 and pocketsphinx flite clean from 18 to 16 (docs/CHANGELOG.md, 2026-12-07)."""
MAX_FALSE_ACCEPTS = {
    ("whisper", "espeak", None): 2 / 12, ("whisper", "espeak", 15.0): 3 / 12,
    ("whisper", "flite", None): 3 / 12, ("whisper", "flite", 15.0): 2 / 12,
    ("pocketsphinx", "espeak", None): 8 / 12, ("pocketsphinx", "espeak", 15.0): 8 / 12,
    ("pocketsphinx", "flite", None): 3 / 12, ("pocketsphinx", "flite", 15.0): 6 / 12}
Key = tuple[str, str, float | None]


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
    recognizers: dict[str, Recognizer] = {
        "whisper": WhisperRecognizer(), "pocketsphinx": PocketsphinxRecognizer(sentences=intents.sentences_heard())}
    renderer = Renderer(Path(tmp_path_factory.mktemp("renderings")))
    allowed = matcher.intents.names()
    out: dict[Key, list[tuple[Item, str | None]]] = {
        (e, f, level): [] for e in ENGINES for f in FAMILIES for level in LEVELS}
    for engine in ENGINES:
        understander = Understander(matcher, recognizers[engine])
        for family in FAMILIES:
            for index, item in enumerate(subset()):
                speech = renderer.speech(item.text, VOICE_SETS[family][0])
                for level in LEVELS:
                    result = understander.samples(item.text, renderer.noisy(speech, level, index), allowed)
                    out[engine, family, level].append((item, result.intent))
    return out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", LEVELS)
def test_commands_are_understood(verdicts: dict[Key, list[tuple[Item, str | None]]], engine: str, family: str,
                                 level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[engine, family, level] if item.intent is not None]
    right = sum(item.intent == got for item, got in judged)
    print(f"{engine} {family} {level or 'clean'}: {right}/{len(judged)} right")
    assert right / len(judged) >= MIN_ACCURACY[engine, family, level] - 1e-9, f"{right}/{len(judged)} right"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("level", LEVELS)
def test_out_of_scope_speech_is_rejected(verdicts: dict[Key, list[tuple[Item, str | None]]], engine: str,
                                         family: str, level: float | None) -> None:
    judged = [(item, got) for item, got in verdicts[engine, family, level] if item.intent is None]
    accepted = sum(got is not None for _, got in judged)
    print(f"{engine} {family} {level or 'clean'}: {accepted}/{len(judged)} accepted")
    assert accepted / len(judged) <= MAX_FALSE_ACCEPTS[engine, family, level] + 1e-9, \
        f"{accepted}/{len(judged)} accepted"


@pytest.mark.parametrize(("mode", "min_right", "max_false"), [("in-state", 0.91, 0.04), ("all", 0.94, 0.06)])
def test_typed_paraphrases_of_the_whole_test_split(mode: str, min_right: float, max_false: float) -> None:
    """Typed words (`togetherly --text`) through the fuzzy matcher and the intent classifier (n-grams and
    sentence embeddings), on the whole test split: each sentence judged in the state where it would be said
    (out-of-scope ones in the idle loop, with its higher bar), and with every intent allowed. Measured:
    in-state 91.9% right and 2/50 out-of-scope accepted (93.5% and 1/50 before the new rituals' intents); every intent
    94.7% and 2/50."""
    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    states = listening_states(intents)
    test = items(load_corpus(), "test")

    def heard(item: Item) -> str | None:
        state = home_state(item.intent, states) if mode == "in-state" else "all"
        return matcher.match(item.text, states[state], idle=state == "idle").intent

    inside = [item for item in test if item.intent is not None]
    outside = [item for item in test if item.intent is None]
    accuracy = sum(heard(item) == item.intent for item in inside) / len(inside)
    false_accepts = sum(heard(item) is not None for item in outside) / len(outside)
    assert accuracy >= min_right, f"typed accuracy {accuracy:.1%}"
    assert false_accepts <= max_false, f"typed false accepts {false_accepts:.0%}"


def test_talk_not_meant_for_us_rarely_starts_a_ritual() -> None:
    """The seed article read as talk near the device, sentence by sentence, typed into the idle loop.
    Measured: 2 of 154 sentences start a ritual (18 without the idle loop's higher bar)."""
    intents = IntentSet.load_dir(language_dir())
    matcher = IntentMatcher(intents)
    idle = listening_states(intents)["idle"]
    triggers = default_flows().ritual_triggers()
    article = (Path(__file__).resolve().parents[3] / "shared" / "seed-article.md")
    text = article.read_text() if article.is_file() else ""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 3]
    assert len(sentences) > 150, f"the seed article is read from shared/ beside the checkout: {article}"
    started = [s for s in sentences if matcher.match(s, idle, idle=True).intent in triggers]
    assert len(started) <= 4, started
