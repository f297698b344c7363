"""Timers follow the monotonic clock: a wall clock set back or forward mid-hug changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from assistant.clock import ManualClock
from tests.support.harness import run_assistant


class JumpingWallClock(ManualClock):
    """Monotonic time as usual; the wall clock jumps by `jump` once the hug has started (NTP, DST, a user)."""

    def __init__(self, jump: timedelta) -> None:
        super().__init__(datetime(2026, 3, 29, 1, 59).astimezone())
        self.jump = jump
        self.calls = 0

    def now(self) -> datetime:
        self.calls += 1
        return super().now() + (self.jump if self.calls > 1 else timedelta(0))


def test_a_wall_clock_jump_does_not_move_the_end_of_a_hug(tmp_path: Path) -> None:
    for jump in (timedelta(hours=-1), timedelta(hours=3)):
        clock = JumpingWallClock(jump)
        start = clock.monotonic()
        # the blank line: nothing said until the hug's deadline (the ManualClock moves there)
        s = run_assistant(tmp_path / str(jump.total_seconds()), ["hug for twenty seconds", ""], clock=clock)
        assert s.lines.count("(soft chime: hug end)") == 1, "one chime, soft: it is the middle of the night"
        assert clock.monotonic() - start == 20.0
        [hug] = s.store.load().rituals.hugs
        assert hug.completed and hug.seconds == 20
