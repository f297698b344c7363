#!/usr/bin/env python3
"""Fit the intent classifier on the shipped phrases and ship the fit, so that the installed product needs
neither scikit-learn nor SciPy (about 200 MB) to understand paraphrases.

    .venv/bin/python -m scripts.fit_classifier          # after editing intents/ (needs the test extra)

Writes assistant/understanding/classifier_fit.npz (float32, compressed) and classifier_fit.yaml (what it is
fitted on, its size and SHA-256). tests/understanding/test_shipped_fit.py fails until the fit is of the
phrases in intents/, and checks that the shipped fit decides as a fresh fit does.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import yaml

from assistant import paths
from assistant.understanding.classifier import IntentClassifier
from assistant.understanding.fitted import FitFacts, fitted_bytes
from assistant.understanding.intents import IntentSet
from assistant.understanding.meaning import SentenceMeaning

OUT = Path(__file__).resolve().parents[1] / "assistant" / "understanding"


def fit(out: Path = OUT) -> FitFacts:
    """Fit anew (never the shipped or a cached fit) and write the fit and its facts into `out`."""
    classifier = IntentClassifier(IntentSet.load_dir(paths.language_dir()), meaning=SentenceMeaning(), reuse=False)
    assert classifier.fitted_on is not None  # with embeddings
    data = fitted_bytes(classifier.fitted(), compact=True)
    facts = FitFacts(fitted_on=classifier.fitted_on, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    (out / "classifier_fit.npz").write_bytes(data)
    header = "# The intent classifier's shipped fit: written by scripts/fit_classifier.py, checked at load.\n"
    (out / "classifier_fit.yaml").write_text(header + yaml.safe_dump(facts.model_dump(), sort_keys=False),
                                             encoding="utf-8")
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="the folder to write the fit into")
    facts = fit(parser.parse_args().out)
    print(f"fitted: {facts.size} bytes, SHA-256 {facts.sha256}")


if __name__ == "__main__":
    main()
