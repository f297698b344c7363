"""Vosk (Kaldi) with a downloaded model: better open-vocabulary accuracy than pocketsphinx.

Grammar mode caveat: Vosk compiles a grammar into a plain *word loop* (any sequence of the grammar's
words, phrases are not kept as units), so it can return "next" or "question next" for a grammar of
["next question"]. The session therefore accepts a grammar result only when it is exactly one of the
phrases; anything else is a no-match, as the `Recognizer` contract promises.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.samples import SAMPLE_RATE, Samples
from assistant.errors import ModelError
from assistant.hearing.model_manager import is_vosk_model
from assistant.hearing.recognizer import NOTHING_HEARD, Transcript
from assistant.words import words as split_words

log = logging.getLogger(__name__)

# Models name their unknown-word / garbage entry differently: English models use "[unk]", the Kaldi
# recipes behind e.g. the Korean model use "<UNK>". The first one the model knows is the garbage path.
_UNKNOWN_TOKENS = ("[unk]", "<unk>", "<UNK>")
_HELP = "run `togetherly models download` or pass --model PATH to a Vosk model folder"


def _normalize(phrase: str) -> str:
    """Lower case, hyphens as spaces, punctuation dropped: the form Vosk vocabularies use."""
    return " ".join(split_words(phrase))


def _check_model_dir(path: Path) -> None:
    """Fail early with a message naming what is wrong, before Kaldi prints pages of usage text."""
    if not path.exists():
        raise ModelError(f"Vosk model not found: {path} does not exist; {_HELP}.")
    if not path.is_dir():
        raise ModelError(
            f"{path} is a file, not a Vosk model folder (an unpacked model has am/ and conf/ inside; "
            f"a .zip must be unpacked first); {_HELP}."
        )
    if not is_vosk_model(path):
        # A common slip: pointing at the folder that *contains* the model.
        inner = sorted(p for p in path.iterdir() if p.is_dir() and is_vosk_model(p))
        hint = f" Did you mean {inner[0]}?" if inner else ""
        raise ModelError(f"{path} is not a Vosk model (no am/ and conf/ folders inside).{hint} {_HELP}.")


@dataclass(frozen=True)
class _Grammar:
    json: str | None
    """What KaldiRecognizer gets; None when no phrase was usable (open vocabulary instead)."""
    phrases: frozenset[str]
    """The normalized phrases a result must equal to be accepted."""


class VoskRecognizer:
    name = "vosk"

    def __init__(self, model_path: Path) -> None:
        path = Path(model_path)
        _check_model_dir(path)
        try:
            import vosk  # noqa: PLC0415 - native library, load only when this engine is chosen
        except ImportError as exc:
            raise ModelError("vosk is not installed: pip install vosk") from exc
        vosk.SetLogLevel(-1)  # Kaldi logs every model load at INFO level; keep warnings and errors
        try:
            self._model: Any = vosk.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelError(
                f"Vosk could not load the model at {path} ({exc}); it may be incomplete, corrupt or "
                f"for another Vosk version: re-download it with `togetherly models download` or pass "
                f"--model PATH to another model."
            ) from exc
        self._vosk: Any = vosk
        self.model_path = path
        self._garbage = next((t for t in _UNKNOWN_TOKENS if self.known(t)), None)
        self._grammars: dict[frozenset[str], _Grammar] = {}

    def known(self, word: str) -> bool:
        return bool(self._model.vosk_model_find_word(word) >= 0)

    def usable_phrases(self, phrases: Sequence[str]) -> frozenset[str]:
        """The normalized phrases whose every word the model knows (the others cannot be recognized)."""
        return self._grammar_for(phrases).phrases

    def _grammar_for(self, phrases: Sequence[str]) -> _Grammar:
        key = frozenset(phrases)
        cached = self._grammars.get(key)
        if cached is not None:
            return cached
        usable: set[str] = set()
        for phrase in key:
            words = _normalize(phrase).split()
            if words and all(self.known(w) for w in words):
                usable.add(" ".join(words))
            else:
                # Vosk would silently drop the unknown word and recognize a truncated phrase.
                log.debug("grammar: dropped a phrase with words outside the model's vocabulary")
        if usable:
            entries = sorted(usable) + ([self._garbage] if self._garbage else [])
            grammar = _Grammar(json.dumps(entries, ensure_ascii=False), frozenset(usable))
        else:
            if key:
                log.warning("grammar: no phrase is in the model's vocabulary; using open vocabulary")
            grammar = _Grammar(None, frozenset())
        self._grammars[key] = grammar
        return grammar

    def start(self, phrases: Sequence[str] | None, paraphrases: bool = False) -> _VoskSession:
        grammar = None if phrases is None else self._grammar_for(phrases)
        # A fresh recognizer per utterance: creation is cheap (< 0.1 s) and results do not depend on
        # what was said before.
        if grammar is not None and grammar.json is not None:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar.json)
            allowed: frozenset[str] | None = grammar.phrases
        else:
            recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
            allowed = None
        recognizer.SetWords(True)  # per-word confidences, for Transcript.confidence
        return _VoskSession(recognizer, allowed)


class _VoskSession:
    def __init__(self, recognizer: Any, allowed: frozenset[str] | None) -> None:
        self._recognizer = recognizer
        self._allowed = allowed
        """Grammar mode: the only texts that count as heard. None in open vocabulary."""

    def feed(self, samples: Samples) -> None:
        self._recognizer.AcceptWaveform(np.asarray(samples, dtype="<i2").tobytes())

    def partial(self) -> str:
        text = str(json.loads(self._recognizer.PartialResult()).get("partial", ""))
        return "" if any(token in text for token in _UNKNOWN_TOKENS) else text.lower()

    def silence(self, seconds: float, *, fed_all: bool = False) -> None:
        pass  # streams: decoding already keeps up with the audio

    def finish(self) -> Transcript:
        result = json.loads(self._recognizer.FinalResult())
        words: list[dict[str, Any]] = result.get("result") or []
        heard = [w for w in words if w.get("word") not in _UNKNOWN_TOKENS]
        if not heard:
            return NOTHING_HEARD
        text = " ".join(str(w["word"]).lower() for w in heard)
        if self._allowed is not None:
            if len(heard) != len(words):
                # The garbage path won somewhere: part of the speech was not a command phrase.
                return NOTHING_HEARD
            if text not in self._allowed:
                # A word-loop fragment or a chain of phrases (see the module docstring): no match.
                log.debug("grammar: result is not one of the phrases; rejected")
                return NOTHING_HEARD
        confidence = min(float(w.get("conf", 0.0)) for w in heard)
        return Transcript(text, max(0.0, min(1.0, confidence)))
