"""Where sound goes: the speaker through sounddevice, or WAV files (for tests and `--save-speech`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from assistant.audio import write_wav
from assistant.audio_in import _import_sounddevice
from assistant.errors import AudioDeviceError


class AudioSink(Protocol):
    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        """Play mono int16 audio, returning when it has finished (or was stopped)."""

    def stop(self) -> None:
        """Cut off whatever is playing."""


class SoundDeviceSink:
    """The default output device. Playback goes through our own path (not `aplay`) so it can be stopped."""

    def __init__(self, device: int | str | None = None) -> None:
        self._sd: Any = _import_sounddevice()
        self._device = device
        try:
            self._sd.check_output_settings(device=device, channels=1, dtype="int16")
        except Exception as exc:
            raise AudioDeviceError(f"No usable speaker ({exc}). Check `togetherly devices`.") from exc

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        try:
            self._sd.play(samples, rate, device=self._device, blocking=True)
        except Exception as exc:
            raise AudioDeviceError(f"The speaker failed ({exc}).") from exc

    def stop(self) -> None:
        self._sd.stop()


class WavFileSink:
    """Writes each sound to the next numbered WAV file in a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self.count += 1
        write_wav(self.directory / f"{self.count:04d}.wav", samples, rate)

    def stop(self) -> None:
        """Files are written whole: nothing to cut off."""
