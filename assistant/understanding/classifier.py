"""What a sentence means when it is not one of the phrases: a linear classifier over word and character
n-grams and, where the model is installed, sentence embeddings (assistant/understanding/embeddings.py),
fitted on the intents' phrases, with the out-of-scope sentences (`intents/<lang>/out_of_scope.yaml`) as a
class of their own so it can say "none of them". The fit of the shipped phrases ships in the package
(assistant/understanding/fitted.py); other phrases are fitted at start-up where scikit-learn is installed.

The fuzzy matcher answers first (an exact or near-exact phrase, with its slot values); this answers the
paraphrases people actually say ("um, things are getting way too tense") that no template spells out.
With embeddings, a veto follows: when the sentence lies nearer an out-of-scope sentence than any phrase
of the intent chosen, it is not for us. Measured on the understanding splits: docs/measurements.md, "Understanding".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError
from assistant.understanding.fitted import REFIT, Fitted, fit_key, fitted_bytes, load_fitted, load_shipped
from assistant.understanding.intents import IntentSet
from assistant.understanding.ngrams import char_ngrams, word_ngrams

if TYPE_CHECKING:
    from assistant.understanding.meaning import SentenceMeaning

NOT_FOR_US = ""
"""The class of the out-of-scope sentences."""
MARGIN = 0.2
"""The decision value a paraphrase needs to be accepted. Tuned on the dev split: decoded from clean speech,
0 gave 60% right with 30% false accepts, 0.2 56% with 26%, 0.6 51% with 18%; typed, 0.2 kept 89% right
with 8% false accepts where 0.5 fell to 83%. A mistaken ritual costs more than a reprompt."""


class _Features:
    """One fitted TfidfVectorizer, applied without scikit-learn's per-call validation, which costs
    about 2 ms a sentence against 0.05 ms here (the matcher must stay well under 1 ms), and without
    scikit-learn at all once fitted (assistant/understanding/ngrams.py). Only the weighting is repeated:
    sublinear tf x idf, l2."""

    def __init__(self, analyze: Callable[[str], list[str]], offset: int, vocabulary: dict[str, int],
                 idf: npt.NDArray[np.float64]) -> None:
        """`analyze`: the n-grams of a text; the fitted vocabulary and idf (from training or the cache)."""
        self._analyze = analyze
        self.vocabulary = vocabulary
        self._index: dict[str, int] = {term: offset + i for term, i in self.vocabulary.items()}
        self.idf = np.asarray(idf, dtype=np.float64)
        self._offset = offset
        self.size = len(self._index)

    def weights(self, text: str) -> tuple[list[int], list[float]]:
        counts: dict[int, int] = {}
        for term in self._analyze(text):
            index = self._index.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return [], []
        indices = list(counts)
        values = [(1.0 + math.log(counts[i])) * float(self.idf[i - self._offset]) for i in indices]
        norm = math.sqrt(sum(v * v for v in values))
        return indices, [v / norm for v in values]


@dataclass(frozen=True)
class WithMeaning:
    """The classifier's settings with sentence embeddings. Tuned on the understanding dev split, typed, every
    intent allowed (docs/measurements.md, "Understanding"): logistic regression reached 96.9% right where a
    linear SVM reached 94.7%."""

    weight: float = 2.0
    """How much the embedding counts beside the n-grams (its features are scaled by this)."""
    c: float = 10.0
    """The logistic regression's inverse regularization."""
    iterations: int = 2000
    margin: float = 0.0
    """The decision value a paraphrase needs (n-grams alone need more: MARGIN)."""
    veto_margin: float = 0.0
    """How much nearer an out-of-scope sentence must be than the intent's nearest phrase to veto it."""

    def stamp(self) -> str:
        return f"weight={self.weight} c={self.c} iterations={self.iterations}"


