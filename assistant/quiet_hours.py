"""When Togetherly keeps quiet: the couple's quiet hours ("23:00-07:00"), and "be quiet for tonight".

In quiet hours nothing is said unprompted (no offers, no reminders, no spoken problems), replies come at
night volume and chimes are softer. A problem found then is logged and said at the next addressed exchange.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
"""A time of day as config.yaml and `setup` write it: "21:00"."""
HOURS_PATTERN = r"^(|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$"
"""Quiet hours as "23:00-07:00" (they may cross midnight); empty: none."""


def clock_time(text: str) -> time:
    """"21:00" as a time of day; ValueError for anything else."""
    found = _CLOCK.match(text.strip())
    if found is None:
        raise ValueError(f"{text!r} is not a time of day like 21:00")
    return time(int(found[1]), int(found[2]))


def next_at(moment: datetime, at: time) -> datetime:
    """The first time after `moment` that the clock shows `at` (today, or tomorrow)."""
    candidate = moment.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return candidate if candidate > moment else candidate + timedelta(days=1)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """"23:00-07:00" as quiet hours; None for "" (none)."""
        if not text.strip():
            return None
        start, _, end = text.partition("-")
        return cls(clock_time(start), clock_time(end))

    def holds(self, moment: datetime) -> bool:
        now = moment.time().replace(second=0, microsecond=0, tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # across midnight

    def morning_after(self, moment: datetime) -> datetime:
        """When the quiet hours that hold at (or come next after) `moment` end."""
        return next_at(moment, self.end)


MORNING = time(7, 0)
"""Where no quiet hours are set, "be quiet for tonight" lasts until seven."""


def quiet_until_morning(moment: datetime, hours: QuietHours | None) -> datetime:
    """"Be quiet for tonight", "good night, Togetherly": nothing unprompted until the morning."""
    return hours.morning_after(moment) if hours is not None else next_at(moment, MORNING)
