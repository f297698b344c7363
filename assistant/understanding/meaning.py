"""The meaning stage of the intent classifier: sentence embeddings of the phrases (cached on disk, so
start-up never embeds three thousand sentences again) and of each utterance, with the settings tuned
for combining them with the n-grams (README, "Understanding").

The cache holds only the shipped phrases' and out-of-scope sentences' vectors, keyed by a hash of the
model and of the sentences: nothing the couple said is ever written there.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import zipfile
from importlib.metadata import version
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError
from assistant.paths import cache_dir
from assistant.private_files import write_private
from assistant.understanding.classifier import Fitted
from assistant.understanding.embeddings import SentenceEmbedder

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


class SentenceMeaning:
    # Tuned on the understanding dev split, typed, every intent allowed, before its misses joined the
    # phrases (README, "Understanding"): weights 0.5-4, margins -0.1-0.2, vetoes -0.05-0; a linear SVM
    # (C 0.5-2) reached 94.7% right, logistic regression 96.9% (C 10; 30 and 100 no better).
    weight: float = 2.0
    """How much the embedding counts beside the n-grams (its features are scaled by this)."""
    c: float = 10.0
    """The logistic regression's inverse regularization."""
    iterations: int = 2000
    margin: float = 0.0
    """The decision value a paraphrase needs (n-grams alone need more: intent_classifier.MARGIN)."""
    veto_margin: float = 0.0
    """How much nearer an out-of-scope sentence must be than the intent's nearest phrase to veto it."""

    def __init__(self, embedder: SentenceEmbedder | None = None, cache: Path | None = None) -> None:
        self._embedder = embedder or SentenceEmbedder()
        self._cache = cache
        self._embed_one = functools.lru_cache(maxsize=256)(self._embed_uncached)

    @classmethod
    def installed(cls) -> SentenceMeaning | None:
        """The stage, or None (logged once) when the model is not installed or cannot load."""
        try:
            return cls()
        except ModelError as exc:
            log.warning("understanding paraphrases by wording only: %s", exc)
            return None

    def embed(self, text: str) -> Vectors:
        vector: Vectors = self._embed_one(text)
        return vector

    def _embed_uncached(self, text: str) -> Vectors:
        vector: Vectors = self._embedder.embed([text])[0]
        return vector

    def vectors(self, texts: list[str]) -> Vectors:
        """Embeddings of `texts`, from the disk cache when these very sentences were embedded before."""
        path = self._cache_path(texts)
        if path is not None and path.is_file():
            try:
                cached = np.load(path, allow_pickle=False)
                if cached.shape == (len(texts), self._embedder.dimensions):
                    vectors: Vectors = cached.astype(np.float32)
                    return vectors
            except (OSError, ValueError) as exc:  # a damaged cache file is rebuilt
                log.info("ignoring a damaged embedding cache %s: %s", path, exc)
        vectors = self._embedder.embed(texts)
        if path is not None:
            self._save(path, vectors)
        return vectors

    def fitted(self, texts: list[str], labels: list[str]) -> Fitted | None:
        """The classifier's weights fitted before on these sentences and settings, from the disk cache."""
        path = self._cache_path([*texts, *labels, self._settings()], "classifier", ".npz")
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
                names = json.loads(bytes(data["names"]).decode("utf-8"))
                return Fitted(names["words"], data["words_idf"], names["chars"], data["chars_idf"], names["classes"],
                              data["coef"], data["dense_coef"], data["intercept"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # damaged: trained again, rewritten
            log.info("ignoring a damaged classifier cache %s: %s", path, exc)
            return None

    def keep_fitted(self, texts: list[str], labels: list[str], fitted: Fitted) -> None:
        path = self._cache_path([*texts, *labels, self._settings()], "classifier", ".npz")
        if path is None:
            return
        names = json.dumps({"words": fitted.words, "chars": fitted.chars, "classes": fitted.classes})
        buffer = io.BytesIO()
        np.savez(buffer, names=np.frombuffer(names.encode("utf-8"), dtype=np.uint8), words_idf=fitted.words_idf,
                 chars_idf=fitted.chars_idf, coef=fitted.coef, dense_coef=fitted.dense_coef,
                 intercept=fitted.intercept)
        self._write(path, buffer.getvalue())

    def _settings(self) -> str:
        # scikit-learn's version is part of what was fitted; read without importing it (90 MB with SciPy).
        return f"weight={self.weight} c={self.c} iterations={self.iterations} sklearn={version('scikit-learn')}"

    def _cache_path(self, texts: list[str], kind: str = "phrase-vectors", suffix: str = ".npy") -> Path | None:
        try:
            weights = self._embedder.model_file
            stamp = f"{self._embedder.backend}:{weights.stat().st_size}:{weights.stat().st_mtime_ns}"
        except OSError:
            return None
        digest = hashlib.sha256(("\n".join([stamp, *texts])).encode("utf-8")).hexdigest()[:24]
        return (self._cache or cache_dir()) / f"{kind}-{digest}{suffix}"

    def _save(self, path: Path, vectors: Vectors) -> None:
        buffer = io.BytesIO()
        np.save(buffer, vectors, allow_pickle=False)
        self._write(path, buffer.getvalue())

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(path, data)
        except OSError as exc:  # a read-only cache only costs embedding or training again next start
            log.info("could not cache %s: %s", path.name, exc)
