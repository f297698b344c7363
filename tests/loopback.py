"""A fake sound card for barge-in tests and the benchmark: what the assistant plays through the sink
leaks into what the source "records", mixed over the room's own sound (silence, or someone talking).

It sits behind the project's AudioSink/AudioSource interfaces only; time is the audio read, so a test
runs as fast as the recognizer can listen. Playback ends when the source has read all of it.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import numpy.typing as npt
import soxr

from assistant.audio import SAMPLE_RATE, Samples, dithered_silence

BLOCK = SAMPLE_RATE // 50  # 20 ms, as a microphone callback hands them over


def peak_level(samples: Samples, frame: int = 2048) -> float:
    """RMS of the loudest frame (how loud speech is, ignoring its pauses)."""
    x = samples.astype(np.float64)
    x = x[: x.size - x.size % frame].reshape(-1, frame) if x.size >= frame else x.reshape(1, -1)
    return float(np.sqrt((x**2).mean(axis=1)).max())


class Loopback:
    def __init__(self, room: Samples, leak_level: float | None = None) -> None:
        """`room`: what the microphone hears besides our own voice. `leak_level`: the loudest-frame RMS our
        voice arrives at in the microphone (None: as loud as it was synthesized)."""
        self.room = room
        self.leak_level = leak_level
        self.position = 0
        """Samples read so far: the source's clock."""
        self.plays: list[tuple[int, int, bool]] = []
        """Each sound played: (length, samples played, stopped), at 16 kHz."""
        self.stopped_at: list[int] = []
        """Source position (samples) at each stop()."""
        self._lock = threading.Lock()
        self._leak: npt.NDArray[np.float64] | None = None
        self._leak_pos = 0
        self._done = threading.Event()
        self._stopped = False
        self.sink = _Sink(self)
        self.source = _Source(self)

    def _start(self, samples: npt.NDArray[np.int16], rate: int) -> threading.Event:
        audio = samples.astype(np.float64)
        if rate != SAMPLE_RATE:
            audio = np.asarray(soxr.resample(audio, rate, SAMPLE_RATE), dtype=np.float64)
        if self.leak_level is not None and audio.size:
            audio *= self.leak_level / max(1.0, peak_level(audio.astype(np.int16)))
        with self._lock:
            self._leak, self._leak_pos, self._stopped = audio, 0, False
            self._done = threading.Event()
            if self.position >= self.room.size:
                self._done.set()
            return self._done

    def _finish(self) -> None:
        with self._lock:
            if self._leak is not None:
                self.plays.append((self._leak.size, self._leak_pos, self._stopped))
            self._leak = None

    def _stop(self) -> None:
        with self._lock:
            if self._leak is not None and not self._stopped:
                self._stopped = True
                self.stopped_at.append(self.position)
                self._done.set()

    def _read(self) -> Samples | None:
        with self._lock:
            if self.position >= self.room.size:
                self._done.set()  # the room has ended: so has anything playing into it
                return None
            block = self.room[self.position:self.position + BLOCK].astype(np.float64)
            self.position += block.size
            if self._leak is not None and not self._stopped:
                leak = self._leak[self._leak_pos:self._leak_pos + block.size]
                block[:leak.size] += leak
                self._leak_pos += leak.size
                if self._leak_pos >= self._leak.size:
                    self._done.set()
            return np.clip(block, -32768, 32767).astype(np.int16)


class _Sink:
    def __init__(self, loop: Loopback) -> None:
        self._loop = loop

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self._loop._start(samples, rate).wait()
        self._loop._finish()

    def stop(self) -> None:
        self._loop._stop()


class _Source:
    def __init__(self, loop: Loopback) -> None:
        self._loop = loop

    def read(self, timeout: float | None = None) -> Samples | None:
        if self._loop._leak is None:
            # Audio here is as fast as it is read: give a sink starting on another thread the moment a
            # real card would give it, so what it plays is not heard late.
            time.sleep(0.0005)
        return self._loop._read()

    def drain(self) -> None:
        """Nothing is queued: the room is heard as it is read."""

    def close(self) -> None:
        self._loop.position = self._loop.room.size


def room_with(voice: Samples | None, at_s: float, seconds: float, seed: int = 0) -> Samples:
    """A quiet room of `seconds`, with `voice` (someone speaking) starting at `at_s`."""
    room = dithered_silence(seconds, level=30.0, seed=seed)
    if voice is not None:
        start = int(at_s * SAMPLE_RATE)
        room[start:start + voice.size] += voice[: room.size - start]
    return room
