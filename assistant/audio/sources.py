"""Where audio comes from: the microphone, or WAV files fed as the microphone would hear them."""

from __future__ import annotations

import contextlib
import math
import queue
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence, iter_wav_blocks
from assistant.clock import ManualClock
from assistant.errors import AudioDeviceError, AudioFormatError

BLOCK_SECONDS = 0.05
MIC_BLOCK_SECONDS = 0.02
"""The microphone hands audio over in 20 ms blocks: the end of speech is seen one frame after it."""
STALL_SECONDS = 5.0
"""A microphone silent this long (no blocks at all, not quiet audio) has stopped working."""


class AudioSource(Protocol):
    def read(self, timeout: float | None = None) -> Samples | None:
        """The next block of 16 kHz mono int16 audio; None when the source has ended. With a timeout
        (seconds), an empty block when nothing arrived in time, so a listener can meet a deadline."""

    def drain(self) -> None:
        """Drop audio captured so far (while the assistant spoke), so it never hears itself."""

    def close(self) -> None: ...


LEAD_IN_SECONDS = 0.3
"""Room sound played before the first WAV file, as a microphone hears the room before anyone speaks."""


class WavFilesSource:
    """Plays WAV files one after another, each followed by a pause, as if a person spoke them in turn.

    Files are checked up front (a bad one is reported before anything runs) and streamed, not loaded.
    """

    def __init__(self, paths: Sequence[Path], pause_seconds: float = 2.0,
                 clock: ManualClock | None = None) -> None:
        """With a `clock`, time follows the audio: each block read advances it by the block's length,
        so timers run in audio time, deterministically and as fast as the files can be read. A read
        with a timeout then returns no more audio than fits before it, as a microphone would."""
        self._clock = clock
        self._held: Samples | None = None
        for path in paths:
            next(iter_wav_blocks(path), None)  # opens and validates the header, raises AudioFormatError
        self._paths = list(paths)
        self._pause = pause_seconds
        self._blocks = self._generate()

    def _generate(self) -> Iterator[Samples]:
        block = int(SAMPLE_RATE * BLOCK_SECONDS)
        # A short lead-in before the first file: a microphone always hears the room before anyone speaks,
        # and the endpointer needs it to learn the noise floor before speech starts.
        lead_in = dithered_silence(LEAD_IN_SECONDS, seed=len(self._paths))
        yield from (lead_in[start:start + block] for start in range(0, lead_in.size, block))
        for index, path in enumerate(self._paths):
            yield from iter_wav_blocks(path, BLOCK_SECONDS)
            pause = dithered_silence(self._pause, seed=index)
            for start in range(0, pause.size, block):
                yield pause[start:start + block]

    def read(self, timeout: float | None = None) -> Samples | None:
        block, self._held = (self._held if self._held is not None else next(self._blocks, None)), None
        if block is None or self._clock is None:
            return block
        if timeout is not None:
            # Up to the sample at or just after the timeout (at least one, so time always moves on).
            fits = max(1, math.ceil(timeout * SAMPLE_RATE - 1e-6))
            if fits < block.size:
                block, self._held = block[:fits], block[fits:]
        self._clock.advance(block.size / SAMPLE_RATE)
        return block

    def drain(self) -> None:
        """Nothing to drop: the files are what was said after each prompt."""

    def close(self) -> None:
        self._blocks = iter(())


def _import_sounddevice() -> Any:
    # Importing sounddevice raises OSError when PortAudio is missing: only do it when audio is used.
    try:
        import sounddevice  # noqa: PLC0415
    except OSError as exc:
        raise AudioDeviceError(
            "PortAudio is not installed, so no microphone or speaker can be used "
            "(on Debian/Ubuntu: sudo apt-get install libportaudio2). "
            "Use `togetherly --text` to type instead."
        ) from exc
    return sounddevice


class MicrophoneSource:
    """The default input device at 16 kHz mono int16, blocks handed over on a callback queue."""

    def __init__(self, device: int | str | None = None) -> None:
        sd = _import_sounddevice()
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=1000)  # 20 s
        try:
            self._stream = sd.RawInputStream(
                samplerate=SAMPLE_RATE, channels=1, dtype="int16", device=device,
                blocksize=int(SAMPLE_RATE * MIC_BLOCK_SECONDS), callback=self._callback,
            )
            self._stream.start()
        except Exception as exc:  # PortAudioError, ValueError: no such device
            raise AudioDeviceError(
                f"No usable microphone ({exc}). Check `togetherly devices`, plug one in, "
                "or use `togetherly --text` to type instead."
            ) from exc

    def _callback(self, data: bytes, frames: int, time: object, status: object) -> None:
        with contextlib.suppress(queue.Full):  # we are far behind: dropping audio beats unbounded memory
            self._queue.put_nowait(bytes(data))

    def read(self, timeout: float | None = None) -> Samples | None:
        wait = STALL_SECONDS if timeout is None else min(timeout, STALL_SECONDS)
        try:
            data = self._queue.get(timeout=wait)
        except queue.Empty as exc:
            if timeout is not None and timeout <= STALL_SECONDS:
                return np.zeros(0, dtype=np.int16)
            raise AudioDeviceError("The microphone stopped sending audio.") from exc
        return np.frombuffer(data, dtype=np.int16)

    def drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def close(self) -> None:
        self._stream.stop()
        self._stream.close()


def list_devices() -> str:
    """A printable table of audio devices (what `togetherly devices` shows)."""
    sd = _import_sounddevice()
    devices = sd.query_devices()
    if len(devices) == 0:
        return "No audio devices found. Plug in a microphone and speaker, or use `togetherly --text`."
    return str(devices)


__all__ = ["AudioDeviceError", "AudioFormatError", "AudioSource", "MicrophoneSource", "WavFilesSource", "list_devices"]