class IntentClassifier:
    def __init__(self, intents: IntentSet, margin: float | None = None, *,
                 meaning: SentenceMeaning | None = None, tuned: WithMeaning = WithMeaning(),
                 reuse: bool = True) -> None:
        """Fitted on every phrase of `intents` and its out-of-scope sentences: the shipped fit when it is of
        these very sentences and settings, else one cached before, else trained (a fraction of a second, given
        the sentences' embeddings; scikit-learn is needed then). `meaning`: the embedding stage, or None for
        n-grams alone (always trained); `margin`: default MARGIN alone, `tuned.margin` with embeddings;
        `reuse=False`: trained even when a fit exists (scripts/fit_classifier.py).
        ModelError when training is needed and scikit-learn is not installed."""
        self.tuned = tuned
        self.margin = margin if margin is not None else MARGIN if meaning is None else tuned.margin
        self.meaning = meaning
        self.fitted_on: str | None = None
        """With embeddings, the key of what the fit is of (the shipped fit's `fitted_on` when it is that)."""
        texts = [p.text for p in intents.phrases()] + list(intents.out_of_scope)
        labels = [p.intent for p in intents.phrases()] + [NOT_FOR_US] * len(intents.out_of_scope)
        if meaning is not None:
            self._vectors = meaning.vectors(texts)
            self._labels = np.asarray(labels)
            self.fitted_on = fit_key([meaning.model_identity, tuned.stamp(), *texts, *labels])
            kept = meaning.cache_file([*texts, *labels, tuned.stamp()], "classifier", ".npz")
            fitted = None if not reuse else \
                load_shipped(self.fitted_on) or (load_fitted(kept) if kept is not None else None)
            if fitted is not None:  # fitted before on these very sentences: no training, no scikit-learn
                self._use(fitted)
                return
        try:
            from scipy.sparse import csr_matrix, hstack  # noqa: PLC0415 - heavy; only when training
            from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
            from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
            from sklearn.svm import LinearSVC  # noqa: PLC0415
        except ImportError as exc:
            which = "these phrases" if meaning is not None else "phrases without the sentence-embedding model"
            raise ModelError(f"no fitted intent classifier for {which}, and scikit-learn (needed to fit "
                             f"one) is not installed; refit: {REFIT}") from exc

        words = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True)
        chars = TfidfVectorizer(analyzer=char_ngrams, sublinear_tf=True)
        parts = [words.fit_transform(texts), chars.fit_transform(texts)]
        if meaning is not None:
            parts.append(csr_matrix(self._vectors * tuned.weight))
        matrix = hstack(parts).tocsr()
        # Balanced: an intent with six templates must not lose to one with two hundred expansions.
        # With embeddings, logistic regression (dev split: 96.9% right against the SVM's 94.7%).
        model = LinearSVC(C=1.0, class_weight="balanced") if meaning is None else \
            LogisticRegression(C=tuned.c, class_weight="balanced", max_iter=tuned.iterations)
        model.fit(matrix, labels)
        self._words = _Features(word_ngrams, 0, dict(words.vocabulary_), words.idf_)
        self._chars = _Features(char_ngrams, self._words.size, dict(chars.vocabulary_), chars.idf_)
        self._classes: list[str] = [str(c) for c in model.classes_]
        coef = np.asarray(model.coef_, dtype=np.float64).T  # features x classes
        sparse_size = self._words.size + self._chars.size
        self._coef = np.ascontiguousarray(coef[:sparse_size])
        self._dense_coef = np.ascontiguousarray(coef[sparse_size:])
        self._intercept = np.asarray(model.intercept_, dtype=np.float64)
        if meaning is not None and kept is not None:
            meaning.write_cache(kept, fitted_bytes(self.fitted()))

    def _use(self, fitted: Fitted) -> None:
        self._words = _Features(word_ngrams, 0, fitted.words, fitted.words_idf)
        self._chars = _Features(char_ngrams, self._words.size, fitted.chars, fitted.chars_idf)
        self._classes = fitted.classes
        self._coef, self._dense_coef, self._intercept = fitted.coef, fitted.dense_coef, fitted.intercept

    def fitted(self) -> Fitted:
        """The weights this classifier decides with (to keep on disk)."""
        return Fitted(self._words.vocabulary, self._words.idf, self._chars.vocabulary, self._chars.idf,
                      self._classes, self._coef, self._dense_coef, self._intercept)

    def scores(self, text: str, vector: npt.NDArray[np.float32] | None = None) -> dict[str, float]:
        """Decision value per class (the out-of-scope class under NOT_FOR_US); `vector`: the text's
        embedding, when the classifier has the embedding stage."""
        w_idx, w_val = self._words.weights(text)
        c_idx, c_val = self._chars.weights(text)
        indices = w_idx + c_idx
        values = np.asarray(w_val + c_val, dtype=np.float64)
        total = self._intercept + (values @ self._coef[indices] if indices else 0.0)
        if self.meaning is not None:
            vector = self.meaning.embed(text) if vector is None else vector
            total = total + (vector.astype(np.float64) * self.tuned.weight) @ self._dense_coef
        return dict(zip(self._classes, (float(v) for v in total), strict=True))

    def vetoed(self, vector: npt.NDArray[np.float32], intent: str) -> bool:
        """The sentence lies nearer an out-of-scope sentence than any phrase of `intent` (embeddings)."""
        if self.meaning is None:
            return False
        similarity = self._vectors @ vector
        ours = similarity[self._labels == intent]
        others = similarity[self._labels == NOT_FOR_US]
        return bool(others.size and ours.size and others.max() > ours.max() + self.tuned.veto_margin)

    def classify(self, text: str, allowed: Collection[str] | None = None, min_probability: float = 0.0) -> str | None:
        """The best of `allowed` (all when None); None when "not for us" scores higher, the best is below
        the margin (decision values: higher is surer), or, with embeddings, its probability among the
        allowed intents and "not for us" is below `min_probability`."""
        if not text.strip():
            return None
        vector = self.meaning.embed(text) if self.meaning is not None else None
        scores = self.scores(text, vector)
        candidates = [(value, name) for name, value in scores.items()
                      if name != NOT_FOR_US and (allowed is None or name in allowed)]
        if not candidates:
            return None
        value, name = max(candidates)
        if value < self.margin or scores.get(NOT_FOR_US, -math.inf) >= value:
            return None
        if self.meaning is not None and min_probability > 0:
            logits = np.array([v for v, _ in candidates] + [scores.get(NOT_FOR_US, -math.inf)])
            odds = np.exp(logits - logits.max())
            if float(odds.max() / odds.sum()) < min_probability:
                return None
        if vector is not None and self.vetoed(vector, name):
            return None
        return name
