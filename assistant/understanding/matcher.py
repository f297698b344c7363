"""Intent matching over normalized text: rapidfuzz against the phrases first (near-exact wording, with
its slot values), then the intent classifier (n-grams and sentence embeddings) for paraphrases no
phrase spells out; either can reject."""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from assistant.errors import ModelError
from assistant.understanding.classifier import IntentClassifier
from assistant.understanding.intents import IntentSet, Phrase, Slots
from assistant.understanding.numbers import read_numbers, spell_digits

MAX_PARAPHRASE_WORDS = 20
"""Longer than this is not a command however it reads (talk, a monologue, the radio): no paraphrase guess."""
MIN_PROBABILITY = 0.0
"""Inside a ritual only a few commands are allowed: the classifier's own verdict stands."""
MIN_PROBABILITY_IDLE = 0.6
"""A paraphrase that would start a ritual from idle, where talk not meant for us is most of what is heard,
must be this probable. Measured (docs/measurements.md, "Understanding"): the seed article read as talk, sentence by
sentence, started 41 rituals in 154 sentences with no bar, 10 at 0.6, 6 at 0.7, 2 at 0.8; typed test split
in-state: 95.0%, 91.0%, 88.8%, 84.7% right."""
DEFAULT_THRESHOLD = 85.0
"""Below this score (0-100) the phrases do not decide and the classifier judges. 85 rather than 78: at 78
the fuzzy stage alone already accepted 4-6% of out-of-scope sentences (dev split)."""


@dataclass(frozen=True)
class Match:
    """The matcher's verdict on one utterance."""

    text: str
    """The utterance as normalized for matching."""
    intent: str | None
    """The chosen intent, or None when rejected."""
    score: float
    """Score of the best phrase (0-100), kept for logs and `togetherly understand`."""
    phrase: str | None
    """The phrase that matched best (normalized)."""
    alternatives: tuple[tuple[str, float], ...]
    """Best score per intent, best first (at most three)."""
    slots: Slots = ()
    """List values carried by the matched phrase (`{seconds}` in a template), empty when rejected."""
    by: str = "phrase"
    """What decided: "phrase" (fuzzy match of a phrase), "prefix" (a beginning followed by free words,
    `IntentSet.after_prefix`) or "classifier" (a paraphrase)."""

    def slot(self, name: str) -> str | int | None:
        return dict(self.slots).get(name)


REWORDED_PROBABILITY = 0.5
"""How sure the classifier must be that a near phrase means another intent to overrule the phrase."""
EXACT_SCORE = 95.0
"""A phrase matched at least this well was said as it is."""
log = logging.getLogger(__name__)
_CLASSIFIERS: dict[tuple[object, ...], Future[IntentClassifier | None]] = {}
_TRAINING = threading.Lock()


def classifier_for(intents: IntentSet) -> Future[IntentClassifier | None]:
    """One classifier per distinct set of phrases in this process, made ready on a background thread (the
    shipped fit loads in about 0.3 s, fitting anew takes about 1.4 s) that start-up need not wait for. The
    first sentence that needs it waits for what is left; an exact phrase never does. None: no fit can be had
    (logged), so the phrases alone decide."""
    key = (tuple((p.intent, p.text) for p in intents.phrases()), intents.out_of_scope)
    with _TRAINING:
        if key not in _CLASSIFIERS:
            future: Future[IntentClassifier | None] = Future()
            # A daemon thread, not an executor's: "goodbye" must not wait for training to end.
            threading.Thread(target=_train_into, args=(future, intents), name="intent-classifier",
                             daemon=True).start()
            _CLASSIFIERS[key] = future
        return _CLASSIFIERS[key]


def _train_into(future: Future[IntentClassifier | None], intents: IntentSet) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(_train(intents))
    except BaseException as exc:  # delivered to whoever waits for the classifier
        future.set_exception(exc)


def _train(intents: IntentSet) -> IntentClassifier | None:
    """With the sentence embeddings where their model is installed (the phrases' vectors cached on disk),
    else on n-grams alone; None when neither a fit nor scikit-learn to make one is there."""
    from assistant.understanding.meaning import SentenceMeaning  # noqa: PLC0415 - loads on the trainer thread

    try:
        return IntentClassifier(intents, meaning=SentenceMeaning.installed())
    except ModelError as exc:
        log.warning("understanding the phrases only, not paraphrases: %s", exc)
        return None


