"""A fake sound card for barge-in tests and the benchmark: what the assistant plays through the sink
leaks into what the source "records", mixed over the room's own sound (silence, or someone talking).

It sits behind the project's AudioSink/AudioSource interfaces only; time is the audio read, so a test
runs as fast as the recognizer can listen. Playback ends when the source has read all of it.

Our voice can reach the microphone as it would in a room: late (the sound card's output and input
buffers), and through a room's impulse response (`room_echo`: the direct sound, then reflections that
die away). Stopping the sound silences the speaker, but what it already played keeps ringing in the room.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import numpy.typing as npt
import soxr

from assistant.audio.samples import SAMPLE_RATE, Samples, dithered_silence

BLOCK = SAMPLE_RATE // 50  # 20 ms, as a microphone callback hands them over


def peak_level(samples: Samples, frame: int = 2048) -> float:
    """RMS of the loudest frame (how loud speech is, ignoring its pauses)."""
    x = samples.astype(np.float64)
    x = x[: x.size - x.size % frame].reshape(-1, frame) if x.size >= frame else x.reshape(1, -1)
    return float(np.sqrt((x**2).mean(axis=1)).max())


class Loopback:
    def __init__(self, room: Samples, leak_level: float | None = None, delay_s: float = 0.0,
                 echo: npt.NDArray[np.float64] | None = None) -> None:
        """`room`: what the microphone hears besides our own voice. `leak_level`: the loudest-frame RMS our
        voice arrives at in the microphone (None: as loud as it was synthesized). `delay_s`: how much later
        the microphone hears a sample than the sink was handed it. `echo`: the room's impulse response
        from the speaker to the microphone (None: the direct sound only)."""
        self.room = room
        self.leak_level = leak_level
        self.delay = round(delay_s * SAMPLE_RATE)
        self.echo = echo
        self.position = 0
        """Samples read so far: the source's clock."""
        self.plays: list[tuple[int, int, bool]] = []
        """Each sound played: (length, samples played, stopped), at 16 kHz."""
        self.stopped_at: list[int] = []
        """Source position (samples) at each stop()."""
        self._lock = threading.Lock()
        self._dry: npt.NDArray[np.float64] = np.zeros(0)
        """What the speaker plays (at the microphone's level, before the room)."""
        self._leak: npt.NDArray[np.float64] | None = None
        """What the microphone hears of it: late, through the room."""
        self._leak_pos = 0
        self._ringing: npt.NDArray[np.float64] = np.zeros(0)
        """After a stop: the room's echo of what was already played, still to be heard."""
        self._done = threading.Event()
        self._stopped = False
        self._starting = threading.Event()
        """Clear while the sink prepares a sound: time stands still, so it is heard from its first sample."""
        self._starting.set()
        self.sink = _Sink(self)
        self.source = _Source(self)

    def _start(self, samples: npt.NDArray[np.int16], rate: int) -> threading.Event:
        audio = samples.astype(np.float64)
        if rate != SAMPLE_RATE:
            audio = np.asarray(soxr.resample(audio, rate, SAMPLE_RATE), dtype=np.float64)
        heard = _convolve(audio, self.echo) if self.echo is not None and audio.size else audio
        if self.leak_level is not None and audio.size:
            scale = self.leak_level / max(1.0, peak_level(heard.astype(np.int16)))
            audio, heard = audio * scale, heard * scale
        with self._lock:
            self._dry, self._leak = audio, np.concatenate([np.zeros(self.delay), heard])
            self._leak_pos, self._stopped = 0, False
            self._done = threading.Event()
            if self.position >= self.room.size:
                self._done.set()
            return self._done

    def _played(self) -> int:
        """Samples the speaker has played of the current sound."""
        return int(np.clip(self._leak_pos - self.delay, 0, self._dry.size))

    def _finish(self) -> None:
        with self._lock:
            if self._leak is not None:
                self.plays.append((self._dry.size, self._played(), self._stopped))
            self._leak = None

    def _stop(self) -> None:
        with self._lock:
            if self._leak is not None and not self._stopped:
                self._stopped = True
                self.stopped_at.append(self.position)
                # The speaker falls silent at once (an aborted stream drops what its buffer held), but the
                # room's echo of what it already played still reaches the microphone.
                played = self._played()
                self._ringing = np.zeros(0)
                if self.echo is not None and played:
                    start = max(0, played - self.echo.size)
                    self._ringing = _convolve(self._dry[start:played], self.echo)[played - start:]
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
            elif self._ringing.size:
                ringing, self._ringing = self._ringing[:block.size], self._ringing[block.size:]
                block[:ringing.size] += ringing
            return np.clip(block, -32768, 32767).astype(np.int16)


class _Sink:
    def __init__(self, loop: Loopback) -> None:
        self._loop = loop

    def play(self, samples: npt.NDArray[np.int16], rate: int) -> None:
        self._loop._starting.clear()  # the room waits while the sound is prepared, as no real room would
        try:
            done = self._loop._start(samples, rate)
        finally:
            self._loop._starting.set()
        done.wait()
        self._loop._finish()

    def stop(self) -> None:
        self._loop._stop()


class _Source:
    def __init__(self, loop: Loopback) -> None:
        self._loop = loop

    def read(self, timeout: float | None = None) -> Samples | None:
        self._loop._starting.wait(5.0)
        if self._loop._leak is None:
            # Audio here is as fast as it is read: give a sink starting on another thread the moment a
            # real card would give it, so what it plays is not heard late.
            time.sleep(0.0005)
        return self._loop._read()

    def drain(self) -> None:
        """Nothing is queued: the room is heard as it is read."""

    def close(self) -> None:
        self._loop.position = self._loop.room.size


def _convolve(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Full linear convolution through the FFT: the sink must start as quickly as a sound card would."""
    size = a.size + b.size - 1
    n = 1 << (size - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(a, n) * np.fft.rfft(b, n), n)[:size]


def room_echo(rt60_s: float = 0.3, reverb_db: float = -6.0, seed: int = 0) -> npt.NDArray[np.float64]:
    """A small room's impulse response from the speaker to the microphone: the direct sound, then diffuse
    reflections (decaying noise) whose energy is `reverb_db` against it, dying away by 60 dB in `rt60_s`."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(rt60_s * SAMPLE_RATE)) / SAMPLE_RATE
    tail = rng.standard_normal(t.size) * np.exp(-6.9 * t / rt60_s)  # 6.9 = ln(1000): -60 dB at rt60
    tail[: SAMPLE_RATE // 400] = 0.0  # the first reflection arrives ~2.5 ms after the direct sound
    tail *= 10 ** (reverb_db / 20) / np.sqrt(np.sum(tail**2))
    tail[0] = 1.0
    return tail


def room_with(voice: Samples | None, at_s: float, seconds: float, seed: int = 0) -> Samples:
    """A quiet room of `seconds`, with `voice` (someone speaking) starting at `at_s`."""
    room = dithered_silence(seconds, level=30.0, seed=seed)
    if voice is not None:
        start = int(at_s * SAMPLE_RATE)
        room[start:start + voice.size] += voice[: room.size - start]
    return room
