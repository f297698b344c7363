"""The intent classifier's fit ships in the package (scripts/fit_classifier.py), so the product understands
paraphrases with numpy alone: the fit is of the phrases in intents/, decides as a fresh fit does, is what a
process without scikit-learn uses, and a damaged one is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.paths import language_dir
from assistant.understanding import fitted
from assistant.understanding.classifier import IntentClassifier
from assistant.understanding.intents import IntentSet
from assistant.understanding.meaning import SentenceMeaning
from tests.support.caches import cache_with_phrase_vectors
from tests.support.eval.corpus import items, load_corpus

INTENTS = IntentSet.load_dir(language_dir())
CHECKOUT = Path(__file__).resolve().parents[2]
WITHOUT_SKLEARN = "import sys; sys.modules['sklearn'] = sys.modules['scipy'] = None\n"
"""Run first in a child process: `import sklearn` or `import scipy` then fails as if neither were installed."""


@pytest.fixture(scope="module")
def meaning() -> SentenceMeaning:
    """With the suite's cache: the phrases' vectors (10,000 sentences, ~25 s) are embedded once a run."""
    return SentenceMeaning()


@pytest.fixture(scope="module")
def fresh(meaning: SentenceMeaning) -> IntentClassifier:
    return IntentClassifier(INTENTS, meaning=meaning, reuse=False)


def test_the_shipped_fit_is_of_the_phrases_in_intents(fresh: IntentClassifier) -> None:
    assert fresh.fitted_on is not None
    assert fitted.load_shipped(fresh.fitted_on) is not None, \
        f"intents/ changed since the shipped fit: refit with {fitted.REFIT}"


def test_the_shipped_fit_decides_as_a_fresh_fit_does(meaning: SentenceMeaning, fresh: IntentClassifier) -> None:
    shipped = IntentClassifier(INTENTS, meaning=meaning)
    sentences = [item.text for item in items(load_corpus(), "dev")]
    assert len(sentences) > 300
    for text in sentences:
        vector = meaning.embed(text)
        ours, theirs = shipped.scores(text, vector), fresh.scores(text, vector)
        assert max(abs(ours[k] - theirs[k]) for k in theirs) < 1e-3, text
        assert shipped.classify(text, min_probability=0.5) == fresh.classify(text, min_probability=0.5), text


def _child(code: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TOGETHERLY_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", WITHOUT_SKLEARN + code], cwd=CHECKOUT, capture_output=True,
                          text=True, timeout=300, env=env)


def test_without_scikit_learn_paraphrases_are_understood_by_the_shipped_fit(meaning: SentenceMeaning,
                                                                            tmp_path: Path) -> None:
    code = ("from assistant import app; m = app.language_matcher(); c = m.classifier\n"
            "print(c is not None and c.meaning is not None, m.match('I think we both need to step back').intent)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('sklearn', 'scipy') and sys.modules[n]))")
    result = _child(code, cache_with_phrase_vectors(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["True need_break", "[]"], result.stdout + result.stderr
    assert not list((tmp_path / "cache").glob("classifier-*")), "the shipped fit is not copied into the cache"


def test_without_scikit_learn_other_phrases_fall_back_to_the_phrases_with_a_clear_warning(
        meaning: SentenceMeaning, tmp_path: Path) -> None:
    edited = tmp_path / "intents"
    shutil.copytree(language_dir(), edited)
    for path in edited.glob("*.yaml"):  # a smaller set of phrases: fewer sentences to embed
        if path.name not in ("normalize.yaml", "out_of_scope.yaml", "checkin.yaml", "core.yaml"):
            path.unlink()
    with (edited / "out_of_scope.yaml").open("a", encoding="utf-8") as f:
        f.write('  - "the bus was late again this morning"\n')
    code = ("import logging; logging.basicConfig(level=logging.WARNING)\n"
            "from pathlib import Path; from assistant.understanding.intents import IntentSet\n"
            "from assistant.understanding.matcher import IntentMatcher\n"
            f"m = IntentMatcher(IntentSet.load_dir(Path({str(edited)!r})))\n"
            "print(m.classifier, m.match('start our check-in').intent)")
    result = _child(code, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None start_checkin", result.stdout + result.stderr
    assert "understanding the phrases only" in result.stderr and "scripts.fit_classifier" in result.stderr


def test_a_damaged_shipped_fit_is_refused_and_a_fit_made_anew(meaning: SentenceMeaning, fresh: IntentClassifier,
                                                             tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    data = bytearray(Path(str(fitted.SHIPPED)).read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "classifier_fit.npz"
    damaged.write_bytes(bytes(data))
    monkeypatch.setattr(fitted, "SHIPPED", damaged)
    assert fresh.fitted_on is not None
    assert fitted.load_shipped(fresh.fitted_on) is None
    assert "damaged (size or SHA-256)" in caplog.text
    classifier = IntentClassifier(INTENTS, meaning=meaning)  # the fit the fresh one cached
    assert classifier.classify("I think we both need to step back", min_probability=0.5) == "need_break"
    assert np.isfinite(list(classifier.scores("hello").values())).all()
