"""A microphone that can be unplugged: when the device fails, say so, retry every few seconds, and carry
on when it is back, without restarting Togetherly."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import numpy as np

from assistant.audio.samples import Samples
from assistant.audio.sources import AudioSource
from assistant.clock import Clock
from assistant.errors import AudioDeviceError

RETRY_S = 3.0


class ReconnectingSource:
    """An AudioSource over `open_source`, reopened after an AudioDeviceError.

    While the device is down, `read(timeout)` returns empty blocks once `timeout` has passed, so a
    deadline (a hug's end) is kept even with no microphone.
    """

    def __init__(self, first: AudioSource, open_source: Callable[[], AudioSource], clock: Clock,
                 report: Callable[[str], None], retry_s: float = RETRY_S) -> None:
        self._source: AudioSource | None = first
        self._open = open_source
        self._clock = clock
        self._report = report
        self._retry_s = retry_s
        self._next_try = 0.0

    def read(self, timeout: float | None = None) -> Samples | None:
        waited = 0.0
        while True:
            if self._source is None:
                now = self._clock.monotonic()
                if now >= self._next_try:
                    self._reopen()
                    continue
                pause = self._next_try - now
                if timeout is not None and waited + pause >= timeout:
                    self._clock.sleep(max(0.0, timeout - waited))
                    return np.zeros(0, dtype=np.int16)
                self._clock.sleep(pause)
                waited += pause
                continue
            try:
                return self._source.read(timeout)
            except AudioDeviceError as exc:
                self._lost(exc)

    def _lost(self, exc: AudioDeviceError) -> None:
        if self._source is not None:
            with contextlib.suppress(Exception):  # a vanished device may fail to close too
                self._source.close()
        self._source = None
        self._next_try = self._clock.monotonic() + self._retry_s
        self._report(f"The microphone stopped working ({exc}). Trying again every {self._retry_s:.0f} s; "
                     "nothing is lost.")

    def _reopen(self) -> None:
        try:
            self._source = self._open()
        except AudioDeviceError:
            self._next_try = self._clock.monotonic() + self._retry_s
            return
        self._report("The microphone is back.")

    def drain(self) -> None:
        if self._source is not None:
            self._source.drain()

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
