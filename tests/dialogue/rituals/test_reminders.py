"""The couple's time, offered once, as scripts on a ManualClock: at its time, never after a ritual that evening,
never in quiet hours, never twice or replayed after a restart; "not on Fridays", "stop reminding us", and
`setup --ritual-time`."""

from __future__ import annotations

import functools
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import yaml

from assistant.clock import ManualClock
from assistant.config import Settings, load_settings, save_settings
from assistant.notes.models import CheckInNote
from tests.support.harness import CONVERSATION_SETTINGS, Session, run_assistant

THURSDAY_8PM = datetime(2026, 1, 15, 20, 0).astimezone()


def evening(tmp_path: Path, script: list[str], *, at: datetime = THURSDAY_8PM,
            settings: Settings | None = None) -> tuple[Session, ManualClock]:
    """A session whose settings are kept in tmp_path's config.yaml and read back from it, as the command does."""
    clock = ManualClock(at)
    kept = tmp_path / "config.yaml"
    start = load_settings(tmp_path) if kept.exists() else (settings or CONVERSATION_SETTINGS)
    s = run_assistant(tmp_path, script, clock=clock, settings=start,
                      settings_keeper=functools.partial(save_settings, tmp_path))
    return s, clock


def test_offered_once_at_its_time_and_yes_starts_the_check_in(tmp_path: Path) -> None:
    s, clock = evening(tmp_path, ["remind us to check in at nine", "", "yes", "a walk", "", "the rain", "",
                                  "", "goodbye"])
    assert s.count("reminders.set", time="9 o'clock") == 1
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 1
    assert clock.now().hour == 21, "the blank line waited until nine, not longer"
    [note] = s.store.load().notes
    assert isinstance(note, CheckInNote) and note.partners[0].high == "a walk"
    assert load_settings(tmp_path).ritual_offered_on == clock.now().date()
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 1


def test_silence_means_no_and_it_does_not_ask_again_that_evening(tmp_path: Path) -> None:
    # Blank lines: the wait until nine thirty, the silence after the offer, the wait until Friday's.
    s, clock = evening(tmp_path, ["every evening at nine thirty", "", "", "", "", "goodbye"])
    offers = [i for i, line in enumerate(s.lines) if line in s.variants("reminders.offer_checkin", time="9:30")]
    assert len(offers) == 2 and offers[1] == offers[0] + 1, "silence is a no: no reprompt, nothing said until Friday"
    assert s.count("core.offer_declined") == 0
    assert clock.now().strftime("%A %H:%M") == "Friday 21:30"


def test_not_offered_after_a_ritual_that_evening(tmp_path: Path) -> None:
    s, _ = evening(tmp_path, ["remind us to check in at nine", "hug for twenty seconds", "", "goodbye"])
    assert s.store.load().rituals.hugs[0].completed
    s2, clock = evening(tmp_path, ["", "goodbye"], at=THURSDAY_8PM.replace(hour=20, minute=30))
    assert s2.count("reminders.offer_checkin", time="9 o'clock") == 1
    assert clock.now().strftime("%A %H:%M") == "Friday 21:00", "they hugged on Thursday: first offered on Friday"


def test_a_restart_neither_asks_twice_nor_replays_a_missed_time(tmp_path: Path) -> None:
    evening(tmp_path, ["remind us to check in at nine", "", "no", "goodbye"])
    s, _ = evening(tmp_path, ["goodbye"], at=THURSDAY_8PM.replace(hour=21, minute=5))
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 0, "offered already tonight"
    save_settings(tmp_path, load_settings(tmp_path).model_copy(update={"ritual_offered_on": None}))
    late, _ = evening(tmp_path, ["goodbye"], at=THURSDAY_8PM.replace(hour=22, minute=0))
    assert late.count("reminders.offer_checkin", time="9 o'clock") == 0, "an hour late: not replayed"
    soon, _ = evening(tmp_path, ["goodbye"], at=THURSDAY_8PM.replace(hour=21, minute=5))
    assert soon.count("reminders.offer_checkin", time="9 o'clock") == 1, "started five minutes after it: asked"


def test_not_on_fridays_and_stop_reminding_us(tmp_path: Path) -> None:
    s, clock = evening(tmp_path, ["remind us to check in at nine", "not on fridays", "", "", "goodbye"],
                       at=datetime(2026, 1, 16, 20, 0).astimezone())  # a Friday
    assert s.count("reminders.day_off", days="Fridays") == 1
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 1
    assert clock.now().strftime("%A") == "Saturday", "Friday was skipped"
    s, clock = evening(tmp_path, ["stop reminding us", "", "goodbye"])
    assert s.count("reminders.stopped") == 1 and load_settings(tmp_path).ritual_time is None
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 0 and clock.now() == THURSDAY_8PM


def test_never_in_quiet_hours(tmp_path: Path) -> None:
    settings = CONVERSATION_SETTINGS.model_copy(update={"quiet_hours": "20:30-07:00", "ritual_time": "21:00"})
    s, clock = evening(tmp_path, ["", "goodbye"], settings=settings)
    assert s.count("reminders.offer_checkin", time="9 o'clock") == 0
    assert clock.now().strftime("%H:%M") == "21:00", "its time came, in quiet hours: nothing was said"


def test_a_time_not_heard_is_asked_for_and_setup_sets_one(tmp_path: Path) -> None:
    s, _ = evening(tmp_path, ["remind us to check in", "half past eight", "goodbye"])
    assert s.count("reminders.ask_time") == 1 and s.count("reminders.set", time="8:30") == 1
    assert load_settings(tmp_path).ritual_time == "20:30"
    result = subprocess.run([sys.executable, "-m", "assistant", "setup", "--data-dir", str(tmp_path),
                             "--ritual-time", "21:15"], capture_output=True, text=True, check=True)
    assert "check-in offered at 21:15" in result.stdout
    assert yaml.safe_load((tmp_path / "config.yaml").read_text())["ritual_time"] == "21:15"
    bad = subprocess.run([sys.executable, "-m", "assistant", "setup", "--data-dir", str(tmp_path),
                          "--ritual-time", "9pm"], capture_output=True, text=True)
    assert bad.returncode != 0 and "the ritual time must be a time of day like 21:00" in bad.stderr
