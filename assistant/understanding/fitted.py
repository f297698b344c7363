"""The intent classifier's fitted weights, kept on disk, so that start-up needs neither training nor
scikit-learn. The fit of the shipped phrases ships in the package (`classifier_fit.npz`, written by
scripts/fit_classifier.py, its size, SHA-256 and what it was fitted on in `classifier_fit.yaml`); a fit of
other phrases (edited intents) is trained where scikit-learn is installed and cached. Only the shipped
phrases' n-grams and weights are kept, never anything the couple said."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict

log = logging.getLogger(__name__)

SHIPPED = resources.files("assistant.understanding").joinpath("classifier_fit.npz")
SHIPPED_FACTS = resources.files("assistant.understanding").joinpath("classifier_fit.yaml")
REFIT = "python -m scripts.fit_classifier (with the test extra: pip install -e '.[test]')"


@dataclass(frozen=True)
class Fitted:
    """What training produced, enough to classify without training again."""

    words: dict[str, int]
    words_idf: npt.NDArray[np.float64]
    chars: dict[str, int]
    chars_idf: npt.NDArray[np.float64]
    classes: list[str]
    coef: npt.NDArray[np.float64]
    dense_coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]


class FitFacts(BaseModel):
    """classifier_fit.yaml: which phrases and settings the shipped fit is of, and its file's size and SHA-256."""

    model_config = ConfigDict(extra="forbid")
    fitted_on: str
    size: int
    sha256: str


def fit_key(parts: list[str]) -> str:
    """What a fit depends on (the embedding model, the settings, every sentence and its label), hashed."""
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _parse(data: bytes) -> Fitted:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        names = json.loads(bytes(arrays["names"]).decode("utf-8"))
        return Fitted(names["words"], arrays["words_idf"].astype(np.float64), names["chars"],
                      arrays["chars_idf"].astype(np.float64), names["classes"], arrays["coef"].astype(np.float64),
                      arrays["dense_coef"].astype(np.float64), arrays["intercept"].astype(np.float64))


def load_fitted(path: Path) -> Fitted | None:
    """The weights cached at `path`; None when there are none or they are damaged (trained again, rewritten)."""
    if not path.is_file():
        return None
    try:
        return _parse(path.read_bytes())
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.info("ignoring a damaged classifier cache %s: %s", path, exc)
        return None


def load_shipped(key: str) -> Fitted | None:
    """The shipped fit when it is of exactly what `key` names and its file is intact, else None (logged)."""
    try:
        facts = FitFacts.model_validate(yaml.safe_load(SHIPPED_FACTS.read_text(encoding="utf-8")))
        data = SHIPPED.read_bytes()
    except (OSError, ValueError, yaml.YAMLError) as exc:
        log.warning("the shipped intent classifier could not be read (%s)", exc)
        return None
    if facts.fitted_on != key:
        log.info("the shipped intent classifier is of other phrases or settings; refit: %s", REFIT)
        return None
    if len(data) != facts.size or hashlib.sha256(data).hexdigest() != facts.sha256:
        log.warning("the shipped intent classifier is damaged (size or SHA-256): "
                    "reinstall: pip install --force-reinstall togetherly")
        return None
    try:
        return _parse(data)
    except (ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.warning("the shipped intent classifier could not be read (%s)", exc)
        return None


def fitted_bytes(fitted: Fitted, *, compact: bool = False) -> bytes:
    """`fitted` as the .npz file `load_fitted` reads; `compact`: float32 and compressed, as shipped (3.4 MB
    against 9.8 MB; the decisions on the understanding splits are the same)."""
    names = json.dumps({"words": fitted.words, "chars": fitted.chars, "classes": fitted.classes}, sort_keys=True)
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "names": np.frombuffer(names.encode("utf-8"), dtype=np.uint8), "words_idf": fitted.words_idf,
        "chars_idf": fitted.chars_idf, "coef": fitted.coef, "dense_coef": fitted.dense_coef,
        "intercept": fitted.intercept}
    buffer = io.BytesIO()
    if compact:
        np.savez_compressed(buffer, allow_pickle=False, **{
            name: value.astype(np.float32) if value.dtype == np.float64 else value for name, value in arrays.items()})
    else:
        np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()
