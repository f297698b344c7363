"""Speech recognition engines; each is imported only when chosen (they load native libraries)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Engine
from assistant.errors import ModelError
from assistant.hearing.recognizer import Recognizer

VOSK_MODEL_ENV = "TOGETHERLY_VOSK_MODEL"


def choose_vosk_model(explicit: Path | None, models_dir: Path) -> Path | None:
    """`--model`, then $TOGETHERLY_VOSK_MODEL, then the first Vosk model found in the models folder."""
    from assistant.hearing.model_manager import find_vosk_model  # noqa: PLC0415

    if explicit is not None:
        return explicit
    env = os.environ.get(VOSK_MODEL_ENV)
    if env:
        return Path(env)
    return find_vosk_model(models_dir)


@dataclass(frozen=True)
class ChosenRecognizer:
    recognizer: Recognizer
    fallback_reason: str | None = None
    """Why the engine asked for (or auto's first choice) could not be used and `recognizer` took over."""
    label: str = "pocketsphinx"
    """What hears, in messages: "Whisper tiny.en", "pocketsphinx"."""


def create_recognizer(engine: Engine, vosk_model: Path | None, models_dir: Path,
                      sentences: Sequence[str] = (), whisper_model: str = "tiny.en") -> ChosenRecognizer:
    """The engine asked for. `auto`: Vosk when a Vosk model was downloaded, else Whisper (`whisper_model`:
    tiny.en, installed with Togetherly, or a larger one downloaded), else pocketsphinx (bundled, no download).
    A larger Whisper model that is missing or damaged hands over to tiny.en, and tiny.en to pocketsphinx,
    with the reason. `sentences`
    (`IntentSet.sentences_heard`) give pocketsphinx its commands language model."""
    if engine in ("auto", "vosk"):
        model = choose_vosk_model(vosk_model, models_dir)
        if model is not None:
            from assistant.hearing.engines.vosk_engine import VoskRecognizer  # noqa: PLC0415

            return ChosenRecognizer(VoskRecognizer(model), label=f"Vosk {model.name}")
        if engine == "vosk":
            raise ModelError(
                f"No Vosk model found in {models_dir}. Run `togetherly models download`, "
                f"pass --model PATH, or set {VOSK_MODEL_ENV}."
            )
    reason = None
    if engine in ("auto", "whisper"):
        from assistant.hearing.engines.whisper_engine import WhisperRecognizer  # noqa: PLC0415
        from assistant.hearing.engines.whisper_model import DEFAULT_MODEL, WhisperModelFiles  # noqa: PLC0415

        try:
            return ChosenRecognizer(WhisperRecognizer(WhisperModelFiles.installed(whisper_model, models_dir)),
                                    label=f"Whisper {whisper_model}")
        except ModelError as exc:
            reason = str(exc)
        if whisper_model != DEFAULT_MODEL:  # a larger model missing or damaged: the installed tiny.en hears
            try:
                return ChosenRecognizer(WhisperRecognizer(WhisperModelFiles.installed()), reason,
                                        f"Whisper {DEFAULT_MODEL}")
            except ModelError as exc:
                reason = f"{reason}; {exc}"
    from assistant.hearing.engines.pocketsphinx_engine import PocketsphinxRecognizer  # noqa: PLC0415

    return ChosenRecognizer(PocketsphinxRecognizer(sentences=sentences), reason)
