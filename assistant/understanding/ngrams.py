"""The n-grams the intent classifier weighs: word unigrams and bigrams, and character 2- to 5-grams inside
each word padded with a space, exactly as scikit-learn's TfidfVectorizer analyzers make them with the
settings the classifier trains with (tests/understanding/test_intent_classifier.py compares the two on every phrase).

Training uses scikit-learn; classifying with weights fitted before (the cache) needs only these, and not
importing scikit-learn and SciPy keeps about 90 MB out of the running assistant."""

from __future__ import annotations

import re

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
"""TfidfVectorizer's default token: two or more word characters."""


def word_ngrams(text: str) -> list[str]:
    """Lower-cased tokens, then each pair of neighbours joined by a space."""
    tokens = _TOKEN.findall(text.lower())
    low, high = WORD_NGRAMS
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), high + 1):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_ngrams(text: str) -> list[str]:
    """Per word, with a space on either side: every run of 2 to 5 characters; a word shorter than a length
    counts once, whole, and no longer runs are taken from it."""
    low, high = CHAR_NGRAMS
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        for n in range(low, high + 1):
            if len(padded) <= n:
                grams.append(padded)
                break
            grams += [padded[i:i + n] for i in range(len(padded) - n + 1)]
    return grams
