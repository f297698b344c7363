"""`togetherly models` and `togetherly devices`: speech models installed and downloadable, and audio devices."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import paths
from assistant.audio.sources import list_devices
from assistant.config import Settings, load_settings
from assistant.errors import ConfigError, ModelError
from assistant.hearing.engines import choose_vosk_model
from assistant.hearing.engines.whisper_model import DEFAULT_MODEL, WhisperModelFiles
from assistant.hearing.model_manager import catalog, download_model, list_models
from assistant.hearing.whisper_downloads import (
    download_whisper_model,
    folder_of,
    installed_whisper_models,
    load_whisper_catalog,
)


def devices() -> int:
    print(list_devices())
    return 0


def models_download(name: str | None, models_dir: Path | None, url: str | None, sha256: str | None,
                    base_url: str | None = None) -> int:
    """A Vosk model (catalog name or --url zip), or a larger Whisper model by name."""
    if name is not None and name in load_whisper_catalog().models and url is None:
        if sha256 is not None:
            raise ModelError("--sha256 is for a Vosk zip given with --url: a Whisper model's files are "
                             "checked against the catalog's SHA-256 digests")
        download_whisper_model(name, paths.models_dir(models_dir), base_url=base_url, out=sys.stderr)
        return 0
    if base_url is not None:
        raise ModelError("--from is for a Whisper model (base.en, small.en); a Vosk zip from elsewhere: --url")
    download_model(name, paths.models_dir(models_dir), url=url, sha256=sha256, out=sys.stderr)
    return 0


def models_list(models_dir: Path | None, data_dir: Path | None = None) -> int:
    directory = paths.models_dir(models_dir)
    try:
        settings = load_settings(paths.data_dir(data_dir))
    except ConfigError:
        settings = Settings()
    whisper_lines: list[str] = []
    whisper: WhisperModelFiles | None = None
    # As the live loop chooses: the configured Whisper model, else the installed tiny.en.
    for name in dict.fromkeys([settings.whisper_model, DEFAULT_MODEL]):
        try:
            files = WhisperModelFiles.installed(name, directory)
            files.verify()
        except ModelError as exc:
            whisper_lines.append(f"  whisper {name}: not usable ({exc})")
            continue
        whisper_lines.append(f"  whisper {files.name}: {files.folder}")
        whisper = files
        break
    vosk = choose_vosk_model(settings.vosk_model, directory)
    if settings.engine in ("auto", "vosk") and vosk is not None:
        in_use = f"vosk ({vosk.name})"
    elif settings.engine in ("auto", "whisper") and whisper is not None:
        in_use = f"whisper ({whisper.name})"
    else:
        in_use = "pocketsphinx (bundled en-us)"
    print(f"Speech engine in use: {in_use} (engine: {settings.engine} in config)")
    print("Installed:")
    print("\n".join(whisper_lines))
    for name in installed_whisper_models(directory):
        if whisper is None or name != whisper.name:
            print(f"  whisper {name}: {folder_of(name, directory)} (`togetherly setup --whisper-model {name}` "
                  "uses it)")
    print("  pocketsphinx en-us: bundled with pocketsphinx")
    installed = list_models(directory)
    for model in installed:
        print(f"  vosk {model.name}: {directory / model.name}")
    if not installed:
        print(f"  (no Vosk model in {directory})")
    print("Downloadable with `togetherly models download NAME`:")
    for key, info in catalog().items():
        print(f"  {key}: {info.description}")
    for key, entry in load_whisper_catalog().models.items():
        print(f"  {key}: {entry.description}")
    return 0
