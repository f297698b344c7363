"""Speech recognition engines; each is imported only when chosen (they load native libraries)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from assistant.config import Engine
from assistant.errors import ModelError
from assistant.recognizer import Recognizer

VOSK_MODEL_ENV = "TOGETHERLY_VOSK_MODEL"


def choose_vosk_model(explicit: Path | None, models_dir: Path) -> Path | None:
    """`--model`, then $TOGETHERLY_VOSK_MODEL, then the first Vosk model found in the models folder."""
    from assistant.model_manager import find_vosk_model  # noqa: PLC0415

    if explicit is not None:
        return explicit
    env = os.environ.get(VOSK_MODEL_ENV)
    if env:
        return Path(env)
    return find_vosk_model(models_dir)


def create_recognizer(engine: Engine, vosk_model: Path | None, models_dir: Path,
                      sentences: Sequence[str] = ()) -> Recognizer:
    """The engine asked for; with `auto`, Vosk when a model is present, else pocketsphinx (no download).
    `sentences` (`IntentSet.sentences_heard`) give pocketsphinx its commands language model."""
    if engine in ("auto", "vosk"):
        model = choose_vosk_model(vosk_model, models_dir)
        if model is not None:
            from assistant.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

            return VoskRecognizer(model)
        if engine == "vosk":
            raise ModelError(
                f"No Vosk model found in {models_dir}. Run `togetherly models download`, "
                f"pass --model PATH, or set {VOSK_MODEL_ENV}."
            )
    from assistant.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

    return PocketsphinxRecognizer(sentences=sentences)
