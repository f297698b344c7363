"""`togetherly voices`: the Piper voices installed, downloadable and in use, and downloading one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from assistant import paths
from assistant.config import Settings, load_settings
from assistant.errors import ConfigError
from assistant.voice.piper import DEFAULT_VOICE
from assistant.voice.voice_downloads import download_voice, installed_voices, load_voice_catalog


def voices_download(name: str, models_dir: Path | None, base_url: str | None, sha256: str | None) -> int:
    download_voice(name, paths.models_dir(models_dir) / "voices", base_url=base_url, sha256=sha256, out=sys.stderr)
    return 0


def voices_list(models_dir: Path | None, data_dir: Path | None = None) -> int:
    voices_dir = paths.models_dir(models_dir) / "voices"
    try:
        settings = load_settings(paths.data_dir(data_dir))
    except ConfigError:
        settings = Settings()
    installed = installed_voices(voices_dir)
    catalog = load_voice_catalog().voices
    piper = importlib.util.find_spec("piper") is not None
    pace = f"speaking rate {settings.speaking_rate:g}, volume {settings.volume:g}"
    if settings.voice == "system":
        print(f"Voice in use: system (pyttsx3; voice: system in config; {pace})")
    elif not piper:
        print(f"Voice in use: system (pyttsx3): piper-tts is not installed, so {settings.voice} cannot speak")
    elif settings.voice == DEFAULT_VOICE or settings.voice in installed:
        print(f"Voice in use: {settings.voice} (Piper; voice: {settings.voice} in config; {pace})")
    else:
        hint = f"`togetherly voices download {settings.voice}`" if settings.voice in catalog else \
            f"put {settings.voice}.onnx and {settings.voice}.onnx.json in {voices_dir}"
        print(f"Voice in use: system (pyttsx3): the voice {settings.voice} in config is not installed ({hint})")
    print("Installed:")
    print(f"  {DEFAULT_VOICE}: US English, a man's voice (Piper en_US-joe-medium, comes with Togetherly)")
    print("  system: the system voice (pyttsx3 with espeak-ng)")
    for name in installed:
        described = catalog[name].description if name in catalog else "a Piper voice"
        print(f"  {name}: {described} ({voices_dir / name}.onnx)")
    downloadable = [name for name in catalog if name not in installed]
    if downloadable:
        print("Downloadable with `togetherly voices download NAME`:")
        for name in downloadable:
            print(f"  {name}: {catalog[name].description} ({catalog[name].download_bytes / 1e6:.0f} MB)")
    return 0
