"""A cache folder of a test's own that already holds the shipped phrases' sentence vectors (10,000 sentences,
about 25 s to embed here), copied from the suite's cache, which embeds them once a run. The vectors are keyed by
the model's pinned SHA-256 and the sentences, so any install of the same model reads them."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.paths import language_dir
from assistant.understanding.intents import IntentSet
from assistant.understanding.meaning import SentenceMeaning


def cache_with_phrase_vectors(folder: Path) -> Path:
    intents = IntentSet.load_dir(language_dir())
    texts = [p.text for p in intents.phrases()] + list(intents.out_of_scope)
    meaning = SentenceMeaning()
    meaning.vectors(texts)  # embedded into the suite's cache, unless it holds them already
    vectors = meaning.cache_file(texts)
    assert vectors is not None and vectors.is_file()
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(vectors, folder / vectors.name)
    return folder
