"""Where sound goes: the speaker through sounddevice, or WAV files (for tests and `--save-speech`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import soxr

from assistant.audio.samples import write_wav
from assistant.audio.sources import _import_sounddevice
from assistant.errors import AudioDeviceError


class AudioSink(Protocol):
    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        """Play mono int16 audio, returning when it has finished (or was stopped)."""

    def stop(self) -> None:
        """Cut off whatever is playing."""

    # Optional: `whole_lines = True` on a sink that keeps each line as one piece (a WAV file per line),
    # so the speaker gives it whole lines rather than sentence by sentence.


class Playback:
    """One sound being played block by block from a device callback, cut short by `stop()`.

    Kept apart from the device so the cut-off logic runs (and is tested) without a sound card.
    """

    def __init__(self, samples: npt.NDArray[np.int16]) -> None:
        self._samples = samples
        self._position = 0
        self.stopped = False
        self.done = threading.Event()
        """Set when the last block has been handed to the device, or on stop."""

    def fill(self, out: npt.NDArray[np.int16]) -> bool:
        """Write the next block into `out` (frames x 1); False once there is nothing more to play."""
        frames = out.shape[0]
        chunk = np.zeros(0, dtype=np.int16) if self.stopped else \
            self._samples[self._position:self._position + frames]
        out[:chunk.size, 0] = chunk
        out[chunk.size:, 0] = 0
        self._position += chunk.size
        return not self.stopped and self._position < self._samples.size

    def stop(self) -> None:
        self.stopped = True
        self.done.set()


def card_rate(rate: int, accepts: Callable[[int], bool], default_rate: int) -> int:
    """The rate to open the card at for audio at `rate`: that rate where the card takes it (no resampling);
    else the card's own default rate, or a common one it takes."""
    for candidate in (rate, default_rate, 48_000, 44_100):
        if candidate > 0 and accepts(candidate):
            return candidate
    raise AudioDeviceError(f"The speaker takes none of the sample rates {rate}, {default_rate}, 48000 or 44100 Hz.")


def for_card(samples: npt.NDArray[np.int16], rate: int, out_rate: int) -> npt.NDArray[np.int16]:
    """A whole line resampled once (soxr, with a proper low-pass), so no block boundary can click."""
    if out_rate == rate or samples.size == 0:
        return samples
    resampled = soxr.resample(samples.astype(np.float32), rate, out_rate)
    return np.asarray(np.clip(np.round(resampled), -32768, 32767), dtype=np.int16)


class SoundDeviceSink:
    """The default output device, fed from a callback in 20 ms blocks so `stop()` (from any thread) cuts
    the sound within a block plus the device's latency. Playing via `aplay` could not be interrupted.

    Piper speaks at 22,050 Hz, which many cards (HDMI, some USB) do not take: such a line is resampled
    once to a rate the card does take (`card_rate`), chosen once per source rate."""

    BLOCK_SECONDS = 0.02

    def __init__(self, device: int | str | None = None, sounddevice: Any = None) -> None:
        """`sounddevice`: the module to play through (tests give a stand-in for a sound card)."""
        self._sd: Any = sounddevice if sounddevice is not None else _import_sounddevice()
        self._device = device
        self._current: Playback | None = None
        self._rates: dict[int, int] = {}
        try:
            self._sd.check_output_settings(device=device, channels=1, dtype="int16")
            info = self._sd.query_devices(device, "output")
        except Exception as exc:
            raise AudioDeviceError(f"No usable speaker ({exc}). Check `togetherly devices`.") from exc
        self._default_rate = int(info.get("default_samplerate") or 0)

    def _accepts(self, rate: int) -> bool:
        try:
            self._sd.check_output_settings(device=self._device, channels=1, dtype="int16", samplerate=rate)
        except Exception:  # PortAudioError "Invalid sample rate", ValueError
            return False
        return True

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        if rate not in self._rates:
            self._rates[rate] = card_rate(rate, self._accepts, self._default_rate)
        samples, rate = for_card(samples, rate, self._rates[rate]), self._rates[rate]
        playback = Playback(samples)
        self._current = playback

        def callback(outdata: npt.NDArray[np.int16], frames: int, time: object, status: object) -> None:
            if not playback.fill(outdata):
                raise self._sd.CallbackStop

        try:
            stream = self._sd.OutputStream(
                samplerate=rate, channels=1, dtype="int16", device=self._device, latency="low",
                blocksize=int(rate * self.BLOCK_SECONDS), callback=callback, finished_callback=playback.done.set,
            )
            stream.start()
            try:
                playback.done.wait()
            finally:
                # abort() drops what the device still holds (a stop must be heard to stop); close() after
                # a natural end, where the callback has already stopped and the buffers have played.
                if playback.stopped:
                    stream.abort()
                else:
                    stream.stop()
                stream.close()
        except Exception as exc:
            raise AudioDeviceError(f"The speaker failed ({exc}).") from exc
        finally:
            self._current = None

    def stop(self) -> None:
        playback = self._current
        if playback is not None:
            playback.stop()


class WavFileSink:
    """Writes each sound to the next numbered WAV file in a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    whole_lines = True

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self.count += 1
        write_wav(self.directory / f"{self.count:04d}.wav", samples, rate)

    def stop(self) -> None:
        """Files are written whole: nothing to cut off."""
