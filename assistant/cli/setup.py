"""`togetherly setup`: the couple's names and voice choices into config.yaml."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant import paths
from assistant.config import Settings, load_settings, save_settings, set_broken_config_aside, with_updates
from assistant.errors import ConfigError
from assistant.hearing.engines.whisper_model import DEFAULT_MODEL
from assistant.hearing.whisper_downloads import installed_whisper_models


def setup(data_dir: Path | None, one: str | None, two: str | None, engine: str | None, *,
          voice: str | None = None, speaking_rate: float | None = None, volume: float | None = None,
          wake_word: str | None = None, follow_up_seconds: float | None = None, ritual_time: str | None = None,
          quiet_hours: str | None = None, night_volume: float | None = None, whisper_model: str | None = None,
          models_dir: Path | None = None) -> int:
    """Write config.yaml. Names not given as flags are asked at a terminal, or read from piped input
    (a line each); a config.yaml that cannot be read is set aside and replaced."""
    directory = paths.prepare_data_dir(paths.data_dir(data_dir))
    try:
        current = load_settings(directory)
    except ConfigError as exc:
        moved = set_broken_config_aside(directory)
        print(f"The old config could not be read ({exc.__cause__ or exc}); it was kept as {moved.name}.")
        current = Settings()
    if sys.stdin.isatty():
        if one is None:
            one = input(f"First partner's name [{current.partner_one}]: ").strip() or None
        if two is None:
            two = input(f"Second partner's name [{current.partner_two}]: ").strip() or None
    elif one is None or two is None:
        piped = [line.strip() for line in sys.stdin.read().splitlines()]
        names = iter(piped)
        one = one if one is not None else next(names, "") or None
        two = two if two is not None else next(names, "") or None
    given = (("partner_one", one), ("partner_two", two), ("engine", engine), ("voice", voice),
             ("speaking_rate", speaking_rate), ("volume", volume), ("wake_word", wake_word),
             ("follow_up_seconds", follow_up_seconds), ("whisper_model", whisper_model), ("night_volume", night_volume))
    updates: dict[str, object] = {k: v for k, v in given if v is not None and v != ""}
    if ritual_time is not None:  # "off" clears it; a new time is first offered at its next evening
        updates |= {"ritual_time": None if ritual_time == "off" else ritual_time, "ritual_offered_on": None}
    if quiet_hours is not None:
        updates["quiet_hours"] = "" if quiet_hours == "off" else quiet_hours
    settings = with_updates(current, updates)
    path = save_settings(directory, settings)
    print(f"Saved {path}: partners {settings.partner_one} and {settings.partner_two}, engine {settings.engine}, "
          f"voice {settings.voice} (pace {settings.speaking_rate:g}, volume {settings.volume:g}), wake word "
          + (f"{settings.wake_word} (no name needed for {settings.follow_up_seconds:g} s after an exchange)"
             if settings.wake_word != "off" else "off") + f", Whisper {settings.whisper_model}, "
          + (f"check-in offered at {settings.ritual_time}" if settings.ritual_time else "no check-in reminder")
          + ", " + (f"quiet {settings.quiet_hours} (voice at {settings.night_volume:g} of its volume)"
                    if settings.quiet_hours else "no quiet hours") + ".")
    if whisper_model and whisper_model != DEFAULT_MODEL and whisper_model not in installed_whisper_models(
            paths.models_dir(models_dir)):
        print(f"Whisper {whisper_model} is not downloaded yet: `togetherly models download {whisper_model}` "
              f"fetches it (until then Whisper {DEFAULT_MODEL} hears).")
    return 0
