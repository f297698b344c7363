"""Time as an argument: flows and timers take a Clock so tests can drive them without waiting."""

from __future__ import annotations

import time
from datetime import datetime
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
