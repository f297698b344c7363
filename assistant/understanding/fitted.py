"""The intent classifier's fitted weights, kept on disk: start-up with the same phrases and settings needs
neither training nor scikit-learn. Only the shipped phrases' n-grams and weights are kept, never anything
the couple said."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)


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


def load_fitted(path: Path) -> Fitted | None:
    """The weights kept at `path`; None when there are none or they are damaged (trained again, rewritten)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            names = json.loads(bytes(data["names"]).decode("utf-8"))
            return Fitted(names["words"], data["words_idf"], names["chars"], data["chars_idf"], names["classes"],
                          data["coef"], data["dense_coef"], data["intercept"])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        log.info("ignoring a damaged classifier cache %s: %s", path, exc)
        return None


def fitted_bytes(fitted: Fitted) -> bytes:
    """`fitted` as the .npz file `load_fitted` reads."""
    names = json.dumps({"words": fitted.words, "chars": fitted.chars, "classes": fitted.classes})
    buffer = io.BytesIO()
    np.savez(buffer, names=np.frombuffer(names.encode("utf-8"), dtype=np.uint8), words_idf=fitted.words_idf,
             chars_idf=fitted.chars_idf, coef=fitted.coef, dense_coef=fitted.dense_coef, intercept=fitted.intercept)
    return buffer.getvalue()
