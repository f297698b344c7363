"""Intent matching over the shipped phrase data."""

from __future__ import annotations

import pytest

from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.matcher import IntentMatcher, find_collisions

INTENTS = IntentSet.load_dir(language_dir())
MATCHER = IntentMatcher(INTENTS)

OUT_OF_SCOPE = [
    "what's the weather", "play some jazz", "order a pizza", "turn on the lights", "set an alarm for seven",
    "start the dishwasher", "stop the car", "what's the next train", "call my mother",
    "how tall is mount everest", "add milk to the shopping list", "i need a break from work emails",
]


@pytest.mark.slow
def test_every_phrase_matches_its_own_intent() -> None:
    wrong = [(p.spoken, p.intent, MATCHER.match(p.spoken).intent) for p in INTENTS.phrases()
             if MATCHER.match(p.spoken).intent != p.intent]
    assert wrong == []


@pytest.mark.parametrize("sentence", OUT_OF_SCOPE)
def test_out_of_scope_sentences_are_rejected(sentence: str) -> None:
    match = MATCHER.match(sentence)
    assert match.intent is None, (sentence, match)
    assert match.score < MATCHER.threshold


@pytest.mark.parametrize(("heard", "intent"), [
    ("start are check in", "start_checkin"),      # a recognizer's typical slip
    ("star our check in", "start_checkin"),
    ("lets check in", "start_checkin"),
    ("Let's check in!", "start_checkin"),
    ("um can we do our check-in", "start_checkin"),
    ("repeat that please", "repeat"),
    ("yes please", "yes"),
    ("yeah sure", "yes"),
    ("no thank you", "no"),
    ("next one", "next"),
    ("what can you do", "what_can_you_do"),
    ("could you repeat that", "repeat"),
])
def test_paraphrases_and_small_recognition_errors_still_match(heard: str, intent: str) -> None:
    assert MATCHER.match(heard).intent == intent


def test_a_word_written_as_it_sounds_is_the_commands_word() -> None:
    # Whisper wrote these for "read back yesterday's check in" and "read our notes to us" (dev split).
    assert INTENTS.normalizer.normalize("Red back yesterday's check in.") == "read back yesterday's check in"
    assert MATCHER.match("Red back yesterday's check in.").intent == "read_last_checkin"
    assert MATCHER.match("the red one is nicer").intent is None


def test_matching_is_restricted_to_the_allowed_intents() -> None:
    assert MATCHER.match("yes please", allowed=["stop", "repeat"]).intent is None
    assert MATCHER.match("yes please", allowed=["yes", "no"]).intent == "yes"


def test_match_keeps_score_and_ranked_alternatives() -> None:
    match = MATCHER.match("start our check in")
    assert match.intent == "start_checkin" and match.score == 100.0
    assert match.alternatives[0] == ("start_checkin", 100.0)
    assert len(match.alternatives) <= 3
    assert all(a[1] >= b[1] for a, b in zip(match.alternatives, match.alternatives[1:], strict=False))


def test_empty_and_punctuation_only_input_is_rejected() -> None:
    for text in ["", "   ", "?!", "\x00\x07"]:
        assert MATCHER.match(text).intent is None


def test_shipped_intents_have_no_collisions() -> None:
    assert [(c.a.spoken, c.a.intent, c.b.spoken, c.b.intent) for c in find_collisions(INTENTS)] == []


def test_a_lesser_reading_counts_only_when_the_first_means_nothing_and_it_is_a_phrase() -> None:
    # Whisper's beam: "And this ritual plays." first, "end this ritual please" below it (heard so at 15 dB).
    assert MATCHER.match("And this ritual plays.").intent is None
    assert MATCHER.match_heard("And this ritual plays.", ["end this ritual please"]).intent == "stop"
    # The first reading, when understood, decides.
    assert MATCHER.match_heard("start our check-in", ["start our hug"]).intent == "start_checkin"
    # A lesser reading understood only as a paraphrase is not taken: that would be a guess on a guess.
    paraphrase = "could you time a long cuddle for us"
    assert MATCHER.match(paraphrase).intent == "hug_timer"
    assert MATCHER.match(paraphrase, paraphrases=False).intent is None
    assert MATCHER.match_heard("hmm the bloop", [paraphrase]).intent is None
    # And only among the intents allowed at that moment.
    assert MATCHER.match_heard("And this ritual plays.", ["end this ritual please"], ["next", "skip"]).intent is None
