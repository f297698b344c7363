"""`togetherly models` and `togetherly devices`: speech models installed and downloadable, and audio devices."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import paths
from assistant.audio.sources import list_devices
from assistant.config import Settings, load_settings
from assistant.errors import ConfigError, ModelError
from assistant.hearing.engines import choose_vosk_model
from assistant.hearing.engines.whisper_model import WhisperModelFiles
from assistant.hearing.model_manager import catalog, download_model, list_models


def devices() -> int:
    print(list_devices())
    return 0


def models_download(name: str | None, models_dir: Path | None, url: str | None, sha256: str | None) -> int:
    download_model(name, paths.models_dir(models_dir), url=url, sha256=sha256, out=sys.stderr)
    return 0


def models_list(models_dir: Path | None, data_dir: Path | None = None) -> int:
    directory = paths.models_dir(models_dir)
    try:
        settings = load_settings(paths.data_dir(data_dir))
    except ConfigError:
        settings = Settings()
    try:
        whisper = WhisperModelFiles.installed()
        whisper.verify()
        whisper_line = f"  whisper {whisper.name}: {whisper.folder}"
    except ModelError as exc:
        whisper, whisper_line = None, f"  whisper: not usable ({exc})"
    vosk = choose_vosk_model(settings.vosk_model, directory)
    if settings.engine in ("auto", "vosk") and vosk is not None:
        in_use = f"vosk ({vosk.name})"
    elif settings.engine in ("auto", "whisper") and whisper is not None:
        in_use = f"whisper ({whisper.name})"
    else:
        in_use = "pocketsphinx (bundled en-us)"
    print(f"Speech engine in use: {in_use} (engine: {settings.engine} in config)")
    print("Installed:")
    print(whisper_line)
    print("  pocketsphinx en-us: bundled with pocketsphinx")
    installed = list_models(directory)
    for model in installed:
        print(f"  vosk {model.name}: {directory / model.name}")
    if not installed:
        print(f"  (no Vosk model in {directory})")
    print("Downloadable with `togetherly models download NAME`:")
    for key, info in catalog().items():
        print(f"  {key}: {info.description}")
    return 0
