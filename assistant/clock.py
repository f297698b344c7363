"""Time as an argument: flows and timers take a Clock so tests can drive them without waiting."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never jumps (for deadlines and durations)."""

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime:
        """Local wall-clock time, timezone-aware (for timestamps on notes)."""


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now().astimezone()


class ManualClock:
    """A clock that moves only when told (or when slept on), for deterministic tests and soak runs."""

    def __init__(self, start: datetime | None = None) -> None:
        self._t = 1000.0
        self._start = start or datetime(2026, 1, 15, 21, 0).astimezone()

    def monotonic(self) -> float:
        return self._t

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._t += max(0.0, seconds)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._t - 1000.0)


def local_day(moment: datetime) -> date:
    """The calendar day a timestamp falls on, in local time (naive timestamps are taken as local)."""
    return moment.astimezone().date() if moment.tzinfo is not None else moment.date()
