"""The intent classifier behind the fuzzy matcher: paraphrases no phrase spells out are understood,
speech not meant for us is rejected, and spoken paraphrases reach it through pocketsphinx's commands
language model (real espeak-ng audio, real decoder). Sentences here are written for these tests, apart
from both intents/ and the evaluation set."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli.understand import Understander
from assistant.errors import DataFileError
from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.paths import language_dir
from assistant.understanding.intents import OUT_OF_SCOPE_FILE, IntentSet
from assistant.understanding.matcher import IntentMatcher
from tests.support.speech_fixtures import synthesize_flite

INTENTS = IntentSet.load_dir(language_dir())
MATCHER = IntentMatcher(INTENTS)


@pytest.mark.parametrize(("said", "intent"), [
    ("we are getting way too angry with each other", "need_break"),
    ("okay we have calmed down now we can talk", "break_ready"),
    ("tell us how our rituals are going lately", "progress"),
    ("let's do the high and low thing", "start_checkin"),
])
def test_a_paraphrase_no_phrase_spells_out_is_understood(said: str, intent: str) -> None:
    fuzzy_only = IntentMatcher(INTENTS, paraphrases=False).match(said)
    match = MATCHER.match(said)
    assert fuzzy_only.intent is None  # the phrases alone do not cover it ...
    assert (match.intent, match.by) == (intent, "classifier")  # ... the classifier does


@pytest.mark.parametrize("said", ["book a taxi to the station", "the cat wants her dinner",
                                  "turn the radio down a bit", "what's the score in the football"])
def test_speech_not_meant_for_us_is_rejected(said: str) -> None:
    assert MATCHER.match(said).intent is None


def test_only_allowed_intents_are_chosen() -> None:
    said = "we are getting way too angry with each other"
    assert MATCHER.match(said, ["yes", "no", "repeat"]).intent is None
    assert MATCHER.match(said, ["need_break", "yes"]).intent == "need_break"


def test_a_paraphrase_keeps_the_number_that_was_said() -> None:
    match = MATCHER.match("could we maybe get ten more minutes", ["extend_break", "time_left", "break_ready"])
    assert (match.intent, match.by, match.slot("minutes")) == ("extend_break", "classifier", 10)


def test_an_exact_phrase_is_still_decided_by_the_phrase() -> None:
    match = MATCHER.match("we need a break")
    assert (match.intent, match.by, match.score) == ("need_break", "phrase", 100.0)


def test_the_commands_language_model_hears_fillers_and_what_is_not_for_us() -> None:
    heard = INTENTS.sentences_heard()
    assert "we need a break" in heard
    assert any(s.endswith(" we need a break") and s != "we need a break" for s in heard)  # with a filler
    assert set(INTENTS.out_of_scope) <= set(heard)


def test_a_broken_out_of_scope_file_names_itself(tmp_path: Path) -> None:
    for source in language_dir().glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / OUT_OF_SCOPE_FILE).write_text("sentences: []\n")
    with pytest.raises(DataFileError, match=OUT_OF_SCOPE_FILE):
        IntentSet.load_dir(tmp_path)


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("paraphrases")
    said = {"progress": "tell us how we are doing with our rituals lately",
            "break_ready": "okay we have calmed down now we can talk",
            "not for us": "book a taxi to the station"}
    # flite's voice, recorded from a person: the commands language model hears espeak-ng's formant voice
    # poorly (docs/measurements.md, "Understanding").
    return {key: synthesize_flite(text, out / f"{key.replace(' ', '_')}.wav") for key, text in said.items()}


@pytest.mark.slow
def test_spoken_paraphrases_are_understood_through_the_commands_language_model(spoken: dict[str, Path]) -> None:
    understander = Understander(MATCHER, PocketsphinxRecognizer(sentences=INTENTS.sentences_heard()))
    grammar_only = Understander(MATCHER, PocketsphinxRecognizer())
    everything = INTENTS.names()
    progress = understander.wav(spoken["progress"], everything)
    assert (progress.intent, progress.by) == ("progress", "classifier")
    assert "rituals" in progress.transcript  # a word no progress phrase has next to "tell us how"
    assert grammar_only.wav(spoken["progress"], everything).intent != "progress"
    assert understander.wav(spoken["break_ready"], everything).intent == "break_ready"
    assert understander.wav(spoken["not for us"], everything).intent is None


def test_the_classifiers_ngrams_are_scikit_learns() -> None:
    # Classifying needs no scikit-learn (assistant/understanding/ngrams.py), so its n-grams must be the very
    # ones TfidfVectorizer's analyzers make with the same settings, on every phrase and some odd input.
    from sklearn.feature_extraction.text import TfidfVectorizer

    from assistant.understanding.ngrams import CHAR_NGRAMS, WORD_NGRAMS, char_ngrams, word_ngrams

    words = TfidfVectorizer(ngram_range=WORD_NGRAMS).build_analyzer()
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS).build_analyzer()
    texts = [p.text for p in INTENTS.phrases()] + list(INTENTS.out_of_scope) + [
        "", " ", "I", "a b", "ab", "abcd", "x  y\tz", "Ünïcode café naïve", "it's we're 20 seconds", "UPPER Case"]
    for text in texts:
        assert word_ngrams(text) == words(text), text
        assert char_ngrams(text) == chars(text), text