class IntentMatcher:
    def __init__(self, intents: IntentSet, threshold: float = DEFAULT_THRESHOLD, *,
                 paraphrases: bool = True) -> None:
        """`paraphrases`: also understand sentences no phrase spells out (the intent classifier)."""
        self.intents = intents
        self.threshold = threshold
        self.paraphrases = paraphrases
        self._classifier = classifier_for(intents) if paraphrases else None
        self._choices = lru_cache(maxsize=64)(self._build_choices)

    @property
    def classifier(self) -> IntentClassifier | None:
        """The trained classifier (waiting for its training if need be), or None without paraphrases."""
        return self._classifier.result() if self._classifier is not None else None

    def _build_choices(self, allowed: frozenset[str] | None) -> tuple[list[str], list[Phrase]]:
        phrases = self.intents.phrases(sorted(allowed) if allowed is not None else None)
        return [p.text for p in phrases], phrases

    def match(self, utterance: str, allowed: Collection[str] | None = None, threshold: float | None = None, *,
              paraphrases: bool = True, idle: bool = False) -> Match:
        """Best intent among `allowed` (all when None), or intent None when nothing scores high enough.
        `paraphrases=False`: the phrases alone decide (never waits for the classifier's training).
        `idle`: the couple is not in a ritual, so a paraphrase needs more certainty (MIN_PROBABILITY_IDLE)."""
        text = spell_digits(self.intents.normalizer.normalize(utterance))
        cutoff = self.threshold if threshold is None else threshold
        if not text:
            return Match(text, None, 0.0, None, ())
        texts, phrases = self._choices(frozenset(allowed) if allowed is not None else None)
        # ratio, not WRatio: partial matching would let "start the dishwasher" pass as "start".
        hits = process.extract(text, texts, scorer=fuzz.ratio, limit=30)
        best_per_intent: dict[str, tuple[float, Phrase]] = {}
        for _, score, index in hits:
            phrase = phrases[index]
            if phrase.intent not in best_per_intent:
                best_per_intent[phrase.intent] = (score, phrase)
        ranked = sorted(best_per_intent.items(), key=lambda kv: -kv[1][0])
        alternatives = tuple((name, round(score, 1)) for name, (score, _) in ranked[:3])
        prefixed = self.intents.after_prefix(utterance, allowed)
        if prefixed is not None and (not ranked or ranked[0][1][0] < EXACT_SCORE):
            # "remember that we need milk" in one breath: the words after the beginning are its content
            # (a phrase said as it is, "remember this", stays that phrase).
            return Match(text, prefixed[0], 100.0, None, alternatives, by="prefix")
        if not ranked:
            return Match(text, None, 0.0, None, ())
        name, (score, best) = ranked[0]
        if score >= EXACT_SCORE or (score >= cutoff and not self._reworded(text, name, allowed, paraphrases)):
            return Match(text, name, score, best.text, alternatives, _numbers_as_heard(text, best.slots))
        if not paraphrases or self.classifier is None or len(text.split()) > MAX_PARAPHRASE_WORDS:
            return Match(text, None, score, best.text, alternatives)
        intent = self.classifier.classify(text, allowed, MIN_PROBABILITY_IDLE if idle else MIN_PROBABILITY)
        if intent is None:
            return Match(text, None, score, best.text, alternatives, by="classifier")
        # The intent's closest phrase carries its slot values ("five more minutes" -> minutes=5).
        closest = self._closest_phrase(text, intent)
        fuzzy = best_per_intent.get(intent, (0.0, closest))[0]
        return Match(text, intent, fuzzy, closest.text, alternatives,
                     _numbers_as_heard(text, closest.slots), by="classifier")

    def match_heard(self, heard: str, others: Sequence[str] = (), allowed: Collection[str] | None = None, *,
                    idle: bool = False) -> Match:
        """What a recognizer heard: its likeliest reading `heard` decides, unless it means nothing and one of
        its other readings (`others`, likelier first) is close to a phrase: "start the gift timer" over
        "start the kiss timer". Only a near phrase, never a paraphrase guessed from a lesser reading.
        Measured on the dev split with Whisper's beam of 4: commands right clean 95.0 -> 95.3% (Piper) and
        93.5 -> 94.1% (flite), at 15 dB 90.7 -> 91.6% and 70.1 -> 73.5%, false accepts unchanged."""
        best = self.match(heard, allowed, idle=idle)
        if best.intent is None:
            for other in others:
                near = self.match(other, allowed, paraphrases=False)
                if near.intent is not None and near.by == "phrase":
                    return near
        return best

    def _reworded(self, text: str, intent: str, allowed: Collection[str] | None, paraphrases: bool) -> bool:
        """A near phrase (not an exact one) whose meaning the classifier reads as another intent: "remind us of
        our goals" is one word from "remind us of our rules", but means the goals."""
        if not paraphrases or self._classifier is None or not self._classifier.done():
            return False  # never waits for the classifier's training: the phrase stands meanwhile
        classifier = self._classifier.result()
        other = classifier.classify(text, allowed, REWORDED_PROBABILITY) if classifier is not None else None
        return other is not None and other != intent

    def _closest_phrase(self, text: str, intent: str) -> Phrase:
        texts, phrases = self._choices(frozenset([intent]))
        hit = process.extractOne(text, texts, scorer=fuzz.ratio)
        return phrases[hit[2]] if hit is not None else phrases[0]


def _numbers_as_heard(text: str, slots: Slots) -> Slots:
    """The number that was said, not the nearest phrase's: "hug for a hundred seconds" matches the
    phrase "hug for one seconds" closely, but means 100. Only for one number slot and one number heard."""
    numeric = [name for name, value in slots if isinstance(value, int)]
    heard = read_numbers(text)
    if len(numeric) != 1 or len(heard) != 1:
        return slots
    return tuple((name, heard[0] if name == numeric[0] else value) for name, value in slots)


@dataclass(frozen=True)
class Collision:
    a: Phrase
    b: Phrase
    score: float


def find_collisions(intents: IntentSet, near: float = 92.0) -> list[Collision]:
    """Phrases of different intents that are identical or so close the matcher could confuse them."""
    phrases = intents.phrases()
    texts = [p.text for p in phrases]
    out: list[Collision] = []
    for i, phrase in enumerate(phrases):
        for _, score, j in process.extract(phrase.text, texts, scorer=fuzz.ratio, score_cutoff=near, limit=None):
            other = phrases[j]
            if j > i and other.intent != phrase.intent:
                out.append(Collision(phrase, other, score))
    return sorted(out, key=lambda c: -c.score)
