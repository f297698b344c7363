"""Countdowns kept as deadlines on a monotonic clock: no chained sleeps, so no drift.

A `Countdown` stores the moment it ends, not the time left; pausing stores what remains and resuming
sets a new deadline from it. A `Schedule` places every cue of a repeating pattern at its own offset
from one start, so a late cue (speech that ran long) never pushes the later ones back.

Why deadlines in the listener rather than a timer thread: flows wait for the deadline *while
listening* (`Conversation.wait_until`), and the listener checks the clock on every 20 ms audio frame
and wakes from its read at the deadline, dropping an utterance in progress. That fires the end cue
within a frame of the target on the real clock, while one thread owns the speaker and the
microphone, and with a ManualClock the same code is exactly on target and deterministic in tests
(a thread racing the listener would be neither).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.clock import Clock


class Countdown:
    """A timer of `seconds` on `clock`: start, pause, resume, extend, and what is left."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        if seconds <= 0:
            raise ValueError("a countdown needs a positive length")
        self.clock = clock
        self.planned = float(seconds)
        """Total length asked for, including extensions."""
        self.started_at: float | None = None
        self.deadline: float | None = None
        """When it ends on the monotonic clock; None before start and while paused."""
        self._left_when_paused: float | None = None

    def start(self) -> Countdown:
        self.started_at = self.clock.monotonic()
        self.deadline = self.started_at + self.planned
        return self

    @property
    def paused(self) -> bool:
        return self._left_when_paused is not None

    def pause(self) -> None:
        if self.deadline is not None:
            self._left_when_paused = max(0.0, self.deadline - self.clock.monotonic())
            self.deadline = None

    def resume(self) -> None:
        if self._left_when_paused is not None:
            self.deadline = self.clock.monotonic() + self._left_when_paused
            self._left_when_paused = None

    def extend(self, seconds: float) -> None:
        self.planned += seconds
        if self._left_when_paused is not None:
            self._left_when_paused += seconds
        elif self.deadline is not None:
            self.deadline += seconds

    def remaining(self) -> float:
        if self._left_when_paused is not None:
            return self._left_when_paused
        if self.deadline is None:
            return self.planned
        return max(0.0, self.deadline - self.clock.monotonic())

    def done(self) -> bool:
        return self.deadline is not None and self.clock.monotonic() >= self.deadline

    def elapsed(self) -> float:
        """Seconds since start (pauses included: it is how long the couple spent)."""
        return 0.0 if self.started_at is None else self.clock.monotonic() - self.started_at


@dataclass(frozen=True)
class Cue:
    name: str
    due: float
    """Monotonic time the cue is meant for."""


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float


def schedule(start: float, phases: Sequence[Phase], rounds: int) -> list[Cue]:
    """Every cue of `rounds` repetitions of `phases`, each due at its offset from `start`."""
    cues: list[Cue] = []
    offset = 0.0
    for _ in range(rounds):
        for phase in phases:
            cues.append(Cue(phase.name, start + offset))
            offset += phase.seconds
    return cues


def whole_seconds_left(remaining: float) -> int:
    """Remaining time as people count it: 12.2 s left is "13 seconds", never "0" before the end."""
    whole = int(remaining)
    return whole + 1 if remaining > whole else max(whole, 0)


__all__ = ["Countdown", "Cue", "Phase", "schedule", "whole_seconds_left"]
