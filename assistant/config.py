"""The small config file: partner names and engine choice, `config.yaml` in the data directory."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.data_files import load_model
from assistant.errors import ConfigError, DataFileError
from assistant.paths import ensure_private_dir

CONFIG_FILE_NAME = "config.yaml"

Engine = Literal["auto", "whisper", "pocketsphinx", "vosk"]
EveningStep = Literal["checkin", "appreciation", "question", "hug", "good_night"]
EVENING_STEPS: tuple[EveningStep, ...] = ("checkin", "appreciation", "question", "hug", "good_night")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_one: str = Field(default="partner one", min_length=1, max_length=40)
    partner_two: str = Field(default="partner two", min_length=1, max_length=40)
    engine: Engine = "auto"
    """auto: Vosk when a Vosk model was downloaded, else Whisper tiny.en, else pocketsphinx's bundled model."""
    vosk_model: Path | None = None
    break_minutes: int = Field(default=20, ge=1, le=240)
    """Length of a calm-down break; about twenty minutes lets a racing heart settle."""
    evening_steps: list[EveningStep] = Field(default_factory=lambda: list(EVENING_STEPS), min_length=1)
    """The bedside evening ritual's steps, in the order they run (leave one out to drop it)."""

    @property
    def partners(self) -> tuple[str, str]:
        return (self.partner_one, self.partner_two)


def load_settings(directory: Path) -> Settings:
    path = directory / CONFIG_FILE_NAME
    if not path.exists():
        return Settings()
    try:
        settings, _ = load_model(path, Settings)
    except DataFileError as exc:
        raise ConfigError(f"{exc}. Fix it, or run `togetherly setup` to write a new one.") from exc
    return settings


def save_settings(directory: Path, settings: Settings) -> Path:
    path = ensure_private_dir(directory) / CONFIG_FILE_NAME
    data = settings.model_dump(mode="json", exclude_none=True)
    path.write_text("# Togetherly settings (written by `togetherly setup`)\n" + yaml.safe_dump(data, sort_keys=False))
    path.chmod(0o600)
    return path
