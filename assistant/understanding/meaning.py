"""The meaning stage of the intent classifier: sentence embeddings of the phrases (cached on disk, so
start-up never embeds three thousand sentences again) and of each utterance.

The cache holds only the shipped phrases' and out-of-scope sentences' vectors (and the classifier's weights
fitted on them), keyed by a hash of the model and of the sentences: nothing the couple said is written there.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError
from assistant.paths import cache_dir
from assistant.private_files import write_private
from assistant.understanding.embeddings import INT8_FILE, SentenceEmbedder

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


class SentenceMeaning:
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

    @property
    def model_identity(self) -> str:
        """Which embeddings these are, the same on every install: the way the model runs and its pinned SHA-256
        (a file with another one is never loaded)."""
        return f"{self._embedder.backend}:{INT8_FILE[2]}"

    def embed(self, text: str) -> Vectors:
        vector: Vectors = self._embed_one(text)
        return vector

    def _embed_uncached(self, text: str) -> Vectors:
        vector: Vectors = self._embedder.embed([text])[0]
        return vector

    def vectors(self, texts: list[str]) -> Vectors:
        """Embeddings of `texts`, from the disk cache when these very sentences were embedded before."""
        path = self.cache_file(texts)
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

    def cache_file(self, texts: list[str], kind: str = "phrase-vectors", suffix: str = ".npy") -> Path | None:
        """Where what is derived from `texts` with this model is cached; None when the model file is unreadable.
        Keyed by the model's pinned SHA-256 (the file was checked against it), not its path or time: a reinstall
        of the same model embeds nothing again."""
        if not self._embedder.model_file.is_file():
            return None
        digest = hashlib.sha256(("\n".join([self.model_identity, *texts])).encode("utf-8")).hexdigest()[:24]
        return (self._cache or cache_dir()) / f"{kind}-{digest}{suffix}"

    def _save(self, path: Path, vectors: Vectors) -> None:
        buffer = io.BytesIO()
        np.save(buffer, vectors, allow_pickle=False)
        self.write_cache(path, buffer.getvalue())

    @staticmethod
    def write_cache(path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_private(path, data)
        except OSError as exc:  # a read-only cache only costs embedding or training again next start
            log.info("could not cache %s: %s", path.name, exc)
